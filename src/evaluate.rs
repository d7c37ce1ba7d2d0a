//! Matching dependencies against the policy: which technology each dependency belongs to,
//! and the findings that follow.
//!
//! A declaration yields a finding at its own line. A lockfile entry yields one only when no
//! declaration of the repository resolves to it (a transitive package), once per lockfile,
//! name and version.

use crate::manifest::{Ecosystem, Span};
use crate::matcher::Candidate;
use crate::policy::{Policy, TechStatus};
use crate::resolve::Dependency;
use serde::Serialize;
use std::collections::HashSet;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
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

/// A dependency that the policy restricts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub status: TechStatus,
    pub technology: String,
    pub ecosystem: Ecosystem,
    pub package: String,
    pub version: Option<String>,
    pub requirement: Option<String>,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub direct: bool,
    pub decision: Option<DecisionRef>,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
    pub message: String,
    /// The `match` entry that matched, as written in the policy.
    #[serde(skip)]
    pub rule: String,
    /// The span of the declaration in `file`.
    #[serde(skip)]
    pub span: Span,
}

/// The technology `dependency` belongs to: the most restrictive status among the matching
/// technologies, the first in the policy among equals.
pub fn classify(policy: &Policy, dependency: &Dependency) -> Option<Classification> {
    let candidate = Candidate {
        ecosystem: dependency.ecosystem,
        name: &dependency.name,
        version: dependency.version.as_deref(),
        requirement: dependency.requirement.as_deref(),
    };
    let mut best: Option<(TechStatus, Classification)> = None;
    for (technology_index, technology) in policy.technologies.iter().enumerate() {
        if best.is_some_and(|(status, _)| status >= technology.status) {
            continue;
        }
        if let Some(rule) = technology
            .matchers
            .iter()
            .position(|rule| rule.matcher.matches(&candidate))
        {
            best = Some((
                technology.status,
                Classification {
                    technology: technology_index,
                    rule,
                },
            ));
        }
    }
    best.map(|(_, classification)| classification)
}

/// Every finding for `dependencies`, sorted by file, line and column.
pub fn evaluate(policy: &Policy, dependencies: &[Dependency]) -> Vec<Finding> {
    let mut seen_transitive = HashSet::new();
    let mut findings = Vec::new();
    for dependency in dependencies {
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
        let Some(classification) = classify(policy, dependency) else {
            continue;
        };
        let technology = &policy.technologies[classification.technology];
        let severity = match technology.status {
            TechStatus::Approved => continue,
            TechStatus::Deprecated => Severity::Warning,
            TechStatus::Banned => Severity::Error,
        };
        let decision = technology.decision.map(|index| {
            let decision = &policy.decisions[index];
            DecisionRef {
                id: decision.id.clone(),
                title: decision.title.clone(),
                url: decision.link().map(str::to_string),
                owner: decision.owner.clone(),
            }
        });
        findings.push(Finding {
            severity,
            status: technology.status,
            technology: technology.name.clone(),
            ecosystem: dependency.ecosystem,
            package: dependency.name.clone(),
            version: dependency.version.clone(),
            requirement: dependency.requirement.clone(),
            file: dependency.file.clone(),
            line: dependency.line,
            column: dependency.column,
            direct: dependency.direct,
            decision,
            reason: technology.reason.clone(),
            use_instead: technology.use_instead.clone(),
            message: message(dependency, technology.status, &technology.name),
            rule: technology.matchers[classification.rule].text.clone(),
            span: dependency.span,
        });
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.package).cmp(&(&b.file, b.line, b.column, &b.package))
    });
    findings
}

/// The one-line statement of a finding, shared by every output format.
fn message(dependency: &Dependency, status: TechStatus, technology: &str) -> String {
    let what = match dependency.ecosystem {
        Ecosystem::Docker => "image",
        Ecosystem::Cargo => "crate",
        Ecosystem::Npm => "package",
    };
    let version = match (&dependency.version, &dependency.requirement) {
        (Some(version), _) if dependency.ecosystem == Ecosystem::Docker => format!(":{version}"),
        (Some(version), _) => format!(" {version}"),
        (None, Some(requirement)) => format!(" {requirement}"),
        (None, None) => String::new(),
    };
    let how = if dependency.direct {
        ""
    } else {
        " (transitive)"
    };
    format!(
        "{what} `{}{version}`{how} is {status}: {technology}",
        dependency.name
    )
}
