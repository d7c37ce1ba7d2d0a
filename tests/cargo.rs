//! Cargo specifics: `[patch]` and `[replace]` entries, workspace membership by `members` globs
//! and `exclude`, and `--cargo-metadata` (Cargo's own resolution, offline).

use crate::util::{finding_locations, fixture, run, techpolicy, TempRepo, EXAMPLE_POLICY};
use serde_json::Value;
use std::path::Path;

fn loc(file: &str, line: u64, status: &str) -> (String, u64, String) {
    (file.to_string(), line, status.to_string())
}

/// The inventory entry declared in `file` for `name`.
fn entry<'a>(document: &'a Value, file: &str, name: &str) -> &'a Value {
    document["dependencies"]
        .as_array()
        .expect("dependencies array")
        .iter()
        .find(|e| e["file"] == file && e["name"] == name && e["section"] != "lockfile")
        .unwrap_or_else(|| panic!("no declaration of {name} in {file}:\n{document:#}"))
}

#[test]
fn a_banned_crate_patched_or_replaced_in_is_a_finding_at_that_line() {
    let manifest = r#"[package]
name = "app"
version = "0.1.0"

[dependencies]
serde = "1"

[patch.crates-io]
mongodb = { git = "https://example.test/mongodb-fork", branch = "main" }

[patch.'https://example.test/some/index']
json = { package = "serde_json", path = "vendor/json" }

[replace]
"mongodb:2.8.0" = { path = "vendor/mongodb" }
"#;
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        ("Cargo.toml", manifest),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert_eq!(
        finding_locations(&result.json()),
        vec![
            loc("Cargo.toml", 9, "banned"),
            loc("Cargo.toml", 15, "banned")
        ]
    );

    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let document = result.json();
    let sections: Vec<(&str, &str)> = document["dependencies"]
        .as_array()
        .expect("array")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("name"),
                e["section"].as_str().expect("section"),
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            ("serde", "dependencies"),
            ("mongodb", "patch.crates-io"),
            ("serde_json", "patch.'https://example.test/some/index'"),
            ("mongodb", "replace"),
        ]
    );
    let patched = &document["dependencies"][1];
    assert_eq!(
        patched["source"],
        "git+https://example.test/mongodb-fork?branch=main"
    );
    assert_eq!(patched["requirement"], Value::Null);
    let replaced = &document["dependencies"][3];
    assert_eq!(replaced["requirement"], "=2.8.0");
    assert_eq!(replaced["source"], "path+vendor/mongodb");
    assert_eq!(replaced["line"], 15);
    assert_eq!(replaced["column"], 1);
}

/// `fixtures/cargo-workspace`: a root claiming `crates/*`, an excluded crate, and a test
/// fixture below the root that no workspace claims, with its own Cargo.lock.
#[test]
fn workspace_members_are_what_the_root_claims() {
    let result = run(techpolicy()
        .arg("inventory")
        .arg(fixture("cargo-workspace"))
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let document = result.json();
    let resolved = |file: &str, name: &str| {
        let e = entry(&document, file, name);
        (
            e["version"].as_str().map(str::to_string),
            e["requirement"].as_str().map(str::to_string),
            e["lockfile"].as_str().map(str::to_string),
        )
    };
    let some = |s: &str| Some(s.to_string());

    // The member the glob matches inherits from the root and resolves through its lock.
    assert_eq!(
        resolved("crates/app/Cargo.toml", "mongodb"),
        (some("2.8.0"), some("2.8"), some("Cargo.lock"))
    );
    assert_eq!(
        resolved("crates/app/Cargo.toml", "serde"),
        (some("1.0.190"), some("1"), some("Cargo.lock"))
    );
    // Excluded: standalone, so `workspace = true` stays unresolved, with no lockfile.
    assert_eq!(
        resolved("crates/experimental/Cargo.toml", "mongodb"),
        (None, None, None)
    );
    // Below the root but not a member: its own Cargo.lock, and nothing inherited.
    assert_eq!(
        resolved("tests/fixtures/old-app/Cargo.toml", "mongodb"),
        (
            some("1.2.5"),
            some("1.2"),
            some("tests/fixtures/old-app/Cargo.lock")
        )
    );
    assert_eq!(
        resolved("tests/fixtures/old-app/Cargo.toml", "serde"),
        (None, None, None)
    );
    // The root's own tables.
    assert_eq!(
        resolved("Cargo.toml", "mongodb").0,
        some("2.8.0"),
        "[workspace.dependencies] and [replace] both name mongodb 2.8.0"
    );

    // So the 1.x driver is found in the fixture, through its own lockfile, and nowhere else.
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("cargo-workspace"))
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![
            // serde_yaml patched in through `[patch.'https://index.example.test/']`.
            loc("Cargo.toml", 11, "banned"),
            loc("tests/fixtures/old-app/Cargo.toml", 7, "banned"),
        ]
    );
    assert_eq!(document["findings"][1]["version"], "1.2.5");
}

#[test]
fn a_member_named_alone_is_read_with_its_root() {
    // As pre-commit passes it: the root and its lockfile are read as context.
    let dir = fixture("cargo-workspace");
    let result = run(techpolicy()
        .arg("inventory")
        .arg(dir.join("crates/app/Cargo.toml"))
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let document = result.json();
    let mongodb = entry(&document, "crates/app/Cargo.toml", "mongodb");
    assert_eq!(mongodb["version"], "2.8.0");
    assert_eq!(mongodb["requirement"], "2.8");
}

/// A policy that says something about a transitive crate and a direct one of this
/// repository, so that both kinds of record are compared.
const SELF_POLICY: &str = r#"version = 1

[[technology]]
name = "Regex internals"
status = "banned"
reason = "A test rule: regex-syntax only arrives through other crates."
match = ["cargo:regex-syntax"]

[[technology]]
name = "serde_json"
status = "deprecated"
reason = "A test rule on a direct dependency."
match = ["cargo:serde_json"]
"#;

/// `--cargo-metadata` must give the findings of the default reading. The corpus
/// (`fixtures/corpus`) cannot show it: those repositories are manifests and lockfiles only,
/// and `cargo metadata --offline` needs every package's manifest in the local Cargo cache,
/// which none of their dependencies are. techpolicy's own dependencies are: the build that
/// runs this test put them there (and `cargo fetch --locked` the ones of other platforms,
/// which Cargo's graph includes too). The named files keep the scan to the repository's own
/// workspace (its `fixtures/` hold workspaces whose crates are not cached).
#[test]
fn cargo_metadata_finds_what_the_lockfile_reading_finds_on_this_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = TempRepo::new(&[("policy.toml", SELF_POLICY)]);
    let check = |extra: &[&str]| {
        run(techpolicy()
            .arg("check")
            .arg(root.join("Cargo.toml"))
            .arg(root.join("Cargo.lock"))
            .arg("--policy")
            .arg(policy.path().join("policy.toml"))
            .args(["--format", "json"])
            .args(extra))
    };
    let default = check(&[]);
    let cargo = check(&["--cargo-metadata"]);
    assert_eq!(
        cargo.code, 1,
        "a banned crate, and no error (if cargo cannot read the cache, run \
         `cargo fetch --locked` first): {}",
        cargo.stdout
    );
    assert_eq!(default.code, 1, "{}", default.stderr);
    let (default, cargo) = (default.json(), cargo.json());
    assert_eq!(cargo["errors"], serde_json::json!([]));
    let findings = cargo["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["direct"] == true)
            && findings.iter().any(|f| f["direct"] == false),
        "a direct and a transitive finding: {findings:#?}"
    );
    assert_eq!(cargo["findings"], default["findings"]);
    assert_eq!(cargo["summary"], default["summary"]);

    // And every record, versions and chains included.
    let inventory = |extra: &[&str]| {
        let result = run(techpolicy()
            .arg("inventory")
            .arg(root.join("Cargo.toml"))
            .args(["--format", "json"])
            .args(extra));
        assert_eq!(result.code, 0, "{}", result.stderr);
        result.json()
    };
    assert_eq!(inventory(&["--cargo-metadata"]), inventory(&[]));
}

#[test]
fn cargo_metadata_on_crates_not_in_the_cache_is_an_error_and_falls_back() {
    // The demo's crates come from a registry that exists only in its lockfile.
    let default = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--format", "json"]));
    let cargo = run(techpolicy().arg("check").arg(fixture("demo")).args([
        "--format",
        "json",
        "--cargo-metadata",
    ]));
    assert_eq!(cargo.code, 2, "{}", cargo.stderr);
    let (default, cargo_json) = (default.json(), cargo.json());
    let errors = cargo_json["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["file"], "Cargo.toml");
    let message = errors[0]["message"].as_str().expect("message");
    assert!(
        message.starts_with("--cargo-metadata: `cargo metadata --offline --locked` failed"),
        "{message}"
    );
    assert!(message.contains("mongodb"), "cargo's own reason: {message}");
    assert!(
        cargo.stderr.contains("cargo metadata --offline --locked"),
        "{}",
        cargo.stderr
    );
    // The workspace is read as without the flag.
    assert_eq!(cargo_json["findings"], default["findings"]);
}

#[test]
fn cargo_metadata_without_cargo_is_an_error() {
    let repo = TempRepo::new(&[(
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n",
    )]);
    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo.path())
        .args(["--format", "json", "--cargo-metadata"])
        .env("CARGO", repo.path().join("no-such-cargo")));
    assert_eq!(result.code, 2, "{}", result.stderr);
    let document = result.json();
    let message = document["errors"][0]["message"].as_str().expect("message");
    assert!(
        message.starts_with("--cargo-metadata: cannot run cargo"),
        "{message}"
    );
    // The declaration is still listed, as without the flag.
    assert_eq!(entry(&document, "Cargo.toml", "serde")["requirement"], "1");
}
