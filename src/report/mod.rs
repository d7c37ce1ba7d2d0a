//! Output formats. One file per format; each turns the library's results into text and
//! knows nothing of how they were found.

pub mod human;
pub mod json;
pub mod table;

/// Formats of `techpolicy check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics with the source line, the reason, the alternative and the decision.
    Human,
    /// The stable JSON document described in the README.
    Json,
}

/// Formats of `techpolicy inventory`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InventoryFormat {
    /// Aligned columns, one dependency per line.
    Table,
    /// The stable JSON document described in the README.
    Json,
}
