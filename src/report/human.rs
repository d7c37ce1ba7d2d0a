//! Diagnostics for people: each finding as a miette report quoting the manifest line, with
//! the reason, the alternative and the decision; then one summary line. The same renderer
//! shows files that could not be parsed, invalid policies and `validate`'s result.

use super::plural;
use crate::diagnostics;
use crate::evaluate::{Finding, Severity};
use crate::lines::{LineIndex, SourceText};
use crate::manifest::{FileError, Span};
use crate::outcome::{CheckOutcome, Validation};
use crate::policy::{IssueSeverity, Policy, PolicyError, PolicyIssue};
use crate::scan::{SkipReason, Skipped};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};
use std::fmt;
use std::sync::Arc;

/// How to draw.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Clickable links (OSC 8) to decisions, for terminals that support them.
    pub links: bool,
    /// Wrap width.
    pub width: usize,
}

impl Style {
    /// Plain text, as in files, pipes and snapshots.
    pub const PLAIN: Style = Style {
        color: false,
        links: false,
        width: 120,
    };

    fn handler(self) -> GraphicalReportHandler {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(self.width);
        // Decision links are written out in the help text; in a terminal that supports it
        // the diagnostic code becomes a link too.
        if self.links {
            handler.with_links(true)
        } else {
            handler.with_urls(false)
        }
    }
}

/// Every finding, then the summary line.
pub fn render_check(outcome: &CheckOutcome, style: Style) -> String {
    let handler = style.handler();
    let mut out = String::new();
    for finding in &outcome.findings {
        // A line too long to quote is named instead (the renderer cannot draw it anyway).
        let source = outcome
            .scan
            .sources
            .get(&finding.file)
            .filter(|source| quotable(&source.text, &source.lines, finding.span))
            .map(|source| Excerpt::around(&finding.file, source, finding.span));
        let diagnostic = FindingDiagnostic { finding, source };
        render(&handler, &diagnostic, &mut out);
    }
    out.push_str(&summary_line(outcome));
    out.push_str(&policy_changes(outcome));
    out.push('\n');
    out
}

/// Files that could not be read or parsed.
pub fn render_file_errors(
    errors: &[FileError],
    sources: &std::collections::BTreeMap<String, SourceText>,
    style: Style,
) -> String {
    let handler = style.handler();
    let mut out = String::new();
    for error in errors {
        // A line too long to quote is named instead (the renderer cannot draw it anyway).
        let source = sources.get(&error.file).filter(|source| {
            error
                .span
                .is_some_and(|span| quotable(&source.text, &source.lines, span))
        });
        let location = match (&source, error.line, error.column) {
            (None, Some(line), Some(column)) => format!(" (line {line}, column {column})"),
            _ => String::new(),
        };
        let diagnostic = SourceDiagnostic {
            labels: match &source {
                Some(_) => error
                    .span
                    .map(|span| (span, "here".to_string()))
                    .into_iter()
                    .collect(),
                None => Vec::new(),
            },
            source: source.and_then(|source| {
                let span = error.span?;
                Some(Excerpt::around(&error.file, source, span))
            }),
            ..SourceDiagnostic::plain(
                format!("cannot parse {}: {}{location}", error.file, error.message),
                &diagnostics::qualified(diagnostics::UNREADABLE_FILE),
            )
        };
        render(&handler, &diagnostic, &mut out);
    }
    out
}

/// Named files that were not read because techpolicy reads no file of that name: one warning
/// naming them all. Files the policy excludes are left out: they are skipped on purpose, and
/// pre-commit names every staged file, so listing them would be noise (JSON lists them).
pub fn render_skipped(skipped: &[Skipped], style: Style) -> String {
    let files: Vec<&str> = skipped
        .iter()
        .filter(|s| s.reason == SkipReason::NotAManifest)
        .map(|s| s.file.as_str())
        .collect();
    let message = match files.as_slice() {
        [] => return String::new(),
        [one] => format!("skipped {one}: {}", SkipReason::NotAManifest.as_str()),
        // One file a line: a list of paths wrapped as prose would break them at hyphens.
        many => {
            let mut message = format!(
                "skipped {} files: not manifests techpolicy reads",
                many.len()
            );
            for file in many {
                message.push_str("\n  ");
                message.push_str(file);
            }
            message
        }
    };
    let diagnostic = SourceDiagnostic {
        severity: miette::Severity::Warning,
        help: Some(format!(
            "techpolicy reads {} manifests by their file names: see `What is scanned` in the README",
            crate::ecosystem::list_in_prose(|rules| rules.display_name())
        )),
        ..SourceDiagnostic::plain(message, &diagnostics::qualified(diagnostics::SKIPPED_FILE))
    };
    rendered(&style.handler(), &diagnostic)
}

/// Why no policy could be used.
pub fn render_policy_error(error: &PolicyError, style: Style) -> String {
    match error {
        PolicyError::Invalid { path, issues } => {
            let mut out = render_policy_issues(issues, style);
            out.push_str(&format!(
                "{}: {} error{} in the policy; nothing was checked\n",
                path.display(),
                issues.len(),
                plural(issues.len())
            ));
            out
        }
        PolicyError::NotFound { .. } => {
            let diagnostic = SourceDiagnostic {
                help: Some(
                    "create techpolicy.toml at the repository root (`techpolicy init` writes a starter), or pass --policy FILE"
                        .into(),
                ),
                ..SourceDiagnostic::plain(error.to_string(), &diagnostics::qualified(diagnostics::NO_POLICY))
            };
            rendered(&style.handler(), &diagnostic)
        }
        PolicyError::Unreadable { .. } => rendered(
            &style.handler(),
            &SourceDiagnostic::plain(
                error.to_string(),
                &diagnostics::qualified(diagnostics::UNREADABLE_POLICY),
            ),
        ),
    }
}

/// Problems in the policy, each at its line, with the other lines involved.
pub fn render_policy_issues(issues: &[PolicyIssue], style: Style) -> String {
    let handler = style.handler();
    let mut out = String::new();
    for issue in issues {
        render(&handler, &issue_diagnostic(issue), &mut out);
    }
    out
}

/// `techpolicy validate`: the policy's problems on the repository, then what the policy holds
/// and how many errors and warnings it has.
pub fn render_validation(policy: &Policy, validation: &Validation, style: Style) -> String {
    let errors = validation.errors();
    let warnings = validation.issues.len() - errors;
    let mut text = render_policy_issues(&validation.issues, style);
    text.push_str(&format!(
        "{}: {} decision{}, {} technolog{}, {} exception{} in {} file{}: {errors} error{}, {warnings} warning{}\n",
        policy.path.display(),
        policy.decisions.len(),
        plural(policy.decisions.len()),
        policy.technologies.len(),
        if policy.technologies.len() == 1 { "y" } else { "ies" },
        policy.exceptions.len(),
        plural(policy.exceptions.len()),
        policy.files.len(),
        plural(policy.files.len()),
        plural(errors),
        plural(warnings),
    ));
    text
}

fn issue_diagnostic(issue: &PolicyIssue) -> SourceDiagnostic {
    let severity = match issue.severity {
        IssueSeverity::Error => miette::Severity::Error,
        IssueSeverity::Warning => miette::Severity::Warning,
    };
    let mut diagnostic = SourceDiagnostic {
        severity,
        help: issue.help.clone(),
        ..SourceDiagnostic::plain(issue.message.clone(), &diagnostics::qualified(issue.code))
    };
    if let Some((file, span, _)) = &issue.at {
        // A line too long to quote is named instead (the renderer cannot draw it anyway).
        if !quotable(&file.text, &file.lines, *span) {
            let line = issue.line().unwrap_or(1);
            diagnostic.message = format!("{} (at {}:{line})", issue.message, file.path.display());
            return diagnostic;
        }
    }
    if let Some((file, span, label)) = &issue.at {
        diagnostic.labels.push((*span, label.clone()));
        for (other, span, label) in &issue.also {
            if Arc::ptr_eq(other, file) {
                diagnostic.labels.push((*span, label.clone()));
            } else {
                diagnostic.related.push(SourceDiagnostic {
                    severity: miette::Severity::Advice,
                    source: Some(Excerpt::covering(
                        &other.path.display().to_string(),
                        &other.text,
                        &other.lines,
                        &[*span],
                    )),
                    labels: vec![(*span, label.clone())],
                    ..SourceDiagnostic::plain(format!("see {}", other.path.display()), "")
                });
            }
        }
        let spans: Vec<Span> = diagnostic.labels.iter().map(|(span, _)| *span).collect();
        diagnostic.source = Some(Excerpt::covering(
            &file.path.display().to_string(),
            &file.text,
            &file.lines,
            &spans,
        ));
    }
    diagnostic
}

/// With `--policy-from`: what the working tree's policy would change, apart from the
/// findings, so that reviewers see a pull request that loosens its own check.
fn policy_changes(outcome: &CheckOutcome) -> String {
    if outcome.policy_changes.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\npolicy changes in the working tree, not applied (this check used the policy from the given revision):\n",
    );
    for change in &outcome.policy_changes {
        let marker = if change.loosens { "loosens" } else { "changes" };
        out.push_str(&format!("  {marker}: {}\n", change.message));
    }
    out
}

/// Only the closing line (`--quiet`).
pub fn render_summary(outcome: &CheckOutcome) -> String {
    let mut line = summary_line(outcome);
    line.push('\n');
    line
}

fn summary_line(outcome: &CheckOutcome) -> String {
    let s = &outcome.summary;
    let mut line = format!(
        "checked {} file{} ({} dependenc{}, {} locked package{}): {} error{}, {} warning{}",
        s.files,
        plural(s.files),
        s.dependencies,
        if s.dependencies == 1 { "y" } else { "ies" },
        s.locked_packages,
        plural(s.locked_packages),
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
    );
    if s.unreadable_files > 0 {
        line.push_str(&format!(
            "; {} file{} could not be read or parsed",
            s.unreadable_files,
            plural(s.unreadable_files)
        ));
    }
    line
}

fn rendered(handler: &GraphicalReportHandler, diagnostic: &dyn Diagnostic) -> String {
    let mut out = String::new();
    render(handler, diagnostic, &mut out);
    out
}

fn render(handler: &GraphicalReportHandler, diagnostic: &dyn Diagnostic, out: &mut String) {
    let mut text = String::new();
    if handler.render_report(&mut text, diagnostic).is_err() {
        text = format!("{diagnostic}\n");
    }
    out.push_str(&text);
    if !text.ends_with("\n\n") {
        out.push('\n');
    }
}

/// The longest line quoted in a diagnostic; longer ones are named by line and column instead.
const MAX_QUOTED_LINE: usize = 1_000;

/// Whether the lines around `span` are short enough to quote.
fn quotable(text: &str, lines: &LineIndex, span: Span) -> bool {
    let (start, end) = bounds(text, span);
    let line_start = lines.line_range(text, lines.line(start)).start;
    let line_end = lines.line_range(text, lines.line(end)).end;
    line_end - line_start <= MAX_QUOTED_LINE
}

/// A span's start and end, clamped to the text.
fn bounds(text: &str, span: Span) -> (usize, usize) {
    let start = span.offset.min(text.len());
    let end = span.offset.saturating_add(span.len).min(text.len());
    (start, end)
}

/// The lines around one span of a file, for miette to quote with the file's own line numbers.
///
/// miette finds a span's line by reading the source from its first byte, once per diagnostic:
/// on a lockfile of tens of megabytes with a few dozen findings that reading took longer than
/// the whole check. An excerpt hands it only the lines it draws.
struct Excerpt {
    text: Arc<str>,
    /// Byte range of the excerpt in `text`: whole lines.
    range: std::ops::Range<usize>,
    /// 0-based line number of the excerpt's first line in the file.
    first_line: usize,
}

impl Excerpt {
    /// Lines of context quoted on either side of a span; at least the renderer's (one).
    const CONTEXT_LINES: usize = 2;

    /// The excerpt around `span` in `source`, named `name`.
    fn around(name: &str, source: &SourceText, span: Span) -> NamedSource<Excerpt> {
        Self::covering(name, &source.text, &source.lines, &[span])
    }

    /// The whole lines from CONTEXT_LINES before the first of `spans` to CONTEXT_LINES after
    /// the last, found through the file's line index: never by reading from a span back to
    /// its line's start, which on a file written on one line costs the whole line per finding.
    fn covering(
        name: &str,
        text: &Arc<str>,
        lines: &LineIndex,
        spans: &[Span],
    ) -> NamedSource<Excerpt> {
        let first = spans
            .iter()
            .map(|&span| lines.line(bounds(text, span).0))
            .min()
            .unwrap_or(1);
        let last = spans
            .iter()
            .map(|&span| lines.line(bounds(text, span).1))
            .max()
            .unwrap_or(1);
        let from_line = first.saturating_sub(Self::CONTEXT_LINES).max(1);
        let from = lines.line_range(text, from_line).start;
        // Past the line break of the last span's line, then CONTEXT_LINES more lines.
        let mut to = text.len();
        for line in last..=last + Self::CONTEXT_LINES {
            let range = lines.line_range(text, line);
            if range.end >= text.len() {
                to = text.len();
                break;
            }
            to = range.end + 1;
        }
        NamedSource::new(
            name,
            Excerpt {
                text: text.clone(),
                range: from..to,
                first_line: from_line - 1,
            },
        )
    }
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let local = span
            .offset()
            .checked_sub(self.range.start)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let excerpt = self
            .text
            .get(self.range.clone())
            .ok_or(miette::MietteError::OutOfBounds)?;
        let contents = excerpt.read_span(
            &SourceSpan::new(local.into(), span.len()),
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(miette::MietteSpanContents::new(
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + self.range.start).into(),
                contents.span().len(),
            ),
            contents.line() + self.first_line,
            contents.column(),
            contents.line_count(),
        )))
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new(span.offset.into(), span.len)
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<Excerpt>>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("finding", self.finding)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)?;
        if self.source.is_none() {
            write!(
                f,
                " (at {}:{}:{})",
                self.finding.file, self.finding.line, self.finding.column
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(diagnostics::qualified(
            self.finding.status.as_str(),
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let f = self.finding;
        let mut lines = Vec::new();
        if let Some(reason) = &f.reason {
            lines.push(reason.clone());
        }
        if let Some(instead) = &f.use_instead {
            lines.push(format!("use instead: {instead}"));
        }
        if !f.via.is_empty() {
            lines.push(format!(
                "introduced by: {} → {}",
                f.via.join(" → "),
                f.package
            ));
        }
        if let Some(exception) = &f.exception {
            let state = if exception.active {
                "expires"
            } else {
                "expired"
            };
            lines.push(format!(
                "exception: granted by {} to {}, {state} {}",
                exception.decision, exception.owner, exception.expires
            ));
        }
        match (&f.decision, &f.technology) {
            (Some(decision), _) => {
                lines.push(format!("decision: {} \"{}\"", decision.id, decision.title));
                // On a line of its own so that wrapping never splits the link.
                if let Some(url) = &decision.url {
                    lines.push(format!("see: {url}"));
                }
            }
            (None, Some(technology)) => lines.push(format!(
                "rule: technology \"{technology}\" matches `{}`",
                f.rule.as_deref().unwrap_or_default()
            )),
            (None, None) => lines.push(
                "classify it in the policy: add it to an approved technology, or deprecate or ban it".to_string(),
            ),
        }
        if let Some(policy) = &f.policy {
            lines.push(format!("policy: {policy}"));
        }
        Some(Box::new(lines.join("\n")))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let url = self.finding.decision.as_ref()?.url.as_ref()?;
        Some(Box::new(url))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let f = self.finding;
        let mut label = match (&f.decision, &f.exception) {
            (_, Some(exception)) if exception.active => {
                format!("{}, allowed by {}", f.status, exception.decision)
            }
            (Some(decision), _) => format!("{} by {}", f.status, decision.id),
            (None, _) => f.status.to_string(),
        };
        if !f.direct {
            label.push_str(" (transitive dependency)");
        }
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            source_span(f.span),
        ))))
    }
}

/// A diagnostic about a file (a manifest or the policy) with labelled spans, and related
/// diagnostics for lines in other files.
struct SourceDiagnostic {
    message: String,
    /// Empty for related notes, which have none.
    code: String,
    severity: miette::Severity,
    source: Option<NamedSource<Excerpt>>,
    labels: Vec<(Span, String)>,
    help: Option<String>,
    related: Vec<SourceDiagnostic>,
}

impl SourceDiagnostic {
    fn plain(message: String, code: &str) -> SourceDiagnostic {
        SourceDiagnostic {
            message,
            code: code.to_string(),
            severity: miette::Severity::Error,
            source: None,
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
        }
    }
}

impl fmt::Debug for SourceDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for SourceDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceDiagnostic {}

impl Diagnostic for SourceDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().map(|(span, label)| {
            LabeledSpan::new_with_span(Some(label.clone()), source_span(*span))
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A diagnostic with one label, over whichever source it is given.
    #[derive(Debug)]
    struct Labelled<S: miette::SourceCode + fmt::Debug>(S, Span);

    impl<S: miette::SourceCode + fmt::Debug> fmt::Display for Labelled<S> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("message")
        }
    }

    impl<S: miette::SourceCode + fmt::Debug> std::error::Error for Labelled<S> {}

    impl<S: miette::SourceCode + fmt::Debug> Diagnostic for Labelled<S> {
        fn source_code(&self) -> Option<&dyn miette::SourceCode> {
            Some(&self.0)
        }

        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
                Some("here".into()),
                source_span(self.1),
            ))))
        }
    }

    fn draw(diagnostic: &dyn Diagnostic) -> String {
        let mut out = String::new();
        render(&Style::PLAIN.handler(), diagnostic, &mut out);
        out
    }

    #[test]
    fn skipped_files_are_named_unless_excluded() {
        let skipped = |files: &[(&str, SkipReason)]| -> Vec<Skipped> {
            files
                .iter()
                .map(|(file, reason)| Skipped {
                    file: file.to_string(),
                    reason: *reason,
                })
                .collect()
        };
        let excluded = skipped(&[("vendor/Dockerfile", SkipReason::Excluded)]);
        assert_eq!(render_skipped(&excluded, Style::PLAIN), "");
        assert_eq!(render_skipped(&[], Style::PLAIN), "");

        let one = skipped(&[
            ("README.md", SkipReason::NotAManifest),
            ("vendor/Dockerfile", SkipReason::Excluded),
        ]);
        let text = render_skipped(&one, Style::PLAIN);
        assert!(
            text.contains("⚠ skipped README.md: not a manifest techpolicy reads"),
            "{text}"
        );
        assert!(text.contains("`What is scanned`"), "{text}");
        assert!(!text.contains("vendor"), "{text}");

        // Several: one warning, a path a line, never broken at a hyphen.
        let long =
            "a-long-directory-name/with-hyphens-in-it/and-more-of-them/docker-compose-notes.md";
        let many = skipped(&[
            ("README.md", SkipReason::NotAManifest),
            (long, SkipReason::NotAManifest),
        ]);
        let text = render_skipped(&many, Style::PLAIN);
        assert_eq!(
            text.matches("techpolicy::skipped-file").count(),
            1,
            "{text}"
        );
        assert!(text.contains("skipped 2 files"), "{text}");
        assert!(text.contains(long), "{text}");
        assert!(
            text.lines().any(|l| l.trim_end().ends_with("README.md")),
            "{text}"
        );
    }

    #[test]
    fn an_excerpt_draws_what_the_whole_file_draws() {
        let text: Arc<str> = Arc::from(
            (1..=40)
                .map(|n| format!("line {n} é {}\n", "x".repeat(n % 7)))
                .collect::<String>()
                + "last line without a newline",
        );
        let source = SourceText::new(text.clone());
        let mut offsets: Vec<usize> = text.match_indices("line").map(|(at, _)| at).collect();
        offsets.push(text.len() - 4);
        // Spans that end at a line break, and one that reaches past the end.
        offsets.extend(text.match_indices('\n').map(|(at, _)| at).take(5));
        for offset in offsets {
            for len in [0, 1, 4, 12, 40] {
                let len = len.min(text.len() - offset);
                let span = Span { offset, len };
                let whole = Labelled(NamedSource::new("file", text.clone()), span);
                let excerpt = Labelled(Excerpt::around("file", &source, span), span);
                assert_eq!(draw(&excerpt), draw(&whole), "offset {offset} len {len}");
            }
        }
    }
}
