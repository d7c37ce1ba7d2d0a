//! A Markdown report for a GitHub job summary or a pull-request comment, read by two
//! audiences: leaders first (the verdict, counts by status, how much of the repository is on
//! approved technologies, what to migrate away from, the decisions and exceptions involved,
//! the policy's own warnings), then engineers (a table of findings per file).
//!
//! GitHub refuses comments over 65,536 characters, so the report keeps within [`BUDGET`]
//! bytes: when the whole would not fit, the per-file detail is cut from the end and a closing
//! line says how much is missing. Everything from the policy or a manifest is escaped, so that
//! a name cannot break a table, start a link or mention a team.

use super::{is_web_url, link_target, plural};
use crate::evaluate::{DecisionRef, Finding, Severity};
use crate::outcome::CheckOutcome;
use crate::policy::{TechStatus, EXPIRY_WARNING_DAYS};
use std::collections::BTreeMap;

/// The most the report may take, in bytes (never fewer than characters): under GitHub's
/// 65,536-character limit for a comment, with room for a wrapper around it.
pub const BUDGET: usize = 65_000;

/// Rows shown in each overview table before the rest are counted in one line.
const MAX_OVERVIEW_ROWS: usize = 30;

/// Characters of policy or manifest text shown in one table cell.
const MAX_CELL_CHARS: usize = 160;

/// Room kept for the closing line that says what was left out.
const TRAILER_RESERVE: usize = 200;

/// `techpolicy check --format markdown`.
pub fn render_check(outcome: &CheckOutcome) -> String {
    let mut head = String::from("## techpolicy\n\n");
    head.push_str(&verdict(outcome));
    head.push_str(&policy_changes(outcome));
    head.push_str(&overview(outcome));
    let sections = file_sections(outcome);
    let mut out = assemble(head, &sections, outcome.findings.len());
    // One newline at the end, however the last section closed.
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// With `--policy-from`: what the change does to the policy, which this check did not apply.
fn policy_changes(outcome: &CheckOutcome) -> String {
    if outcome.policy_changes.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "### ⚠️ Policy changes in this change (not applied)\n\nThis check used the policy of the base revision. The working tree's policy would:\n\n",
    );
    for change in &outcome.policy_changes {
        let marker = if change.loosens {
            "**loosen**"
        } else {
            "change"
        };
        out.push_str(&format!(
            "- {marker}: {}\n",
            change.message.replace('\n', " ")
        ));
    }
    out.push('\n');
    out
}

/// The head in full (cut at a line if even it is too long), then file sections while they
/// fit, row by row.
fn assemble(mut head: String, sections: &[FileSection], total: usize) -> String {
    let limit = BUDGET - TRAILER_RESERVE;
    if head.len() > limit {
        let mut end = limit;
        while !head.is_char_boundary(end) {
            end -= 1;
        }
        let cut = head[..end].rfind('\n').map_or(0, |i| i + 1);
        head.truncate(cut);
        head.push_str("\n… the overview is cut short here (see the SARIF or JSON report)\n");
        return head;
    }
    let mut out = head;
    if !sections.is_empty() {
        // Below the line, the detail for engineers.
        out.push_str("---\n\n");
    }
    let mut shown = 0;
    let mut hidden_files = 0;
    let mut full = false;
    for section in sections {
        let mut rows_shown = 0;
        if !full {
            let start = section.header.len() + section.rows[0].len();
            if out.len() + start < limit {
                out.push_str(&section.header);
                for row in &section.rows {
                    if out.len() + row.len() + 1 > limit {
                        full = true;
                        break;
                    }
                    out.push_str(row);
                    rows_shown += 1;
                }
                out.push('\n');
            } else {
                full = true;
            }
        }
        shown += rows_shown;
        if rows_shown < section.rows.len() {
            hidden_files += 1;
        }
    }
    if shown < total {
        let hidden = total - shown;
        out.push_str(&format!(
            "… and {hidden} more finding{} in {hidden_files} file{} not shown (see the SARIF or JSON report)\n",
            plural(hidden),
            plural(hidden_files)
        ));
    }
    out
}

/// `❌ **8 errors, 6 warnings**` with what was checked.
fn verdict(outcome: &CheckOutcome) -> String {
    let s = &outcome.summary;
    let allowed = outcome
        .findings
        .iter()
        .filter(|f| f.exception.as_ref().is_some_and(|e| e.active))
        .count();
    let icon = if s.errors > 0 || s.unreadable_files > 0 {
        "❌"
    } else if s.warnings > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let counts = if s.errors == 0 && s.warnings == 0 {
        "no violations".to_string()
    } else {
        format!(
            "{} error{}, {} warning{}",
            s.errors,
            plural(s.errors),
            s.warnings,
            plural(s.warnings)
        )
    };
    let mut line = format!("{icon} **{counts}**");
    if allowed > 0 {
        line.push_str(&format!(" · {allowed} allowed by exception"));
    }
    line.push_str(&format!(
        " · {} manifest file{}, {} dependenc{}, {} locked package{} checked\n",
        s.files,
        plural(s.files),
        s.dependencies,
        if s.dependencies == 1 { "y" } else { "ies" },
        s.locked_packages,
        plural(s.locked_packages)
    ));
    if s.unreadable_files > 0 {
        line.push_str(&format!(
            "\n{} file{} could not be read or parsed: the check is incomplete.\n",
            s.unreadable_files,
            plural(s.unreadable_files)
        ));
    }
    if s.existing > 0 {
        line.push_str(&format!(
            "\n{} finding{} that already existed at the base revision {} not shown.\n",
            s.existing,
            plural(s.existing),
            if s.existing == 1 { "is" } else { "are" }
        ));
    }
    line.push('\n');
    line
}

/// What leaders read: counts, the approved share, technologies, decisions, exceptions and
/// the policy's warnings. Empty sections are left out.
fn overview(outcome: &CheckOutcome) -> String {
    let mut out = String::new();
    if !outcome.findings.is_empty() {
        out.push_str(&status_counts(&outcome.findings));
    }
    out.push_str(&approved_share(outcome));
    out.push_str(&technologies(&outcome.findings));
    out.push_str(&decisions(&outcome.findings));
    out.push_str(&exceptions(&outcome.findings));
    out.push_str(&policy_warnings(outcome));
    out.push_str(&unreadable(outcome));
    out
}

/// Each finding in exactly one row: allowed by a valid exception, else by its status.
fn status_counts(findings: &[Finding]) -> String {
    let allowed = |f: &Finding| f.exception.as_ref().is_some_and(|e| e.active);
    let count = |status: TechStatus| {
        findings
            .iter()
            .filter(|f| f.status == status && !allowed(f))
            .count()
    };
    let rows = [
        ("❌ banned", count(TechStatus::Banned)),
        ("⚠️ deprecated", count(TechStatus::Deprecated)),
        ("❔ unknown (not in the policy)", count(TechStatus::Unknown)),
        (
            "ℹ️ allowed by exception",
            findings.iter().filter(|f| allowed(f)).count(),
        ),
    ];
    let mut out = String::from("| status | findings |\n| --- | ---: |\n");
    for (label, n) in rows {
        out.push_str(&format!("| {label} | {n} |\n"));
    }
    out.push('\n');
    out
}

fn approved_share(outcome: &CheckOutcome) -> String {
    let s = &outcome.summary;
    if s.direct_dependencies == 0 {
        return "**Approved technologies:** no direct dependencies or images found.\n\n".into();
    }
    // Rounded down, so that 99.6% never reads as everything.
    let percent = s.approved_direct_dependencies * 100 / s.direct_dependencies;
    format!(
        "**Approved technologies:** {} of {} direct dependencies and images ({percent}%).\n\n",
        s.approved_direct_dependencies, s.direct_dependencies
    )
}

/// Restricted technologies by how many places use them, most first.
fn technologies(findings: &[Finding]) -> String {
    let mut by_name: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        if let Some(name) = &f.technology {
            by_name.entry(name).or_default().push(f);
        }
    }
    if by_name.is_empty() {
        return String::new();
    }
    let mut groups: Vec<(&str, Vec<&Finding>)> = by_name.into_iter().collect();
    groups.sort_by(|(a, fa), (b, fb)| {
        fb.len()
            .cmp(&fa.len())
            .then(fb[0].status.cmp(&fa[0].status))
            .then(a.to_lowercase().cmp(&b.to_lowercase()))
    });
    let mut out = String::from(
        "### Technologies to migrate away from\n\n| technology | status | places | use instead | decision |\n| --- | --- | ---: | --- | --- |\n",
    );
    for (name, group) in groups.iter().take(MAX_OVERVIEW_ROWS) {
        let f = group[0];
        let mut status = f.status.to_string();
        if let Some(sunset) = &f.sunset {
            status.push_str(&format!(" (banned from {sunset})"));
        }
        out.push_str(&row(&[
            text(name),
            status,
            group.len().to_string(),
            f.use_instead.as_deref().map_or("—".into(), text),
            f.decision
                .as_ref()
                .map_or("—".into(), |d| decision_link(&d.id, d.url.as_deref())),
        ]));
    }
    out.push_str(&more(groups.len(), "technologies"));
    out
}

/// The decisions behind the findings, with their owners.
fn decisions(findings: &[Finding]) -> String {
    let mut by_id: BTreeMap<&str, (&DecisionRef, usize)> = BTreeMap::new();
    for f in findings {
        if let Some(decision) = &f.decision {
            by_id.entry(&decision.id).or_insert((decision, 0)).1 += 1;
        }
    }
    if by_id.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "### Decisions involved\n\n| decision | title | owner | places |\n| --- | --- | --- | ---: |\n",
    );
    for (id, (decision, places)) in by_id.iter().take(MAX_OVERVIEW_ROWS) {
        let title = match decision.url.as_deref() {
            Some(url) if is_web_url(url) => {
                format!("[{}]({})", text(&decision.title), link_target(url))
            }
            Some(path) => format!("{} ({})", text(&decision.title), code(path)),
            None => text(&decision.title),
        };
        out.push_str(&row(&[
            text(id),
            title,
            decision.owner.as_deref().map_or("—".into(), code),
            places.to_string(),
        ]));
    }
    out.push_str(&more(by_id.len(), "decisions"));
    out
}

/// Every exception in use, soonest expiry first; the report cannot know today's date, but a
/// valid exception's finding turns into a warning in its last days, and that is flagged.
fn exceptions(findings: &[Finding]) -> String {
    let mut grouped: BTreeMap<ExceptionKey<'_>, (usize, bool)> = BTreeMap::new();
    for f in findings {
        let Some(e) = &f.exception else { continue };
        let key = ExceptionKey {
            expires: &e.expires,
            technology: f.technology.as_deref().unwrap_or("unknown"),
            decision: &e.decision,
            owner: &e.owner,
            active: e.active,
        };
        let (places, soon) = grouped.entry(key).or_insert((0, false));
        *places += 1;
        *soon |= e.active && f.severity == Severity::Warning;
    }
    if grouped.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "### Exceptions, by expiry date\n\n| expires | technology | granted by | owner | places | state |\n| --- | --- | --- | --- | ---: | --- |\n",
    );
    for (e, (places, soon)) in grouped.iter().take(MAX_OVERVIEW_ROWS) {
        let state = if !e.active {
            "⛔ expired".to_string()
        } else if *soon {
            format!("⏳ expires within {EXPIRY_WARNING_DAYS} days")
        } else {
            "valid".to_string()
        };
        out.push_str(&row(&[
            text(e.expires),
            text(e.technology),
            text(e.decision),
            code(e.owner),
            places.to_string(),
            state,
        ]));
    }
    out.push_str(&more(grouped.len(), "exceptions"));
    out
}

/// One row of the exceptions table; fields in sort order, the expiry date first (ISO dates
/// sort as text).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct ExceptionKey<'a> {
    expires: &'a str,
    technology: &'a str,
    decision: &'a str,
    owner: &'a str,
    active: bool,
}

/// Overdue reviews, expired and stale exceptions: the policy's own upkeep.
fn policy_warnings(outcome: &CheckOutcome) -> String {
    if outcome.policy_issues.is_empty() {
        return String::new();
    }
    let mut out = String::from("### Policy warnings\n\n");
    for issue in outcome.policy_issues.iter().take(MAX_OVERVIEW_ROWS) {
        let mut item = format!("- {}", one_line(&issue.message));
        if let (Some(path), Some(line)) = (
            super::policy_location(outcome, issue)
                .map(|place| place.unwrap_or_else(|outside| outside)),
            issue.line(),
        ) {
            item.push_str(&format!(" ({})", code(&format!("{path}:{line}"))));
        }
        out.push_str(&item);
        out.push('\n');
    }
    if outcome.policy_issues.len() > MAX_OVERVIEW_ROWS {
        out.push_str(&format!(
            "- … and {} more\n",
            outcome.policy_issues.len() - MAX_OVERVIEW_ROWS
        ));
    }
    out.push('\n');
    out
}

fn unreadable(outcome: &CheckOutcome) -> String {
    if outcome.scan.errors.is_empty() {
        return String::new();
    }
    let mut out = String::from("### Files that could not be read\n\n");
    for error in outcome.scan.errors.iter().take(MAX_OVERVIEW_ROWS) {
        let mut place = super::repo_path(outcome, &error.file);
        if let Some(line) = error.line {
            place.push_str(&format!(":{line}"));
        }
        out.push_str(&format!("- {}: {}\n", code(&place), text(&error.message)));
    }
    if outcome.scan.errors.len() > MAX_OVERVIEW_ROWS {
        out.push_str(&format!(
            "- … and {} more\n",
            outcome.scan.errors.len() - MAX_OVERVIEW_ROWS
        ));
    }
    out.push('\n');
    out
}

/// One file's heading and table, kept apart so that the budget can cut between rows.
struct FileSection {
    header: String,
    rows: Vec<String>,
}

/// What engineers read: per file, in the order findings come (file, then line).
fn file_sections(outcome: &CheckOutcome) -> Vec<FileSection> {
    let mut sections: Vec<FileSection> = Vec::new();
    let mut current: Option<&str> = None;
    for f in &outcome.findings {
        if current != Some(f.file.as_str()) {
            current = Some(&f.file);
            sections.push(FileSection {
                header: format!(
                    "### {}\n\n| line | package | version | status | decision | use instead |\n| ---: | --- | --- | --- | --- | --- |\n",
                    code(&super::repo_path(outcome, &f.file))
                ),
                rows: Vec::new(),
            });
        }
        if let Some(section) = sections.last_mut() {
            section.rows.push(finding_row(f));
        }
    }
    sections
}

fn finding_row(f: &Finding) -> String {
    let mut package = code(&f.package);
    if !f.via.is_empty() {
        package.push_str(&format!(" via {}", text(&f.via.join(" → "))));
    }
    let version = f
        .version
        .as_deref()
        .or(f.requirement.as_deref())
        .map_or("—".into(), code);
    let icon = match f.severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Note => "ℹ️",
    };
    let mut status = format!("{icon} {}", f.status);
    if let Some(e) = &f.exception {
        if e.active {
            status.push_str(&format!(
                ", allowed until {} by {}",
                text(&e.expires),
                text(&e.decision)
            ));
        } else {
            status.push_str(&format!(", exception expired {}", text(&e.expires)));
        }
    }
    row(&[
        f.line.to_string(),
        package,
        version,
        status,
        f.decision
            .as_ref()
            .map_or("—".into(), |d| decision_link(&d.id, d.url.as_deref())),
        f.use_instead.as_deref().map_or("—".into(), text),
    ])
}

/// `| a | b |` with pipes inside cells escaped (GitHub splits cells on them even inside code
/// spans).
fn row(cells: &[String]) -> String {
    let mut out = String::from("|");
    for cell in cells {
        out.push(' ');
        out.push_str(&cell.replace('|', "\\|"));
        out.push_str(" |");
    }
    out.push('\n');
    out
}

/// `… and N more technologies` under a table cut at [`MAX_OVERVIEW_ROWS`].
fn more(total: usize, what: &str) -> String {
    if total > MAX_OVERVIEW_ROWS {
        format!("\n… and {} more {what}\n\n", total - MAX_OVERVIEW_ROWS)
    } else {
        "\n".into()
    }
}

/// A decision id, linked when its record is on the web.
fn decision_link(id: &str, url: Option<&str>) -> String {
    match url {
        Some(url) if is_web_url(url) => format!("[{}]({})", text(id), link_target(url)),
        _ => text(id),
    }
}

/// Text from the policy or a manifest on one line, shortened, with the characters that
/// Markdown or HTML would act on escaped. `@` stays: names come in code spans when they may
/// be GitHub handles (owners).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in shorten(&one_line(value)).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '#' | '!' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span that holds any text: a fence longer than any run of backticks inside, padded
/// when the text starts or ends with one. Code spans also keep `@team` from notifying anyone.
fn code(value: &str) -> String {
    let value = shorten(&one_line(value));
    let mut longest = 0;
    let mut run = 0;
    for c in value.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') || value.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{value}{pad}{fence}")
}

fn one_line(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn shorten(value: &str) -> String {
    if value.chars().count() <= MAX_CELL_CHARS {
        value.to_string()
    } else {
        let mut out: String = value.chars().take(MAX_CELL_CHARS - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_markup() {
        assert_eq!(row(&[text("a|b"), code("x|y")]), "| a\\|b | `x\\|y` |\n");
        assert_eq!(
            text("*bold* _it_ [l](u) <b>"),
            "\\*bold\\* \\_it\\_ \\[l\\](u) \\<b\\>"
        );
        assert_eq!(text("two\nlines"), "two lines");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("@data-team"), "`@data-team`");
    }

    #[test]
    fn an_overview_too_long_for_the_budget_is_cut_at_a_line() {
        let head = "| é | row |\n".repeat(BUDGET / 8);
        let out = assemble(head, &[], 0);
        assert!(out.len() <= BUDGET, "{}", out.len());
        assert!(out.ends_with("(see the SARIF or JSON report)\n"));
        let kept = out.lines().rev().nth(2).expect("a table row");
        assert_eq!(kept, "| é | row |");
    }

    #[test]
    fn long_cells_are_shortened() {
        let long = "x".repeat(500);
        assert_eq!(text(&long).chars().count(), MAX_CELL_CHARS);
        assert!(text(&long).ends_with('…'));
    }
}
