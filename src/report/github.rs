//! GitHub Actions workflow commands: each finding becomes an annotation on its line of the
//! pull request's diff (`::error`, `::warning`, `::notice`), and each policy warning and
//! unreadable file one more. Nothing else is printed: a step's log turns every such line into
//! an annotation, and other text would only add noise.
//!
//! Paths are relative to the top of the repository (the scan's `repo_prefix` in front), as
//! GitHub resolves them against its checkout. Values are escaped as GitHub's own toolkit
//! escapes them, so that a `,` or `:` in a title cannot start a new property and a newline in
//! a message cannot end the command.

use crate::evaluate::{Finding, Severity};
use crate::outcome::CheckOutcome;
use crate::policy::{IssueSeverity, PolicyIssue};

/// `techpolicy check --format github`: one workflow command a line.
pub fn render_check(outcome: &CheckOutcome) -> String {
    let mut out = String::new();
    for finding in &outcome.findings {
        out.push_str(&finding_command(outcome, finding));
        out.push('\n');
    }
    for error in &outcome.scan.errors {
        let mut properties = vec![("file", super::repo_path(outcome, &error.file))];
        if let Some(line) = error.line {
            properties.push(("line", line.max(1).to_string()));
            if let Some(column) = error.column {
                properties.push(("col", column.max(1).to_string()));
            }
        }
        properties.push(("title", "techpolicy: cannot parse file".to_string()));
        out.push_str(&command(
            "error",
            &properties,
            &format!("cannot parse {}: {}", error.file, error.message),
        ));
        out.push('\n');
    }
    for issue in &outcome.policy_issues {
        out.push_str(&issue_command(outcome, issue));
        out.push('\n');
    }
    out
}

fn finding_command(outcome: &CheckOutcome, f: &Finding) -> String {
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut properties = vec![
        ("file", super::repo_path(outcome, &f.file)),
        ("line", f.line.max(1).to_string()),
        ("col", f.column.max(1).to_string()),
    ];
    let source = outcome.scan.sources.get(&f.file);
    if let Some(end) = super::end_column(source, f) {
        properties.push(("endColumn", end.to_string()));
    }
    properties.push(("title", title(f)));
    command(name, &properties, &message(f))
}

/// What the annotation's heading says: the technology and its status.
fn title(f: &Finding) -> String {
    let mut title = match &f.technology {
        Some(technology) => format!("techpolicy: {technology} is {}", f.status),
        None => format!("techpolicy: {} is not in the policy", f.package),
    };
    if let Some(exception) = &f.exception {
        title.push_str(if exception.active {
            " (allowed by exception)"
        } else {
            " (exception expired)"
        });
    }
    title
}

/// The finding's sentence, then the reason, the alternative, the chain that brings it in and
/// the decision with its link, one a line.
fn message(f: &Finding) -> String {
    let mut lines = vec![f.message.clone()];
    if let Some(reason) = &f.reason {
        lines.push(reason.clone());
    }
    if let Some(instead) = &f.use_instead {
        lines.push(format!("use instead: {instead}"));
    }
    if !f.via.is_empty() {
        lines.push(format!("introduced by {}", f.via.join(" → ")));
    }
    match &f.decision {
        Some(decision) => {
            let mut line = format!("decision: {} \"{}\"", decision.id, decision.title);
            if let Some(url) = &decision.url {
                line.push_str(&format!(" {url}"));
            }
            lines.push(line);
        }
        None if f.technology.is_none() => lines.push(
            "classify it in the policy: add it to an approved technology, or deprecate or ban it"
                .to_string(),
        ),
        None => {}
    }
    lines.join("\n")
}

/// A policy warning (overdue review, expired or stale exception), at its line of the policy
/// when the policy lies in the repository.
fn issue_command(outcome: &CheckOutcome, issue: &PolicyIssue) -> String {
    let name = match issue.severity {
        IssueSeverity::Error => "error",
        IssueSeverity::Warning => "warning",
    };
    let mut properties = Vec::new();
    if let Some(path) = super::policy_location(outcome, issue).and_then(Result::ok) {
        properties.push(("file", path));
        if let Some(line) = issue.line() {
            properties.push(("line", line.max(1).to_string()));
        }
    }
    properties.push(("title", format!("techpolicy: policy {}", issue.code)));
    let mut message = issue.message.clone();
    if let Some(help) = &issue.help {
        message.push('\n');
        message.push_str(help);
    }
    command(name, &properties, &message)
}

/// `::NAME key=value,…::data`, every value and the data escaped.
fn command(name: &str, properties: &[(&str, String)], data: &str) -> String {
    let mut line = format!("::{name}");
    for (i, (key, value)) in properties.iter().enumerate() {
        line.push(if i == 0 { ' ' } else { ',' });
        line.push_str(key);
        line.push('=');
        line.push_str(&escape_property(value));
    }
    line.push_str("::");
    line.push_str(&escape_data(data));
    line
}

/// The data (message) of a command: `%` first, so that the escapes added after it stay.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as data, plus `:` (which would end the properties) and `,` (which would
/// start the next one).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100% sure"), "100%25 sure");
        assert_eq!(escape_data("a\r\nb\nc"), "a%0D%0Ab%0Ac");
        // `%` goes first: an input that looks escaped stays literal.
        assert_eq!(escape_data("%0A"), "%250A");
        // Colons and commas are fine in data.
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(
            escape_property("techpolicy: a, b%\n"),
            "techpolicy%3A a%2C b%25%0A"
        );
        assert_eq!(escape_property("%3A"), "%253A");
    }

    #[test]
    fn commands_join_properties_with_commas() {
        assert_eq!(
            command(
                "warning",
                &[("file", "a,b.json".into()), ("title", "x: y".into())],
                "line one\nline two"
            ),
            "::warning file=a%2Cb.json,title=x%3A y::line one%0Aline two"
        );
        assert_eq!(command("notice", &[], "m"), "::notice::m");
    }
}
