//! Matching dependencies against the policy on a given day: which technology each dependency
//! belongs to, and the findings that follow, with exceptions, sunsets and the unknown mode
//! applied.
//!
//! A declaration yields a finding at its own line. A lockfile entry yields one only when no
//! declaration of the repository resolves to it (a transitive package), once per lockfile,
//! name and version.

use crate::manifest::{Dependency, Ecosystem, Span};
use crate::matcher::{Candidate, Prepared};
use crate::policy::{self, IssueSeverity, Origin, Policy, PolicyIssue, TechStatus, UnknownMode};
use jiff::civil::Date;
use serde::Serialize;
// The fast hasher under the usual names: one set entry per lockfile entry.
use crate::fasthash::{FastMap as HashMap, FastSet as HashSet};
use std::path::{Path, PathBuf};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Allowed here by a valid exception.
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The technology a dependency belongs to, and which `match` entry said so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Classification {
    /// Index into `Policy::technologies`.
    pub technology: usize,
    /// Index into that technology's matchers.
    pub rule: usize,
}

/// The decision behind a finding, as reports show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionRef {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    #[serde(skip)]
    pub owner: Option<String>,
}

/// The exception a finding falls under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExceptionRef {
    /// The decision that granted it.
    pub decision: String,
    pub owner: String,
    pub expires: String,
    /// False once `expires` has passed: the finding fails as if there were no exception.
    pub active: bool,
}

/// A dependency that the policy restricts (or, in allowlist mode, does not know).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// `banned`, `deprecated`, or `unknown`. A deprecated technology past its sunset is banned.
    pub status: TechStatus,
    /// The technology's name; null for `unknown`.
    pub technology: Option<String>,
    pub ecosystem: Ecosystem,
    pub package: String,
    pub version: Option<String>,
    pub requirement: Option<String>,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub direct: bool,
    /// For a transitive package: the chain that brings it in, from a direct dependency.
    pub via: Vec<String>,
    pub decision: Option<DecisionRef>,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
    /// The day a deprecated technology becomes banned.
    pub sunset: Option<String>,
    pub exception: Option<ExceptionRef>,
    /// The policy file the rule came from.
    pub policy: Option<String>,
    /// The sentence the human output shows.
    pub message: String,
    /// The `match` entry that matched, as written in the policy.
    #[serde(skip)]
    pub rule: Option<String>,
    /// The span of the declaration in `file`.
    #[serde(skip)]
    pub span: Span,
}

impl Finding {
    /// A finding at `dependency` with what the dependency says; what a technology adds (its
    /// name, decision, reason, sunset, exception, policy file, rule) is left empty. The one
    /// place a finding is built: a restricted technology's finding fills the rest in.
    fn at(
        dependency: &Dependency,
        severity: Severity,
        status: TechStatus,
        message: String,
    ) -> Finding {
        Finding {
            severity,
            status,
            technology: None,
            ecosystem: dependency.ecosystem,
            package: dependency.name.clone(),
            version: dependency.version.clone(),
            requirement: dependency.requirement.clone(),
            file: dependency.file.to_string(),
            line: dependency.line,
            column: dependency.column,
            direct: dependency.direct,
            via: dependency.via.clone(),
            decision: None,
            reason: None,
            use_instead: None,
            sunset: None,
            exception: None,
            policy: None,
            message,
            rule: None,
            span: dependency.span,
        }
    }

    /// What makes a finding the same finding across commits, whatever line it moved to.
    pub fn identity(&self) -> (String, String, String) {
        (
            self.technology.clone().unwrap_or_default(),
            self.package.clone(),
            self.file.clone(),
        )
    }
}

/// Everything needed to judge dependencies.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub policy: &'a Policy,
    /// The day dates are compared with (`--today`).
    pub today: Date,
    /// The scanned directory, absolute: findings' paths are relative to it, exception paths
    /// to the policy root.
    pub scan_root: &'a Path,
    /// Every manifest under `scan_root` was read (a directory scan, not named files).
    pub whole_tree: bool,
}

/// Findings plus what the scan revealed about the policy itself.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    /// Errors (a package matched by technologies with different statuses) and warnings
    /// (exceptions that match nothing).
    pub issues: Vec<PolicyIssue>,
    /// What [`classify`] says of each dependency, in the order they were given: computed
    /// once here so that callers need not match every dependency again.
    pub classifications: Vec<Option<Classification>>,
}

/// The technology `dependency` belongs to: the most restrictive status among the matching
/// technologies, the first in the policy among equals.
pub fn classify(policy: &Policy, dependency: &Dependency) -> Option<Classification> {
    most_restrictive(policy, &matches(policy, dependency))
}

/// [`classify`] for many dependencies: the policy's entries indexed once, so that each
/// dependency costs a lookup of its name, not a test of every entry of the policy.
pub struct Classifier<'p> {
    policy: &'p Policy,
    index: MatchIndex<'p>,
}

impl<'p> Classifier<'p> {
    pub fn new(policy: &'p Policy) -> Classifier<'p> {
        Classifier {
            policy,
            index: MatchIndex::new(policy),
        }
    }

    /// The same as [`classify`].
    pub fn classify(&self, dependency: &Dependency) -> Option<Classification> {
        most_restrictive(self.policy, &self.index.matches(self.policy, dependency))
    }
}

/// The classification [`classify`] picks among the matches of one dependency.
fn most_restrictive(policy: &Policy, matched: &[Classification]) -> Option<Classification> {
    matched.iter().copied().max_by(|a, b| {
        let (status_a, status_b) = (
            policy.technologies[a.technology].status,
            policy.technologies[b.technology].status,
        );
        // Earlier technologies win ties: compare indices in reverse.
        status_a
            .cmp(&status_b)
            .then(b.technology.cmp(&a.technology))
    })
}

/// Every technology that matches `dependency`, with the first rule of each that does.
pub fn matches(policy: &Policy, dependency: &Dependency) -> Vec<Classification> {
    let prepared = Prepared::new(Candidate {
        ecosystem: dependency.ecosystem,
        name: &dependency.name,
        version: dependency.version.as_deref(),
        requirement: dependency.requirement.as_deref(),
    });
    policy
        .technologies
        .iter()
        .enumerate()
        .filter_map(|(technology, t)| {
            let rule = t
                .matchers
                .iter()
                .position(|rule| rule.matcher.matches_prepared(&prepared))?;
            Some(Classification { technology, rule })
        })
        .collect()
}

/// The policy's `match` entries arranged for testing many dependencies: entries naming one
/// package by name are looked up, only globs and regexes are tried one by one.
struct MatchIndex<'p> {
    /// (ecosystem, normalised name) → (technology, rule) of every exact entry.
    exact: HashMap<(Ecosystem, &'p str), Vec<(usize, usize)>>,
    /// Per ecosystem, its `*` entries as one set (one pass over the name for all of them).
    globs: Vec<GlobRules<globset::GlobSet>>,
    /// (technology, rule) of every other entry (regexes, and globs no set could hold).
    patterns: Vec<(usize, usize)>,
}

/// The glob entries of one ecosystem: their set (built, or being built) and the (technology,
/// rule) of each glob, in the set's order.
struct GlobRules<S> {
    ecosystem: Ecosystem,
    set: S,
    rules: Vec<(usize, usize)>,
}

impl<'p> MatchIndex<'p> {
    fn new(policy: &'p Policy) -> MatchIndex<'p> {
        let mut index = MatchIndex {
            exact: HashMap::default(),
            globs: Vec::new(),
            patterns: Vec::new(),
        };
        let mut globs: Vec<GlobRules<globset::GlobSetBuilder>> = Vec::new();
        for (technology, t) in policy.technologies.iter().enumerate() {
            for (rule, entry) in t.matchers.iter().enumerate() {
                let ecosystem = entry.matcher.ecosystem;
                if let Some(name) = entry.matcher.exact_name() {
                    index
                        .exact
                        .entry((ecosystem, name))
                        .or_default()
                        .push((technology, rule));
                } else if let Some(glob) = entry.matcher.glob() {
                    let at = match globs.iter().position(|g| g.ecosystem == ecosystem) {
                        Some(at) => at,
                        None => {
                            globs.push(GlobRules {
                                ecosystem,
                                set: globset::GlobSetBuilder::new(),
                                rules: Vec::new(),
                            });
                            globs.len() - 1
                        }
                    };
                    globs[at].set.add(glob.clone());
                    globs[at].rules.push((technology, rule));
                } else {
                    index.patterns.push((technology, rule));
                }
            }
        }
        for GlobRules {
            ecosystem,
            set,
            rules,
        } in globs
        {
            match set.build() {
                Ok(set) => index.globs.push(GlobRules {
                    ecosystem,
                    set,
                    rules,
                }),
                // Too big for one automaton: each glob on its own.
                Err(_) => index.patterns.extend(rules),
            }
        }
        index
    }

    /// The same as [`matches`]: per technology, the first of its rules that matches.
    fn matches(&self, policy: &Policy, dependency: &Dependency) -> Vec<Classification> {
        let prepared = Prepared::new(Candidate {
            ecosystem: dependency.ecosystem,
            name: &dependency.name,
            version: dependency.version.as_deref(),
            requirement: dependency.requirement.as_deref(),
        });
        let named = self
            .exact
            .get(&(dependency.ecosystem, prepared.normalised()))
            .map_or(&[][..], Vec::as_slice);
        let mut globbed = Vec::new();
        for globs in &self.globs {
            if globs.ecosystem == dependency.ecosystem {
                globbed.extend(
                    globs
                        .set
                        .matches(prepared.glob_subject())
                        .into_iter()
                        .map(|at| globs.rules[at]),
                );
            }
        }
        let mut found: Vec<(usize, usize)> = named
            .iter()
            .chain(&globbed)
            .chain(&self.patterns)
            .copied()
            .filter(|&(technology, rule)| {
                policy.technologies[technology].matchers[rule]
                    .matcher
                    .matches_prepared(&prepared)
            })
            .collect();
        // Technology order, and each technology's first matching rule.
        found.sort_unstable();
        found.dedup_by_key(|(technology, _)| *technology);
        found
            .into_iter()
            .map(|(technology, rule)| Classification { technology, rule })
            .collect()
    }
}

/// What stays the same for every finding of one evaluation, computed once: resolving paths
/// costs system calls, and a large repository has thousands of findings.
struct Paths {
    /// The policy's root, canonical, which exception paths are relative to.
    policy_root: PathBuf,
    /// Per technology: the policy file it comes from, as findings show it.
    policy_files: Vec<Option<String>>,
}

/// Judges every dependency; findings come sorted by file, line and column.
pub fn evaluate(context: Context<'_>, dependencies: &[Dependency]) -> Evaluation {
    let policy = context.policy;
    // Sized up front: a big lockfile's hundred thousand entries would otherwise rehash it
    // a dozen times.
    let transitive = dependencies
        .iter()
        .filter(|d| d.is_locked_entry() && !d.direct)
        .count();
    let mut seen_transitive = HashSet::with_capacity_and_hasher(transitive, Default::default());
    let mut findings = Vec::new();
    let mut conflicts: HashMap<(usize, usize), &Dependency> = HashMap::default();
    let mut exceptions_used = vec![false; policy.exceptions.len()];
    let mut classifications = Vec::with_capacity(dependencies.len());
    let mut paths = Paths {
        policy_root: std::fs::canonicalize(&policy.root).unwrap_or_else(|_| policy.root.clone()),
        policy_files: vec![None; policy.technologies.len()],
    };
    let index = MatchIndex::new(policy);
    for dependency in dependencies {
        let matched = index.matches(policy, dependency);
        record_conflicts(policy, &matched, dependency, &mut conflicts);
        let best = most_restrictive(policy, &matched);
        classifications.push(best);
        if dependency.is_locked_entry() {
            if dependency.direct {
                // Reported at the declaration that resolves to it.
                continue;
            }
            let key = (&dependency.file, &dependency.name, &dependency.version);
            if !seen_transitive.insert(key) {
                continue;
            }
        }
        let finding = match best {
            Some(classification) => restricted(
                context,
                dependency,
                classification,
                &mut exceptions_used,
                &mut paths,
            ),
            None => unknown(policy.settings.unknown, dependency),
        };
        findings.extend(finding);
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.package).cmp(&(&b.file, b.line, b.column, &b.package))
    });

    let mut issues: Vec<PolicyIssue> = conflicts
        .into_iter()
        .map(|((a, b), dependency)| conflict_issue(policy, a, b, dependency))
        .collect();
    issues.sort_by(|a, b| a.message.cmp(&b.message));
    // Only a scan of the whole policy root can tell that an exception matches nothing.
    if context.whole_tree && same_dir(context.scan_root, &policy.root) {
        for (exception, used) in policy.exceptions.iter().zip(exceptions_used) {
            if !used {
                let decision = &policy.decisions[exception.decision];
                issues.push(PolicyIssue {
                    severity: IssueSeverity::Warning,
                    code: crate::diagnostics::STALE_EXCEPTION,
                    message: format!(
                        "the exception for `{}` granted by {} (owner: {}) matches nothing in this repository",
                        policy.technologies[exception.technology].name, decision.id, exception.owner
                    ),
                    at: Some((policy.files[exception.origin.file].clone(), exception.origin.span, "stale".into())),
                    also: Vec::new(),
                    help: Some(format!(
                        "no finding of `{}` lies under {}: remove the exception",
                        policy.technologies[exception.technology].name,
                        exception.paths.join(", ")
                    )),
                });
            }
        }
    }
    Evaluation {
        findings,
        issues,
        classifications,
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    canonical(a) == canonical(b)
}

/// A finding for a dependency that some technology matches, if its status restricts it.
fn restricted(
    context: Context<'_>,
    dependency: &Dependency,
    classification: Classification,
    exceptions_used: &mut [bool],
    paths: &mut Paths,
) -> Option<Finding> {
    let policy = context.policy;
    let technology = &policy.technologies[classification.technology];
    let sunset = technology
        .sunset
        .filter(|_| technology.status == TechStatus::Deprecated);
    let past_sunset = sunset.is_some_and(|day| context.today >= day);
    let (status, mut severity) = match technology.status {
        TechStatus::Approved | TechStatus::Unknown => return None,
        TechStatus::Deprecated if past_sunset => (TechStatus::Banned, Severity::Error),
        TechStatus::Deprecated => (TechStatus::Deprecated, Severity::Warning),
        TechStatus::Banned => (TechStatus::Banned, Severity::Error),
    };
    let mut message = base_message(dependency, status, Some(&technology.name));
    match sunset {
        Some(day) if past_sunset => {
            message.push_str(&format!(" (deprecated until its sunset on {day})"))
        }
        Some(day) => message.push_str(&format!(
            "; banned from {day}, {}",
            in_days(policy::days_between(context.today, day))
        )),
        None => {}
    }

    let exception = applicable_exception(
        context,
        &paths.policy_root,
        dependency,
        classification.technology,
    );
    let exception_ref = exception.map(|index| {
        exceptions_used[index] = true;
        let exception = &policy.exceptions[index];
        let decision = &policy.decisions[exception.decision];
        let left = policy::days_between(context.today, exception.expires);
        let active = left >= 0;
        if active && left < policy::EXPIRY_WARNING_DAYS {
            severity = Severity::Warning;
            message.push_str(&format!(
                "; allowed here by exception {} ({}), which expires on {}, {}",
                decision.id,
                exception.owner,
                exception.expires,
                in_days(left)
            ));
        } else if active {
            severity = Severity::Note;
            message.push_str(&format!(
                "; allowed here until {} by exception {} ({})",
                exception.expires, decision.id, exception.owner
            ));
        } else {
            message.push_str(&format!(
                "; the exception {} ({}) expired on {}",
                decision.id, exception.owner, exception.expires
            ));
        }
        ExceptionRef {
            decision: decision.id.clone(),
            owner: exception.owner.clone(),
            expires: exception.expires.to_string(),
            active,
        }
    });

    let decision = technology.decision.map(|index| {
        let decision = &policy.decisions[index];
        DecisionRef {
            id: decision.id.clone(),
            title: decision.title.clone(),
            url: decision.link().map(str::to_string),
            owner: decision.owner.clone(),
        }
    });
    Some(Finding {
        technology: Some(technology.name.clone()),
        decision,
        reason: technology.reason.clone(),
        use_instead: technology.use_instead.clone(),
        sunset: sunset.map(|d| d.to_string()),
        exception: exception_ref,
        policy: Some(
            paths.policy_files[classification.technology]
                .get_or_insert_with(|| {
                    display_policy_path(policy, technology.origin, context.scan_root)
                })
                .clone(),
        ),
        rule: Some(technology.matchers[classification.rule].text.clone()),
        ..Finding::at(dependency, severity, status, message)
    })
}

/// The exception covering `dependency`'s file for this technology: a valid one if any (the
/// longest-lived), else an expired one so that the message can name it.
fn applicable_exception(
    context: Context<'_>,
    policy_root: &Path,
    dependency: &Dependency,
    technology: usize,
) -> Option<usize> {
    let policy = context.policy;
    if !policy.exceptions.iter().any(|e| e.technology == technology) {
        return None;
    }
    let absolute = context.scan_root.join(&*dependency.file);
    let relative = absolute.strip_prefix(policy_root).ok()?;
    policy
        .exceptions
        .iter()
        .enumerate()
        .filter(|(_, e)| e.technology == technology && e.path_set.is_match(relative))
        .max_by_key(|(_, e)| e.expires)
        .map(|(index, _)| index)
}

/// Allowlist mode: a direct dependency or image that no technology names.
fn unknown(mode: UnknownMode, dependency: &Dependency) -> Option<Finding> {
    let severity = match mode {
        UnknownMode::Allow => return None,
        UnknownMode::Warn => Severity::Warning,
        UnknownMode::Deny => Severity::Error,
    };
    // The project's own packages (path, workspace, file links) are not technologies, and an
    // image that could not be resolved cannot be classified.
    if !dependency.direct || dependency.is_locked_entry() || dependency.is_own_package() {
        return None;
    }
    let mut message = base_message(dependency, TechStatus::Unknown, None);
    message.push_str(if mode == UnknownMode::Deny {
        ": no technology in the policy approves it"
    } else {
        ": no technology in the policy names it"
    });
    Some(Finding::at(
        dependency,
        severity,
        TechStatus::Unknown,
        message,
    ))
}

fn record_conflicts<'d>(
    policy: &Policy,
    matched: &[Classification],
    dependency: &'d Dependency,
    conflicts: &mut HashMap<(usize, usize), &'d Dependency>,
) {
    for (i, a) in matched.iter().enumerate() {
        for b in &matched[i + 1..] {
            if policy.technologies[a.technology].status != policy.technologies[b.technology].status
            {
                conflicts
                    .entry((a.technology, b.technology))
                    .or_insert(dependency);
            }
        }
    }
}

fn conflict_issue(policy: &Policy, a: usize, b: usize, dependency: &Dependency) -> PolicyIssue {
    let (first, second) = (&policy.technologies[a], &policy.technologies[b]);
    let rule_span = |technology: &crate::policy::Technology| {
        let candidate = Candidate {
            ecosystem: dependency.ecosystem,
            name: &dependency.name,
            version: dependency.version.as_deref(),
            requirement: dependency.requirement.as_deref(),
        };
        technology
            .matchers
            .iter()
            .find(|rule| rule.matcher.matches(&candidate))
            .map_or(technology.origin.span, |rule| rule.span)
    };
    PolicyIssue {
        severity: IssueSeverity::Error,
        code: crate::diagnostics::CONFLICTING_STATUS,
        message: format!(
            "{} `{}` ({}:{}) is matched by `{}` ({}) and by `{}` ({})",
            dependency.ecosystem,
            dependency.name,
            dependency.file,
            dependency.line,
            first.name,
            first.status,
            second.name,
            second.status
        ),
        at: Some((
            policy.files[first.origin.file].clone(),
            rule_span(first),
            format!("{} here", first.status),
        )),
        also: vec![(
            policy.files[second.origin.file].clone(),
            rule_span(second),
            format!("{} here", second.status),
        )],
        help: Some("one package must have one status: narrow one of the match entries".into()),
    }
}

/// `package `mongoose 8.0.3` is banned: MongoDB`.
fn base_message(dependency: &Dependency, status: TechStatus, technology: Option<&str>) -> String {
    let rules = dependency.ecosystem.rules();
    let what = rules.noun();
    let version = match (&dependency.version, &dependency.requirement) {
        (Some(version), _) => format!("{}{version}", rules.version_separator()),
        (None, Some(requirement)) => format!(" {requirement}"),
        (None, None) => String::new(),
    };
    let how = if dependency.direct {
        ""
    } else {
        " (transitive)"
    };
    match technology {
        Some(technology) => format!(
            "{what} `{}{version}`{how} is {status}: {technology}",
            dependency.name
        ),
        None => format!("{what} `{}{version}`{how} is {status}", dependency.name),
    }
}

fn in_days(days: i32) -> String {
    match days {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    }
}

/// The policy file of a rule, relative to the scanned directory when it can be.
pub fn display_policy_path(policy: &Policy, origin: Origin, scan_root: &Path) -> String {
    display_path(policy.file_of(origin), scan_root)
}

/// A file's path relative to the scanned directory when it can be, with `/`.
pub fn display_path(file: &Path, scan_root: &Path) -> String {
    let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let base = std::fs::canonicalize(scan_root).unwrap_or_else(|_| scan_root.to_path_buf());
    relative_path(&absolute, &base)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|| file.display().to_string())
}

/// `path` relative to `base`, with `..` where needed; None across different roots.
fn relative_path(path: &Path, base: &Path) -> Option<PathBuf> {
    let path: Vec<_> = path.components().collect();
    let base: Vec<_> = base.components().collect();
    if path.first() != base.first() {
        return None;
    }
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for component in &path[common..] {
        out.push(component);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/b/c.toml"), Path::new("/a/b")),
            Some(PathBuf::from("c.toml"))
        );
        assert_eq!(
            relative_path(Path::new("/a/org/p.toml"), Path::new("/a/b")),
            Some(PathBuf::from("../org/p.toml"))
        );
        assert_eq!(in_days(37), "in 37 days");
        assert_eq!(in_days(1), "tomorrow");
    }

    /// The index (exact names in a map, globs in one set per ecosystem) classifies every
    /// dependency as trying each rule in turn does.
    #[test]
    fn the_match_index_agrees_with_trying_every_rule() {
        let text = r#"version = 1
[[technology]]
name = "babel"
status = "deprecated"
match = ["npm:@babel/*", "npm:babel-*@<7", "npm:lodash", "npm:/^left-pad$/"]
[[technology]]
name = "types"
status = "approved"
match = ["npm:@types/*", "npm:*-types", "npm:@babel/core@>=7"]
[[technology]]
name = "images"
status = "banned"
match = ["docker:mongo", "docker:bitnami/*", "docker:*/redis", "docker:node@<18", "docker:/^quay\\.io\\//"]
[[technology]]
name = "crates"
status = "deprecated"
match = ["cargo:open*", "cargo:lazy-static", "cargo:/^libgit2/", "cargo:*-sys@<1"]
"#;
        let policy = match crate::policy::parse(text, Path::new("techpolicy.toml")) {
            Ok(policy) => policy,
            Err(error) => panic!("{error:?}"),
        };
        let index = MatchIndex::new(&policy);
        assert!(!index.globs.is_empty());
        let candidates = [
            (Ecosystem::Npm, "@babel/core", Some("7.1.0")),
            (Ecosystem::Npm, "@babel/core", Some("6.0.0")),
            (Ecosystem::Npm, "@babel/x/y", None),
            (Ecosystem::Npm, "babel-loader", Some("6.2.0")),
            (Ecosystem::Npm, "babel-loader", Some("8.0.0")),
            (Ecosystem::Npm, "@types/node", Some("20.0.0")),
            (Ecosystem::Npm, "prop-types", None),
            (Ecosystem::Npm, "lodash", Some("4.17.21")),
            (Ecosystem::Npm, "left-pad", None),
            (Ecosystem::Npm, "left-pad-x", None),
            (Ecosystem::Docker, "mongo", Some("7")),
            (Ecosystem::Docker, "bitnami/mongodb", None),
            (Ecosystem::Docker, "bitnami/a/b", None),
            (Ecosystem::Docker, "library/redis", None),
            (Ecosystem::Docker, "redis", None),
            (Ecosystem::Docker, "node", Some("16-alpine")),
            (Ecosystem::Docker, "node", Some("20")),
            (Ecosystem::Docker, "quay.io/minio/minio", None),
            (Ecosystem::Cargo, "openssl", Some("0.10.0")),
            (Ecosystem::Cargo, "OpenSSL_sys", Some("0.9.0")),
            (Ecosystem::Cargo, "lazy_static", Some("1.4.0")),
            (Ecosystem::Cargo, "libgit2-sys", Some("0.18.0")),
            (Ecosystem::Cargo, "serde", Some("1.0.0")),
        ];
        for (ecosystem, name, version) in candidates {
            let dependency = Dependency {
                ecosystem,
                name: name.to_string(),
                version: version.map(str::to_string),
                requirement: None,
                file: "f".into(),
                line: 1,
                column: 1,
                span: Span::default(),
                direct: true,
                source: None,
                section: crate::manifest::Section::Declared("dependencies".into()),
                lockfile: None,
                via: Vec::new(),
            };
            let expected = matches(&policy, &dependency);
            let by_index = index.matches(&policy, &dependency);
            let pairs = |c: &[Classification]| -> Vec<(usize, usize)> {
                c.iter().map(|c| (c.technology, c.rule)).collect()
            };
            assert_eq!(
                pairs(&by_index),
                pairs(&expected),
                "{ecosystem} {name} {version:?}"
            );
        }
    }
}
