//! The SARIF, GitHub annotation and Markdown reports of `techpolicy check`, rendered from the
//! library's results (the command line only picks one of them).
//!
//! Snapshots pin `repo_prefix`: it depends on whether the checkout is a git work tree, and
//! fixed, it also shows that every path gets it.

use crate::util::{fixture, TempRepo};
use jiff::civil::{date, Date};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use techpolicy::evaluate::{DecisionRef, ExceptionRef, Finding, Severity};
use techpolicy::manifest::{Ecosystem, Span};
use techpolicy::policy::{self, TechStatus};
use techpolicy::report::{github, markdown, sarif};
use techpolicy::{CheckOptions, CheckOutcome, Scan, Summary};

const SARIF_SCHEMA: &str = include_str!("schemas/sarif-schema-2.1.0.json");

fn check(path: &Path, today: Date) -> CheckOutcome {
    let found = policy::discover(path).expect("a policy above the scanned path");
    let policy = policy::load(&found, &Default::default()).expect("a valid policy");
    let options = CheckOptions {
        today,
        new_since: None,
        cargo_metadata: false,
    };
    techpolicy::check(
        &techpolicy::Target::Dir(path.to_path_buf()),
        &policy,
        &options,
    )
    .expect("check runs")
}

fn demo() -> CheckOutcome {
    let mut outcome = check(&fixture("demo"), date(2026, 11, 1));
    outcome.scan.repo_prefix = "fixtures/demo/".into();
    outcome
}

/// The overlay with an exception: a note on 2026-11-01, a warning on 2026-12-10 (it expires
/// within 30 days), expired on 2027-01-10; plus an unknown dependency and an overdue review.
fn layered(today: Date) -> CheckOutcome {
    let mut outcome = check(&fixture("layered/authorised"), today);
    outcome.scan.repo_prefix = "fixtures/layered/authorised/".into();
    outcome
}

fn sarif_of(outcome: &CheckOutcome) -> Value {
    let text = sarif::render_check(outcome);
    assert!(text.ends_with("}\n"), "pretty JSON and a trailing newline");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("SARIF is not JSON ({e}):\n{text}"))
}

/// Every schema error, under the draft the schema declares (4) and under draft 7, which also
/// checks the `uri-reference` format the schema uses for artifact URIs (draft 4 has no such
/// format, so a validator ignores it there).
fn schema_errors(document: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SARIF_SCHEMA).expect("schema is JSON");
    let mut errors = Vec::new();
    for draft in [jsonschema::Draft::Draft4, jsonschema::Draft::Draft7] {
        let validator = jsonschema::options()
            .with_draft(draft)
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles");
        errors.extend(
            validator
                .iter_errors(document)
                .map(|e| format!("{draft:?}: {} at {}", e, e.instance_path())),
        );
    }
    errors
}

fn assert_valid_sarif(document: &Value) {
    let errors = schema_errors(document);
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

fn results(document: &Value) -> &Vec<Value> {
    document["runs"][0]["results"].as_array().expect("results")
}

// ---- snapshots ----

#[test]
fn demo_sarif_snapshot() {
    insta::assert_snapshot!("demo_sarif", sarif::render_check(&demo()));
}

#[test]
fn demo_github_snapshot() {
    insta::assert_snapshot!("demo_github", github::render_check(&demo()));
}

#[test]
fn demo_markdown_snapshot() {
    insta::assert_snapshot!("demo_markdown", markdown::render_check(&demo()));
}

#[test]
fn exceptions_and_policy_warnings_snapshots() {
    let outcome = layered(date(2026, 12, 10));
    insta::assert_snapshot!("layered_github", github::render_check(&outcome));
    insta::assert_snapshot!("layered_markdown", markdown::render_check(&outcome));
}

// ---- SARIF ----

#[test]
fn sarif_validates_against_the_schema() {
    assert_valid_sarif(&sarif_of(&demo()));
    for today in [date(2026, 11, 1), date(2026, 12, 10), date(2027, 1, 10)] {
        assert_valid_sarif(&sarif_of(&layered(today)));
    }
}

#[test]
fn the_validation_catches_what_code_scanning_rejects() {
    // Guards the guard: a SARIF validation that accepted anything would prove nothing.
    let mut document = sarif_of(&demo());
    document["runs"][0]["results"][0]["level"] = "fatal".into();
    document["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"] = "a b/package.json".into();
    document["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    let errors = schema_errors(&document);
    assert!(errors.iter().any(|e| e.contains("fatal")), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("a b/package.json")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("startLine")),
        "{errors:#?}"
    );
}

#[test]
fn every_result_has_a_rule_a_location_and_a_region() {
    let document = sarif_of(&demo());
    let run = &document["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "techpolicy");
    assert_eq!(
        run["tool"]["driver"]["semanticVersion"],
        env!("CARGO_PKG_VERSION")
    );
    assert!(run["tool"]["driver"].get("informationUri").is_none());
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: BTreeSet<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), rules.len(), "rule ids are unique");
    assert_eq!(
        ids,
        BTreeSet::from([
            "lodash-before-4-17-21",
            "mongodb",
            "node-js-before-18",
            "openssl-bindings"
        ])
    );
    let results = results(&document);
    assert_eq!(results.len(), 14);
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result:#}");
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(
            uri.starts_with("fixtures/demo/"),
            "repository-relative: {uri}"
        );
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &physical["region"];
        assert!(region["startLine"].as_u64().expect("startLine") >= 1);
        assert!(region["startColumn"].as_u64().expect("startColumn") >= 1);
        assert!(result["partialFingerprints"]["techpolicy/v1"].is_string());
        assert!(result.get("suppressions").is_none());
    }
    // `image: mongo:6.0` at line 11: the span covers `mongo:6.0`, columns 12 to 21.
    let mongo = results
        .iter()
        .find(|r| r["properties"]["package"] == "mongo")
        .expect("mongo result");
    assert_eq!(
        mongo["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({ "startLine": 11, "startColumn": 12, "endColumn": 21 })
    );
    let mongoose = rules.iter().find(|r| r["id"] == "mongodb").expect("rule");
    assert_eq!(mongoose["helpUri"], "https://example.com/adr/0003");
    assert_eq!(mongoose["shortDescription"]["text"], "MongoDB is banned");
    assert_eq!(mongoose["defaultConfiguration"]["level"], "error");
}

#[test]
fn levels_follow_severities_and_are_not_collapsed() {
    let mut seen = BTreeSet::new();
    for outcome in [
        demo(),
        layered(date(2026, 11, 1)),
        layered(date(2026, 12, 10)),
    ] {
        let document = sarif_of(&outcome);
        for (finding, result) in outcome.findings.iter().zip(results(&document)) {
            let expected = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            assert_eq!(result["level"], expected, "{}", finding.message);
            seen.insert(expected);
        }
    }
    assert_eq!(seen, BTreeSet::from(["error", "note", "warning"]));
}

#[test]
fn exceptions_and_transitive_chains_are_properties_not_suppressions() {
    let document = sarif_of(&layered(date(2026, 11, 1)));
    let node = results(&document)
        .iter()
        .find(|r| r["properties"]["package"] == "node")
        .expect("node result");
    assert_eq!(node["level"], "note");
    assert!(node.get("suppressions").is_none());
    assert_eq!(
        node["properties"]["exception"],
        serde_json::json!({ "decision": "BILL-7", "owner": "billing-team", "expires": "2026-12-31", "active": true })
    );
    let unknown = results(&document)
        .iter()
        .find(|r| r["properties"]["package"] == "left-pad")
        .expect("unknown result");
    assert_eq!(unknown["ruleId"], sarif::UNKNOWN_RULE_ID);

    let document = sarif_of(&demo());
    let openssl_sys = results(&document)
        .iter()
        .find(|r| r["properties"]["package"] == "openssl-sys")
        .expect("openssl-sys result");
    assert_eq!(
        openssl_sys["properties"]["via"],
        serde_json::json!(["mongodb", "openssl"])
    );
    let text = openssl_sys["message"]["text"].as_str().expect("text");
    assert!(text.contains("Introduced by mongodb → openssl"), "{text}");
    assert!(text.contains("Use instead: rustls"), "{text}");
    assert!(text.contains("Why: Native OpenSSL"), "{text}");
}

const MOVING_POLICY: &str = r#"version = 1

[[decision]]
id = "ADR-1"
title = "No MongoDB"
status = "accepted"
owner = "@org/data"
review_by = 2020-01-01
url = "https://example.com/adr/1"

[[technology]]
name = "MongoDB, legacy: v1"
status = "banned"
decision = "ADR-1"
reason = "100% of incidents\nlast quarter"
use_instead = "PostgreSQL"
match = ["npm:mongoose", "docker:mongo"]
"#;

const PACKAGE_JSON: &str = r#"{
  "name": "api",
  "dependencies": {
    "mongoose": "^8.0.3"
  }
}
"#;

const DOCKERFILE: &str = "FROM mongo:7.0\n";

/// A repository whose top holds the policy and `.git`, scanned in a subdirectory whose name
/// has a space.
fn moving_repo() -> TempRepo {
    TempRepo::new(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("techpolicy.toml", MOVING_POLICY),
        ("services/my api/package.json", PACKAGE_JSON),
        ("services/my api/Dockerfile", DOCKERFILE),
    ])
}

/// (ruleId, package) → (fingerprint, line).
fn fingerprints(document: &Value) -> BTreeMap<(String, String), (String, u64)> {
    results(document)
        .iter()
        .map(|r| {
            (
                (
                    r["ruleId"].as_str().expect("ruleId").to_string(),
                    r["properties"]["package"]
                        .as_str()
                        .expect("package")
                        .to_string(),
                ),
                (
                    r["partialFingerprints"]["techpolicy/v1"]
                        .as_str()
                        .expect("fingerprint")
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .expect("line"),
                ),
            )
        })
        .collect()
}

#[test]
fn fingerprints_stay_when_lines_move() {
    let repo = moving_repo();
    let scanned = repo.path().join("services/my api");
    let before = sarif_of(&check(&scanned, date(2026, 11, 1)));
    assert_valid_sarif(&before);

    repo.write(
        "services/my api/package.json",
        &PACKAGE_JSON.replace(
            "\"name\": \"api\",",
            "\"name\": \"api\",\n  \"private\": true,",
        ),
    );
    repo.write(
        "services/my api/Dockerfile",
        &format!("# syntax=docker/dockerfile:1\n\n{DOCKERFILE}"),
    );
    let after = sarif_of(&check(&scanned, date(2026, 11, 1)));
    let (before, after) = (fingerprints(&before), fingerprints(&after));
    assert_eq!(before.len(), 2, "{before:?}");
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (key, (fingerprint, line)) in &before {
        let (moved_fingerprint, moved_line) = &after[key];
        assert_ne!(line, moved_line, "{key:?} moved");
        assert_eq!(
            fingerprint, moved_fingerprint,
            "{key:?} keeps its fingerprint"
        );
    }
}

#[test]
fn paths_are_repository_relative_uri_references() {
    let repo = moving_repo();
    let outcome = check(&repo.path().join("services/my api"), date(2026, 11, 1));
    assert_eq!(outcome.scan.repo_prefix, "services/my api/");
    let document = sarif_of(&outcome);
    assert_valid_sarif(&document);
    let uris: BTreeSet<&str> = results(&document)
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
        })
        .collect();
    assert_eq!(
        uris,
        BTreeSet::from([
            "services/my%20api/Dockerfile",
            "services/my%20api/package.json"
        ])
    );
    // The overdue review sits in the policy at the top of the repository.
    let notifications = &document["runs"][0]["invocations"][0]["toolConfigurationNotifications"];
    assert_eq!(notifications[0]["descriptor"]["id"], "review-overdue");
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "techpolicy.toml"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", MOVING_POLICY),
        (
            "package.json",
            "{ \"description\": \"ünïcødé\", \"dependencies\": { \"mongoose\": \"^8.0.3\" } }\n",
        ),
    ]);
    let outcome = check(repo.path(), date(2026, 11, 1));
    let document = sarif_of(&outcome);
    let region = &results(&document)[0]["locations"][0]["physicalLocation"]["region"];
    // `"mongoose"` starts after 46 characters (50 bytes) and is 10 characters long.
    assert_eq!(
        *region,
        serde_json::json!({ "startLine": 1, "startColumn": 47, "endColumn": 57 })
    );
    let text = github::render_check(&outcome);
    assert!(text.contains(",line=1,col=47,endColumn=57,"), "{text}");
}

// ---- GitHub ----

/// A workflow command read back as the runner reads it: name, unescaped properties, data.
fn parse_command(line: &str) -> (String, BTreeMap<String, String>, String) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (head, data) = rest.split_once("::").expect("two ::");
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let unescape_data = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    let unescape_property = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p.split_once('=').expect("key=value");
            (key.to_string(), unescape_property(value))
        })
        .collect();
    (name.to_string(), properties, unescape_data(data))
}

#[test]
fn github_escapes_as_the_toolkit_does() {
    assert_eq!(github::escape_data("50% done"), "50%25 done");
    assert_eq!(github::escape_data("a\r\nb"), "a%0D%0Ab");
    assert_eq!(github::escape_data("a: b, c"), "a: b, c");
    assert_eq!(github::escape_data("%0A"), "%250A", "`%` first");
    assert_eq!(github::escape_property("a: b, c"), "a%3A b%2C c");
    assert_eq!(github::escape_property("50%\r\n"), "50%25%0D%0A");
    assert_eq!(github::escape_property("%2C"), "%252C", "`%` first");
}

#[test]
fn github_annotations_survive_hostile_names() {
    let repo = moving_repo();
    let outcome = check(&repo.path().join("services/my api"), date(2026, 11, 1));
    let text = github::render_check(&outcome);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "two findings and one policy warning:\n{text}"
    );
    assert!(text.ends_with('\n'));

    let (name, properties, message) = parse_command(lines[1]);
    assert_eq!(name, "error");
    assert_eq!(properties["file"], "services/my api/package.json");
    assert_eq!(properties["line"], "4");
    assert_eq!(properties["col"], "5");
    assert_eq!(
        properties["endColumn"], "15",
        "`\"mongoose\"` is 10 characters"
    );
    assert_eq!(
        properties["title"],
        "techpolicy: MongoDB, legacy: v1 is banned"
    );
    assert_eq!(
        message,
        "package `mongoose ^8.0.3` is banned: MongoDB, legacy: v1\n\
         100% of incidents\nlast quarter\n\
         use instead: PostgreSQL\n\
         decision: ADR-1 \"No MongoDB\" https://example.com/adr/1"
    );
    // Nothing in a line can end the command early or add a property.
    for line in &lines {
        assert!(!line.contains('\r'));
        let (_, properties, _) = parse_command(line);
        let keys: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        assert!(keys.is_subset(&BTreeSet::from([
            "file",
            "line",
            "col",
            "endColumn",
            "title"
        ])));
    }

    let (name, properties, message) = parse_command(lines[2]);
    assert_eq!(name, "warning");
    assert_eq!(properties["file"], "techpolicy.toml");
    assert_eq!(properties["line"], "4", "the decision's `id`");
    assert_eq!(properties["title"], "techpolicy: policy review-overdue");
    assert!(
        message.starts_with("decision `ADR-1` was due for review"),
        "{message}"
    );
}

#[test]
fn github_severity_names_and_policy_files_outside_the_repository() {
    let note = github::render_check(&layered(date(2026, 11, 1)));
    assert!(
        note.lines().any(|l| l
            .starts_with("::notice file=fixtures/layered/authorised/services/legacy/Dockerfile,")),
        "{note}"
    );
    assert!(note.lines().all(|l| l.starts_with("::")), "{note}");

    // Outside any repository, a base policy above the scanned directory has no path GitHub
    // could show.
    let mut outcome = layered(date(2026, 11, 1));
    outcome.scan.repo_prefix = String::new();
    let text = github::render_check(&outcome);
    let review = text
        .lines()
        .find(|l| l.contains("review-overdue"))
        .expect("review warning");
    assert!(review.starts_with("::warning title="), "{review}");
}

// ---- Markdown ----

#[test]
fn markdown_speaks_to_leaders_first() {
    let text = markdown::render_check(&demo());
    assert!(
        text.starts_with("## techpolicy\n\n❌ **8 errors, 6 warnings**"),
        "{text}"
    );
    let order = [
        "| ❌ banned | 8 |",
        "**Approved technologies:** 1 of 25 direct dependencies and images (4%).",
        "### Technologies to migrate away from",
        "| MongoDB | banned | 8 | PostgreSQL (jsonb) | [ADR-0003](https://example.com/adr/0003) |",
        "### Decisions involved",
        "`data-platform`",
        "### `fixtures/demo/Cargo.lock`",
        "| 65 | `openssl-sys` via mongodb → openssl |",
    ];
    let mut from = 0;
    for needle in order {
        let at = text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} after byte {from}:\n{text}"));
        from += at + needle.len();
    }
    assert!(!text.contains("not shown"));
}

#[test]
fn markdown_lists_exceptions_by_expiry() {
    let soon = markdown::render_check(&layered(date(2026, 12, 10)));
    assert!(soon.contains("| 2026-12-31 | Node.js before 18 | BILL-7 | `billing-team` | 1 | ⏳ expires within 30 days |"), "{soon}");
    let expired = markdown::render_check(&layered(date(2027, 1, 10)));
    assert!(
        expired.contains(
            "| 2026-12-31 | Node.js before 18 | BILL-7 | `billing-team` | 1 | ⛔ expired |"
        ),
        "{expired}"
    );
    assert!(expired.contains("### Policy warnings"));
    assert!(
        expired.contains("(`fixtures/layered/authorised/techpolicy.toml:25`)"),
        "{expired}"
    );
}

#[test]
fn a_clean_repository() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", "version = 1\n"),
        ("package.json", "{ \"name\": \"x\" }\n"),
    ]);
    let outcome = check(repo.path(), date(2026, 11, 1));
    let text = markdown::render_check(&outcome);
    assert!(
        text.starts_with("## techpolicy\n\n✅ **no violations**"),
        "{text}"
    );
    assert!(
        text.contains("no direct dependencies or images found"),
        "{text}"
    );
    assert_eq!(github::render_check(&outcome), "");
    let document = sarif_of(&outcome);
    assert_valid_sarif(&document);
    assert_eq!(results(&document).len(), 0);
}

/// The `k`th finding of a synthetic report, in `file` at `line`: 40 technologies and
/// decisions, some transitive, some under an exception.
fn synthetic_finding(k: usize, file: usize, line: usize) -> Finding {
    let technology = format!("Legacy framework {}", k % 40);
    let deprecated = k % 40 >= 30;
    let exception = k.is_multiple_of(7).then(|| ExceptionRef {
        decision: "ADR-9999".into(),
        owner: "team-a".into(),
        expires: format!("2027-{:02}-01", 1 + k % 12),
        active: !k.is_multiple_of(14),
    });
    Finding {
        severity: match (&exception, deprecated) {
            (Some(e), _) if e.active => Severity::Note,
            (_, true) => Severity::Warning,
            (_, false) => Severity::Error,
        },
        status: if deprecated {
            TechStatus::Deprecated
        } else {
            TechStatus::Banned
        },
        technology: Some(technology.clone()),
        ecosystem: Ecosystem::Npm,
        package: format!("@scope/package-with-a-long-name-{line}"),
        version: Some(format!("{line}.0.0")),
        requirement: Some(format!("^{line}.0.0")),
        file: format!("packages/service-{file:04}/package.json"),
        line,
        column: 5,
        direct: k.is_multiple_of(2),
        via: if k.is_multiple_of(2) {
            Vec::new()
        } else {
            vec!["express".into(), "body-parser".into()]
        },
        decision: Some(DecisionRef {
            id: format!("ADR-{:04}", k % 40),
            title: format!("We retire {technology} | in favour of | the platform"),
            url: Some(format!("https://example.com/adr/{}", k % 40)),
            owner: Some("@org/platform".into()),
        }),
        reason: Some("It is no longer maintained.".into()),
        use_instead: Some("the platform framework".into()),
        sunset: None,
        exception,
        policy: Some("techpolicy.toml".into()),
        message: format!(
            "package `@scope/package-with-a-long-name-{line}` is banned: {technology}"
        ),
        rule: None,
        span: Span::default(),
    }
}

fn synthetic_outcome(files: usize, per_file: usize) -> CheckOutcome {
    let findings: Vec<Finding> = (0..files)
        .flat_map(|file| {
            (0..per_file).map(move |i| synthetic_finding(file * per_file + i, file, i * 3 + 1))
        })
        .collect();
    let summary = Summary {
        files,
        dependencies: findings.len(),
        errors: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        warnings: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
        direct_dependencies: findings.len(),
        ..Summary::default()
    };
    CheckOutcome {
        scan: Scan {
            root: "/nonexistent".into(),
            files_scanned: files,
            dependencies: Vec::new(),
            errors: Vec::new(),
            sources: BTreeMap::new(),
            repo_prefix: "monorepo/".into(),
            requested: None,
            skipped: Vec::new(),
        },
        findings,
        policy_issues: Vec::new(),
        policy_changes: Vec::new(),
        summary,
    }
}

/// Data rows of the per-file tables: they start with the line number.
fn detail_rows(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            l.strip_prefix("| ")
                .and_then(|rest| rest.split_once(" |"))
                .is_some_and(|(first, _)| first.chars().all(|c| c.is_ascii_digit()))
        })
        .count()
}

#[test]
fn markdown_stays_within_githubs_limit() {
    let outcome = synthetic_outcome(400, 12);
    let total = outcome.findings.len();
    assert_eq!(total, 4800);
    let text = markdown::render_check(&outcome);
    assert!(text.len() <= markdown::BUDGET, "{} bytes", text.len());
    assert!(text.chars().count() <= 65_536);

    // The overview is whole; the detail stops at a row and says what it left out.
    assert!(text.contains("### Technologies to migrate away from"));
    assert!(
        text.contains("… and 10 more technologies"),
        "40 technologies, 30 shown"
    );
    let last = text.lines().last().expect("a last line");
    let (hidden, hidden_files) = parse_trailer(last);
    let shown = detail_rows(&text);
    assert!(shown > 0);
    assert_eq!(shown + hidden, total, "{last}");
    let files_shown_whole = shown / 12;
    assert_eq!(hidden_files, 400 - files_shown_whole, "{last}");

    // Every table row has as many cells as its header: no escaped pipe split a cell.
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(
            cells == 3 || cells == 5 || cells == 6 || cells == 7,
            "{line}"
        );
    }

    // A small report is not cut.
    let small = markdown::render_check(&synthetic_outcome(3, 4));
    assert_eq!(detail_rows(&small), 12);
    assert!(!small.contains("not shown"));
}

/// `… and N more findings in M files not shown (see the SARIF or JSON report)`.
fn parse_trailer(line: &str) -> (usize, usize) {
    let rest = line
        .strip_prefix("… and ")
        .unwrap_or_else(|| panic!("no trailer: {line}"));
    assert!(
        rest.ends_with(" not shown (see the SARIF or JSON report)"),
        "{line}"
    );
    let words: Vec<&str> = rest.split(' ').collect();
    assert_eq!(words[1], "more");
    assert_eq!(words[3], "in");
    (words[0].parse().expect("N"), words[4].parse().expect("M"))
}
