//! A pull request must not be able to approve itself: `--policy-from` checks against the
//! policy of a trusted revision and reports what the change does to the policy; `extends` and
//! decision records may not reach outside the repository.

use crate::util::{finding_locations, git, run, techpolicy, TempRepo};

const POLICY: &str = r#"version = 1

[[decision]]
id = "ADR-0003"
title = "PostgreSQL is our document store; no new MongoDB"
status = "accepted"
owner = "data-platform"

[[decision]]
id = "ADR-0040"
title = "Billing may keep MongoDB during its migration"
status = "accepted"
owner = "billing-team"

[[technology]]
name = "MongoDB"
status = "banned"
decision = "ADR-0003"
match = ["npm:mongoose"]

[[exception]]
technology = "MongoDB"
paths = ["billing/**"]
decision = "ADR-0040"
owner = "billing-team"
expires = 2027-06-30
"#;

#[test]
fn a_pull_request_that_grants_itself_an_exception_still_fails() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", POLICY),
        (
            "billing/package.json",
            r#"{"dependencies": {"mongoose": "^8.0.0"}}"#,
        ),
        (
            "app/package.json",
            r#"{"dependencies": {"express": "^4.18.0"}}"#,
        ),
    ]);
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "base"]);

    // The pull request adds mongoose to app/ and, in the same change, an exception for app/**
    // and a longer life for billing's.
    repo.write(
        "app/package.json",
        r#"{"dependencies": {"express": "^4.18.0", "mongoose": "^8.0.0"}}"#,
    );
    let loosened = POLICY.replace("expires = 2027-06-30", "expires = 2030-01-01")
        + r#"
[[decision]]
id = "APP-1"
title = "The app may use MongoDB"
status = "accepted"

[[exception]]
technology = "MongoDB"
paths = ["app/**"]
decision = "APP-1"
owner = "app-team"
expires = 2027-01-01
"#;
    repo.write("techpolicy.toml", &loosened);
    git(repo.path(), &["commit", "-q", "-am", "pull request"]);

    // Against its own policy, the change passes...
    let own = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--today", "2026-11-01"]));
    assert_eq!(own.code, 0, "{}", own.stdout);

    // ...against the base's, it fails, and the policy change is reported apart.
    let result = run(techpolicy().arg("check").arg(repo.path()).args([
        "--today",
        "2026-11-01",
        "--policy-from",
        "HEAD~1",
    ]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    assert!(
        result
            .stdout
            .contains("package `mongoose ^8.0.0` is banned: MongoDB"),
        "{}",
        result.stdout
    );
    let section = result
        .stdout
        .split("policy changes in the working tree, not applied")
        .nth(1)
        .unwrap_or_else(|| panic!("no policy-change section:\n{}", result.stdout));
    assert!(
        section.contains("loosens: exception added: `MongoDB` under app/** until 2027-01-01 (granted by APP-1, owner: app-team)"),
        "{section}"
    );
    assert!(
        section.contains("loosens: exception for `MongoDB` extended from 2027-06-30 to 2030-01-01"),
        "{section}"
    );
    assert!(
        section.contains("changes: decision `APP-1` added"),
        "{section}"
    );

    let json = run(techpolicy().arg("check").arg(repo.path()).args([
        "--today",
        "2026-11-01",
        "--policy-from",
        "HEAD~1:techpolicy.toml",
        "--format",
        "json",
    ]));
    assert_eq!(json.code, 1);
    let document = json.json();
    assert_eq!(
        finding_locations(&document),
        vec![
            ("app/package.json".to_string(), 1, "banned".to_string()),
            ("billing/package.json".to_string(), 1, "banned".to_string())
        ]
    );
    assert_eq!(
        document["findings"][1]["severity"], "note",
        "the base's own exception still applies"
    );
    let codes: Vec<&str> = document["policy_changes"]
        .as_array()
        .expect("policy_changes")
        .iter()
        .map(|c| c["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        vec!["exception-extended", "exception-added", "decision-added"]
    );

    // The working tree's policy is not even read for rules: a revision without the file fails.
    let missing = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--policy-from", "HEAD~1:nope.toml"]));
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("cannot read"), "{}", missing.stderr);
}

#[test]
fn extends_and_decision_records_stay_inside_the_repository() {
    let outside = TempRepo::new(&[("org.toml", "version = 1\n")]);
    let outside_path = outside.path().join("org.toml");
    let policy = format!(
        "version = 1\nextends = [{:?}]\n\n[[decision]]\nid = \"A\"\ntitle = \"t\"\nstatus = \"accepted\"\npath = \"../../../../../../../../etc/hostname\"\n",
        outside_path.display().to_string()
    );
    let repo = TempRepo::new(&[("techpolicy.toml", &policy)]);
    git(repo.path(), &["init", "-q"]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("`extends` points outside the repository"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains(
            "decision record `../../../../../../../../etc/hostname` lies outside the repository"
        ),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("--allow-outside-root"),
        "{}",
        result.stderr
    );

    let allowed = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .arg("--allow-outside-root"));
    assert!(
        !allowed.stderr.contains("outside the repository"),
        "{}",
        allowed.stderr
    );
}
