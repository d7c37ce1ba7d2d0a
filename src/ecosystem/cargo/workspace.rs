//! Cargo workspaces: which workspace root each Cargo.toml of a scan belongs to.
//!
//! A member inherits `dep.workspace = true` from its root and resolves through the Cargo.lock
//! beside it; a Cargo.toml that no workspace claims stands alone, with the Cargo.lock of its
//! own directory. Repositories hold many Cargo.toml files that belong to no workspace above
//! them (test fixtures, examples built on their own), so being below a root is not enough.
//! The rules are Cargo's, applied to the files the scan read:
//!
//! - a Cargo.toml with `[workspace]` is its own root;
//! - `package.workspace = "DIR"` names the root's directory outright;
//! - otherwise the nearest Cargo.toml above that has `[workspace]` and does not `exclude` it
//!   (or the nearest one whose `package.workspace` points at a root) is the candidate, and it
//!   claims the package when one of its `members` globs matches the package's directory, or
//!   when the package is a path dependency of a member (the root's own package included),
//!   inside the root's directory and not excluded.
//!
//! Cargo would refuse to build a package that a candidate does not claim; techpolicy reads it
//! as standalone. With named files (`check a/Cargo.toml`) only the ancestors' Cargo.toml files
//! are read, so a package claimed only as the path dependency of a member that was not read
//! is read as standalone there.

use crate::manifest::{ancestors, parent_dir, Declared, Manifest, ManifestKind, Parsed};
use crate::scan::ParsedFile;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::{HashMap, HashSet, VecDeque};

/// The workspace of every Cargo.toml in a scan.
#[derive(Debug, Default)]
pub struct CargoWorkspaces {
    /// Cargo.toml file index → the file index of its workspace root (itself for a root).
    /// Standalone manifests are absent.
    roots: HashMap<usize, usize>,
}

impl CargoWorkspaces {
    pub fn new(files: &[ParsedFile]) -> CargoWorkspaces {
        let manifests = Manifests::new(files);
        let mut roots = HashMap::new();
        for (&dir, &index) in &manifests.by_dir {
            if let Some(root) = manifests.root_of(dir) {
                roots.insert(index, root);
            }
        }
        CargoWorkspaces { roots }
    }

    /// The file index of the workspace root the Cargo.toml `file` belongs to (itself when it
    /// is a root), None when it stands alone.
    pub fn root_of(&self, file: usize) -> Option<usize> {
        self.roots.get(&file).copied()
    }
}

/// The scanned Cargo.toml files by directory, and the directories each root claims.
struct Manifests<'a> {
    files: &'a [ParsedFile],
    by_dir: HashMap<&'a str, usize>,
    members: HashMap<usize, HashSet<String>>,
}

impl<'a> Manifests<'a> {
    fn new(files: &'a [ParsedFile]) -> Manifests<'a> {
        let by_dir = files
            .iter()
            .enumerate()
            .filter(|(_, file)| {
                file.source.kind == ManifestKind::CargoToml
                    && matches!(file.parsed, Parsed::Manifest(_))
            })
            .map(|(index, file)| (parent_dir(&file.source.path), index))
            .collect();
        let mut manifests = Manifests {
            files,
            by_dir,
            members: HashMap::new(),
        };
        manifests.members = manifests
            .by_dir
            .values()
            .filter(|&&index| {
                manifests
                    .manifest(index)
                    .is_some_and(|m| m.is_workspace_root)
            })
            .map(|&index| (index, manifests.compute_members(index)))
            .collect();
        manifests
    }

    fn manifest(&self, index: usize) -> Option<&'a Manifest> {
        match &self.files.get(index)?.parsed {
            Parsed::Manifest(manifest) => Some(manifest),
            Parsed::Lockfile(_) => None,
        }
    }

    fn at(&self, dir: &str) -> Option<(usize, &'a Manifest)> {
        let index = *self.by_dir.get(dir)?;
        Some((index, self.manifest(index)?))
    }

    /// The root a `package.workspace` pointer in `dir` leads to, when it is a scanned root.
    fn pointer(&self, dir: &str, path: &str) -> Option<usize> {
        let (index, manifest) = self.at(&normalize(&join(dir, path))?)?;
        manifest.is_workspace_root.then_some(index)
    }

    /// The workspace root of the Cargo.toml in `dir`, by the rules in the module doc.
    fn root_of(&self, dir: &str) -> Option<usize> {
        let (index, manifest) = self.at(dir)?;
        if manifest.is_workspace_root {
            return Some(index);
        }
        if let Some(path) = &manifest.workspace_path {
            return self.pointer(dir, path);
        }
        let candidate = ancestors(dir).skip(1).find_map(|above| {
            let (root, found) = self.at(above)?;
            if found.is_workspace_root {
                return (!excludes(above, found, dir)).then_some(Some(root));
            }
            // Cargo follows a pointer it meets on the way up as if it were the root.
            let path = found.workspace_path.as_deref()?;
            Some(self.pointer(above, path))
        })??;
        self.members
            .get(&candidate)
            .is_some_and(|members| members.contains(dir))
            .then_some(candidate)
    }

    /// The directories the root at file index `root` claims: its own, those its `members`
    /// globs match, and the path dependencies of members inside its directory, less those
    /// it excludes.
    fn compute_members(&self, root: usize) -> HashSet<String> {
        let root_dir = parent_dir(&self.files[root].source.path);
        let mut members = HashSet::from([root_dir.to_string()]);
        let Some(root_manifest) = self.manifest(root) else {
            return members;
        };
        let globs = member_globs(root_dir, &root_manifest.workspace_members);
        for &dir in self.by_dir.keys() {
            if globs.is_match(dir) && !excludes(root_dir, root_manifest, dir) {
                members.insert(dir.to_string());
            }
        }
        let mut queue: VecDeque<String> = members.iter().cloned().collect();
        let inherited = dependency_index(root_manifest);
        while let Some(member) = queue.pop_front() {
            let Some((_, manifest)) = self.at(&member) else {
                continue;
            };
            for dependency in path_dependencies(&member, manifest, root_dir, &inherited) {
                if is_within(&dependency, root_dir)
                    && !excludes(root_dir, root_manifest, &dependency)
                    && members.insert(dependency.clone())
                {
                    queue.push_back(dependency);
                }
            }
        }
        members
    }
}

/// The directories (relative to the scan, normalised) of a package's path dependencies: its
/// own `path = "..."` entries, relative to it, and those it inherits from the root's
/// `[workspace.dependencies]`, relative to the root. Patches, replacements and the root's
/// table itself make nothing a member.
fn path_dependencies(
    dir: &str,
    manifest: &Manifest,
    root_dir: &str,
    inherited: &crate::fasthash::FastMap<&str, &Declared>,
) -> Vec<String> {
    manifest
        .declared
        .iter()
        .filter(|d| is_package_dependency(&d.section))
        .filter_map(|declared| {
            if declared.workspace_inherited {
                let key = declared.alias.as_deref().unwrap_or(&declared.name);
                let entry = inherited.get(key)?;
                let path = entry.source.as_deref()?.strip_prefix("path+")?;
                normalize(&join(root_dir, path))
            } else {
                let path = declared.source.as_deref()?.strip_prefix("path+")?;
                normalize(&join(dir, path))
            }
        })
        .collect()
}

/// A workspace root's `[workspace.dependencies]` by the key members inherit them under
/// (`dep.workspace = true`), for lookups that cost the same however many there are.
pub(crate) fn dependency_index(root: &Manifest) -> crate::fasthash::FastMap<&str, &Declared> {
    let mut index = crate::fasthash::FastMap::default();
    for entry in &root.workspace_dependencies {
        // TOML keys are unique, so no key repeats; the first would win, as a search did.
        index
            .entry(entry.alias.as_deref().unwrap_or(&entry.name))
            .or_insert(entry);
    }
    index
}

/// Whether a section holds the package's own dependencies (as opposed to
/// `[workspace.dependencies]`, `[patch.*]` or `[replace]`).
pub fn is_package_dependency(section: &str) -> bool {
    !(section == "workspace.dependencies" || section == "replace" || section.starts_with("patch."))
}

/// Cargo's `exclude` test for the package in `dir`: under an excluded path, and not under a
/// path `members` lists literally (an explicit member overrides an exclusion; globs do not).
fn excludes(root_dir: &str, root: &Manifest, dir: &str) -> bool {
    let under =
        |path: &String| normalize(&join(root_dir, path)).is_some_and(|p| is_within(dir, &p));
    root.workspace_exclude.iter().any(under) && !root.workspace_members.iter().any(under)
}

/// The `members` entries as globs over scan-relative directories. Cargo expands them with
/// the glob crate, one path component at a time: `*`, `?` and `[...]` stay within a
/// component, `**` spans any number, and `{a,b}` means itself.
fn member_globs(root_dir: &str, members: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    let root: Vec<String> = components(root_dir).map(globset::escape).collect();
    for member in members {
        let mut pattern = root.clone();
        for component in components(member) {
            if component == ".." {
                if pattern.pop().is_none() {
                    // Above the scanned directory: nothing read there can match.
                    pattern.clear();
                    break;
                }
            } else {
                pattern.push(braces_as_literals(component));
            }
        }
        if pattern.is_empty() && !root.is_empty() {
            continue;
        }
        let glob = GlobBuilder::new(&pattern.join("/"))
            .literal_separator(true)
            .backslash_escape(false)
            .build();
        // A pattern Cargo would reject (an unclosed `[`) claims nothing.
        if let Ok(glob) = glob {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_default()
}

/// `{` and `}` outside a `[...]` class, escaped: globset would read them as alternation.
fn braces_as_literals(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    let mut in_class = false;
    for c in component.chars() {
        match c {
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' | '}' if !in_class => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// The non-empty components of a `/`-separated path, without `.`.
fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}

/// A scan-relative path with `.` and `..` resolved; None when it leaves the scanned directory.
fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for component in components(path) {
        if component == ".." {
            out.pop()?;
        } else {
            out.push(component);
        }
    }
    Some(out.join("/"))
}

/// Whether `path` is `dir` or lies below it, comparing whole components.
fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::parse_entries;

    /// Parses (path, Cargo.toml text) pairs as a scan would and names each one's root.
    fn roots(files: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
        let entries = files
            .iter()
            .map(|(path, text)| {
                let kind = ManifestKind::detect(path.rsplit('/').next().unwrap_or(path));
                (
                    path.to_string(),
                    kind.unwrap_or(ManifestKind::CargoToml),
                    Ok(text.as_bytes().to_vec()),
                )
            })
            .collect();
        let walked = parse_entries(entries);
        assert!(walked.errors.is_empty(), "{:?}", walked.errors);
        let workspaces = CargoWorkspaces::new(&walked.files);
        walked
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.source.kind == ManifestKind::CargoToml)
            .map(|(index, file)| {
                let root = workspaces
                    .root_of(index)
                    .map(|r| walked.files[r].source.path.clone());
                (file.source.path.clone(), root)
            })
            .collect()
    }

    fn row(path: &str, root: Option<&str>) -> (String, Option<String>) {
        (path.to_string(), root.map(str::to_string))
    }

    const PACKAGE: &str = "[package]\nname = \"p\"\n";

    #[test]
    fn globs_excludes_and_standalone_fixtures() {
        let root = r#"
[workspace]
members = ["crates/*", "tools/**", "single"]
exclude = ["crates/legacy"]
"#;
        let found = roots(&[
            ("Cargo.toml", root),
            ("crates/a/Cargo.toml", PACKAGE),
            ("crates/legacy/Cargo.toml", PACKAGE),
            ("crates/a/nested/Cargo.toml", PACKAGE),
            ("tools/x/y/Cargo.toml", PACKAGE),
            ("single/Cargo.toml", PACKAGE),
            ("singleton/Cargo.toml", PACKAGE),
            ("tests/fixtures/app/Cargo.toml", PACKAGE),
        ]);
        assert_eq!(
            found,
            [
                row("Cargo.toml", Some("Cargo.toml")),
                row("crates/a/Cargo.toml", Some("Cargo.toml")),
                // `*` stays within one component.
                row("crates/a/nested/Cargo.toml", None),
                row("crates/legacy/Cargo.toml", None),
                row("single/Cargo.toml", Some("Cargo.toml")),
                row("singleton/Cargo.toml", None),
                row("tests/fixtures/app/Cargo.toml", None),
                row("tools/x/y/Cargo.toml", Some("Cargo.toml")),
            ]
        );
    }

    #[test]
    fn path_dependencies_of_members_are_members() {
        let root = r#"
[package]
name = "app"
[workspace]
[dependencies]
derive = { path = "derive" }
shared.workspace = true
outside = { path = "../outside" }
[workspace.dependencies]
shared = { path = "libs/shared" }
[patch.crates-io]
patched = { path = "patched" }
"#;
        let derive =
            "[package]\nname = \"derive\"\n[dependencies]\nhelper = { path = \"../helper\" }\n";
        let found = roots(&[
            ("app/Cargo.toml", root),
            ("app/derive/Cargo.toml", derive),
            ("app/helper/Cargo.toml", PACKAGE),
            ("app/libs/shared/Cargo.toml", PACKAGE),
            ("app/patched/Cargo.toml", PACKAGE),
            ("outside/Cargo.toml", PACKAGE),
        ]);
        assert_eq!(
            found,
            [
                row("app/Cargo.toml", Some("app/Cargo.toml")),
                row("app/derive/Cargo.toml", Some("app/Cargo.toml")),
                row("app/helper/Cargo.toml", Some("app/Cargo.toml")),
                row("app/libs/shared/Cargo.toml", Some("app/Cargo.toml")),
                row("app/patched/Cargo.toml", None),
                // Outside the root's directory: not claimed.
                row("outside/Cargo.toml", None),
            ]
        );
    }

    #[test]
    fn exclusion_goes_on_to_the_next_root_up() {
        let outer = "[workspace]\nmembers = [\"inner/crates/*\"]\n";
        let inner = "[package]\nname = \"inner\"\n[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/b\"]\n";
        let found = roots(&[
            ("Cargo.toml", outer),
            ("inner/Cargo.toml", inner),
            ("inner/crates/a/Cargo.toml", PACKAGE),
            ("inner/crates/b/Cargo.toml", PACKAGE),
        ]);
        assert_eq!(
            found,
            [
                row("Cargo.toml", Some("Cargo.toml")),
                row("inner/Cargo.toml", Some("inner/Cargo.toml")),
                row("inner/crates/a/Cargo.toml", Some("inner/Cargo.toml")),
                row("inner/crates/b/Cargo.toml", Some("Cargo.toml")),
            ]
        );
    }

    #[test]
    fn explicit_members_override_exclusion_but_globs_do_not() {
        let root =
            "[workspace]\nmembers = [\"vendor/kept\", \"vendor/*\"]\nexclude = [\"vendor\"]\n";
        let found = roots(&[
            ("Cargo.toml", root),
            ("vendor/kept/Cargo.toml", PACKAGE),
            ("vendor/other/Cargo.toml", PACKAGE),
        ]);
        assert_eq!(
            found,
            [
                row("Cargo.toml", Some("Cargo.toml")),
                row("vendor/kept/Cargo.toml", Some("Cargo.toml")),
                row("vendor/other/Cargo.toml", None),
            ]
        );
    }

    #[test]
    fn package_workspace_pointers() {
        let root = "[workspace]\nmembers = []\n";
        let pointing = "[package]\nname = \"p\"\nworkspace = \"../../ws/\"\n";
        let found = roots(&[
            ("ws/Cargo.toml", root),
            ("elsewhere/p/Cargo.toml", pointing),
            ("elsewhere/p/sub/Cargo.toml", PACKAGE),
            (
                "elsewhere/q/Cargo.toml",
                "[package]\nworkspace = \"../nothing\"\n",
            ),
            (
                "elsewhere/r/Cargo.toml",
                "[package]\nworkspace = \"../../..\"\n",
            ),
        ]);
        assert_eq!(
            found,
            [
                row("elsewhere/p/Cargo.toml", Some("ws/Cargo.toml")),
                // Cargo follows the pointer met on the way up; the root does not claim it.
                row("elsewhere/p/sub/Cargo.toml", None),
                row("elsewhere/q/Cargo.toml", None),
                row("elsewhere/r/Cargo.toml", None),
                row("ws/Cargo.toml", Some("ws/Cargo.toml")),
            ]
        );
    }

    #[test]
    fn glob_syntax_as_cargo_reads_it() {
        let root = r#"
[workspace]
members = ["./a?", "b[0-9]", "c{1,2}", "d/../e", "../../escape", "[unclosed", "f\\g"]
"#;
        let found = roots(&[
            ("w/Cargo.toml", root),
            ("w/a1/Cargo.toml", PACKAGE),
            ("w/b7/Cargo.toml", PACKAGE),
            ("w/c1/Cargo.toml", PACKAGE),
            ("w/c{1,2}/Cargo.toml", PACKAGE),
            ("w/e/Cargo.toml", PACKAGE),
            ("w/f\\g/Cargo.toml", PACKAGE),
        ]);
        assert_eq!(
            found,
            [
                row("w/Cargo.toml", Some("w/Cargo.toml")),
                row("w/a1/Cargo.toml", Some("w/Cargo.toml")),
                row("w/b7/Cargo.toml", Some("w/Cargo.toml")),
                row("w/c1/Cargo.toml", None),
                row("w/c{1,2}/Cargo.toml", Some("w/Cargo.toml")),
                row("w/e/Cargo.toml", Some("w/Cargo.toml")),
                row("w/f\\g/Cargo.toml", Some("w/Cargo.toml")),
            ]
        );
    }

    #[test]
    fn a_root_directory_with_glob_characters_is_literal() {
        let root = "[workspace]\nmembers = [\"*\"]\n";
        let found = roots(&[
            ("[x]/Cargo.toml", root),
            ("[x]/a/Cargo.toml", PACKAGE),
            ("x/a/Cargo.toml", PACKAGE),
        ]);
        assert_eq!(
            found,
            [
                row("[x]/Cargo.toml", Some("[x]/Cargo.toml")),
                row("[x]/a/Cargo.toml", Some("[x]/Cargo.toml")),
                row("x/a/Cargo.toml", None),
            ]
        );
    }

    #[test]
    fn paths() {
        assert_eq!(normalize("a/./b/../c/"), Some("a/c".to_string()));
        assert_eq!(normalize("a/../.."), None);
        assert_eq!(normalize(""), Some(String::new()));
        assert!(is_within("a/b", "a"));
        assert!(is_within("a", "a"));
        assert!(is_within("a", ""));
        assert!(!is_within("ab", "a"));
        assert_eq!(ancestors("a/b").collect::<Vec<_>>(), ["a/b", "a", ""]);
        assert_eq!(braces_as_literals("x{a,b}[{}]"), "x[{]a,b[}][{}]");
    }
}
