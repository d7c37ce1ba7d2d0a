//! `techpolicy inventory`: every dependency and image, with or without a policy.

use crate::util::{fixture, run, techpolicy, TempRepo};

#[test]
fn demo_inventory_json_snapshot() {
    let result = run(techpolicy()
        .arg("inventory")
        .arg(fixture("demo"))
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    insta::assert_json_snapshot!("demo_inventory", result.json());
}

#[test]
fn demo_inventory_table_snapshot() {
    let result = run(techpolicy().arg("inventory").arg(fixture("demo")));
    assert_eq!(result.code, 0, "{}", result.stderr);
    insta::assert_snapshot!("demo_inventory_table", result.stdout);
}

#[test]
fn inventory_needs_no_policy() {
    let repo = TempRepo::new(&[
        (
            "package.json",
            r#"{"dependencies": {"mongoose": "^8.0.0"}}"#,
        ),
        (
            "Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n",
        ),
    ]);
    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let document = result.json();
    assert_eq!(document["version"], 1);
    let dependencies = document["dependencies"].as_array().expect("array");
    assert_eq!(dependencies.len(), 2);
    for dependency in dependencies {
        assert_eq!(dependency["technology"], serde_json::Value::Null);
        assert_eq!(dependency["status"], serde_json::Value::Null);
        assert_eq!(dependency["direct"], true);
    }
    assert_eq!(dependencies[0]["ecosystem"], "cargo");
    assert_eq!(dependencies[0]["name"], "serde");
    assert_eq!(dependencies[0]["requirement"], "1");
    assert_eq!(dependencies[0]["file"], "Cargo.toml");
    assert_eq!(dependencies[0]["line"], 6);
    assert_eq!(dependencies[1]["name"], "mongoose");
}

#[test]
fn inventory_with_a_policy_shows_each_mapping_including_approved() {
    let result = run(techpolicy()
        .arg("inventory")
        .arg(fixture("demo"))
        .args(["--format", "json"]));
    let document = result.json();
    let dependencies = document["dependencies"].as_array().expect("array");
    let express = dependencies
        .iter()
        .find(|d| d["name"] == "express" && d["file"] == "packages/api/package.json")
        .expect("express");
    assert_eq!(express["technology"], "Express");
    assert_eq!(express["status"], "approved");
    assert_eq!(express["version"], "4.18.2");
    let locked_express = dependencies
        .iter()
        .find(|d| d["name"] == "express" && d["file"] == "package-lock.json")
        .expect("lock entry");
    assert_eq!(
        locked_express["direct"], true,
        "a declaration resolves to it"
    );
    let bytes = dependencies
        .iter()
        .find(|d| d["name"] == "bytes")
        .expect("bytes");
    assert_eq!(bytes["direct"], false);
    assert_eq!(bytes["technology"], serde_json::Value::Null);
}
