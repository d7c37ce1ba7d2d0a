//! The JSON reports: the contract scripts and other tools rely on, documented in the README.
//! Field names and meanings only ever grow; `version` changes if one must change.

use crate::evaluate::display_path;
use crate::evaluate::Finding;
use crate::manifest::Ecosystem;
use crate::manifest::FileError;
use crate::outcome::{CheckOutcome, Inventory, Summary};
use crate::policy::diff::PolicyChange;
use crate::policy::{IssueSeverity, TechStatus};
use crate::scan::Skipped;
use serde::Serialize;

/// The version of the JSON documents' shape.
pub const FORMAT_VERSION: u32 = 1;

/// `techpolicy check --format json`.
pub fn render_check(outcome: &CheckOutcome) -> String {
    let policy: Vec<PolicyWarning<'_>> = outcome
        .policy_issues
        .iter()
        .map(|issue| PolicyWarning {
            code: issue.code,
            severity: issue.severity,
            file: issue
                .at
                .as_ref()
                .map(|(file, _, _)| display_path(&file.path, &outcome.scan.root)),
            line: issue.line(),
            message: &issue.message,
        })
        .collect();
    to_text(&CheckDocument {
        version: FORMAT_VERSION,
        findings: &outcome.findings,
        errors: errors(&outcome.scan.errors),
        // Only when files were named: a directory scan's document stays as it was.
        skipped: outcome
            .scan
            .requested
            .is_some()
            .then(|| skipped(&outcome.scan.skipped)),
        policy,
        policy_changes: &outcome.policy_changes,
        summary: &outcome.summary,
    })
}

// The documents are written straight from these borrowed views, in the documented field
// order: building a `serde_json::Value` tree first cost a map and a copied key per field of
// every entry, gigabytes for a lockfile of half a million packages.

#[derive(Serialize)]
struct CheckDocument<'a> {
    version: u32,
    findings: &'a [Finding],
    errors: Vec<ErrorEntry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<Vec<SkippedEntry<'a>>>,
    policy: Vec<PolicyWarning<'a>>,
    policy_changes: &'a [PolicyChange],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct SkippedEntry<'a> {
    file: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct PolicyWarning<'a> {
    code: &'a str,
    severity: IssueSeverity,
    file: Option<String>,
    line: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct InventoryDocument<'a> {
    version: u32,
    dependencies: Vec<InventoryItem<'a>>,
    errors: Vec<ErrorEntry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<Vec<SkippedEntry<'a>>>,
}

#[derive(Serialize)]
struct InventoryItem<'a> {
    ecosystem: Ecosystem,
    name: &'a str,
    version: Option<&'a str>,
    requirement: Option<&'a str>,
    file: &'a str,
    line: usize,
    column: usize,
    direct: bool,
    section: &'a str,
    source: Option<&'a str>,
    lockfile: Option<&'a str>,
    technology: Option<&'a str>,
    status: Option<TechStatus>,
}

#[derive(Serialize)]
struct ErrorEntry<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

/// `techpolicy inventory --format json`.
pub fn render_inventory(inventory: &Inventory) -> String {
    let dependencies = inventory
        .entries
        .iter()
        .map(|entry| {
            let d = &entry.dependency;
            InventoryItem {
                ecosystem: d.ecosystem,
                name: &d.name,
                version: d.version.as_deref(),
                requirement: d.requirement.as_deref(),
                file: &d.file,
                line: d.line,
                column: d.column,
                direct: d.direct,
                section: d.section.as_str(),
                source: d.source.as_deref(),
                lockfile: d.lockfile.as_deref(),
                technology: entry.technology.as_deref(),
                status: entry.status,
            }
        })
        .collect();
    to_text(&InventoryDocument {
        version: FORMAT_VERSION,
        dependencies,
        errors: errors(&inventory.errors),
        // Only when files were named, as in `check`'s document.
        skipped: inventory.skipped.as_deref().map(skipped),
    })
}

fn skipped(skipped: &[Skipped]) -> Vec<SkippedEntry<'_>> {
    skipped
        .iter()
        .map(|s| SkippedEntry {
            file: &s.file,
            reason: s.reason.as_str(),
        })
        .collect()
}

fn errors(errors: &[FileError]) -> Vec<ErrorEntry<'_>> {
    errors
        .iter()
        .map(|e| ErrorEntry {
            file: &e.file,
            line: e.line,
            column: e.column,
            message: &e.message,
        })
        .collect()
}

fn to_text(document: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}
