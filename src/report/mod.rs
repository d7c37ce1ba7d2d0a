//! Output formats. One file per format; each turns the library's results into text and
//! knows nothing of how they were found.

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod table;

/// Formats of `techpolicy check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics with the source line, the reason, the alternative and the decision.
    Human,
    /// The stable JSON document described in the README.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the offending lines.
    Github,
    /// A report for people, used as a job summary or pull-request comment.
    Markdown,
}

/// Formats of `techpolicy inventory`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InventoryFormat {
    /// Aligned columns, one dependency per line.
    Table,
    /// The stable JSON document described in the README.
    Json,
}
