//! The places outside the code that name the files techpolicy reads, kept in step with the
//! ecosystem registry (`src/ecosystem/`): the pre-commit hook's `files` pattern, the README's
//! "What is scanned" table, and the match entries `init` writes. Adding an ecosystem or a
//! file name fails here until each of them says so too.

use saphyr::{LoadableYamlNode, Yaml};
use std::path::Path;
use techpolicy::ecosystem::{Ecosystem, FilePattern};
use techpolicy::manifest::{Dependency, ManifestKind, Section, Span};
use techpolicy::matcher::{Candidate, Matcher};

fn repository_file(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .expect("file at the repository root")
}

/// Every file name pattern of the registry, with its ecosystem.
fn registry_files() -> Vec<(Ecosystem, FilePattern)> {
    Ecosystem::ALL
        .iter()
        .flat_map(|&e| e.rules().files().iter().map(move |f| (e, *f)))
        .collect()
}

/// File names a pattern stands for: `*` as some text and as none.
fn examples(pattern: &str) -> Vec<String> {
    if pattern.contains('*') {
        vec![pattern.replace('*', "x"), pattern.replace('*', "")]
    } else {
        vec![pattern.to_string()]
    }
}

fn hook_pattern() -> regex::Regex {
    let hooks = Yaml::load_from_str(&repository_file(".pre-commit-hooks.yaml")).expect("YAML");
    let hook = &hooks[0][0];
    assert_eq!(hook["id"].as_str(), Some("techpolicy"));
    regex::Regex::new(hook["files"].as_str().expect("files")).expect("a regex")
}

#[test]
fn the_pre_commit_hook_passes_exactly_the_files_the_registry_reads() {
    let pattern = hook_pattern();
    let mut probes: Vec<String> = Vec::new();
    for (_, file) in registry_files() {
        for example in examples(file.name) {
            assert_eq!(
                ManifestKind::detect(&example),
                Some(file.kind),
                "the registry reads {example} as {:?}",
                file.kind
            );
            // Near misses, which neither may take.
            probes.push(format!("{example}.bak"));
            probes.push(format!("my{example}"));
            probes.push(example);
        }
    }
    probes.extend(
        [
            "README.md",
            "src/main.rs",
            "Dockerfilex",
            "compose.json",
            "docker-compose",
            "package.json5",
        ]
        .map(String::from),
    );
    for probe in probes {
        for path in [probe.clone(), format!("services/api/{probe}")] {
            assert_eq!(
                pattern.is_match(&path),
                ManifestKind::detect(&path).is_some(),
                "{path}: the hook's `files` and the registry disagree"
            );
        }
    }
}

/// The README's "What is scanned" rows of one ecosystem (by its display name): the file
/// names in their `files` cell, with `` `docker-compose*.yml`/`.yaml` `` read as both names.
fn readme_files(readme: &str, ecosystem: Ecosystem) -> Vec<String> {
    let section = readme
        .split("\n## What is scanned\n")
        .nth(1)
        .expect("a `What is scanned` section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let row_start = format!("| {} |", ecosystem.rules().display_name());
    let mut names = Vec::new();
    for row in section.lines().filter(|l| l.starts_with(&row_start)) {
        let cell = row.split('|').nth(2).unwrap_or_default();
        let mut previous: Option<String> = None;
        for (index, token) in cell.split('`').enumerate() {
            if index % 2 == 0 {
                continue;
            }
            let name = match (&previous, token.starts_with('.')) {
                (Some(previous), true) => match previous.rfind('.') {
                    Some(dot) => format!("{}{token}", &previous[..dot]),
                    None => token.to_string(),
                },
                _ => token.to_string(),
            };
            previous = Some(name.clone());
            names.push(name);
        }
    }
    names
}

#[test]
fn the_readme_names_every_file_the_registry_reads_and_no_other() {
    let readme = repository_file("README.md");
    for ecosystem in Ecosystem::ALL {
        let listed = readme_files(&readme, ecosystem);
        let read: Vec<&str> = ecosystem.rules().files().iter().map(|f| f.name).collect();
        for name in &read {
            assert!(
                listed.iter().any(|l| l == name),
                "README's `What is scanned` does not name `{name}` ({ecosystem}): {listed:?}"
            );
        }
        for name in &listed {
            assert!(
                read.contains(&name.as_str()),
                "README's `What is scanned` names `{name}`, which {ecosystem} does not read"
            );
        }
    }
}

#[test]
fn init_writes_match_entries_every_ecosystem_reads() {
    let entries = Ecosystem::ALL
        .iter()
        .map(|&ecosystem| techpolicy::InventoryEntry {
            dependency: Dependency {
                ecosystem,
                name: "example".to_string(),
                version: None,
                requirement: None,
                file: "manifest".into(),
                line: 1,
                column: 1,
                span: Span::default(),
                direct: true,
                source: None,
                section: Section::Declared("dependencies".into()),
                lockfile: None,
                via: Vec::new(),
            },
            technology: None,
            status: None,
        })
        .collect();
    let inventory = techpolicy::Inventory {
        entries,
        errors: Vec::new(),
        files_scanned: 1,
        skipped: None,
    };
    let text = techpolicy::init::starter_policy(&inventory, jiff::civil::date(2026, 1, 1));
    let written: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# match = [\"")?.strip_suffix("\"]"))
        .map(String::from)
        .collect();
    for ecosystem in Ecosystem::ALL {
        let entry = written
            .iter()
            .find(|entry| entry.starts_with(&format!("{ecosystem}:")))
            .unwrap_or_else(|| panic!("no match entry for {ecosystem} in:\n{text}"));
        let matcher = Matcher::parse(entry).unwrap_or_else(|e| panic!("{entry}: {e}"));
        let candidate = Candidate {
            ecosystem,
            name: "example",
            version: None,
            requirement: None,
        };
        assert!(
            matcher.matches(&candidate),
            "{entry} matches its dependency"
        );
    }
}
