//! Invalid policies: every problem reported at once, pointing at its line, exit 2.

use crate::util::{run, techpolicy, TempRepo, EXAMPLE_POLICY};

const BAD_POLICY: &str = r#"version = 1
colour = "blue"

[settings]
exclude = ["[unclosed"]

[[decision]]
id = "ADR-0003"
title = "PostgreSQL is our document store"
status = "acepted"
date = 2023-11-20

[[technology]]
name = "MongoDB"
status = "banned"
decision = "ADR-0030"
use-instead = "PostgreSQL"
match = ["npm:mongoose", "pip:pymongo", "npm:lodash@<<4", "npm:/mongo(/"]
"#;

#[test]
fn every_policy_error_is_reported_with_its_line() {
    let repo = TempRepo::new(&[("techpolicy.toml", BAD_POLICY), ("package.json", "{}")]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 2);
    assert_eq!(
        result.stdout, "",
        "nothing is checked against an invalid policy"
    );
    let stderr = result
        .stderr
        .replace(&repo.path().display().to_string(), "[REPO]");
    insta::assert_snapshot!("invalid_policy", stderr);
}

#[test]
fn an_invalid_policy_also_stops_inventory() {
    let repo = TempRepo::new(&[("techpolicy.toml", BAD_POLICY)]);
    let result = run(techpolicy().arg("inventory").arg(repo.path()));
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("8 errors in the policy"),
        "{}",
        result.stderr
    );
}

#[test]
fn the_documented_example_policy_is_valid() {
    let repo = TempRepo::new(&[("techpolicy.toml", EXAMPLE_POLICY)]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stdout.contains("checked 0 files"),
        "{}",
        result.stdout
    );
}
