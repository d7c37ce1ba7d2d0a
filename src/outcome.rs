//! What the library's commands return: a scan, the outcome of a check, an inventory, a
//! validation, each with the exit status it means. Reports (`crate::report`) render these and
//! nothing else, so they depend on this module rather than on the crate root that computes
//! them.

use crate::evaluate::Finding;
use crate::lines::SourceText;
use crate::manifest::{Dependency, FileError};
use crate::policy::{self, IssueSeverity, PolicyIssue, TechStatus};
use crate::scan::Skipped;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

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
    pub sources: BTreeMap<String, SourceText>,
    /// The scanned directory relative to the top of its git work tree (`services/api/`, or
    /// empty at the top or outside a repository): what code hosts need in front of paths.
    pub repo_prefix: String,
    /// When files were named: their relative paths, sorted, the only ones reported on (the
    /// others were read to resolve them).
    pub requested: Option<Vec<String>>,
    /// The named files that were not read, with why, sorted by path (empty when a
    /// directory was scanned).
    pub skipped: Vec<Skipped>,
}

impl Scan {
    /// Whether findings in `file` are reported.
    pub fn is_requested(&self, file: &str) -> bool {
        is_listed(self.requested.as_deref(), file)
    }
}

/// Whether `file` is among the sorted `requested` files, or no files were named.
pub(crate) fn is_listed(requested: Option<&[String]>, file: &str) -> bool {
    // Pre-commit may name thousands of files, and this runs for every dependency.
    requested.is_none_or(|r| r.binary_search_by(|f| f.as_str().cmp(file)).is_ok())
}

/// The result of `techpolicy check`.
#[derive(Debug)]
pub struct CheckOutcome {
    pub scan: Scan,
    /// Findings to report (with `--new-since`, only the new ones).
    pub findings: Vec<Finding>,
    /// What the scan showed about the policy: errors (a package under two statuses) stop the
    /// check; warnings (overdue reviews, expired or stale exceptions) are reported with it.
    pub policy_issues: Vec<PolicyIssue>,
    /// With `--policy-from`: what the working tree's policy would change, not applied.
    pub policy_changes: Vec<policy::diff::PolicyChange>,
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
    /// Findings allowed by a valid exception.
    pub notes: usize,
    /// With `--new-since`: findings that already existed at that revision (not reported).
    pub existing: usize,
    /// Files that could not be read or parsed.
    pub unreadable_files: usize,
    /// Direct dependencies and images (declarations that are not the project's own packages).
    pub direct_dependencies: usize,
    /// Of those, the ones on an approved technology.
    pub approved_direct_dependencies: usize,
}

/// The exit status of a command, by grep's convention (`EXIT_TROUBLE` is 2), which ripgrep
/// follows: scripts and CI tell "the check failed" from "the check could not run".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Nothing failed (warnings may have been reported).
    Clean = 0,
    /// Something failed: a finding at or above `--fail-on` (`check`), a policy with errors
    /// (`validate`), a query the policy says nothing about (`explain`).
    Failed = 1,
    /// techpolicy could not do its whole job: no policy or an invalid one, policy errors on
    /// this repository, a file that could not be read or parsed, a missing path, a revision
    /// git could not read, an output that could not be written.
    Trouble = 2,
}

/// The least severe finding that fails a check (`--fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Banned technologies (and expired exceptions) fail; warnings do not.
    Error,
    /// Deprecated technologies and exceptions about to expire fail too.
    Warning,
    /// Report, never fail (exit 0 unless techpolicy could not do its job).
    Never,
}

impl CheckOutcome {
    /// [`Exit::Trouble`] when a file could not be read or parsed or the policy contradicts
    /// itself on this repository (the check is then incomplete whatever it found), else
    /// [`Exit::Failed`] when a reported finding is at or above `fail_on`, else [`Exit::Clean`].
    pub fn exit_code(&self, fail_on: FailOn) -> Exit {
        let failing = match fail_on {
            FailOn::Error => self.summary.errors,
            FailOn::Warning => self.summary.errors + self.summary.warnings,
            FailOn::Never => 0,
        };
        if !self.scan.errors.is_empty() || self.policy_errors().next().is_some() {
            Exit::Trouble
        } else if failing > 0 {
            Exit::Failed
        } else {
            Exit::Clean
        }
    }

    pub fn policy_errors(&self) -> impl Iterator<Item = &PolicyIssue> {
        self.policy_issues
            .iter()
            .filter(|i| i.severity == IssueSeverity::Error)
    }
}

/// The result of `techpolicy validate`: what a check of the repository shows about its
/// policy, beyond what loading it showed.
#[derive(Debug)]
pub struct Validation {
    /// Errors (a package matched under two statuses) and warnings (overdue reviews, expired
    /// and stale exceptions), in the order a check reports them.
    pub issues: Vec<PolicyIssue>,
}

impl Validation {
    /// How many of the issues are errors.
    pub fn errors(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == IssueSeverity::Error)
            .count()
    }

    /// [`Exit::Failed`] when the policy has errors on this repository; warnings pass.
    pub fn exit_code(&self) -> Exit {
        if self.errors() > 0 {
            Exit::Failed
        } else {
            Exit::Clean
        }
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
    /// When files were named: those not read, and why (as [`Scan::skipped`]); None for a
    /// directory.
    pub skipped: Option<Vec<Skipped>>,
}

impl Inventory {
    /// [`Exit::Trouble`] when a file could not be read or parsed, else [`Exit::Clean`]: an
    /// inventory fails nothing.
    pub fn exit_code(&self) -> Exit {
        if self.errors.is_empty() {
            Exit::Clean
        } else {
            Exit::Trouble
        }
    }
}
