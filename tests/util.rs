//! Helpers: running the built binary, and building throwaway repositories.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The `techpolicy` binary built by this test run, with a stable, colourless environment.
pub fn techpolicy() -> Command {
    let mut command = Command::cargo_bin("techpolicy").expect("binary builds");
    command.env("NO_COLOR", "1").env_remove("COLUMNS");
    command
}

/// A repository under `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

pub fn run(command: &mut Command) -> Run {
    let output = command.output().expect("runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A temporary directory tree written from (path, contents) pairs.
pub struct TempRepo {
    dir: tempfile::TempDir,
}

impl TempRepo {
    pub fn new(files: &[(&str, &str)]) -> TempRepo {
        let repo = TempRepo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        for (path, contents) in files {
            repo.write(path, contents);
        }
        repo
    }

    pub fn write(&self, path: &str, contents: &str) {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, contents).expect("write");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// (file, line, status) of every finding in a `check --format json` document, sorted.
pub fn finding_locations(document: &serde_json::Value) -> Vec<(String, u64, String)> {
    let mut found: Vec<(String, u64, String)> = document["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().expect("file").to_string(),
                f["line"].as_u64().expect("line"),
                f["status"].as_str().expect("status").to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

/// The example policy from the README, which the issue requires to work as written.
pub const EXAMPLE_POLICY: &str = include_str!("../policies/example.toml");

/// Runs git in `repo` as a throwaway identity, failing the test on error; returns stdout.
pub fn git(repo: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}
