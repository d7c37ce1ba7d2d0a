//! The JSON reports: the contract scripts and other tools rely on, documented in the README.
//! Field names and meanings only ever grow; `version` changes if one must change.

use crate::evaluate::display_path;
use crate::scan::FileError;
use crate::{CheckOutcome, Inventory};
use serde_json::{json, Value};

/// The version of the JSON documents' shape.
pub const FORMAT_VERSION: u32 = 1;

/// `techpolicy check --format json`.
pub fn render_check(outcome: &CheckOutcome) -> String {
    let warnings: Vec<Value> = outcome
        .policy_issues
        .iter()
        .map(|issue| {
            json!({
                "code": issue.code,
                "severity": issue.severity,
                "file": issue.at.as_ref().map(|(file, _, _)| display_path(&file.path, &outcome.scan.root)),
                "line": issue.line(),
                "message": issue.message,
            })
        })
        .collect();
    let document = json!({
        "version": FORMAT_VERSION,
        "findings": outcome.findings,
        "errors": errors(&outcome.scan.errors),
        "policy": warnings,
        "policy_changes": outcome.policy_changes,
        "summary": outcome.summary,
    });
    to_text(&document)
}

/// `techpolicy inventory --format json`.
pub fn render_inventory(inventory: &Inventory) -> String {
    let dependencies: Vec<Value> = inventory
        .entries
        .iter()
        .map(|entry| {
            let d = &entry.dependency;
            json!({
                "ecosystem": d.ecosystem,
                "name": d.name,
                "version": d.version,
                "requirement": d.requirement,
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "direct": d.direct,
                "section": d.section,
                "source": d.source,
                "lockfile": d.lockfile,
                "technology": entry.technology,
                "status": entry.status,
            })
        })
        .collect();
    let document = json!({
        "version": FORMAT_VERSION,
        "dependencies": dependencies,
        "errors": errors(&inventory.errors),
    });
    to_text(&document)
}

fn errors(errors: &[FileError]) -> Vec<Value> {
    errors
        .iter()
        .map(|e| {
            json!({
                "file": e.file,
                "line": e.line,
                "column": e.column,
                "message": e.message,
            })
        })
        .collect()
}

fn to_text(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}
