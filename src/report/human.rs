//! Diagnostics for people: each finding as a miette report quoting the manifest line, with
//! the reason, the alternative and the decision; then one summary line. The same renderer
//! shows files that could not be parsed and invalid policies.

use crate::evaluate::{Finding, Severity};
use crate::manifest::Span;
use crate::policy::{PolicyError, PolicyIssue};
use crate::scan::FileError;
use crate::CheckOutcome;
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
        let source = outcome
            .scan
            .sources
            .get(&finding.file)
            .cloned()
            .unwrap_or_else(|| Arc::from(""));
        let diagnostic = FindingDiagnostic {
            finding,
            source: NamedSource::new(&finding.file, source),
        };
        render(&handler, &diagnostic, &mut out);
    }
    out.push_str(&summary_line(outcome));
    out.push('\n');
    out
}

/// Files that could not be read or parsed.
pub fn render_file_errors(
    errors: &[FileError],
    sources: &std::collections::BTreeMap<String, Arc<str>>,
    style: Style,
) -> String {
    let handler = style.handler();
    let mut out = String::new();
    for error in errors {
        let source = sources.get(&error.file).cloned();
        let diagnostic = SourceDiagnostic {
            message: format!("cannot parse {}: {}", error.file, error.message),
            code: "techpolicy::unreadable-file",
            severity: miette::Severity::Error,
            source: source.map(|text| NamedSource::new(&error.file, text)),
            label: error.span.map(|span| (span, "here".to_string())),
            help: None,
        };
        render(&handler, &diagnostic, &mut out);
    }
    out
}

/// Why no policy could be used.
pub fn render_policy_error(error: &PolicyError, style: Style) -> String {
    let handler = style.handler();
    let mut out = String::new();
    match error {
        PolicyError::Invalid {
            path,
            source,
            issues,
        } => {
            let name = path.display().to_string();
            for issue in issues {
                let PolicyIssue {
                    message,
                    span,
                    label,
                    help,
                } = issue;
                let diagnostic = SourceDiagnostic {
                    message: message.clone(),
                    code: "techpolicy::invalid-policy",
                    severity: miette::Severity::Error,
                    source: Some(NamedSource::new(&name, source.clone())),
                    label: span.map(|span| (span, label.clone())),
                    help: help.clone(),
                };
                render(&handler, &diagnostic, &mut out);
            }
            out.push_str(&format!(
                "{name}: {} error{} in the policy; nothing was checked\n",
                issues.len(),
                plural(issues.len())
            ));
        }
        PolicyError::NotFound { .. } => {
            let diagnostic = SourceDiagnostic {
                message: error.to_string(),
                code: "techpolicy::no-policy",
                severity: miette::Severity::Error,
                source: None,
                label: None,
                help: Some(
                    "create techpolicy.toml at the repository root (policies/example.toml is a starting point), or pass --policy FILE"
                        .into(),
                ),
            };
            render(&handler, &diagnostic, &mut out);
        }
        PolicyError::Unreadable { .. } => {
            let diagnostic = SourceDiagnostic {
                message: error.to_string(),
                code: "techpolicy::unreadable-policy",
                severity: miette::Severity::Error,
                source: None,
                label: None,
                help: None,
            };
            render(&handler, &diagnostic, &mut out);
        }
    }
    out
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

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
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

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new(span.offset.into(), span.len)
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: NamedSource<Arc<str>>,
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
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("techpolicy::{}", self.finding.status)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
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
        match &f.decision {
            Some(decision) => {
                lines.push(format!("decision: {} \"{}\"", decision.id, decision.title));
                // On a line of its own so that wrapping never splits the link.
                if let Some(url) = &decision.url {
                    lines.push(format!("see: {url}"));
                }
            }
            None => lines.push(format!(
                "rule: technology \"{}\" matches `{}`",
                f.technology, f.rule
            )),
        }
        Some(Box::new(lines.join("\n")))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let url = self.finding.decision.as_ref()?.url.as_ref()?;
        Some(Box::new(url))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let by = match &f.decision {
            Some(decision) => format!("{} by {}", f.status, decision.id),
            None => format!("{}", f.status),
        };
        let label = if f.direct {
            by
        } else {
            format!("{by} (transitive dependency)")
        };
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            source_span(f.span),
        ))))
    }
}

/// A diagnostic about a file (a manifest or the policy) with an optional labelled span.
struct SourceDiagnostic {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    source: Option<NamedSource<Arc<str>>>,
    label: Option<(Span, String)>,
    help: Option<String>,
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
        Some(Box::new(self.code))
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
        let (span, label) = self.label.as_ref()?;
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label.clone()),
            source_span(*span),
        ))))
    }
}
