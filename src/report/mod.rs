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

use crate::evaluate::{display_path, Finding};
use crate::lines::SourceText;
use crate::outcome::CheckOutcome;
use crate::policy::PolicyIssue;
use std::path::Path;

/// A path relative to the scanned directory, made relative to the top of the repository, as
/// code hosts name files.
pub(crate) fn repo_path(outcome: &CheckOutcome, file: &str) -> String {
    format!("{}{}", outcome.scan.repo_prefix, file.replace('\\', "/"))
}

/// Where the policy file of an issue is: relative to the top of the repository when it lies
/// inside it (Ok), else as the scan sees it (Err, e.g. `../org/techpolicy.toml`): a code host
/// cannot annotate a file it did not check out.
pub(crate) fn policy_location(
    outcome: &CheckOutcome,
    issue: &PolicyIssue,
) -> Option<Result<String, String>> {
    let (file, _, _) = issue.at.as_ref()?;
    let root = &outcome.scan.root;
    let scan_dir = if root.is_file() {
        root.parent().unwrap_or(Path::new(""))
    } else {
        root.as_path()
    };
    let relative = display_path(&file.path, scan_dir).replace('\\', "/");
    if Path::new(&relative).is_absolute() || relative.starts_with('/') {
        return Some(Err(relative));
    }
    let mut parts: Vec<&str> = outcome
        .scan
        .repo_prefix
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            // Above the top of the repository (or of the scanned directory outside one).
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err(relative));
                }
            }
            part => parts.push(part),
        }
    }
    Some(if parts.is_empty() {
        Err(relative)
    } else {
        Ok(parts.join("/"))
    })
}

/// The exclusive end column of a finding whose span lies on one line, counted in characters
/// as its start column is; None when the source or the span cannot say.
pub(crate) fn end_column(source: Option<&SourceText>, f: &Finding) -> Option<usize> {
    let source = source?;
    let text = &*source.text;
    let start = f.span.offset;
    let covered = text.get(start..start.checked_add(f.span.len)?)?;
    if covered.is_empty() || covered.contains('\n') {
        return None;
    }
    // The reported column must be the span's own start, or the two describe different things.
    let (_, column) = source.line_column(start);
    let covered = covered.trim_end_matches('\r');
    let width = source.lines.char_len(text, start..start + covered.len());
    (column == f.column).then_some(column + width)
}

/// `"s"` unless `count` is one: `1 file`, `2 files`.
pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// Whether a decision's `url` is a web address a report may link to (its `path` otherwise).
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace)
}

/// A URL as a Markdown link target: the characters that would end it early or be read as
/// markup, percent-encoded as a browser would send them anyway.
pub(crate) fn link_target(url: &str) -> String {
    url.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_cannot_end_early_or_open_markup() {
        assert_eq!(
            link_target("https://example.com/a b(c)?q=<1>"),
            "https://example.com/a%20b%28c%29?q=%3C1%3E"
        );
        assert!(is_web_url("HTTPS://example.com/adr/1"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https://example.com/a b"));
        assert!(!is_web_url("docs/adr/0001.md"));
    }
}
