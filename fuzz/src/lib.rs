//! The checks every fuzz target runs on what a parser returned: a parser that returns
//! something a later stage cannot use (a span outside the text or inside a character, an
//! index past the end of a list) is as much a bug as one that panics.

use std::collections::HashSet;
use techpolicy::manifest::{Declared, Ecosystem, Lockfile, ManifestKind, Parsed, Span};
use techpolicy::matcher::{Candidate, Prepared};
use techpolicy::policy::{self, PolicyError, PolicyIssue};

/// Parses `text` as `kind` and checks the result; for a lockfile, also the partial reading
/// the pre-commit path uses, against the full one.
pub fn check_manifest(kind: ManifestKind, text: &str) {
    let parsed = kind.parse(text);
    match &parsed {
        Ok(Parsed::Manifest(manifest)) => {
            for declared in manifest
                .declared
                .iter()
                .chain(&manifest.workspace_dependencies)
            {
                check_declared(text, declared);
            }
        }
        Ok(Parsed::Lockfile(lock)) => check_lockfile(text, lock),
        Err(error) => {
            if let Some(span) = error.span {
                check_span(text, span);
            }
        }
    }
    if kind.is_lockfile() {
        check_partial_read(kind, text, parsed.ok());
    }
}

/// A lockfile read for context returns entries of the full reading only (same names,
/// versions and spans), and keeps every entry whose key names a wanted package (for yarn also
/// as an alias's target): the entries a declaration of that name resolves to. (It may accept text the full reading refuses: it
/// does not read the entries it leaves out.)
fn check_partial_read(kind: ManifestKind, text: &str, full: Option<Parsed>) {
    let names: Vec<String> = match &full {
        Some(Parsed::Lockfile(lock)) => lock.packages.iter().map(|p| p.name.clone()).collect(),
        _ => Vec::new(),
    };
    // Every other name, so that some entries are left out and some kept.
    let wanted: HashSet<String> = names.iter().step_by(2).cloned().collect();
    let partial = kind.parse_for_context(text, &|name| wanted.contains(name));
    let partial = match partial {
        Ok(Parsed::Lockfile(lock)) => {
            check_lockfile(text, &lock);
            lock
        }
        Ok(Parsed::Manifest(_)) => panic!("a lockfile parsed as a manifest"),
        Err(error) => {
            if let Some(span) = error.span {
                check_span(text, span);
            }
            return;
        }
    };
    let Some(Parsed::Lockfile(full)) = full else {
        return;
    };
    let entry =
        |p: &techpolicy::manifest::LockedPackage| (p.name.clone(), p.version.clone(), p.span);
    let mut all: Vec<_> = full.packages.iter().map(entry).collect();
    all.sort();
    for kept in partial.packages.iter().map(entry) {
        assert!(
            all.binary_search(&kept).is_ok(),
            "{kept:?} is not in the full reading"
        );
    }
    let mut kept: Vec<_> = partial.packages.iter().map(entry).collect();
    kept.sort();
    for package in &full.packages {
        if wanted.contains(&package.name) && key_names(kind, text, package.span, &package.name) {
            assert!(
                kept.binary_search(&entry(package)).is_ok(),
                "{:?} was left out",
                entry(package)
            );
        }
    }
}

/// Whether the key an entry's span points at names `name` itself (not an alias).
fn key_names(kind: ManifestKind, text: &str, span: Span, name: &str) -> bool {
    let key = text[span.offset..span.offset + span.len].trim_matches(['"', '\'']);
    match kind {
        // `node_modules/.../node_modules/<name>`
        ManifestKind::PackageLock => key
            .rsplit_once("node_modules/")
            .is_some_and(|(_, folder)| folder == name),
        // `name@range, ...`, also as an alias's target: `alias@npm:name@range`, `alias@npm:name`
        ManifestKind::YarnLock => key
            .split(',')
            .map(|part| part.trim().trim_matches(['"', '\'']))
            .any(|part| {
                part.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('@'))
                    || part.contains(&format!("@npm:{name}@"))
                    || part.ends_with(&format!("@npm:{name}"))
            }),
        // `name@version`, `/name@version`, `/name/version` (pnpm)
        _ => {
            let key = key.strip_prefix('/').unwrap_or(key);
            key.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(['@', '/']))
        }
    }
}

fn check_declared(text: &str, declared: &Declared) {
    check_span(text, declared.span);
    assert!(
        !declared.name.is_empty() || declared.source.is_some(),
        "{declared:?}"
    );
    match_as_a_scan_would(
        declared.ecosystem,
        &declared.name,
        declared.version.as_deref(),
        declared.requirement.as_deref(),
    );
}

fn check_lockfile(text: &str, lock: &Lockfile) {
    let count = lock.packages.len();
    for package in &lock.packages {
        check_span(text, package.span);
        for &edge in &package.depends_on {
            assert!(edge < count, "edge {edge} of {count} packages");
        }
        match_as_a_scan_would(Ecosystem::Npm, &package.name, Some(&package.version), None);
        match_as_a_scan_would(
            Ecosystem::Cargo,
            &package.name,
            Some(&package.version),
            None,
        );
    }
    for (_, index) in &lock.descriptors {
        assert!(
            *index < count,
            "descriptor index {index} of {count} packages"
        );
    }
    for importer in &lock.importers {
        for (_, index) in &importer.dependencies {
            assert!(*index < count, "importer index {index} of {count} packages");
        }
    }
}

/// Spans must lie within the text and on character boundaries: reports slice the text by
/// them and count lines and columns.
fn check_span(text: &str, span: Span) {
    let end = span.offset.checked_add(span.len).expect("span overflows");
    assert!(
        end <= text.len(),
        "span {span:?} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.offset),
        "span {span:?} starts inside a character"
    );
    assert!(
        text.is_char_boundary(end),
        "span {span:?} ends inside a character"
    );
}

/// Names and versions go through the matcher's normalisation, as every scanned dependency does.
fn match_as_a_scan_would(
    ecosystem: Ecosystem,
    name: &str,
    version: Option<&str>,
    requirement: Option<&str>,
) {
    let prepared = Prepared::new(Candidate {
        ecosystem,
        name,
        version,
        requirement,
    });
    let _ = prepared.normalised();
}

/// Parses `text` as a policy file and checks the result: spans in range, indexes into the
/// decisions and technologies in range, date warnings computable.
pub fn check_policy(text: &str) {
    match policy::parse(text, std::path::Path::new("fuzz/techpolicy.toml")) {
        Ok(policy) => {
            for technology in &policy.technologies {
                if let Some(decision) = technology.decision {
                    assert!(decision < policy.decisions.len());
                }
                for rule in &technology.matchers {
                    check_span(text, rule.span);
                    let _ = rule.matcher.exact_name();
                }
            }
            for exception in &policy.exceptions {
                assert!(exception.technology < policy.technologies.len());
                assert!(exception.decision < policy.decisions.len());
            }
            let today = jiff::civil::date(2026, 6, 1);
            for issue in policy.date_warnings(today) {
                check_issue(&issue);
            }
        }
        Err(PolicyError::Invalid { issues, .. }) => {
            assert!(!issues.is_empty(), "an invalid policy with no issue");
            for issue in &issues {
                check_issue(issue);
            }
        }
        Err(other) => panic!("parsing text gave {other:?}"),
    }
}

fn check_issue(issue: &PolicyIssue) {
    for (file, span, _) in issue.at.iter().chain(&issue.also) {
        check_span(&file.text, *span);
    }
}
