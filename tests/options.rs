//! Command-line options of `check`: several reports from one scan, `--quiet`, `--fail-on`,
//! `--color`, and checking named files (the pre-commit path).

use crate::util::{finding_locations, fixture, run, techpolicy, TempRepo, EXAMPLE_POLICY};

#[test]
fn several_reports_from_one_scan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("report.json");
    let human = dir.path().join("report.txt");
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--format", "json", "--output"])
        .arg(&json)
        .args(["--format", "human", "--output"])
        .arg(&human)
        .args(["--format", "human", "--quiet"]));
    assert_eq!(result.code, 1);
    assert_eq!(
        result.stdout,
        "checked 11 files (26 dependencies, 25 locked packages): 8 errors, 6 warnings\n",
        "only the summary on stdout with --quiet"
    );
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written")).expect("json");
    assert_eq!(document["summary"]["errors"], 8);
    let text = std::fs::read_to_string(&human).expect("human written");
    assert!(
        text.contains("× package `mongoose 8.0.3` is banned: MongoDB"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "files never get colour");
}

#[test]
fn output_pairs_are_checked() {
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--output", "x.json"]));
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("--output x.json has no --format before it"),
        "{}",
        result.stderr
    );
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--format", "json", "--format", "human"]));
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("only one --format can go to standard output"),
        "{}",
        result.stderr
    );
}

#[test]
fn fail_on_levels() {
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        ("Dockerfile", "FROM node:16\n"),
    ]);
    let code = |level: &str| {
        run(techpolicy()
            .arg("check")
            .arg(repo.path())
            .args(["--fail-on", level]))
        .code
    };
    assert_eq!(code("error"), 0, "a deprecation is a warning");
    assert_eq!(code("warning"), 1);
    assert_eq!(code("never"), 0);
    repo.write("package.json", r#"{"dependencies": {"mongoose": "8"}}"#);
    assert_eq!(code("error"), 1);
    assert_eq!(code("never"), 0);
    // A file that cannot be parsed is exit 2 whatever --fail-on says.
    repo.write("broken/package.json", "{");
    assert_eq!(code("never"), 2);
}

#[test]
fn colour_on_demand_and_never_by_default_in_pipes() {
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--color", "always"]));
    assert!(
        result.stdout.contains('\u{1b}'),
        "--color always colours even a pipe"
    );
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .env_remove("NO_COLOR"));
    assert!(
        !result.stdout.contains('\u{1b}'),
        "auto: no colour when not a terminal"
    );
    let result = run(techpolicy()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--color", "never"]));
    assert!(!result.stdout.contains('\u{1b}'));
}

#[test]
fn named_files_are_checked_with_their_lockfile_and_only_they_are_reported() {
    let demo = fixture("demo");
    let result = run(techpolicy()
        .arg("check")
        .arg(demo.join("packages/web/package.json"))
        .arg(demo.join("compose.yaml"))
        .arg(demo.join(".gitignore"))
        .args(["--format", "json"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    let document = result.json();
    let locations = finding_locations(&document);
    assert_eq!(
        locations,
        vec![
            ("compose.yaml".to_string(), 11, "banned".to_string()),
            ("compose.yaml".to_string(), 17, "banned".to_string()),
            (
                "packages/web/package.json".to_string(),
                5,
                "deprecated".to_string()
            ),
            (
                "packages/web/package.json".to_string(),
                9,
                "deprecated".to_string()
            ),
        ],
        "paths relative to the policy's root; files that are not manifests are ignored"
    );
    let lodash = &document["findings"][2];
    assert_eq!(
        lodash["version"], "4.17.15",
        "resolved through the root package-lock.json"
    );
    assert_eq!(document["summary"]["files"], 2);
    // The summary counts what was checked: the named files, not the lockfile read for them.
    let declarations: usize = ["packages/web/package.json", "compose.yaml"]
        .iter()
        .map(|file| {
            let listed = run(techpolicy()
                .arg("inventory")
                .arg(demo.join(file))
                .args(["--format", "json"]))
            .json();
            listed["dependencies"].as_array().expect("array").len()
        })
        .sum();
    assert!(declarations > 0);
    assert_eq!(document["summary"]["dependencies"], declarations);
    assert_eq!(document["summary"]["locked_packages"], 0);

    // Named files under an excluded path are skipped (pre-commit names every staged file).
    let repo = TempRepo::new(&[
        (
            "techpolicy.toml",
            &EXAMPLE_POLICY.replace("fixtures/**", "vendor/**"),
        ),
        (
            "vendor/package.json",
            r#"{"dependencies": {"mongoose": "8"}}"#,
        ),
    ]);
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path().join("vendor/package.json")));
    assert_eq!(result.code, 0, "{}", result.stdout);

    let result = run(techpolicy()
        .arg("check")
        .arg(demo.join("packages"))
        .arg(demo.join("package.json")));
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("is a directory"),
        "{}",
        result.stderr
    );
}
