//! The Docker corners of issue 12: named files under directories the walk skips, references
//! with only some parts resolved, unresolved references and the rules that must not match
//! them, `COPY --from` taken literally, and `Containerfile.*` names.

use crate::util::{finding_locations, run, techpolicy, TempRepo, EXAMPLE_POLICY};
use serde_json::Value;

/// The example policy (MongoDB banned: `docker:mongo`, `npm:mongoose`, ...) with `extra`
/// technologies after it.
fn policy_with(extra: &str) -> String {
    format!("{EXAMPLE_POLICY}\n{extra}")
}

/// (name, version, source, technology) of an inventory entry.
type Entry = (String, Option<String>, Option<String>, Option<String>);

/// Every Docker entry of `inventory --format json`.
fn docker_inventory(document: &Value) -> Vec<Entry> {
    let text = |value: &Value| value.as_str().map(str::to_string);
    document["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter(|d| d["ecosystem"] == "docker")
        .map(|d| {
            (
                text(&d["name"]).expect("name"),
                text(&d["version"]),
                text(&d["source"]),
                text(&d["technology"]),
            )
        })
        .collect()
}

fn owned(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// Corner 1: `check some/target/Dockerfile` read nothing and said nothing.
#[test]
fn named_files_under_skipped_directories_are_read() {
    let policy =
        EXAMPLE_POLICY.replace(r#"exclude = ["fixtures/**"]"#, r#"exclude = ["vendor/**"]"#);
    let repo = TempRepo::new(&[
        ("techpolicy.toml", &policy),
        ("some/target/Dockerfile", "FROM mongo:7\n"),
        (
            "node_modules/x/package.json",
            r#"{"dependencies": {"mongoose": "^8.0.3"}}"#,
        ),
        (".git/x/Dockerfile", "FROM mongo:6\n"),
        ("vendor/Dockerfile", "FROM mongo:5\n"),
    ]);
    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["check", "--format", "json"])
        .args([
            "some/target/Dockerfile",
            "node_modules/x/package.json",
            ".git/x/Dockerfile",
        ]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![
            (".git/x/Dockerfile".to_string(), 1, "banned".to_string()),
            (
                "node_modules/x/package.json".to_string(),
                1,
                "banned".to_string()
            ),
            (
                "some/target/Dockerfile".to_string(),
                1,
                "banned".to_string()
            ),
        ]
    );
    assert_eq!(document["summary"]["files"], 3);

    // One file alone, and `inventory` alike.
    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["check", "some/target/Dockerfile"]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    let result = run(techpolicy().current_dir(repo.path()).args([
        "inventory",
        "--format",
        "json",
        "some/target/Dockerfile",
    ]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        docker_inventory(&result.json()),
        vec![("mongo".into(), owned("7"), None, owned("MongoDB"))]
    );

    // The policy's `exclude` still wins over naming (README, "Named files").
    let result = run(techpolicy().current_dir(repo.path()).args([
        "check",
        "--format",
        "json",
        "vendor/Dockerfile",
    ]));
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    assert_eq!(result.json()["summary"]["files"], 0);

    // A walk of the whole tree still skips them.
    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["check", ".", "--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stdout);
    assert_eq!(result.json()["summary"]["files"], 0);
}

/// Corner 2: a variable in the tag or digest only made the whole text the name, so a ban on
/// the name did not apply.
#[test]
fn a_known_name_with_an_unknown_tag_or_digest_is_that_image() {
    let dockerfile = "ARG V\n\
        ARG TARGET=x86_64-unknown-linux-musl\n\
        ARG CROSS_DIGEST\n\
        FROM mongo:${V}\n\
        FROM registry.example/cross-rs/${TARGET}@${CROSS_DIGEST}\n";
    let policy = policy_with(
        r#"
[[technology]]
name = "Cross images"
status = "deprecated"
match = ["docker:registry.example/cross-rs/*"]
"#,
    );
    let repo = TempRepo::new(&[("techpolicy.toml", &policy), ("Dockerfile", dockerfile)]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    let document = result.json();
    let findings: Vec<(&str, &str, &Value, &str)> = document["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["package"].as_str().expect("package"),
                f["status"].as_str().expect("status"),
                &f["version"],
                f["technology"].as_str().expect("technology"),
            )
        })
        .collect();
    assert_eq!(
        findings,
        vec![
            ("mongo", "banned", &Value::Null, "MongoDB"),
            (
                "registry.example/cross-rs/x86_64-unknown-linux-musl",
                "deprecated",
                &Value::Null,
                "Cross images"
            ),
        ]
    );

    // The inventory says which part is missing.
    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        docker_inventory(&result.json()),
        vec![
            (
                "mongo".into(),
                None,
                owned("tag unresolved: $V"),
                owned("MongoDB")
            ),
            (
                "registry.example/cross-rs/x86_64-unknown-linux-musl".into(),
                None,
                owned("digest unresolved: $CROSS_DIGEST"),
                owned("Cross images")
            ),
        ]
    );

    // A requirement cannot be checked without the tag: like `latest`, it matches no rule
    // that has one, whichever way the requirement points.
    for requirement in [">=5", "<5"] {
        let policy = format!(
            "version = 1\n\n[[technology]]\nname = \"MongoDB\"\nstatus = \"banned\"\nmatch = [\"docker:mongo@{requirement}\"]\n"
        );
        repo.write("techpolicy.toml", &policy);
        let result = run(techpolicy()
            .arg("check")
            .arg(repo.path())
            .args(["--format", "json"]));
        assert_eq!(result.code, 0, "{requirement}: {}", result.stdout);
    }
}

/// Corner 3: regex and glob rules took unresolved references for Docker Hub images.
#[test]
fn unresolved_references_match_no_rule() {
    let policy = policy_with(
        r#"
[[technology]]
name = "Official images"
status = "deprecated"
match = ["docker:library/*", "docker:/^(.*/)?library/(.*)$/"]
"#,
    );
    let repo = TempRepo::new(&[
        ("techpolicy.toml", &policy),
        (
            "Dockerfile",
            "FROM ${BASE}\nFROM ${REGISTRY}/app:1\nFROM $BASE AS two\nFROM alpine:3.20\n",
        ),
        ("compose.yaml", "services:\n  db:\n    image: ${DB_IMAGE}\n"),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![("Dockerfile".to_string(), 4, "deprecated".to_string())],
        "only the resolved image is classified"
    );

    // The inventory lists each unresolved reference as written, marked by its `source`, and
    // with no technology.
    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        docker_inventory(&result.json()),
        vec![
            ("${BASE}".into(), None, owned("unresolved: $BASE"), None),
            (
                "${REGISTRY}/app:1".into(),
                None,
                owned("unresolved: $REGISTRY"),
                None
            ),
            ("$BASE".into(), None, owned("unresolved: $BASE"), None),
            (
                "alpine".into(),
                owned("3.20"),
                None,
                owned("Official images")
            ),
            (
                "${DB_IMAGE}".into(),
                None,
                owned("unresolved: $DB_IMAGE"),
                None
            ),
        ]
    );
}

/// Corner 4: `COPY --from=$VAR` used the global ARG's default, which BuildKit never does.
#[test]
fn copy_from_takes_its_value_literally() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        (
            "Dockerfile",
            "ARG TOOLS=mongo:7\nFROM alpine\nCOPY --from=$TOOLS /bin/mongosh /bin/\nCOPY --from=mongo:6 /bin/mongosh /bin/\n",
        ),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    assert_eq!(
        finding_locations(&result.json()),
        vec![("Dockerfile".to_string(), 4, "banned".to_string())],
        "only the literal image is mongo"
    );
    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(
        docker_inventory(&result.json()),
        vec![
            ("alpine".into(), owned("latest"), None, None),
            (
                "$TOOLS".into(),
                None,
                owned("unresolved: COPY --from does not expand variables"),
                None
            ),
            ("mongo".into(), owned("6"), None, owned("MongoDB")),
        ]
    );
}

/// Corner 5: `Containerfile.fedora` was not read, by a walk or when named.
#[test]
fn containerfile_dot_names_are_read() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        ("images/Containerfile.fedora", "FROM mongo:7\n"),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    assert_eq!(
        finding_locations(&result.json()),
        vec![(
            "images/Containerfile.fedora".to_string(),
            1,
            "banned".to_string()
        )]
    );
    let result = run(techpolicy().current_dir(repo.path()).args([
        "check",
        "--format",
        "json",
        "images/Containerfile.fedora",
    ]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    assert_eq!(result.json()["summary"]["files"], 1);
}
