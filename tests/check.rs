//! `techpolicy check`: findings, their locations, formats, discovery and exit codes.

use crate::util::{finding_locations, fixture, run, techpolicy, TempRepo, EXAMPLE_POLICY};

fn loc(file: &str, line: u64, status: &str) -> (String, u64, String) {
    (file.to_string(), line, status.to_string())
}

/// The fixture monorepo: npm workspaces, a Cargo workspace, multi-stage Dockerfiles and a
/// compose file, plus git-ignored `node_modules`, `target` and `generated` trees holding banned
/// packages that must not be reported.
#[test]
fn demo_monorepo_reports_exactly_the_planted_violations() {
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "stderr: {}", result.stderr);
    let document = result.json();
    let expected = vec![
        // Transitive crates, at their lockfile entries.
        loc("Cargo.lock", 56, "deprecated"),
        loc("Cargo.lock", 65, "deprecated"),
        // [workspace.dependencies], then each member's use of it (inherited or renamed).
        loc("Cargo.toml", 6, "banned"),
        // `image: mongo:6.0` and `image: bitnami/mongodb:7.0`.
        loc("compose.yaml", 11, "banned"),
        loc("compose.yaml", 17, "banned"),
        loc("crates/cli/Cargo.toml", 8, "banned"),
        loc("crates/store/Cargo.toml", 7, "banned"),
        // `FROM node:${NODE_VERSION}-alpine` with the global ARG's default, 16.
        loc("docker/api.Dockerfile", 4, "deprecated"),
        // mongodb 6.2.0 only arrives through mongoose.
        loc("package-lock.json", 86, "banned"),
        loc("package.json", 9, "deprecated"),
        // The `npm:mongodb@^3.7.4` alias, then mongoose.
        loc("packages/api/package.json", 7, "banned"),
        loc("packages/api/package.json", 8, "banned"),
        // lodash resolved to the workspace's nested 4.17.15, and @types/lodash.
        loc("packages/web/package.json", 5, "deprecated"),
        loc("packages/web/package.json", 9, "deprecated"),
    ];
    assert_eq!(finding_locations(&document), expected);
    assert_eq!(document["summary"]["errors"], 8);
    assert_eq!(document["summary"]["warnings"], 6);
    assert_eq!(document["errors"], serde_json::json!([]));
}

#[test]
fn demo_json_snapshot() {
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--format", "json"]));
    insta::assert_json_snapshot!("demo_check", result.json());
}

#[test]
fn demo_human_snapshot() {
    let result = run(techpolicy().arg("check").arg(fixture("demo")));
    assert_eq!(result.code, 1);
    assert!(
        !result.stdout.contains('\u{1b}'),
        "no colour when not a terminal"
    );
    insta::assert_snapshot!("demo_check_human", result.stdout);
}

#[test]
fn resolved_versions_come_from_the_lockfile() {
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--format", "json"]));
    let document = result.json();
    let findings = document["findings"].as_array().expect("array");
    let find = |file: &str, package: &str| {
        findings
            .iter()
            .find(|f| f["file"] == file && f["package"] == package)
            .unwrap_or_else(|| panic!("{file} {package}"))
    };
    let web_lodash = find("packages/web/package.json", "lodash");
    assert_eq!(
        web_lodash["version"], "4.17.15",
        "nested node_modules wins for the workspace"
    );
    assert_eq!(web_lodash["requirement"], "4.17.15");
    assert_eq!(find("package.json", "lodash")["version"], "4.17.20");
    let alias = find("packages/api/package.json", "mongodb");
    assert_eq!(alias["version"], "3.7.4");
    assert_eq!(alias["requirement"], "^3.7.4");
    let transitive = find("package-lock.json", "mongodb");
    assert_eq!(transitive["direct"], false);
    assert_eq!(transitive["version"], "6.2.0");
    let renamed = find("crates/cli/Cargo.toml", "mongodb");
    assert_eq!(renamed["version"], "2.8.0");
    let inherited = find("crates/store/Cargo.toml", "mongodb");
    assert_eq!(
        inherited["requirement"], "2.8",
        "taken from [workspace.dependencies]"
    );
    assert_eq!(inherited["decision"]["id"], "ADR-0003");
    assert_eq!(inherited["decision"]["url"], "https://example.com/adr/0003");
    assert_eq!(
        inherited["reason"],
        "Two document stores double the on-call load."
    );
    assert_eq!(inherited["use_instead"], "PostgreSQL (jsonb)");
    assert_eq!(inherited["severity"], "error");
    assert_eq!(inherited["column"], 1);
    let node = find("docker/api.Dockerfile", "node");
    assert_eq!(node["version"], "16-alpine");
    assert_eq!(node["severity"], "warning");
}

#[test]
fn policy_is_discovered_walking_up_from_the_scanned_directory() {
    let result = run(techpolicy()
        .arg("check")
        .args(["--format", "json"])
        .current_dir(fixture("demo").join("packages/api")));
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert_eq!(
        finding_locations(&result.json()),
        vec![
            loc("package.json", 7, "banned"),
            loc("package.json", 8, "banned")
        ],
        "paths are relative to the scanned directory"
    );
}

#[test]
fn policy_file_names_in_order() {
    let manifest = r#"{"dependencies": {"mongoose": "^8.0.0"}}"#;
    let repo = TempRepo::new(&[
        ("sub/package.json", manifest),
        (".config/techpolicy.toml", EXAMPLE_POLICY),
    ]);
    let result = run(techpolicy().arg("check").arg(repo.path().join("sub")));
    assert_eq!(
        result.code, 1,
        ".config/techpolicy.toml is found from a subdirectory: {}",
        result.stderr
    );

    // techpolicy.toml comes before .techpolicy.toml in the same directory.
    repo.write(".techpolicy.toml", "version = 1\n");
    repo.write("techpolicy.toml", "version = 1\n");
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    std::fs::remove_file(repo.path().join("techpolicy.toml")).expect("rm");
    repo.write(".techpolicy.toml", EXAMPLE_POLICY);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 1);
}

#[test]
fn explicit_policy_flag() {
    let repo = TempRepo::new(&[
        ("package.json", r#"{"dependencies": {"mongodb": "6.0.0"}}"#),
        ("policies/org.toml", EXAMPLE_POLICY),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .arg("--policy")
        .arg(repo.path().join("policies/org.toml")));
    assert_eq!(result.code, 1);
    assert!(
        result
            .stdout
            .contains("package `mongodb 6.0.0` is banned: MongoDB"),
        "{}",
        result.stdout
    );
}

#[test]
fn no_policy_is_exit_2_with_a_hint() {
    let repo = TempRepo::new(&[("package.json", "{}")]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("no policy file found"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("create techpolicy.toml"),
        "{}",
        result.stderr
    );
}

#[test]
fn installed_and_built_trees_are_skipped_without_a_gitignore() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        ("package.json", r#"{"dependencies": {"express": "^4.0.0"}}"#),
        (
            "node_modules/mongoose/package.json",
            r#"{"dependencies": {"mongodb": "6.0.0"}}"#,
        ),
        (
            "packages/a/node_modules/mongodb/package.json",
            r#"{"name": "mongodb"}"#,
        ),
        (
            "target/package/x/Cargo.toml",
            "[dependencies]\nmongodb = \"2\"\n",
        ),
        (".git/Dockerfile", "FROM mongo\n"),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stdout);
    assert_eq!(result.json()["summary"]["files"], 1);
}

#[test]
fn gitignore_and_policy_excludes_are_honoured() {
    let policy = EXAMPLE_POLICY.replace(
        r#"exclude = ["fixtures/**"]"#,
        r#"exclude = ["legacy/**", "**/*.example.json"]"#,
    );
    let repo = TempRepo::new(&[
        ("techpolicy.toml", &policy),
        (".gitignore", "vendor/\n"),
        (
            "vendor/package.json",
            r#"{"dependencies": {"mongoose": "1"}}"#,
        ),
        (
            "legacy/package.json",
            r#"{"dependencies": {"mongoose": "1"}}"#,
        ),
        ("app/package.json", r#"{"dependencies": {"mongoose": "1"}}"#),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(
        finding_locations(&result.json()),
        vec![loc("app/package.json", 1, "banned")]
    );

    // Excludes are relative to the policy file, wherever the scan starts...
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path().join("app"))
        .args(["--format", "json"]));
    assert_eq!(
        finding_locations(&result.json()),
        vec![loc("package.json", 1, "banned")]
    );
    // ...and naming an excluded directory scans it, as ripgrep searches an ignored path it is
    // given explicitly.
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path().join("legacy"))
        .args(["--format", "json"]));
    assert_eq!(
        finding_locations(&result.json()),
        vec![loc("package.json", 1, "banned")]
    );
}

#[test]
fn without_a_lockfile_declared_ranges_are_compared() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        (
            "old/package.json",
            r#"{"dependencies": {"lodash": "^4.17.0"}, "devDependencies": {"@types/lodash": "*"}}"#,
        ),
        (
            "new/package.json",
            r#"{"dependencies": {"lodash": "^4.17.21"}}"#,
        ),
        (
            "git/package.json",
            r#"{"dependencies": {"lodash": "github:lodash/lodash#4.17.15"}}"#,
        ),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "only deprecations: {}", result.stdout);
    assert_eq!(
        finding_locations(&result.json()),
        vec![
            loc("old/package.json", 1, "deprecated"),
            loc("old/package.json", 1, "deprecated")
        ]
    );
    let document = result.json();
    assert_eq!(document["findings"][0]["version"], serde_json::Value::Null);
}

#[test]
fn package_lock_v1_nested_trees_resolve() {
    let lock = r#"{
  "name": "legacy",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "lodash": {
      "version": "4.17.21",
      "resolved": "https://registry.npm.example/lodash/-/lodash-4.17.21.tgz"
    },
    "mongoose": {
      "version": "5.13.20",
      "requires": { "mongodb": "3.7.4" },
      "dependencies": {
        "mongodb": {
          "version": "3.7.4"
        }
      }
    }
  }
}
"#;
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        (
            "package.json",
            r#"{"dependencies": {"lodash": "^4.17.0", "mongoose": "^5.13.0"}}"#,
        ),
        ("package-lock.json", lock),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 1);
    // lodash resolved to 4.17.21 is fine; mongoose is banned where declared and its nested
    // mongodb at the lockfile entry.
    assert_eq!(
        finding_locations(&result.json()),
        vec![
            loc("package-lock.json", 15, "banned"),
            loc("package.json", 1, "banned")
        ]
    );
}

#[test]
fn cargo_lock_with_two_versions_uses_the_members_entry() {
    let lock = r#"version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "openssl 0.9.24",
]

[[package]]
name = "openssl"
version = "0.9.24"
source = "registry+https://index.cargo.example/"

[[package]]
name = "openssl"
version = "0.10.62"
source = "registry+https://index.cargo.example/"
"#;
    let policy = r#"version = 1
[[technology]]
name = "old openssl"
status = "banned"
match = ["cargo:openssl@<0.10"]
"#;
    let repo = TempRepo::new(&[
        ("techpolicy.toml", policy),
        (
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nopenssl = \"0.9\"\n",
        ),
        ("Cargo.lock", lock),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![loc("Cargo.toml", 6, "banned")]
    );
    assert_eq!(document["findings"][0]["version"], "0.9.24");
    assert_eq!(result.code, 1);
}

#[test]
fn a_broken_manifest_is_reported_and_the_rest_still_checked() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        (
            "broken/package.json",
            "{\n  \"dependencies\": {\n    \"mongoose\": \n",
        ),
        ("bad/Cargo.toml", "[dependencies\nmongodb = 1\n"),
        (
            "good/package.json",
            r#"{"dependencies": {"mongoose": "^8.0.0"}}"#,
        ),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(
        result.code, 2,
        "a file that cannot be parsed means the check is incomplete"
    );
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![loc("good/package.json", 1, "banned")]
    );
    let errors = document["errors"].as_array().expect("errors");
    let files: Vec<&str> = errors
        .iter()
        .map(|e| e["file"].as_str().expect("file"))
        .collect();
    assert_eq!(files, vec!["bad/Cargo.toml", "broken/package.json"]);
    assert_eq!(errors[0]["line"], 1);
    assert!(errors
        .iter()
        .all(|e| e["line"].is_u64() && e["message"].is_string()));
    assert!(
        result.stderr.contains("cannot parse broken/package.json"),
        "{}",
        result.stderr
    );
    assert_eq!(document["summary"]["unreadable_files"], 2);
}

#[test]
fn clean_repository_exits_0_and_warnings_do_not_fail() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        ("Dockerfile", "FROM node:16\n"),
        ("package.json", r#"{"dependencies": {"express": "^4.0.0"}}"#),
    ]);
    let result = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(result.code, 0, "{}", result.stdout);
    assert!(
        result.stdout.contains("is deprecated: Node.js before 18"),
        "{}",
        result.stdout
    );
    assert!(
        result.stdout.contains("0 errors, 1 warning"),
        "{}",
        result.stdout
    );
}

#[test]
fn the_repository_passes_its_own_policy() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let result = run(techpolicy()
        .arg("check")
        .arg(root)
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    let document = result.json();
    assert!(
        document["summary"]["locked_packages"]
            .as_u64()
            .expect("count")
            > 50
    );
}

#[test]
fn compose_build_and_extends_files_are_read_whatever_their_names() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        (
            "deploy/compose.yaml",
            "services:\n  api:\n    build:\n      context: ..\n      dockerfile: build/api.df\n  worker:\n    build: ../worker\n  db:\n    extends:\n      file: shared-services.yml\n      service: mongo\n",
        ),
        ("build/api.df", "FROM node:16-alpine\n"),
        ("worker/Dockerfile", "FROM debian:12\n"),
        ("deploy/shared-services.yml", "services:\n  mongo:\n    image: mongo:6\n"),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert_eq!(
        finding_locations(&result.json()),
        vec![
            loc("build/api.df", 1, "deprecated"),
            loc("deploy/shared-services.yml", 3, "banned")
        ]
    );
}
