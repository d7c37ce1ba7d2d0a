//! Inputs that once crashed, overflowed the stack or hung a parser (found by the fuzz targets
//! in `fuzz/`, see its README), kept in `tests/regressions/` as `<target>-<short-name>`, where
//! `<target>` is the fuzz target's name. Each is parsed again here: the test passes when every
//! parser returns, with a result or an error, and every span it returns lies in the text.
//!
//! The tests run on the test harness's threads, whose stacks are smaller than a main thread's,
//! and in a debug build, whose frames are larger: a nesting guard that holds here holds in the
//! released binary too.

use std::path::Path;
use techpolicy::manifest::{ManifestKind, Parsed, Span};

fn regressions() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("regressions");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .expect("UTF-8 file name")
                .to_string();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (name, text)
        })
        .collect();
    files.sort();
    files
}

/// The parser a file is for, from the part of its name before the first `-`.
fn kind(target: &str) -> Option<ManifestKind> {
    Some(match target {
        "cargo_toml" => ManifestKind::CargoToml,
        "cargo_lock" => ManifestKind::CargoLock,
        "package_json" => ManifestKind::PackageJson,
        "package_lock" => ManifestKind::PackageLock,
        "yarn_lock" => ManifestKind::YarnLock,
        "pnpm_lock" => ManifestKind::PnpmLock,
        "dockerfile" => ManifestKind::Dockerfile,
        "compose" => ManifestKind::Compose,
        _ => return None,
    })
}

fn assert_within(name: &str, text: &str, span: Span) {
    let end = span.offset.checked_add(span.len);
    assert!(
        end.is_some_and(|end| end <= text.len()
            && text.is_char_boundary(span.offset)
            && text.is_char_boundary(end)),
        "{name}: span {span:?} is not within the text ({} bytes) on character boundaries",
        text.len()
    );
}

#[test]
fn every_regression_input_parses_without_panicking() {
    let files = regressions();
    assert!(!files.is_empty(), "tests/regressions/ holds no input");
    for (name, text) in &files {
        let target = name.split('-').next().unwrap_or_default();
        if target == "policy" {
            // As the fuzz target loads it; `extends` entries name files that do not exist.
            let _ = techpolicy::policy::parse(text, Path::new("fuzz/techpolicy.toml"));
            continue;
        }
        let Some(kind) = kind(target) else {
            panic!("{name}: the name does not start with a fuzz target's name and `-`");
        };
        match kind.parse(text) {
            Ok(Parsed::Manifest(manifest)) => {
                let declared = manifest
                    .declared
                    .iter()
                    .chain(&manifest.workspace_dependencies);
                for declaration in declared {
                    assert_within(name, text, declaration.span);
                }
            }
            Ok(Parsed::Lockfile(lockfile)) => {
                for package in &lockfile.packages {
                    assert_within(name, text, package.span);
                }
            }
            Err(error) => {
                if let Some(span) = error.span {
                    assert_within(name, text, span);
                }
            }
        }
    }
}
