//! techpolicy: an engineering organisation's technical strategy as a check on every commit.
//!
//! The library does the work and returns data, with the exit status each result means
//! ([`Exit`]); the binary parses arguments, calls it and prints.
//!
//! ```text
//! walk ──> manifest files ──> parse (one module per format) ──> declarations, lockfiles
//!                                                                  │ resolve
//! policy (spanned) ──> validated Policy ──────────────────> match ──> Finding ──> report
//! ```
//!
//! Each ecosystem is a folder of [`ecosystem`], listed in its registry; `ARCHITECTURE.md` at
//! the repository's root walks the whole path and lists what to touch to add an ecosystem or
//! an output format.

pub mod diagnostics;
pub mod ecosystem;
pub mod evaluate;
pub mod explain;
mod fasthash;
pub mod git;
pub mod init;
pub mod lines;
pub mod manifest;
pub mod matcher;
pub mod outcome;
pub mod policy;
pub mod report;
pub mod resolve;
pub mod scan;

pub use outcome::{
    CheckOutcome, Exit, FailOn, Inventory, InventoryEntry, Scan, Summary, Validation,
};

use evaluate::{Context, Finding, Severity};
use jiff::civil::Date;
use outcome::is_listed;
use policy::{Policy, TechStatus};
use scan::Exclusions;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `root` relative to the nearest ancestor holding `.git`, with `/` and a trailing `/`.
fn repo_prefix(root: &Path) -> String {
    let absolute = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let dir = if absolute.is_file() {
        absolute.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        absolute
    };
    let Some(top) = dir.ancestors().find(|a| a.join(".git").exists()) else {
        return String::new();
    };
    let relative = dir.strip_prefix(top).unwrap_or(Path::new(""));
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// What to scan: a directory, or named files (with what they need to be resolved).
#[derive(Clone, Debug)]
pub enum Target {
    /// Every manifest under this directory.
    Dir(PathBuf),
    /// These files, reported relative to `base`.
    Files { base: PathBuf, files: Vec<PathBuf> },
}

impl Target {
    /// One directory is walked; files (one or many, as pre-commit passes them) are read with
    /// their context and reported relative to the policy's root when they lie under it, else
    /// to their nearest common directory.
    pub fn from_paths(paths: &[PathBuf], policy_root: Option<&Path>) -> Result<Target, String> {
        match paths {
            [] => Ok(Target::Dir(PathBuf::from("."))),
            [one] if one.is_dir() => Ok(Target::Dir(one.clone())),
            many => {
                if let Some(dir) = many.iter().find(|p| p.is_dir()) {
                    return Err(format!(
                        "{} is a directory: give one directory, or any number of files",
                        dir.display()
                    ));
                }
                let absolute: Vec<PathBuf> = many
                    .iter()
                    .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
                    .collect();
                let inside_policy = policy_root
                    .map(|root| std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()))
                    .filter(|root| absolute.iter().all(|p| p.starts_with(root)));
                let base = inside_policy.unwrap_or_else(|| common_dir(&absolute));
                Ok(Target::Files {
                    base,
                    files: many.to_vec(),
                })
            }
        }
    }

    /// The directory findings' paths are relative to.
    pub fn base(&self) -> &Path {
        match self {
            Target::Dir(dir) => dir,
            Target::Files { base, .. } => base,
        }
    }
}

/// The deepest directory holding every path.
fn common_dir(paths: &[PathBuf]) -> PathBuf {
    let mut common = paths
        .first()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for path in paths {
        while !path.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

/// Walks the target, parses every manifest and resolves declarations against lockfiles. The
/// policy's `exclude` globs apply when a policy is given. With `cargo_metadata`, Cargo
/// workspaces are resolved by `cargo metadata` (offline) rather than from their Cargo.lock;
/// a workspace it cannot resolve is a file error and keeps the default reading.
pub fn scan(target: &Target, policy: Option<&Policy>, cargo_metadata: bool) -> Scan {
    let exclusions = policy.map(|policy| Exclusions {
        root: policy.root.clone(),
        globs: policy.settings.exclude.clone(),
    });
    let (mut walked, requested, skipped) = match target {
        Target::Dir(root) => (scan::walk(root, exclusions.as_ref()), None, Vec::new()),
        Target::Files { base, files } => {
            let (walked, requested, skipped) = scan::walk_files(base, files, exclusions.as_ref());
            (walked, Some(requested), skipped)
        }
    };
    let files_read = walked.files.len() + walked.errors.len();
    let mut errors = std::mem::take(&mut walked.errors);
    let cargo = if cargo_metadata {
        CargoGraph::Metadata
    } else {
        CargoGraph::Lockfile
    };
    let dependencies = resolve_read(target.base(), &walked, cargo, &mut errors);
    let mut sources: BTreeMap<String, lines::SourceText> = walked
        .files
        .iter()
        .map(|file| {
            let source = lines::SourceText {
                text: file.source.text.clone(),
                lines: file.source.lines.clone(),
            };
            (file.source.path.clone(), source)
        })
        .collect();
    sources.extend(walked.failed_sources);
    // The parse trees are not needed any more, and freeing a big lockfile's takes as long as
    // evaluating it: let another core do that while this one goes on.
    let parsed_bytes: usize = walked.files.iter().map(|f| f.source.text.len()).sum();
    if parsed_bytes >= 4 * 1024 * 1024 {
        let files = walked.files;
        std::thread::spawn(move || drop(files));
    }
    let root = target.base().to_path_buf();
    Scan {
        files_scanned: requested.as_ref().map_or(files_read, Vec::len),
        dependencies,
        errors,
        sources,
        repo_prefix: repo_prefix(&root),
        requested,
        skipped,
        root,
    }
}

/// How Cargo workspaces are resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CargoGraph {
    /// From their Cargo.lock, as every ecosystem resolves from its lockfiles.
    Lockfile,
    /// By `cargo metadata` (offline), which runs on the working tree's files.
    Metadata,
}

/// What the files read resolve to, wherever they were read from: the step after reading that
/// the working tree, named files and a revision share. Errors (a workspace Cargo cannot
/// resolve) go to `errors`.
fn resolve_read(
    root: &Path,
    walked: &scan::Walked,
    cargo: CargoGraph,
    errors: &mut Vec<manifest::FileError>,
) -> Vec<manifest::Dependency> {
    let mut dependencies = resolve::resolve(&walked.files);
    match cargo {
        CargoGraph::Lockfile => {}
        CargoGraph::Metadata => {
            crate::ecosystem::cargo::metadata::resolve(root, &walked.files, &dependencies)
                .apply(&mut dependencies, errors);
        }
    }
    dependencies
}

/// Options of a check beyond the policy.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The day dates are compared with.
    pub today: Date,
    /// Report only findings that did not exist at this git revision.
    pub new_since: Option<String>,
    /// Resolve Cargo workspaces with `cargo metadata` (offline) instead of reading Cargo.lock.
    pub cargo_metadata: bool,
}

/// Why a check could not run at all.
#[derive(Debug)]
pub enum CheckError {
    /// `--new-since` could not read the base revision.
    Git(git::GitError),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Git(e) => write!(f, "--new-since: {e}"),
        }
    }
}

impl std::error::Error for CheckError {}

/// Checks `policy` against the repository at `target` on `today`: the problems only a scan
/// shows (conflicting matches, stale exceptions) with the date warnings.
pub fn validate(target: &Target, policy: &Policy, today: Date) -> Result<Validation, CheckError> {
    let options = CheckOptions {
        today,
        new_since: None,
        cargo_metadata: false,
    };
    let outcome = check(target, policy, &options)?;
    Ok(Validation {
        issues: outcome.policy_issues,
    })
}

/// Today in the local time zone.
pub fn today() -> Date {
    jiff::Zoned::now().date()
}

/// Scans the target and checks it against `policy`.
pub fn check(
    target: &Target,
    policy: &Policy,
    options: &CheckOptions,
) -> Result<CheckOutcome, CheckError> {
    let mut scan = scan(target, Some(policy), options.cargo_metadata);
    let root = target.base();
    let scan_dir = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let context = Context {
        policy,
        today: options.today,
        scan_root: &scan_dir,
        whole_tree: scan.requested.is_none(),
    };
    let mut evaluation = evaluate::evaluate(context, &scan.dependencies);
    let mut findings = std::mem::take(&mut evaluation.findings);
    findings.retain(|f| scan.is_requested(&f.file));
    let errors = std::mem::take(&mut scan.errors);
    scan.errors = errors
        .into_iter()
        .filter(|e| scan.is_requested(&e.file))
        .collect();
    let mut existing = 0;
    if let Some(rev) = &options.new_since {
        let exclusions = Exclusions {
            root: policy.root.clone(),
            globs: policy.settings.exclude.clone(),
        }
        .filter(&scan_dir);
        let base = git::read_at(&scan_dir, rev, Some(&exclusions), scan.requested.as_deref())
            .map_err(CheckError::Git)?;
        // Cargo cannot run on a revision without checking it out: there, Cargo workspaces
        // are read from their Cargo.lock even with `--cargo-metadata` (the README says so).
        // Errors at the revision are not reported: only its findings are compared.
        let base_dependencies =
            resolve_read(&scan_dir, &base, CargoGraph::Lockfile, &mut Vec::new());
        let before: std::collections::HashSet<_> = evaluate::evaluate(context, &base_dependencies)
            .findings
            .iter()
            .map(Finding::identity)
            .collect();
        let total = findings.len();
        findings.retain(|f| !before.contains(&f.identity()));
        existing = total - findings.len();
    }
    // The evaluation classified every dependency already: count from its answers. With named
    // files, only theirs count: the files read to resolve them were not checked (and a
    // lockfile read for context keeps only the entries the named files can resolve to).
    let checked = || {
        scan.dependencies
            .iter()
            .zip(&evaluation.classifications)
            .filter(|(d, _)| scan.is_requested(&d.file))
    };
    let direct: Vec<Option<evaluate::Classification>> = checked()
        .filter(|(d, _)| !d.is_locked_entry() && !d.is_own_package())
        .map(|(_, classification)| *classification)
        .collect();
    let approved = direct
        .iter()
        .filter(|c| {
            c.is_some_and(|c| policy.technologies[c.technology].status == TechStatus::Approved)
        })
        .count();
    let mut policy_issues = policy.date_warnings(options.today);
    policy_issues.append(&mut evaluation.issues);
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let summary = Summary {
        files: scan.files_scanned,
        dependencies: checked().filter(|(d, _)| !d.is_locked_entry()).count(),
        locked_packages: checked().filter(|(d, _)| d.is_locked_entry()).count(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        notes: count(Severity::Note),
        existing,
        unreadable_files: scan.errors.len(),
        direct_dependencies: direct.len(),
        approved_direct_dependencies: approved,
    };
    // Reports quote only the files that have something to say.
    let quoted: std::collections::HashSet<&str> = findings
        .iter()
        .map(|f| f.file.as_str())
        .chain(scan.errors.iter().map(|e| e.file.as_str()))
        .collect();
    scan.sources
        .retain(|path, _| quoted.contains(path.as_str()));
    Ok(CheckOutcome {
        scan,
        findings,
        policy_issues,
        policy_changes: Vec::new(),
        summary,
    })
}

/// Every dependency and image under `root`, with the technology each maps to when a policy
/// is given. `cargo_metadata` as for [`scan()`].
pub fn inventory(target: &Target, policy: Option<&Policy>, cargo_metadata: bool) -> Inventory {
    let scan = scan(target, policy, cargo_metadata);
    // Named files are listed alone; the files read to resolve them are not.
    let requested = scan.requested;
    let listed = |file: &str| is_listed(requested.as_deref(), file);
    let classifier = policy.map(evaluate::Classifier::new);
    let entries = scan
        .dependencies
        .into_iter()
        .filter(|dependency| listed(&dependency.file))
        .map(|dependency| {
            let technology = policy
                .zip(classifier.as_ref())
                .and_then(|(policy, classifier)| {
                    let classification = classifier.classify(&dependency)?;
                    Some(&policy.technologies[classification.technology])
                });
            InventoryEntry {
                technology: technology.map(|t| t.name.clone()),
                status: technology.map(|t| t.status),
                dependency,
            }
        })
        .collect();
    let errors = scan
        .errors
        .into_iter()
        .filter(|e| listed(&e.file))
        .collect();
    Inventory {
        entries,
        errors,
        files_scanned: scan.files_scanned,
        skipped: requested.is_some().then_some(scan.skipped),
    }
}
