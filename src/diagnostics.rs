//! Every diagnostic code techpolicy emits, each with what it means, in one list ([`CODES`]),
//! as cargo-deny and ruff keep theirs: the place to look a code up, and the place a new one
//! is added.
//!
//! A code names a kind of problem, stably: human output shows it as `techpolicy::NAME`, JSON
//! as `code` (policy issues and policy changes), SARIF as a notification's descriptor id,
//! GitHub annotations in their title. Codes are used through [`listed`], which refuses at
//! compile time a name that is not in the list; the code that still writes codes as string
//! literals (the policy loader's issues and `--policy-from` changes) is checked by this
//! module's test, which reads the sources.

/// What a code is about, as reports group them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// A file of the scan (exit status 2 when it could not be read).
    File,
    /// The policy itself: loading it (errors stop every command), or what a scan showed of it
    /// (JSON `policy_issues`).
    Policy,
    /// A finding: the status of the technology a dependency belongs to.
    Finding,
    /// With `--policy-from`: how the working tree's policy differs from the one applied (JSON
    /// `policy_changes`).
    PolicyChange,
}

/// One code and its one-line documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub name: &'static str,
    pub group: Group,
    pub summary: &'static str,
}

const fn code(name: &'static str, group: Group, summary: &'static str) -> Code {
    Code {
        name,
        group,
        summary,
    }
}

/// Every code techpolicy emits.
pub const CODES: &[Code] = &[
    // Files.
    code(
        "unreadable-file",
        Group::File,
        "a manifest that could not be read or parsed: the check is incomplete (exit status 2)",
    ),
    code(
        "skipped-file",
        Group::File,
        "a file named on the command line that is not a manifest techpolicy reads: not checked",
    ),
    // The policy.
    code(
        "no-policy",
        Group::Policy,
        "no policy file in the scanned directory or any directory above it",
    ),
    code(
        "unreadable-policy",
        Group::Policy,
        "a policy file, or a layer its `extends` names, could not be read",
    ),
    code(
        "invalid-policy",
        Group::Policy,
        "the policy is not of the expected shape: a TOML syntax error, an unknown key, a missing or mistyped value",
    ),
    code(
        "extends-cycle",
        Group::Policy,
        "policy layers `extends` each other in a cycle",
    ),
    code(
        "outside-repository",
        Group::Policy,
        "an `extends` layer or a decision record lies outside the repository",
    ),
    code(
        "duplicate-decision",
        Group::Policy,
        "two decisions have the same id",
    ),
    code(
        "missing-decision-record",
        Group::Policy,
        "a decision's `path` names a file that does not exist",
    ),
    code(
        "unknown-decision",
        Group::Policy,
        "a technology or an exception refers to a decision that is not defined",
    ),
    code(
        "stale-decision",
        Group::Policy,
        "a technology is governed by a decision that is not in force",
    ),
    code(
        "invalid-match",
        Group::Policy,
        "a `match` entry that cannot be compiled: an unknown ecosystem, an invalid glob, regex or requirement",
    ),
    code(
        "sunset-not-deprecated",
        Group::Policy,
        "a `sunset` on a technology that is not deprecated",
    ),
    code(
        "duplicate-technology",
        Group::Policy,
        "a technology is defined twice in one policy file",
    ),
    code(
        "loosened-status",
        Group::Policy,
        "a layer makes a technology less restricted than its base layer without a decision",
    ),
    code(
        "conflicting-status",
        Group::Policy,
        "one package is matched by technologies of different statuses, in the policy or in the repository",
    ),
    code(
        "unknown-technology",
        Group::Policy,
        "an exception names a technology that is not defined",
    ),
    code(
        "review-overdue",
        Group::Policy,
        "a decision's `review_by` date has passed (warning)",
    ),
    code(
        "exception-expired",
        Group::Policy,
        "an exception's `expires` date has passed: its findings fail again (warning)",
    ),
    code(
        "stale-exception",
        Group::Policy,
        "an exception matches nothing in the repository (warning)",
    ),
    // Findings, by the status of the technology.
    code(
        "banned",
        Group::Finding,
        "a dependency or image of a banned technology, or of a deprecated one past its sunset",
    ),
    code(
        "deprecated",
        Group::Finding,
        "a dependency or image of a deprecated technology",
    ),
    code(
        "unknown",
        Group::Finding,
        "a direct dependency or image that no technology names, with `unknown` set to warn or deny",
    ),
    // `--policy-from`: changes in the working tree's policy, not applied.
    code(
        "invalid-working-policy",
        Group::PolicyChange,
        "the working tree's policy does not load, so its changes cannot be listed",
    ),
    code(
        "technology-added",
        Group::PolicyChange,
        "a technology is added (loosens when it is approved)",
    ),
    code(
        "technology-removed",
        Group::PolicyChange,
        "a technology is removed (loosens when it was restricted)",
    ),
    code(
        "status-loosened",
        Group::PolicyChange,
        "a technology's status becomes less restrictive",
    ),
    code(
        "status-tightened",
        Group::PolicyChange,
        "a technology's status becomes more restrictive",
    ),
    code(
        "match-added",
        Group::PolicyChange,
        "a technology matches one more entry (loosens when it is approved)",
    ),
    code(
        "match-removed",
        Group::PolicyChange,
        "a technology no longer matches an entry (loosens when it is restricted)",
    ),
    code(
        "sunset-changed",
        Group::PolicyChange,
        "a deprecated technology's sunset moves (loosens when later)",
    ),
    code(
        "exception-added",
        Group::PolicyChange,
        "an exception is added (loosens)",
    ),
    code(
        "exception-extended",
        Group::PolicyChange,
        "an exception expires later (loosens)",
    ),
    code(
        "exception-widened",
        Group::PolicyChange,
        "an exception covers more paths (loosens)",
    ),
    code(
        "exception-removed",
        Group::PolicyChange,
        "an exception is removed",
    ),
    code(
        "decision-added",
        Group::PolicyChange,
        "a decision is added",
    ),
    code(
        "decision-changed",
        Group::PolicyChange,
        "a decision's status, review date or title changes",
    ),
    code(
        "decision-removed",
        Group::PolicyChange,
        "a decision is removed",
    ),
    code(
        "settings-changed",
        Group::PolicyChange,
        "`unknown` changes (loosens towards allow)",
    ),
    code(
        "exclude-added",
        Group::PolicyChange,
        "a path is excluded from every check (loosens)",
    ),
];

/// `name`, when [`CODES`] lists it. Used in a constant, an unlisted name fails to compile.
pub const fn listed(name: &'static str) -> &'static str {
    let mut at = 0;
    while at < CODES.len() {
        if same(CODES[at].name.as_bytes(), name.as_bytes()) {
            return name;
        }
        at += 1;
    }
    panic!("a diagnostic code missing from diagnostics::CODES")
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at < a.len() {
        if a[at] != b[at] {
            return false;
        }
        at += 1;
    }
    true
}

/// The entry of `name` in [`CODES`].
pub fn find(name: &str) -> Option<&'static Code> {
    CODES.iter().find(|code| code.name == name)
}

/// `techpolicy::NAME`, as human output shows a code.
pub fn qualified(name: &str) -> String {
    format!("techpolicy::{name}")
}

pub const UNREADABLE_FILE: &str = listed("unreadable-file");
pub const SKIPPED_FILE: &str = listed("skipped-file");
pub const NO_POLICY: &str = listed("no-policy");
pub const UNREADABLE_POLICY: &str = listed("unreadable-policy");
pub const CONFLICTING_STATUS: &str = listed("conflicting-status");
pub const STALE_EXCEPTION: &str = listed("stale-exception");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::TechStatus;

    #[test]
    fn codes_are_unique_kebab_case_and_documented() {
        let mut names: Vec<&str> = CODES.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a code is listed twice");
        for code in CODES {
            assert!(
                code.name
                    .split('-')
                    .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase())),
                "{}",
                code.name
            );
            assert!(!code.summary.is_empty(), "{}", code.name);
        }
    }

    /// Findings are shown as `techpolicy::STATUS`.
    #[test]
    fn every_finding_status_is_listed() {
        for status in [
            TechStatus::Banned,
            TechStatus::Deprecated,
            TechStatus::Unknown,
        ] {
            let code = find(status.as_str()).unwrap_or_else(|| panic!("{status}"));
            assert_eq!(code.group, Group::Finding);
        }
    }

    /// Every code the sources write as a literal (`"techpolicy::NAME"`, `code: "NAME"`, the
    /// first argument of `PolicyIssue::error`, `PolicyIssue::warning` and the policy diff's
    /// `change`, and the codes chosen in a block) is listed.
    #[test]
    fn every_code_the_sources_emit_is_listed() {
        let patterns = [
            r#""techpolicy::([a-z][a-z-]*)""#,
            r#"\bcode:\s*"([a-z][a-z-]*)""#,
            r#"\b(?:PolicyIssue::error|PolicyIssue::warning|change)\(\s*"([a-z][a-z-]*)""#,
            r#"\{\s*"([a-z]+(?:-[a-z]+)+)"\s*\}"#,
        ]
        .map(|p| regex::Regex::new(p).expect("pattern"));
        let mut seen = 0;
        let mut missing = Vec::new();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for path in rust_files(&src) {
            let text = std::fs::read_to_string(&path).expect("source");
            // Tests write codes they expect, not codes the program emits.
            let text = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or_default();
            for pattern in &patterns {
                for captures in pattern.captures_iter(text) {
                    seen += 1;
                    let name = &captures[1];
                    if find(name).is_none() {
                        missing.push(format!("{}: {name}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "codes not in CODES: {missing:#?}");
        // The patterns still find the policy's codes (a rewrite of the emitters would
        // otherwise make this test pass on nothing).
        assert!(seen >= 30, "only {seen} codes found in the sources");
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }
}
