//! The Docker corners of issue 12: named files under directories the walk skips, references
//! with only some parts resolved, unresolved references and the rules that must not match
//! them, `COPY --from` taken literally, and `Containerfile.*` names; and their follow-ups:
//! compose references read as Dockerfile references are, `--new-since` reading named files
//! under skipped directories at the revision, and named files that are not read being named.

use crate::util::{finding_locations, git, run, techpolicy, TempRepo, EXAMPLE_POLICY};
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

/// Follow-up 1: in a compose file, `image: mongo:${TAG}` (TAG unset, no default) was listed
/// whole as unresolved, so the ban on `mongo` did not apply, where the same reference in a
/// Dockerfile is read as `mongo` with an unknown tag.
#[test]
fn compose_reads_a_known_name_with_an_unknown_tag_as_the_dockerfile_does() {
    let compose = "services:\n\
        \x20 db:\n    image: mongo:${TAG}\n\
        \x20 guarded:\n    image: mongo:${TAG:?set TAG}\n\
        \x20 pinned:\n    image: registry.example/team/api:2@${DIGEST}\n\
        \x20 defaulted:\n    image: ${IMAGE:-mongo}:${TAG-}${FLAVOR}\n\
        \x20 whole:\n    image: ${REGISTRY}/app:${TAG}\n\
        \x20 suffix:\n    image: mongo${SUFFIX}:7\n\
        \x20 resolved:\n    image: mongo:${TAG:-6}\n";
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        ("compose.yaml", compose),
        ("Dockerfile", "ARG TAG\nFROM mongo:${TAG}\n"),
    ]);
    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let mongo = || owned("MongoDB");
    assert_eq!(
        docker_inventory(&result.json()),
        vec![
            ("mongo".into(), None, owned("tag unresolved: $TAG"), mongo()),
            ("mongo".into(), None, owned("tag unresolved: $TAG"), mongo()),
            ("mongo".into(), None, owned("tag unresolved: $TAG"), mongo()),
            (
                "registry.example/team/api".into(),
                owned("2"),
                owned("digest unresolved: $DIGEST"),
                None
            ),
            (
                "mongo".into(),
                None,
                owned("tag unresolved: $FLAVOR"),
                mongo()
            ),
            (
                "${REGISTRY}/app:${TAG}".into(),
                None,
                owned("unresolved: $REGISTRY, $TAG"),
                None
            ),
            (
                "mongo${SUFFIX}:7".into(),
                None,
                owned("unresolved: $SUFFIX"),
                None
            ),
            ("mongo".into(), owned("6"), None, mongo()),
        ],
        "the Dockerfile's entry first, then the compose services in file order"
    );

    // The ban applies at each line; the unknown version is null.
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![
            ("Dockerfile".to_string(), 2, "banned".to_string()),
            ("compose.yaml".to_string(), 3, "banned".to_string()),
            ("compose.yaml".to_string(), 5, "banned".to_string()),
            ("compose.yaml".to_string(), 9, "banned".to_string()),
            ("compose.yaml".to_string(), 15, "banned".to_string()),
        ]
    );
    let compose_db = document["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["file"] == "compose.yaml" && f["line"] == 3)
        .expect("the db service's finding");
    assert_eq!(compose_db["version"], Value::Null);
    assert_eq!(compose_db["package"], "mongo");

    // A requirement cannot be checked without the tag.
    repo.write(
        "techpolicy.toml",
        "version = 1\n\n[[technology]]\nname = \"Old MongoDB\"\nstatus = \"banned\"\nmatch = [\"docker:mongo@<7\"]\n",
    );
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}", result.stdout);
    assert_eq!(
        finding_locations(&result.json()),
        vec![("compose.yaml".to_string(), 15, "banned".to_string())],
        "only `mongo:${{TAG:-6}}` has a version to compare"
    );
}

/// Follow-up 2: with `--new-since`, a named file under `target/` or `node_modules/` was read
/// in the working tree but left out of the revision, so every finding in it looked new; so
/// did a finding that the lockfile beside such a file resolves.
#[test]
fn new_since_reads_named_files_under_skipped_directories_at_the_revision() {
    let lock = r#"{
  "name": "x",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": { "name": "x", "dependencies": { "lodash": "latest" } },
    "node_modules/lodash": { "version": "4.17.20" }
  }
}
"#;
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        ("target/docker/Dockerfile", "FROM mongo:7\n"),
        (
            "node_modules/x/package.json",
            "{\n  \"dependencies\": {\n    \"lodash\": \"latest\",\n    \"mongoose\": \"^8.0.0\"\n  }\n}\n",
        ),
        ("node_modules/x/package-lock.json", lock),
    ]);
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "existing findings"]);

    // The change adds one banned image above the existing one.
    repo.write(
        "target/docker/Dockerfile",
        "FROM bitnami/mongodb:7\nFROM mongo:7\n",
    );
    let named = ["target/docker/Dockerfile", "node_modules/x/package.json"];
    // Without --new-since: every finding of the named files.
    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["check", "--format", "json"])
        .args(named));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    assert_eq!(
        finding_locations(&result.json()),
        vec![
            (
                "node_modules/x/package.json".to_string(),
                3,
                "deprecated".to_string()
            ),
            (
                "node_modules/x/package.json".to_string(),
                4,
                "banned".to_string()
            ),
            (
                "target/docker/Dockerfile".to_string(),
                1,
                "banned".to_string()
            ),
            (
                "target/docker/Dockerfile".to_string(),
                2,
                "banned".to_string()
            ),
        ],
        "lodash resolves to 4.17.20 through the lockfile beside it"
    );

    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["check", "--format", "json", "--new-since", "HEAD"])
        .args(named));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![(
            "target/docker/Dockerfile".to_string(),
            1,
            "banned".to_string()
        )],
        "only the added image is new"
    );
    assert_eq!(document["summary"]["existing"], 3);

    // A walk of the tree still skips those directories, at the revision too.
    let result = run(techpolicy().current_dir(repo.path()).args([
        "check",
        ".",
        "--format",
        "json",
        "--new-since",
        "HEAD",
    ]));
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    assert_eq!(result.json()["summary"]["existing"], 0);
}

/// Follow-up 3: a named file techpolicy does not read (not a manifest, or excluded by the
/// policy) was skipped without a word.
/// `inventory` of a named file that is not a manifest says so, as `check` does: on stderr,
/// and in the JSON document's `skipped` (present only when a file was named).
#[test]
fn inventory_of_a_file_that_is_not_read_names_it() {
    let repo = TempRepo::new(&[("README.md", "# x\n"), ("Dockerfile", "FROM mongo:7\n")]);
    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["inventory", "README.md"]));
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    assert!(
        result
            .stderr
            .contains("skipped README.md: not a manifest techpolicy reads"),
        "{}",
        result.stderr
    );
    let result = run(techpolicy().current_dir(repo.path()).args([
        "inventory",
        "README.md",
        "--format",
        "json",
    ]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let document = result.json();
    assert_eq!(document["dependencies"].as_array().map(Vec::len), Some(0));
    assert_eq!(document["skipped"][0]["file"], "README.md");
    assert_eq!(
        document["skipped"][0]["reason"],
        "not a manifest techpolicy reads"
    );
    // A directory's document has no such key, and a named manifest is listed.
    let result =
        run(techpolicy()
            .current_dir(repo.path())
            .args(["inventory", ".", "--format", "json"]));
    assert!(result.json().get("skipped").is_none(), "{}", result.stdout);
    let result = run(techpolicy().current_dir(repo.path()).args([
        "inventory",
        "Dockerfile",
        "--format",
        "json",
    ]));
    let document = result.json();
    assert_eq!(document["dependencies"][0]["name"], "mongo");
    assert_eq!(document["skipped"], serde_json::json!([]));
}

#[test]
fn named_files_that_are_not_read_are_named() {
    let policy =
        EXAMPLE_POLICY.replace(r#"exclude = ["fixtures/**"]"#, r#"exclude = ["vendor/**"]"#);
    let repo = TempRepo::new(&[
        ("techpolicy.toml", &policy),
        ("README.md", "# x\n"),
        ("docs/notes.txt", "FROM mongo:7\n"),
        ("Dockerfile", "FROM mongo:7\n"),
        ("vendor/Dockerfile", "FROM mongo:6\n"),
    ]);

    // Human output: a warning on stderr names each file that is not a manifest; the exit
    // status is what the files read decide.
    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["check", "README.md"]));
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    assert!(
        result
            .stderr
            .contains("skipped README.md: not a manifest techpolicy reads"),
        "{}",
        result.stderr
    );
    assert!(
        result.stdout.contains("checked 0 files"),
        "{}",
        result.stdout
    );

    let result = run(techpolicy().current_dir(repo.path()).args([
        "check",
        "docs/notes.txt",
        "Dockerfile",
        "README.md",
        "vendor/Dockerfile",
    ]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    assert!(result.stderr.contains("README.md"), "{}", result.stderr);
    assert!(
        result.stderr.contains("docs/notes.txt"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("What is scanned"),
        "{}",
        result.stderr
    );
    // Files excluded by the policy are skipped on purpose: pre-commit names every staged
    // file, so they are not printed.
    assert!(
        !result.stderr.contains("vendor/Dockerfile"),
        "{}",
        result.stderr
    );
    assert!(
        result.stdout.contains("checked 1 file "),
        "{}",
        result.stdout
    );

    // Nothing skipped, nothing said.
    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["check", "vendor/Dockerfile"]));
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    assert_eq!(result.stderr, "", "excluded files are not printed");

    // JSON: every named file not read, after `errors`, sorted by path.
    let result = run(techpolicy().current_dir(repo.path()).args([
        "check",
        "--format",
        "json",
        "docs/notes.txt",
        "Dockerfile",
        "README.md",
        "vendor/Dockerfile",
        "README.md",
    ]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    let document = result.json();
    let not_read = "not a manifest techpolicy reads";
    assert_eq!(
        document["skipped"],
        serde_json::json!([
            { "file": "README.md", "reason": not_read },
            { "file": "docs/notes.txt", "reason": not_read },
            { "file": "vendor/Dockerfile", "reason": "excluded by the policy" },
        ])
    );
    assert_eq!(document["summary"]["files"], 1);
    let at = |key: &str| {
        result
            .stdout
            .find(&format!("\n  \"{key}\": "))
            .unwrap_or_else(|| panic!("no top-level {key}"))
    };
    assert!(at("errors") < at("skipped") && at("skipped") < at("policy"));
    assert_eq!(result.stderr, "", "JSON output says it in the document");

    // Named files all read: an empty list.
    let result = run(techpolicy().current_dir(repo.path()).args([
        "check",
        "--format",
        "json",
        "Dockerfile",
    ]));
    assert_eq!(result.json()["skipped"], serde_json::json!([]));

    // A directory scan has no `skipped` field: its document is as it was.
    let result = run(techpolicy()
        .current_dir(repo.path())
        .args(["check", ".", "--format", "json"]));
    assert_eq!(result.code, 1, "{}", result.stdout);
    assert!(result.json().get("skipped").is_none(), "{}", result.stdout);

    // A named path that does not exist stays an error.
    let result =
        run(techpolicy()
            .current_dir(repo.path())
            .args(["check", "Dockerfile", "missing.txt"]));
    assert_eq!(result.code, 2, "{}\n{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains("missing.txt: no such file"),
        "{}",
        result.stderr
    );
}

/// Issue 13: the revision `--new-since` compares with was read by a second pipeline that did
/// not follow compose references, so a Dockerfile of another name, read only because a compose
/// service builds from it, was missing at the revision and every finding in it looked new.
#[test]
fn new_since_follows_compose_references_at_the_revision() {
    let compose =
        "services:\n  api:\n    build:\n      context: docker\n      dockerfile: api.df\n";
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        ("compose.yaml", compose),
        ("docker/api.df", "FROM mongo:7\n"),
    ]);
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "existing finding"]);

    // The change adds one banned image above the existing one, which moves to line 2.
    repo.write("docker/api.df", "FROM bitnami/mongodb:7\nFROM mongo:7\n");
    let result = run(techpolicy().current_dir(repo.path()).args([
        "check",
        ".",
        "--format",
        "json",
        "--new-since",
        "HEAD",
    ]));
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    let document = result.json();
    assert_eq!(
        finding_locations(&document),
        vec![("docker/api.df".to_string(), 1, "banned".to_string())],
        "`mongo:7` was in the referenced Dockerfile at the revision too"
    );
    assert_eq!(document["summary"]["existing"], 1);

    // Nothing changed since the revision: nothing is new.
    git(repo.path(), &["commit", "-q", "-am", "add bitnami"]);
    let result = run(techpolicy().current_dir(repo.path()).args([
        "check",
        ".",
        "--format",
        "json",
        "--new-since",
        "HEAD",
    ]));
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    assert_eq!(result.json()["summary"]["existing"], 2);
}
