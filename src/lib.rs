//! techpolicy: an engineering organisation's technical strategy as a check on every commit.
//!
//! The library does the work and returns data; the binary prints it and picks the exit code.
//!
//! ```text
//! walk ──> manifest files ──> parse (one module per format) ──> declarations, lockfiles
//!                                                                  │ resolve
//! policy (spanned) ──> validated Policy ──────────────────> match ──> Finding ──> report
//! ```

pub mod evaluate;
pub mod lines;
pub mod manifest;
pub mod matcher;
pub mod policy;
pub mod report;
pub mod resolve;
pub mod scan;

use evaluate::{Finding, Severity};
use policy::{Policy, TechStatus};
use resolve::Dependency;
use scan::{Exclusions, FileError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a scan of one repository found, before any policy is applied.
#[derive(Debug)]
pub struct Scan {
    pub root: PathBuf,
    /// Manifest files read (including those that failed to parse).
    pub files_scanned: usize,
    pub dependencies: Vec<Dependency>,
    /// Files that could not be read or parsed.
    pub errors: Vec<FileError>,
    /// The text of every manifest that was read, by relative path, for reports that quote it.
    pub sources: BTreeMap<String, Arc<str>>,
}

/// Walks `root`, parses every manifest and resolves declarations against lockfiles. The
/// policy's `exclude` globs apply when a policy is given.
pub fn scan(root: &Path, policy: Option<&Policy>) -> Scan {
    let exclusions = policy.map(|policy| Exclusions {
        root: policy.root.clone(),
        globs: policy.settings.exclude.clone(),
    });
    let walked = scan::walk(root, exclusions.as_ref());
    let dependencies = resolve::resolve(&walked.files);
    let mut sources: BTreeMap<String, Arc<str>> = walked
        .files
        .iter()
        .map(|file| (file.source.path.clone(), file.source.text.clone()))
        .collect();
    sources.extend(walked.failed_sources);
    Scan {
        root: root.to_path_buf(),
        files_scanned: walked.files.len() + walked.errors.len(),
        dependencies,
        errors: walked.errors,
        sources,
    }
}

/// The result of `techpolicy check`.
#[derive(Debug)]
pub struct CheckOutcome {
    pub scan: Scan,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// Counts for the closing line of every report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Manifest files read.
    pub files: usize,
    /// Declarations in manifests (dependencies and images).
    pub dependencies: usize,
    /// Entries in lockfiles.
    pub locked_packages: usize,
    /// Findings with severity error.
    pub errors: usize,
    /// Findings with severity warning.
    pub warnings: usize,
    /// Files that could not be read or parsed.
    pub unreadable_files: usize,
}

impl CheckOutcome {
    /// ripgrep's convention: 2 when the tool could not do its whole job, else 1 when
    /// something failed the check, else 0.
    pub fn exit_code(&self) -> i32 {
        if !self.scan.errors.is_empty() {
            2
        } else if self.summary.errors > 0 {
            1
        } else {
            0
        }
    }
}

/// Scans `root` and checks it against `policy`.
pub fn check(root: &Path, policy: &Policy) -> CheckOutcome {
    let mut scan = scan(root, Some(policy));
    let findings = evaluate::evaluate(policy, &scan.dependencies);
    let summary = Summary {
        files: scan.files_scanned,
        dependencies: scan
            .dependencies
            .iter()
            .filter(|d| !d.is_locked_entry())
            .count(),
        locked_packages: scan
            .dependencies
            .iter()
            .filter(|d| d.is_locked_entry())
            .count(),
        errors: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        warnings: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
        unreadable_files: scan.errors.len(),
    };
    // Reports quote only the files that have something to say.
    let quoted: std::collections::HashSet<&str> = findings
        .iter()
        .map(|f| f.file.as_str())
        .chain(scan.errors.iter().map(|e| e.file.as_str()))
        .collect();
    scan.sources
        .retain(|path, _| quoted.contains(path.as_str()));
    CheckOutcome {
        scan,
        findings,
        summary,
    }
}

/// One line of `techpolicy inventory`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InventoryEntry {
    #[serde(flatten)]
    pub dependency: Dependency,
    pub technology: Option<String>,
    pub status: Option<TechStatus>,
}

/// The result of `techpolicy inventory`.
#[derive(Debug)]
pub struct Inventory {
    pub entries: Vec<InventoryEntry>,
    pub errors: Vec<FileError>,
    pub files_scanned: usize,
}

/// Every dependency and image under `root`, with the technology each maps to when a policy
/// is given.
pub fn inventory(root: &Path, policy: Option<&Policy>) -> Inventory {
    let scan = scan(root, policy);
    let entries = scan
        .dependencies
        .into_iter()
        .map(|dependency| {
            let technology = policy.and_then(|policy| {
                let classification = evaluate::classify(policy, &dependency)?;
                Some(&policy.technologies[classification.technology])
            });
            InventoryEntry {
                technology: technology.map(|t| t.name.clone()),
                status: technology.map(|t| t.status),
                dependency,
            }
        })
        .collect();
    Inventory {
        entries,
        errors: scan.errors,
        files_scanned: scan.files_scanned,
    }
}
