//! The GitHub Action (`action.yml`) and the pre-commit hook definition, run as a runner would:
//! the action's `run:` steps under bash with a simulated runner environment.

use crate::util::{fixture, git, TempRepo};
use saphyr::{LoadableYamlNode, Yaml};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repository_file(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .expect("file at the repository root")
}

/// The `run:` script and the `env:` names of the step with `id`.
fn step(id: &str) -> (String, Vec<String>) {
    let documents =
        Yaml::load_from_str(&repository_file("action.yml")).expect("action.yml is YAML");
    let action = &documents[0];
    let steps = action["runs"]["steps"].as_vec().expect("steps");
    let step = steps
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no step with id {id}"));
    let run = step["run"].as_str().expect("run script").to_string();
    let env = step
        .as_mapping()
        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("env")))
        .and_then(|(_, env)| env.as_mapping())
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (run, env)
}

/// A simulated runner: its files, and the environment every step gets.
struct Runner {
    temp: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        Runner {
            temp: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.temp.path().join(name)
    }

    fn command(&self, script: &str, workspace: &Path, bin_dir: &Path) -> Command {
        for file in ["output", "summary", "path"] {
            std::fs::write(self.path(file), "").expect("runner file");
        }
        let mut command = Command::new("bash");
        command
            .arg("-c")
            .arg(script)
            .current_dir(workspace)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin_dir.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("RUNNER_TEMP", self.temp.path())
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary"))
            .env("GITHUB_PATH", self.path("path"))
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("GITHUB_WORKSPACE", workspace)
            .env("NO_COLOR", "1");
        command
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }
}

#[test]
fn check_step_on_a_pull_request() {
    // A repository whose pull request adds a banned package next to one that was there before.
    let repo = TempRepo::new(&[
        ("techpolicy.toml", crate::util::EXAMPLE_POLICY),
        ("Dockerfile", "FROM node:20-alpine\n"),
        (
            "app/package.json",
            "{\n  \"dependencies\": {\n    \"mongoose\": \"^8.0.0\"\n  }\n}\n",
        ),
    ]);
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "base"]);
    let base = git(repo.path(), &["rev-parse", "HEAD"]);
    repo.write(
        "app/package.json",
        "{\n  \"dependencies\": {\n    \"mongodb\": \"^6.0.0\",\n    \"mongoose\": \"^8.0.0\"\n  }\n}\n",
    );
    repo.write("Dockerfile", "FROM node:16-alpine\n");
    git(repo.path(), &["commit", "-q", "-am", "pull request"]);

    let runner = Runner::new();
    let event = runner.path("event.json");
    std::fs::write(
        &event,
        format!(r#"{{"pull_request": {{"number": 7, "base": {{"sha": "{base}"}}}}}}"#),
    )
    .expect("event");
    let (script, env) = step("check");
    for name in [
        "INPUT_PATH",
        "INPUT_POLICY",
        "INPUT_FAIL_ON",
        "INPUT_NEW_SINCE",
        "INPUT_SARIF_FILE",
        "INPUT_SUMMARY",
    ] {
        assert!(env.contains(&name.to_string()), "the step maps {name}");
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_techpolicy"));
    let sarif = runner.path("results.sarif");
    let output = runner
        .command(&script, repo.path(), bin.parent().expect("bin dir"))
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("INPUT_PATH", ".")
        .env("INPUT_POLICY", "")
        .env("INPUT_FAIL_ON", "error")
        .env("INPUT_NEW_SINCE", "")
        .env("INPUT_SARIF_FILE", &sarif)
        .env("INPUT_SUMMARY", "true")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the new ban fails the step\n{stdout}\n{stderr}"
    );

    // Annotations only for what the pull request adds, on the lines that add it.
    let annotations: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 2, "{stdout}");
    assert!(
        annotations[0].starts_with("::warning file=Dockerfile,line=1,col=6,"),
        "{}",
        annotations[0]
    );
    assert!(
        annotations[1].starts_with("::error file=app/package.json,line=3,col=5,"),
        "{}",
        annotations[1]
    );
    assert!(annotations[1].contains("mongodb"), "{}", annotations[1]);

    let outputs = runner.read("output");
    assert!(outputs.lines().any(|l| l == "errors=1"), "{outputs}");
    assert!(outputs.lines().any(|l| l == "warnings=1"), "{outputs}");
    assert!(
        outputs
            .lines()
            .any(|l| l == format!("sarif-file={}", sarif.display())),
        "{outputs}"
    );
    let summary = runner.read("summary");
    assert!(summary.starts_with("## techpolicy"), "{summary}");
    assert!(summary.contains("mongodb"), "{summary}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif written"))
            .expect("sarif");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .len(),
        2
    );

    // Outside a pull request, every finding counts; `fail-on: never` reports without failing.
    let output = runner
        .command(&script, repo.path(), bin.parent().expect("bin dir"))
        .env("GITHUB_EVENT_NAME", "push")
        .env("INPUT_PATH", ".")
        .env("INPUT_POLICY", "techpolicy.toml")
        .env("INPUT_FAIL_ON", "never")
        .env("INPUT_NEW_SINCE", "")
        .env("INPUT_SARIF_FILE", "")
        .env("INPUT_SUMMARY", "false")
        .output()
        .expect("bash runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        runner.read("output").lines().any(|l| l == "errors=2"),
        "{}",
        runner.read("output")
    );
    assert_eq!(
        runner.read("summary"),
        "",
        "no summary when summary is false"
    );
}

#[test]
fn install_step_builds_from_the_actions_own_source() {
    let runner = Runner::new();
    // A stand-in `cargo` that records its arguments instead of building.
    let shims = runner.path("shims");
    std::fs::create_dir_all(&shims).expect("shim dir");
    let shim = shims.join("cargo");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\necho \"$@\" > {}\n",
            runner.path("cargo-args").display()
        ),
    )
    .expect("shim");
    let mut permissions = std::fs::metadata(&shim).expect("shim").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&shim, permissions).expect("chmod");

    let (script, _) = step("install");
    let output = runner
        .command(&script, &fixture("demo"), &shims)
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let args = runner.read("cargo-args");
    assert_eq!(
        args.trim(),
        format!(
            "install --locked --path {} --root {}",
            env!("CARGO_MANIFEST_DIR"),
            runner.path("techpolicy").display()
        )
    );
    assert_eq!(
        runner.read("path").trim(),
        runner.path("techpolicy/bin").display().to_string()
    );
}

#[test]
fn pre_commit_hook_files_pattern_covers_every_manifest_name() {
    let hooks = Yaml::load_from_str(&repository_file(".pre-commit-hooks.yaml")).expect("YAML");
    let hook = &hooks[0][0];
    assert_eq!(hook["id"].as_str(), Some("techpolicy"));
    assert_eq!(hook["language"].as_str(), Some("rust"));
    assert_eq!(hook["entry"].as_str(), Some("techpolicy check"));
    let pattern = regex::Regex::new(hook["files"].as_str().expect("files")).expect("a regex");
    let names = [
        "Cargo.toml",
        "Cargo.lock",
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "Dockerfile",
        "Containerfile",
        "api.Dockerfile",
        "base.dockerfile",
        "Dockerfile.prod",
        "Containerfile.fedora",
        "compose.yaml",
        "compose.yml",
        "docker-compose.yml",
        "docker-compose.override.yaml",
    ];
    for name in names {
        assert!(
            techpolicy::manifest::ManifestKind::detect(name).is_some(),
            "techpolicy reads {name}"
        );
        assert!(pattern.is_match(name), "{name}");
        assert!(
            pattern.is_match(&format!("services/api/{name}")),
            "{name} in a subdirectory"
        );
    }
    for other in [
        "README.md",
        "src/main.rs",
        "mypackage.json",
        "Cargo.toml.orig",
        "compose.yaml.bak",
    ] {
        assert!(!pattern.is_match(other), "{other}");
        assert!(
            techpolicy::manifest::ManifestKind::detect(other).is_none(),
            "{other}"
        );
    }
}
