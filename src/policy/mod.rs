//! The policy: discovery, loading with every layer it extends (from disk, or from a git
//! revision for `--policy-from`), and validation.
//!
//! Loading happens in two steps, as cargo-deny does it: each file is read into spanned entries
//! (`raw`), then the layers are merged and every cross-reference is checked. Every problem is
//! collected and reported together, each pointing at its line (and at the other line it
//! conflicts with). Problems that depend on the date (overdue reviews, expired exceptions) are
//! warnings, computed by [`Policy::date_warnings`] for a given day.

pub mod diff;
mod raw;

use crate::git::{GitError, RevisionReader};
use crate::manifest::Span;
use crate::matcher::Matcher;
use diff::PolicyChange;
use globset::{Glob, GlobSet, GlobSetBuilder};
use jiff::civil::Date;
use raw::{RawLayer, Text};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The names a policy file may have, searched in this order in each directory walking up
/// from the scanned path.
pub const POLICY_FILE_NAMES: [&str; 3] = [
    "techpolicy.toml",
    ".techpolicy.toml",
    ".config/techpolicy.toml",
];

/// How many days before an exception expires its findings turn into warnings.
pub const EXPIRY_WARNING_DAYS: i32 = 30;

/// One policy file as read.
#[derive(Debug, PartialEq, Eq)]
pub struct PolicyFile {
    /// The path as it was found or given (extended files: joined to their parent's directory).
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: crate::lines::LineIndex,
}

impl PolicyFile {
    pub fn new(path: PathBuf, text: Arc<str>) -> PolicyFile {
        let lines = crate::lines::LineIndex::new(&text);
        PolicyFile { path, text, lines }
    }

    /// The 1-based line of `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.lines.line(offset.min(self.text.len()))
    }
}

/// Where an entry was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Index into `Policy::files`.
    pub file: usize,
    pub span: Span,
}

/// A validated policy, all layers merged.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The top-level policy file.
    pub path: PathBuf,
    /// The directory the policy speaks for: its `exclude` and exception `paths` globs are
    /// relative to it. For `.config/techpolicy.toml`, the directory above `.config`.
    pub root: PathBuf,
    /// Every layer, bases first; the top-level file is the last.
    pub files: Vec<Arc<PolicyFile>>,
    pub settings: Settings,
    pub decisions: Vec<Decision>,
    pub technologies: Vec<Technology>,
    pub exceptions: Vec<Exception>,
}

#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Globs relative to the policy root, skipped on top of .gitignore (from the top-level
    /// file: a base policy's paths mean nothing in another repository).
    pub exclude: Vec<String>,
    /// What to do with direct dependencies and images that no technology matches.
    pub unknown: UnknownMode,
}

/// `[settings] unknown`: how dependencies that no technology matches are treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownMode {
    #[default]
    Allow,
    Warn,
    Deny,
}

impl UnknownMode {
    const NAMES: &'static [(&'static str, UnknownMode)] = &[
        ("allow", UnknownMode::Allow),
        ("warn", UnknownMode::Warn),
        ("deny", UnknownMode::Deny),
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionStatus {
    Proposed,
    Accepted,
    Superseded,
    Retired,
}

impl DecisionStatus {
    const NAMES: &'static [(&'static str, DecisionStatus)] = &[
        ("proposed", DecisionStatus::Proposed),
        ("accepted", DecisionStatus::Accepted),
        ("superseded", DecisionStatus::Superseded),
        ("retired", DecisionStatus::Retired),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionStatus::Proposed => "proposed",
            DecisionStatus::Accepted => "accepted",
            DecisionStatus::Superseded => "superseded",
            DecisionStatus::Retired => "retired",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Decision {
    pub id: String,
    pub title: String,
    pub status: DecisionStatus,
    pub date: Option<Date>,
    pub owner: Option<String>,
    pub url: Option<String>,
    /// A decision record in the repository, relative to the file that names it.
    pub path: Option<String>,
    pub review_by: Option<Date>,
    pub superseded_by: Option<String>,
    pub supersedes: Option<String>,
    pub origin: Origin,
}

impl Decision {
    /// Where to read the decision: its URL, else its record's path.
    pub fn link(&self) -> Option<&str> {
        self.url.as_deref().or(self.path.as_deref())
    }
}

/// How a technology is classified, ordered by how strongly it restricts use. `Unknown` is
/// never written in a policy: it is the status of dependencies no technology matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TechStatus {
    Unknown,
    Approved,
    Deprecated,
    Banned,
}

impl TechStatus {
    const NAMES: &'static [(&'static str, TechStatus)] = &[
        ("approved", TechStatus::Approved),
        ("deprecated", TechStatus::Deprecated),
        ("banned", TechStatus::Banned),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TechStatus::Unknown => "unknown",
            TechStatus::Approved => "approved",
            TechStatus::Deprecated => "deprecated",
            TechStatus::Banned => "banned",
        }
    }
}

impl fmt::Display for TechStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Technology {
    pub name: String,
    pub status: TechStatus,
    /// Index into `Policy::decisions`.
    pub decision: Option<usize>,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
    /// A deprecated technology becomes banned on this day.
    pub sunset: Option<Date>,
    pub matchers: Vec<MatchRule>,
    pub origin: Origin,
    /// The base layer's entry of the same name that this one replaces.
    pub overrides: Option<Origin>,
}

/// One `match` entry with where it was written.
#[derive(Clone, Debug)]
pub struct MatchRule {
    pub text: String,
    pub matcher: Matcher,
    pub span: Span,
}

/// A time-limited permission to use a restricted technology under some paths.
#[derive(Clone, Debug)]
pub struct Exception {
    /// Index into `Policy::technologies`.
    pub technology: usize,
    /// Globs relative to the policy root.
    pub paths: Vec<String>,
    pub path_set: GlobSet,
    /// Index into `Policy::decisions`: the decision that grants it.
    pub decision: usize,
    pub owner: String,
    pub expires: Date,
    pub reason: Option<String>,
    pub origin: Origin,
}

/// How serious a policy problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueSeverity {
    Warning,
    Error,
}

/// One problem in a policy, with the line that causes it and any line it conflicts with.
#[derive(Clone, Debug)]
pub struct PolicyIssue {
    pub severity: IssueSeverity,
    /// Stable kebab-case name of the kind of problem.
    pub code: &'static str,
    pub message: String,
    /// The file, span and label of the primary location.
    pub at: Option<(Arc<PolicyFile>, Span, String)>,
    /// Other lines involved (in the same or another file).
    pub also: Vec<(Arc<PolicyFile>, Span, String)>,
    pub help: Option<String>,
}

impl PolicyIssue {
    fn warning(
        code: &'static str,
        message: String,
        at: Option<(Arc<PolicyFile>, Span, String)>,
        help: Option<String>,
    ) -> PolicyIssue {
        PolicyIssue {
            severity: IssueSeverity::Warning,
            code,
            message,
            at,
            also: Vec::new(),
            help,
        }
    }

    /// The 1-based line of the primary location.
    pub fn line(&self) -> Option<usize> {
        let (file, span, _) = self.at.as_ref()?;
        Some(file.line(span.offset))
    }
}

/// Why no usable policy could be had.
#[derive(Debug)]
pub enum PolicyError {
    /// No policy file in the scanned directory or any parent.
    NotFound { searched_from: PathBuf },
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The files were read but do not form a valid policy: every problem found.
    Invalid {
        path: PathBuf,
        issues: Vec<PolicyIssue>,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::NotFound { searched_from } => write!(
                f,
                "no policy file found in {} or any parent directory (looked for {})",
                searched_from.display(),
                POLICY_FILE_NAMES.join(", ")
            ),
            PolicyError::Unreadable { path, error } => {
                write!(f, "cannot read policy {}: {error}", path.display())
            }
            PolicyError::Invalid { path, issues } => {
                write!(f, "policy {} has {} error(s)", path.display(), issues.len())
            }
        }
    }
}

impl std::error::Error for PolicyError {}

/// Finds the policy for a scan of `start`: the first of [`POLICY_FILE_NAMES`] in `start` or
/// its nearest ancestor that has one.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let first = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    first.ancestors().find_map(|dir| {
        POLICY_FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The policy file for a scan of `start`: `given` (`--policy FILE`), else the one
/// [`discover`] finds.
pub fn locate(start: &Path, given: Option<&Path>) -> Option<PathBuf> {
    given.map(Path::to_path_buf).or_else(|| discover(start))
}

/// Loads the policy for a scan of `start` as [`locate`] finds it, with everything it extends;
/// [`PolicyError::NotFound`] when there is none (`inventory` runs without one, the other
/// commands cannot).
pub fn find(
    start: &Path,
    given: Option<&Path>,
    options: &LoadOptions,
) -> Result<Policy, PolicyError> {
    let path = locate(start, given).ok_or_else(|| PolicyError::NotFound {
        searched_from: start.to_path_buf(),
    })?;
    load(&path, options)
}

/// Why `--policy-from REV[:PATH]` could not give a policy.
#[derive(Debug)]
pub enum RevisionPolicyError {
    /// Not inside a git work tree, or REV is not a commit.
    Git(GitError),
    /// The policy file is not at that revision (or is not UTF-8 there).
    Unreadable {
        path: PathBuf,
        rev: String,
        error: std::io::Error,
    },
    /// It was read, but it (or what it extends at that revision) is not a valid policy.
    Policy(PolicyError),
}

impl fmt::Display for RevisionPolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevisionPolicyError::Git(error) => write!(f, "--policy-from: {error}"),
            RevisionPolicyError::Unreadable { path, rev, error } => write!(
                f,
                "--policy-from: cannot read {} at {rev}: {error}",
                path.display()
            ),
            RevisionPolicyError::Policy(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for RevisionPolicyError {}

/// The policy as it was at a git revision, with everything it extends there
/// (`--policy-from REV[:PATH]`), and what the working tree's policy would change in it.
///
/// PATH is relative to the top of the work tree; without it, the file [`locate`] finds for
/// `start` is read at REV. A working-tree policy that does not load is one change, not an
/// error: the check runs on the revision's policy either way.
pub fn at_revision(
    start: &Path,
    given: Option<&Path>,
    from: &str,
    options: &LoadOptions,
) -> Result<(Policy, Vec<PolicyChange>), RevisionPolicyError> {
    let (rev, path) = match from.split_once(':') {
        Some((rev, path)) => (rev, Some(path)),
        None => (from, None),
    };
    let start_dir = if start.is_file() {
        start.parent().unwrap_or(Path::new("."))
    } else {
        start
    };
    let mut reader = RevisionReader::new(start_dir, rev).map_err(RevisionPolicyError::Git)?;
    let working = locate(start, given);
    let path = match (path, &working) {
        (Some(path), _) => reader.top().join(path),
        (None, Some(working)) => std::path::absolute(working).unwrap_or_else(|_| working.clone()),
        (None, None) => reader.top().join(POLICY_FILE_NAMES[0]),
    };
    let text = reader
        .read_text(&path)
        .map_err(|error| RevisionPolicyError::Unreadable {
            path: path.clone(),
            rev: rev.to_string(),
            error,
        })?;
    let base =
        load_with(&path, &text, &mut reader, options).map_err(RevisionPolicyError::Policy)?;
    let changes = match working.filter(|w| w.is_file()) {
        None => Vec::new(),
        Some(working) => match load(&working, options) {
            Ok(proposed) => diff::changes(&base, &proposed),
            Err(error) => vec![PolicyChange {
                code: "invalid-working-policy",
                message: format!("the working tree's policy does not load: {error}"),
                loosens: false,
            }],
        },
    };
    Ok((base, changes))
}

/// Where policy files come from: the disk, or a git revision.
pub trait PolicyReader {
    fn read(&mut self, path: &Path) -> std::io::Result<String>;
    fn exists(&self, path: &Path) -> bool;
}

/// Policy files on disk.
pub struct Disk;

impl PolicyReader for Disk {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        read_policy_text(path)
    }

    fn exists(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// How a policy may be loaded.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Let `extends` and decision `path` entries point outside the repository.
    pub allow_outside_root: bool,
}

/// Reads a policy file and everything it extends, and validates the result.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Policy, PolicyError> {
    let text = read_policy_text(path).map_err(|error| PolicyError::Unreadable {
        path: path.to_path_buf(),
        error,
    })?;
    load_with(path, &text, &mut Disk, options)
}

/// Validates policy text as if read from `path` (its `extends` entries are read from disk).
pub fn parse(text: &str, path: &Path) -> Result<Policy, PolicyError> {
    load_with(path, text, &mut Disk, &LoadOptions::default())
}

/// Loads a policy whose files come from `reader`. `path` names the top-level file; `text` is
/// its content.
pub fn load_with(
    path: &Path,
    text: &str,
    reader: &mut dyn PolicyReader,
    options: &LoadOptions,
) -> Result<Policy, PolicyError> {
    // A pull request can edit anything in the repository, but not what lies outside it: a
    // policy may only build on files of the repository unless told otherwise.
    let boundary = (!options.allow_outside_root).then(|| repository_root(path));
    let mut loader = Loader {
        files: Vec::new(),
        layers: Vec::new(),
        issues: Vec::new(),
        stack: Vec::new(),
        reader,
        boundary: boundary.clone(),
    };
    loader.layer(path, text.to_string(), None);
    let Loader {
        files,
        layers,
        mut issues,
        reader,
        ..
    } = loader;
    let root = policy_root(path);
    let policy = merge(
        path,
        &root,
        files,
        layers,
        &mut issues,
        &*reader,
        boundary.as_deref(),
    );
    issues.retain(|issue| issue.severity == IssueSeverity::Error);
    if issues.is_empty() {
        Ok(policy)
    } else {
        issues.sort_by_key(|issue| {
            let (file, span) = issue
                .at
                .as_ref()
                .map(|(file, span, _)| (file.path.clone(), span.offset))
                .unwrap_or_default();
            (file, span)
        });
        Err(PolicyError::Invalid {
            path: path.to_path_buf(),
            issues,
        })
    }
}

/// The top of the repository holding `path` (the nearest ancestor with `.git`), or the
/// policy's own directory outside a repository.
pub fn repository_root(path: &Path) -> PathBuf {
    let absolute = normalise(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
    let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(dir)
}

const OUTSIDE_ROOT_HELP: &str =
    "a policy may only use files of its repository; pass --allow-outside-root to allow this";

fn read_policy_text(path: &Path) -> std::io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(stripped) => stripped.to_string(),
        None => text,
    })
}

/// The directory a policy speaks for.
fn policy_root(path: &Path) -> PathBuf {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.file_name().is_some_and(|name| name == ".config") {
        dir.parent().map(Path::to_path_buf).unwrap_or(dir)
    } else {
        dir
    }
}

/// Reads the files of a layered policy depth-first, bases before the files that extend them.
struct Loader<'r> {
    files: Vec<Arc<PolicyFile>>,
    layers: Vec<RawLayer>,
    issues: Vec<PolicyIssue>,
    /// The chain of files being read, to detect cycles.
    stack: Vec<PathBuf>,
    reader: &'r mut dyn PolicyReader,
    /// Files outside this directory may not be used (None: no limit).
    boundary: Option<PathBuf>,
}

impl Loader<'_> {
    fn layer(&mut self, path: &Path, text: String, _from: Option<(&Arc<PolicyFile>, &Text)>) {
        let file = Arc::new(PolicyFile::new(path.to_path_buf(), Arc::from(text)));
        let layer = raw::read(&file, &mut self.issues);
        self.stack.push(normalise(path));
        for base in &layer.extends {
            let base_path = normalise(&path.parent().unwrap_or(Path::new("")).join(&base.value));
            let key = base_path.clone();
            if self.stack.contains(&key) {
                let chain: Vec<String> = self
                    .stack
                    .iter()
                    .chain(std::iter::once(&key))
                    .map(|p| p.display().to_string())
                    .collect();
                self.issues.push(PolicyIssue::error(
                    "extends-cycle",
                    format!("`extends` forms a cycle: {}", chain.join(" → ")),
                    Some((
                        file.clone(),
                        base.span,
                        "extends a file that extends this one".into(),
                    )),
                    None,
                ));
                continue;
            }
            if self.files.iter().any(|f| normalise(&f.path) == key) {
                // Already read through another path of the same hierarchy.
                continue;
            }
            if let Some(boundary) = &self.boundary {
                if !normalise(
                    &std::path::absolute(&base_path).unwrap_or_else(|_| base_path.clone()),
                )
                .starts_with(boundary)
                {
                    self.issues.push(PolicyIssue::error(
                        "outside-repository",
                        format!(
                            "`extends` points outside the repository: {}",
                            base_path.display()
                        ),
                        Some((file.clone(), base.span, "outside the repository".into())),
                        Some(OUTSIDE_ROOT_HELP.into()),
                    ));
                    continue;
                }
            }
            match self.reader.read(&base_path) {
                Ok(text) => self.layer(&base_path, text, Some((&file, base))),
                Err(error) => self.issues.push(PolicyIssue::error(
                    "unreadable-policy",
                    format!("cannot read {}: {error}", base_path.display()),
                    Some((file.clone(), base.span, "extended here".into())),
                    None,
                )),
            }
        }
        self.stack.pop();
        self.files.push(file);
        self.layers.push(layer);
    }
}

/// A path in a comparable form (resolved `..`, symlinks where the file exists).
fn normalise(path: &Path) -> PathBuf {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return canonical;
    }
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Merges the layers (bases first) into one policy, checking every cross-reference.
fn merge(
    path: &Path,
    root: &Path,
    files: Vec<Arc<PolicyFile>>,
    layers: Vec<RawLayer>,
    issues: &mut Vec<PolicyIssue>,
    reader: &dyn PolicyReader,
    boundary: Option<&Path>,
) -> Policy {
    let mut policy = Policy {
        path: path.to_path_buf(),
        root: root.to_path_buf(),
        files: files.clone(),
        settings: Settings::default(),
        decisions: Vec::new(),
        technologies: Vec::new(),
        exceptions: Vec::new(),
    };
    let at =
        |file: usize, span: Span, label: &str| Some((files[file].clone(), span, label.to_string()));
    let top = files.len().saturating_sub(1);

    // Decisions first: technologies and exceptions of any layer may name them.
    for (file, layer) in layers.iter().enumerate() {
        if let Some((mode, _)) = layer.settings.unknown {
            policy.settings.unknown = mode;
        }
        if file == top {
            policy.settings.exclude = layer
                .settings
                .exclude
                .iter()
                .map(|t| t.value.clone())
                .collect();
        }
        for raw in &layer.decisions {
            if let Some(first) = policy.decisions.iter().find(|d| d.id == raw.id.value) {
                let mut issue = PolicyIssue::error(
                    "duplicate-decision",
                    format!("decision `{}` is defined twice", raw.id.value),
                    at(file, raw.id.span, "defined again here"),
                    Some("give each decision a unique id".into()),
                );
                issue.also.push((
                    files[first.origin.file].clone(),
                    first.origin.span,
                    "first defined here".into(),
                ));
                issues.push(issue);
                continue;
            }
            if let Some(record) = &raw.path {
                let dir = files[file].path.parent().unwrap_or(Path::new(""));
                let record_path = dir.join(&record.value);
                let absolute = normalise(
                    &std::path::absolute(&record_path).unwrap_or_else(|_| record_path.clone()),
                );
                if boundary.is_some_and(|b| !absolute.starts_with(b)) {
                    issues.push(PolicyIssue::error(
                        "outside-repository",
                        format!(
                            "decision record `{}` lies outside the repository",
                            record.value
                        ),
                        at(file, record.span, "outside the repository"),
                        Some(OUTSIDE_ROOT_HELP.into()),
                    ));
                } else if !reader.exists(&record_path) {
                    issues.push(PolicyIssue::error(
                        "missing-decision-record",
                        format!("decision record `{}` does not exist", record.value),
                        at(file, record.span, "no such file"),
                        Some(format!("the path is relative to {}", display_dir(dir))),
                    ));
                }
            }
            policy.decisions.push(Decision {
                id: raw.id.value.clone(),
                title: raw.title.clone(),
                status: raw.status,
                date: raw.date,
                owner: raw.owner.clone(),
                url: raw.url.clone(),
                path: raw.path.as_ref().map(|t| t.value.clone()),
                review_by: raw.review_by.map(|d| d.value),
                superseded_by: raw.superseded_by.as_ref().map(|t| t.value.clone()),
                supersedes: raw.supersedes.as_ref().map(|t| t.value.clone()),
                origin: Origin {
                    file,
                    span: raw.id.span,
                },
            });
        }
    }
    let ids: Vec<&str> = policy.decisions.iter().map(|d| d.id.as_str()).collect();
    let find_decision =
        |reference: &Text, file: usize, issues: &mut Vec<PolicyIssue>| -> Option<usize> {
            let found = policy
                .decisions
                .iter()
                .position(|d| d.id == reference.value);
            if found.is_none() {
                let help = match closest(&reference.value, &ids) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None if ids.is_empty() => "add a [[decision]] with this id".to_string(),
                    None => format!("known decisions: {}", ids.join(", ")),
                };
                issues.push(PolicyIssue::error(
                    "unknown-decision",
                    format!("decision `{}` is not defined", reference.value),
                    at(file, reference.span, "no such decision"),
                    Some(help),
                ));
            }
            found
        };
    for (file, layer) in layers.iter().enumerate() {
        for raw in &layer.decisions {
            for reference in [&raw.superseded_by, &raw.supersedes].into_iter().flatten() {
                find_decision(reference, file, issues);
            }
        }
    }

    for (file, layer) in layers.iter().enumerate() {
        for raw in &layer.technologies {
            let decision = raw
                .decision
                .as_ref()
                .and_then(|d| find_decision(d, file, issues));
            let mut matchers = Vec::new();
            for text in &raw.matches {
                match Matcher::parse(&text.value) {
                    Ok(matcher) => matchers.push(MatchRule {
                        text: text.value.clone(),
                        matcher,
                        span: text.span,
                    }),
                    Err(e) => issues.push(PolicyIssue::error(
                        "invalid-match",
                        e.message,
                        at(file, text.span, "invalid match entry"),
                        e.help,
                    )),
                }
            }
            let (status, status_span) = raw.status;
            if raw.sunset.is_some() && status != TechStatus::Deprecated {
                let sunset = raw.sunset.map(|d| d.span).unwrap_or_default();
                issues.push(PolicyIssue::error(
                    "sunset-not-deprecated",
                    format!(
                        "`sunset` applies to deprecated technologies, and `{}` is {status}",
                        raw.name.value
                    ),
                    at(file, sunset, "sunset here"),
                    Some("a sunset is the day a deprecated technology becomes banned".into()),
                ));
            }
            if let Some(index) = decision {
                let governing = &policy.decisions[index];
                if matches!(
                    governing.status,
                    DecisionStatus::Superseded | DecisionStatus::Retired
                ) {
                    let help = match &governing.superseded_by {
                        Some(next) => {
                            format!("point it at `{next}`, which superseded `{}`", governing.id)
                        }
                        None => "point it at the decision in force, or retire the technology"
                            .to_string(),
                    };
                    let mut issue = PolicyIssue::error(
                        "stale-decision",
                        format!(
                            "technology `{}` is governed by {} decision `{}`",
                            raw.name.value,
                            governing.status.as_str(),
                            governing.id
                        ),
                        at(
                            file,
                            raw.decision.as_ref().map(|d| d.span).unwrap_or_default(),
                            "decision no longer in force",
                        ),
                        Some(help),
                    );
                    issue.also.push((
                        files[governing.origin.file].clone(),
                        governing.origin.span,
                        format!("{} here", governing.status.as_str()),
                    ));
                    issues.push(issue);
                }
            }
            let origin = Origin {
                file,
                span: raw.name.span,
            };
            let technology = Technology {
                name: raw.name.value.clone(),
                status,
                decision,
                reason: raw.reason.clone(),
                use_instead: raw.use_instead.clone(),
                sunset: raw.sunset.map(|d| d.value),
                matchers,
                origin,
                overrides: None,
            };
            match policy
                .technologies
                .iter()
                .position(|t| t.name == raw.name.value)
            {
                None => policy.technologies.push(technology),
                Some(existing) if policy.technologies[existing].origin.file == file => {
                    let mut issue = PolicyIssue::error(
                        "duplicate-technology",
                        format!("technology `{}` is defined twice", raw.name.value),
                        at(file, raw.name.span, "defined again here"),
                        Some("give each technology a unique name".into()),
                    );
                    let first = policy.technologies[existing].origin;
                    issue.also.push((
                        files[first.file].clone(),
                        first.span,
                        "first defined here".into(),
                    ));
                    issues.push(issue);
                }
                Some(existing) => {
                    let base = &policy.technologies[existing];
                    let authorised = decision.is_some_and(|d| {
                        Some(d) != base.decision
                            && policy.decisions[d].status == DecisionStatus::Accepted
                    });
                    if status < base.status && !authorised {
                        let mut issue = PolicyIssue::error(
                            "loosened-status",
                            format!(
                                "`{}` is {} in {}; this layer may not make it {status} without a decision",
                                raw.name.value,
                                base.status,
                                files[base.origin.file].path.display()
                            ),
                            at(file, status_span, "loosened here"),
                            Some(
                                "name an accepted `decision` (other than the base's) that authorises the change"
                                    .into(),
                            ),
                        );
                        issue.also.push((
                            files[base.origin.file].clone(),
                            base.origin.span,
                            format!("{} here", base.status),
                        ));
                        issues.push(issue);
                    }
                    let overrides = Some(base.origin);
                    policy.technologies[existing] = Technology {
                        overrides,
                        ..technology
                    };
                }
            }
        }
    }

    // The same entry under two statuses is a contradiction whatever the repository holds.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, technology) in policy.technologies.iter().enumerate() {
        for rule in &technology.matchers {
            match seen.get(&rule.text) {
                Some(&other) if policy.technologies[other].status != technology.status => {
                    let first = &policy.technologies[other];
                    let first_rule = first
                        .matchers
                        .iter()
                        .find(|r| r.text == rule.text)
                        .map(|r| r.span)
                        .unwrap_or_default();
                    let mut issue = PolicyIssue::error(
                        "conflicting-status",
                        format!(
                            "`{}` is both {} (`{}`) and {} (`{}`)",
                            rule.text, first.status, first.name, technology.status, technology.name
                        ),
                        Some((
                            files[technology.origin.file].clone(),
                            rule.span,
                            format!("{} here", technology.status),
                        )),
                        Some("one package must have one status: remove one of the entries".into()),
                    );
                    issue.also.push((
                        files[first.origin.file].clone(),
                        first_rule,
                        format!("{} here", first.status),
                    ));
                    issues.push(issue);
                }
                Some(_) => {}
                None => {
                    seen.insert(rule.text.clone(), index);
                }
            }
        }
    }

    for (file, layer) in layers.iter().enumerate() {
        for raw in &layer.exceptions {
            let technology = policy
                .technologies
                .iter()
                .position(|t| t.name == raw.technology.value);
            if technology.is_none() {
                let names: Vec<&str> = policy
                    .technologies
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect();
                issues.push(PolicyIssue::error(
                    "unknown-technology",
                    format!("technology `{}` is not defined", raw.technology.value),
                    at(file, raw.technology.span, "no such technology"),
                    closest(&raw.technology.value, &names).map(|n| format!("did you mean `{n}`?")),
                ));
            }
            let decision = find_decision(&raw.decision, file, issues);
            let mut builder = GlobSetBuilder::new();
            for glob in &raw.paths {
                if let Ok(compiled) = Glob::new(&glob.value) {
                    builder.add(compiled);
                }
            }
            if let (Some(technology), Some(decision)) = (technology, decision) {
                policy.exceptions.push(Exception {
                    technology,
                    paths: raw.paths.iter().map(|t| t.value.clone()).collect(),
                    path_set: builder.build().unwrap_or_default(),
                    decision,
                    owner: raw.owner.clone(),
                    expires: raw.expires.value,
                    reason: raw.reason.clone(),
                    origin: Origin {
                        file,
                        span: raw.span,
                    },
                });
            }
        }
    }
    policy
}

fn display_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        ".".into()
    } else {
        dir.display().to_string()
    }
}

impl Policy {
    /// The file a rule came from, as a path to show.
    pub fn file_of(&self, origin: Origin) -> &Path {
        &self.files[origin.file].path
    }

    /// Warnings that depend on the day: decisions past their review date, exceptions that
    /// have expired.
    pub fn date_warnings(&self, today: Date) -> Vec<PolicyIssue> {
        let mut warnings = Vec::new();
        for decision in &self.decisions {
            let Some(review_by) = decision.review_by else {
                continue;
            };
            if review_by < today {
                let overdue = days_between(review_by, today);
                let owner = decision.owner.as_deref().unwrap_or("no owner recorded");
                warnings.push(PolicyIssue::warning(
                    "review-overdue",
                    format!(
                        "decision `{}` was due for review on {review_by} ({overdue} day{} ago; owner: {owner})",
                        decision.id,
                        if overdue == 1 { "" } else { "s" }
                    ),
                    Some((self.files[decision.origin.file].clone(), decision.origin.span, "review overdue".into())),
                    Some("review the decision, then move `review_by` forward or supersede it".into()),
                ));
            }
        }
        for exception in &self.exceptions {
            if exception.expires < today {
                let decision = &self.decisions[exception.decision];
                warnings.push(PolicyIssue::warning(
                    "exception-expired",
                    format!(
                        "the exception for `{}` granted by {} (owner: {}) expired on {}",
                        self.technologies[exception.technology].name, decision.id, exception.owner, exception.expires
                    ),
                    Some((self.files[exception.origin.file].clone(), exception.origin.span, "expired".into())),
                    Some("its findings fail again: remove the technology, or renew the exception by a decision".into()),
                ));
            }
        }
        warnings
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i32 {
    (to - from).get_days()
}

/// The known name nearest to a misspelt one, when it is near enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests;
