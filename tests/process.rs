//! The strategy as a process: decisions, expiring exceptions, sunsets, the allowlist mode,
//! layered policies, `validate`, `explain`, `init` and `--new-since`. Every date comparison is
//! pinned with `--today`.

use crate::util::{finding_locations, fixture, git, run, techpolicy, TempRepo};
use serde_json::Value;

fn check_json(path: &std::path::Path, today: &str) -> (i32, Value, String) {
    let result = run(techpolicy()
        .arg("check")
        .arg(path)
        .args(["--format", "json", "--today", today]));
    let stderr = result.stderr.clone();
    (result.code, result.json(), stderr)
}

fn finding<'a>(document: &'a Value, package: &str) -> &'a Value {
    document["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["package"] == package)
        .unwrap_or_else(|| panic!("no finding for {package}: {document:#}"))
}

#[test]
fn overlay_loosening_authorised_by_its_own_decision() {
    let (code, document, stderr) = check_json(&fixture("layered/authorised"), "2026-11-01");
    assert_eq!(code, 0, "{stderr}");
    let mongoose = finding(&document, "mongoose");
    assert_eq!(mongoose["status"], "deprecated");
    assert_eq!(mongoose["decision"]["id"], "BILL-7");
    assert_eq!(mongoose["policy"], "techpolicy.toml", "the overlay's rule");
    // The exception in the overlay covers the legacy worker's Node 16 (61 days left: a note).
    let node = finding(&document, "node");
    assert_eq!(node["severity"], "note");
    assert_eq!(node["policy"], "../org/techpolicy.toml", "the org's rule");
    assert_eq!(node["sunset"], "2027-03-01");
    assert_eq!(
        node["exception"],
        serde_json::json!({"decision": "BILL-7", "owner": "billing-team", "expires": "2026-12-31", "active": true})
    );
    assert_eq!(
        node["message"],
        "image `node:16-bullseye` is deprecated: Node.js before 18; banned from 2027-03-01, in 120 days; \
         allowed here until 2026-12-31 by exception BILL-7 (billing-team)"
    );
    // Allowlist mode `warn` from the overlay: left-pad is named by no technology.
    let left_pad = finding(&document, "left-pad");
    assert_eq!(left_pad["status"], "unknown");
    assert_eq!(left_pad["severity"], "warning");
    assert_eq!(left_pad["technology"], Value::Null);
    assert!(document["findings"]
        .as_array()
        .expect("array")
        .iter()
        .all(|f| f["package"] != "express"));
    assert_eq!(document["summary"]["notes"], 1);
    // ORG-002 is past its review date on that day.
    let policy = document["policy"].as_array().expect("policy issues");
    assert!(policy.iter().any(|w| w["code"] == "review-overdue"
        && w["message"] == "decision `ORG-002` was due for review on 2026-06-01 (153 days ago; owner: runtime-team)"));
}

#[test]
fn exceptions_warn_before_they_expire_and_fail_after() {
    let repo = fixture("layered/authorised");
    let (_, document, _) = check_json(&repo, "2026-12-10");
    let node = finding(&document, "node");
    assert_eq!(node["severity"], "warning");
    assert!(node["message"].as_str().expect("message").ends_with(
        "allowed here by exception BILL-7 (billing-team), which expires on 2026-12-31, in 21 days"
    ));

    let (code, document, _) = check_json(&repo, "2027-01-05");
    let node = finding(&document, "node");
    assert_eq!(
        node["severity"], "warning",
        "as if there were no exception: deprecated"
    );
    assert_eq!(node["exception"]["active"], false);
    assert!(node["message"]
        .as_str()
        .expect("message")
        .ends_with("the exception BILL-7 (billing-team) expired on 2026-12-31"));
    assert_eq!(code, 0);
    let policy = document["policy"].as_array().expect("policy issues");
    assert!(policy.iter().any(|w| w["code"] == "exception-expired"));

    // From the sunset on, the deprecated technology is banned, and the check fails.
    let (code, document, _) = check_json(&repo, "2027-03-01");
    let node = finding(&document, "node");
    assert_eq!(node["status"], "banned");
    assert_eq!(node["severity"], "error");
    assert!(node["message"]
        .as_str()
        .expect("message")
        .starts_with("image `node:16-bullseye` is banned: Node.js before 18 (deprecated until its sunset on 2027-03-01)"));
    assert_eq!(code, 1);
}

#[test]
fn overlay_may_not_loosen_without_a_decision() {
    let result = run(techpolicy().arg("check").arg(fixture("layered/forbidden")));
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("techpolicy::loosened-status"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("`MongoDB` is banned in"),
        "{}",
        result.stderr
    );
    // Both lines are shown: the overlay's loosening and the base's ban.
    assert!(result.stderr.contains("loosened here"), "{}", result.stderr);
    assert!(result.stderr.contains("banned here"), "{}", result.stderr);
    assert!(
        result.stderr.contains("org/techpolicy.toml"),
        "{}",
        result.stderr
    );
    assert_eq!(result.stdout, "");
}

#[test]
fn extends_cycles_are_errors() {
    let repo = TempRepo::new(&[
        (
            "techpolicy.toml",
            "version = 1\nextends = [\"policies/a.toml\"]\n",
        ),
        ("policies/a.toml", "version = 1\nextends = [\"b.toml\"]\n"),
        ("policies/b.toml", "version = 1\nextends = [\"a.toml\"]\n"),
    ]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("`extends` forms a cycle"),
        "{}",
        result.stderr
    );
    let result = run(techpolicy().arg("validate").arg(repo.path()));
    assert_eq!(result.code, 1, "validate reports an invalid policy with 1");
}

#[test]
fn validate_reports_warnings_and_exits_0_without_errors() {
    let result = run(techpolicy()
        .arg("validate")
        .arg(fixture("layered/authorised"))
        .args(["--today", "2026-07-01"]));
    assert_eq!(result.code, 0, "{}", result.stdout);
    assert!(
        result.stdout.contains("decision `ORG-002` was due for review on 2026-06-01 (30 days ago; owner: runtime-team)"),
        "{}",
        result.stdout
    );
    assert!(result
        .stdout
        .contains("3 decisions, 3 technologies, 1 exception in 2 files: 0 errors, 1 warning"));
}

#[test]
fn stale_exceptions_and_missing_decision_records() {
    let policy = r#"version = 1
[[decision]]
id = "ADR-1"
title = "t"
status = "accepted"
path = "docs/adr/0001.md"

[[technology]]
name = "MongoDB"
status = "banned"
decision = "ADR-1"
match = ["npm:mongoose"]

[[exception]]
technology = "MongoDB"
paths = ["services/gone/**"]
decision = "ADR-1"
owner = "team-x"
expires = 2030-01-01
"#;
    let repo = TempRepo::new(&[
        ("techpolicy.toml", policy),
        ("package.json", r#"{"dependencies": {"mongoose": "8"}}"#),
    ]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("decision record `docs/adr/0001.md` does not exist"),
        "{}",
        result.stderr
    );

    repo.write("docs/adr/0001.md", "# ADR-1\n");
    let (code, document, _) = check_json(repo.path(), "2026-01-01");
    assert_eq!(code, 1);
    let policy = document["policy"].as_array().expect("policy issues");
    assert_eq!(policy.len(), 1, "{policy:#?}");
    assert_eq!(policy[0]["code"], "stale-exception");
    assert_eq!(policy[0]["line"], 14);
    assert_eq!(
        policy[0]["message"],
        "the exception for `MongoDB` granted by ADR-1 (owner: team-x) matches nothing in this repository"
    );

    // Named files (the pre-commit path) are not the whole repository: no verdict on staleness.
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path().join("package.json"))
        .args(["--today", "2026-01-01", "--format", "json"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert_eq!(result.json()["policy"], serde_json::json!([]));
}

#[test]
fn a_package_under_two_statuses_stops_the_check() {
    let policy = r#"version = 1
[[technology]]
name = "lodash"
status = "approved"
match = ["npm:lodash"]

[[technology]]
name = "old lodash"
status = "deprecated"
match = ["npm:lodash@<4.17.21"]
"#;
    let repo = TempRepo::new(&[
        ("techpolicy.toml", policy),
        ("package.json", r#"{"dependencies": {"lodash": "4.17.20"}}"#),
    ]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("techpolicy::conflicting-status"),
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains("npm `lodash` (package.json:1) is matched by `lodash` (approved) and by `old lodash` (deprecated)"), "{}", result.stderr);
    assert!(
        result.stderr.contains("approved here") && result.stderr.contains("deprecated here"),
        "{}",
        result.stderr
    );
    // A version outside the narrower rule is fine.
    repo.write("package.json", r#"{"dependencies": {"lodash": "4.17.21"}}"#);
    assert_eq!(run(techpolicy().arg("check").arg(repo.path())).code, 0);
}

#[test]
fn allowlist_mode_denies_what_is_not_approved() {
    let policy = r#"version = 1
[settings]
unknown = "deny"

[[technology]]
name = "Express"
status = "approved"
match = ["npm:express"]
"#;
    let repo = TempRepo::new(&[
        ("techpolicy.toml", policy),
        (
            "package.json",
            r#"{"dependencies": {"express": "^4", "fastify": "^4", "shared": "file:../shared", "ui": "workspace:*"}}"#,
        ),
        ("Dockerfile", "ARG BASE\nFROM $BASE\nFROM nginx:1.25\n"),
    ]);
    let (code, document, _) = check_json(repo.path(), "2026-01-01");
    assert_eq!(code, 1);
    assert_eq!(
        finding_locations(&document),
        vec![
            ("Dockerfile".to_string(), 3, "unknown".to_string()),
            ("package.json".to_string(), 1, "unknown".to_string())
        ],
        "own packages and unresolvable images are not technologies"
    );
    assert_eq!(finding(&document, "fastify")["severity"], "error");
    assert_eq!(
        finding(&document, "fastify")["message"],
        "package `fastify ^4` is unknown: no technology in the policy approves it"
    );
}

#[test]
fn explain_technology_decision_package_and_unknown_names() {
    let repo = fixture("layered/authorised");
    let result = run(techpolicy()
        .args(["explain", "MongoDB", "--today", "2026-11-01", "--path"])
        .arg(&repo));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let layered = std::fs::canonicalize(fixture("layered")).expect("fixture");
    let text = result
        .stdout
        .replace(&layered.display().to_string(), "[LAYERED]");
    insta::assert_snapshot!("explain_mongodb", text);

    let result = run(techpolicy()
        .args([
            "explain",
            "docker:node@16",
            "--today",
            "2026-11-01",
            "--path",
        ])
        .arg(&repo));
    assert_eq!(result.code, 0);
    assert!(
        result.stdout.contains("Node.js before 18  [deprecated]"),
        "{}",
        result.stdout
    );
    assert!(
        result
            .stdout
            .contains("sunset:      banned from 2027-03-01, in 120 days"),
        "{}",
        result.stdout
    );
    assert!(result.stdout.contains("exception:   services/legacy/** until 2026-12-31 (in 60 days), granted by BILL-7 to billing-team"), "{}", result.stdout);
    assert!(
        result
            .stdout
            .contains("review by 2026-06-01 (overdue by 153 days)"),
        "{}",
        result.stdout
    );

    let result = run(techpolicy()
        .args(["explain", "ORG-001", "--path"])
        .arg(&repo));
    assert_eq!(result.code, 0);
    assert!(
        result.stdout.starts_with(
            "ORG-001 \"PostgreSQL is our only database; MongoDB is not used\" (accepted)"
        ),
        "{}",
        result.stdout
    );

    let result = run(techpolicy()
        .args(["explain", "Mongo DB", "--path"])
        .arg(&repo));
    assert_eq!(result.code, 1);
    assert!(
        result.stdout.contains("did you mean `MongoDB`?"),
        "{}",
        result.stdout
    );
    let result = run(techpolicy()
        .args(["explain", "npm:react", "--path"])
        .arg(&repo));
    assert_eq!(result.code, 1);
    assert!(result.stdout.contains(
        "no technology in the policy matches it (unknown dependencies are warned about)"
    ));
}

#[test]
fn init_writes_a_valid_starter_and_never_overwrites() {
    let repo = TempRepo::new(&[
        (
            "package.json",
            r#"{"dependencies": {"express": "^4", "mongoose": "^8"}}"#,
        ),
        ("api/package.json", r#"{"dependencies": {"express": "^4"}}"#),
        ("Dockerfile", "FROM node:20-alpine\n"),
    ]);
    let result = run(techpolicy().arg("init").arg(repo.path()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stdout.contains("with 3 technologies to classify"),
        "{}",
        result.stdout
    );
    let written = std::fs::read_to_string(repo.path().join("techpolicy.toml")).expect("written");
    assert!(
        written.contains("# npm:express, used in api/package.json:1, package.json:1"),
        "{written}"
    );
    assert!(written.contains("# match = [\"docker:node\"]"), "{written}");
    // Valid as written: the check runs at once.
    assert_eq!(run(techpolicy().arg("check").arg(repo.path())).code, 0);
    let again = run(techpolicy().arg("init").arg(repo.path()));
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("never overwrites"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join("techpolicy.toml")).expect("kept"),
        written
    );
}

#[test]
fn new_since_fails_only_what_a_change_adds() {
    let policy = crate::util::EXAMPLE_POLICY;
    let repo = TempRepo::new(&[
        ("techpolicy.toml", policy),
        (
            "app/package.json",
            "{\n  \"dependencies\": {\n    \"mongoose\": \"^8.0.0\"\n  }\n}\n",
        ),
    ]);
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "existing violation"]);

    // The change adds a banned package above the existing one, which moves to another line.
    repo.write(
        "app/package.json",
        "{\n  \"dependencies\": {\n    \"express\": \"^4.18.0\",\n    \"mongodb\": \"^6.0.0\",\n    \"mongoose\": \"^8.0.0\"\n  }\n}\n",
    );
    let result = run(techpolicy().arg("check").arg(repo.path()).args([
        "--format",
        "json",
        "--new-since",
        "HEAD",
    ]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![("app/package.json".to_string(), 4, "banned".to_string())]
    );
    assert_eq!(document["summary"]["existing"], 1);

    // Scanning a subdirectory reads the same subdirectory at the revision.
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path().join("app"))
        .args(["--format", "json", "--new-since", "HEAD"]));
    assert_eq!(
        finding_locations(&result.json()),
        vec![("package.json".to_string(), 4, "banned".to_string())]
    );

    git(repo.path(), &["commit", "-q", "-am", "add mongodb"]);
    // Removing a banned package never fails.
    repo.write(
        "app/package.json",
        "{\n  \"dependencies\": {\n    \"express\": \"^4.18.0\"\n  }\n}\n",
    );
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--new-since", "HEAD"]));
    assert_eq!(result.code, 0, "{}", result.stdout);

    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--new-since", "no-such-rev"]));
    assert_eq!(result.code, 2);
    assert!(result.stderr.contains("--new-since"), "{}", result.stderr);
}

#[test]
fn exception_without_expiry_is_a_policy_error() {
    let policy = r#"version = 1
[[decision]]
id = "ADR-1"
title = "t"
status = "accepted"

[[technology]]
name = "MongoDB"
status = "banned"
match = ["npm:mongoose"]

[[exception]]
technology = "MongoDB"
paths = ["**"]
decision = "ADR-1"
owner = "team"
"#;
    let repo = TempRepo::new(&[("techpolicy.toml", policy)]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("an exception must have an `expires` date"),
        "{}",
        result.stderr
    );
    assert!(
        result
            .stderr
            .contains("exceptions are temporary by definition"),
        "{}",
        result.stderr
    );
}
