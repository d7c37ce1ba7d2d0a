//! Real repositories (`fixtures/corpus/`, see its SOURCES.md): `inventory` must list every
//! package of every Cargo.lock and package-lock.json (the same name/version set the lockfile
//! itself holds) and every FROM and compose `image:` reference.
//!
//! The expected sets are computed here straight from the files with generic TOML/JSON readers
//! and a plain line scan, independently of techpolicy's parsers.

use crate::util::{fixture, run, techpolicy};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

type Set = BTreeSet<(String, String)>;

struct Inventory {
    /// file → (name, version) of its entries.
    by_file: HashMap<String, Set>,
    /// file → lines that hold an entry.
    lines: HashMap<String, BTreeSet<u64>>,
}

fn inventory(repo: &Path) -> Inventory {
    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo)
        .args(["--format", "json"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let document = result.json();
    let mut by_file: HashMap<String, Set> = HashMap::new();
    let mut lines: HashMap<String, BTreeSet<u64>> = HashMap::new();
    for entry in document["dependencies"].as_array().expect("array") {
        let file = entry["file"].as_str().expect("file").to_string();
        let name = entry["name"].as_str().expect("name").to_string();
        let version = entry["version"].as_str().unwrap_or_default().to_string();
        by_file
            .entry(file.clone())
            .or_default()
            .insert((name, version));
        lines
            .entry(file)
            .or_default()
            .insert(entry["line"].as_u64().expect("line"));
    }
    Inventory { by_file, lines }
}

fn files_named(repo: &Path, accept: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![repo.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if path.is_dir() {
                if name != "node_modules" && name != "target" && name != ".git" {
                    stack.push(path);
                }
            } else if accept(&name) {
                let relative = path.strip_prefix(repo).expect("inside");
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

fn cargo_lock_entries(text: &str) -> Set {
    let table: toml::Table = toml::from_str(text).expect("valid Cargo.lock");
    table
        .get("package")
        .and_then(|p| p.as_array())
        .map(|packages| {
            packages
                .iter()
                .map(|p| {
                    (
                        p["name"].as_str().expect("name").to_string(),
                        p["version"].as_str().expect("version").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// npm's own reading of a v2/v3 lock: every `node_modules/` entry that is installed (links
/// point at workspace folders and carry no version of their own).
fn package_lock_entries(text: &str) -> Set {
    let document: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    let packages = document["packages"]
        .as_object()
        .expect("lockfileVersion 2 or 3");
    packages
        .iter()
        .filter(|(key, entry)| key.contains("node_modules/") && entry["link"] != true)
        .map(|(key, entry)| {
            let tail = key.rsplit("node_modules/").next().expect("tail");
            let name = entry["name"].as_str().unwrap_or(tail);
            (
                name.to_string(),
                entry["version"].as_str().expect("version").to_string(),
            )
        })
        .collect()
}

fn assert_lockfiles_listed(repo_name: &str, expected_lockfiles: usize) {
    let repo = fixture("corpus").join(repo_name);
    let inventory = inventory(&repo);
    let locks = files_named(&repo, |n| n == "Cargo.lock" || n == "package-lock.json");
    assert_eq!(locks.len(), expected_lockfiles, "{locks:?}");
    for lock in locks {
        let text = std::fs::read_to_string(repo.join(&lock)).expect("read");
        let expected = if lock.ends_with("Cargo.lock") {
            cargo_lock_entries(&text)
        } else {
            package_lock_entries(&text)
        };
        assert!(!expected.is_empty(), "{lock}");
        let actual = inventory.by_file.get(&lock).cloned().unwrap_or_default();
        assert_eq!(actual, expected, "{repo_name}/{lock}");
    }
}

/// Every `FROM` line that names an image (not `scratch`, not an earlier stage) and every
/// `image:` line of a compose file has an inventory entry on that line.
fn assert_images_listed(repo_name: &str) {
    let repo = fixture("corpus").join(repo_name);
    let inventory = inventory(&repo);
    let dockerfiles = files_named(&repo, |n| {
        n == "Dockerfile"
            || n.ends_with(".Dockerfile")
            || n.starts_with("Dockerfile.")
            || n == "Containerfile"
    });
    let composes = files_named(&repo, |n| {
        n == "compose.yaml"
            || n == "compose.yml"
            || (n.starts_with("docker-compose") && (n.ends_with(".yml") || n.ends_with(".yaml")))
    });
    assert!(!dockerfiles.is_empty() && !composes.is_empty());
    let mut checked = 0;
    for file in dockerfiles {
        let text = std::fs::read_to_string(repo.join(&file)).expect("read");
        let mut stages = vec!["scratch".to_string()];
        for (index, line) in text.lines().enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words
                .first()
                .is_none_or(|w| !w.eq_ignore_ascii_case("FROM"))
            {
                continue;
            }
            let args: Vec<&str> = words[1..]
                .iter()
                .copied()
                .filter(|w| !w.starts_with("--"))
                .collect();
            let image = args.first().expect("image").to_lowercase();
            if let (Some(as_), Some(name)) = (args.get(1), args.get(2)) {
                if as_.eq_ignore_ascii_case("as") {
                    stages.push(name.to_lowercase());
                }
            }
            // `FROM build-${BUILD}` picks one of the earlier stages `build-x`, `build-y`.
            let picks_a_stage = image.split_once('$').is_some_and(|(prefix, _)| {
                !prefix.is_empty() && stages.iter().any(|s| s.starts_with(prefix))
            });
            if stages.contains(&image) || picks_a_stage {
                continue;
            }
            let listed = inventory
                .lines
                .get(&file)
                .is_some_and(|l| l.contains(&(index as u64 + 1)));
            assert!(
                listed,
                "{repo_name}/{file}:{} `{line}` is not in the inventory",
                index + 1
            );
            checked += 1;
        }
    }
    for file in composes {
        let text = std::fs::read_to_string(repo.join(&file)).expect("read");
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            // Service images sit four spaces deep (services → name → image).
            if trimmed.starts_with("image:") && line.len() - trimmed.len() == 4 {
                let listed = inventory
                    .lines
                    .get(&file)
                    .is_some_and(|l| l.contains(&(index as u64 + 1)));
                assert!(
                    listed,
                    "{repo_name}/{file}:{} `{line}` is not in the inventory",
                    index + 1
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn vector_lockfiles() {
    assert_lockfiles_listed("vectordotdev__vector", 2);
}

#[test]
fn opentelemetry_lockfiles() {
    assert_lockfiles_listed("open-telemetry__opentelemetry-js", 1);
}

#[test]
fn sentry_lockfiles() {
    assert_lockfiles_listed("getsentry__self-hosted", 1);
}

#[test]
fn vector_images() {
    assert_images_listed("vectordotdev__vector");
}

#[test]
fn sentry_images() {
    assert_images_listed("getsentry__self-hosted");
}

#[test]
fn opentelemetry_images() {
    assert_images_listed("open-telemetry__opentelemetry-js");
}

/// A file named alone (the pre-commit path) yields exactly what a scan of the whole
/// repository yields for it: same packages, resolved versions, lockfile, lines and sections,
/// although its context lockfile is only partly built.
fn assert_named_files_read_as_in_a_full_scan(repo: &Path) {
    use techpolicy::{inventory, Target};
    let whole = inventory(&Target::Dir(repo.to_path_buf()), None, false);
    assert!(whole.errors.is_empty(), "{:?}", whole.errors);
    let manifests = files_named(repo, |n| n == "package.json" || n == "Cargo.toml");
    assert!(!manifests.is_empty());
    let mut resolved = 0;
    for manifest in manifests {
        let named = inventory(
            &Target::Files {
                base: repo.to_path_buf(),
                files: vec![repo.join(&manifest)],
            },
            None,
            false,
        );
        assert!(named.errors.is_empty(), "{manifest}: {:?}", named.errors);
        let expected: Vec<_> = whole
            .entries
            .iter()
            .filter(|entry| *entry.dependency.file == *manifest)
            .collect();
        let actual: Vec<_> = named.entries.iter().collect();
        assert_eq!(actual, expected, "{}: {manifest}", repo.display());
        resolved += actual
            .iter()
            .filter(|entry| entry.dependency.lockfile.is_some())
            .count();
    }
    assert!(resolved > 0, "{}: nothing resolved", repo.display());
}

#[test]
fn named_manifests_resolve_as_in_a_full_scan() {
    for repo in [
        fixture("corpus").join("open-telemetry__opentelemetry-js"),
        fixture("corpus").join("vectordotdev__vector"),
        fixture("corpus").join("vuejs__core"),
        fixture("corpus").join("jestjs__jest"),
        fixture("demo"),
    ] {
        assert_named_files_read_as_in_a_full_scan(&repo);
    }
}
