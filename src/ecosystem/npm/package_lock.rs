//! `package-lock.json` and `npm-shrinkwrap.json`: the packages npm installed, one
//! [`LockedPackage`] per installed copy (a package installed at two paths is listed twice).
//!
//! Lockfile versions 2 and 3 list every install path in a flat `packages` object; version 1
//! (and any lock without `packages`) only has the nested `dependencies` tree, which is
//! flattened here to the same `node_modules/a/node_modules/b` paths so that later stages see
//! one shape. Version 2 carries both: `packages` is the one npm itself reads.

use super::package_json::{
    as_str, get, is_non_registry, prop_name, split_alias, unique_properties, JsonObject,
};
use crate::fasthash::{FastMap, FastSet};
use crate::manifest::ancestors;
use crate::manifest::json::{Hook, Object, Property as ObjectProp, Value};
use crate::manifest::{LockedPackage, Lockfile, ParseError, Span};

/// The sections of a `packages` entry whose names npm resolves for that package. Dev
/// dependencies only count for the project's own entries, which are not packages here.
const PACKAGE_DEPENDENCY_SECTIONS: [&str; 3] =
    ["dependencies", "optionalDependencies", "peerDependencies"];

const NODE_MODULES: &str = "node_modules/";

/// Reads a `package-lock.json` or `npm-shrinkwrap.json`.
///
/// # Errors
///
/// When the text is not strict JSON (with the position of the fault) or its top-level value is
/// not an object.
pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
    parse_wanted(text, None)
}

/// [`parse`], keeping of the `packages` object only the project's own folders and the
/// entries installed under a name in `wanted` (the last path segment after `node_modules/`:
/// what a declaration's key resolves to). The other entries are read past, not built: a
/// lockfile read only to resolve a few named manifests costs a fraction of a full read.
/// Version 1 locks, which have no `packages`, are read whole.
///
/// # Errors
///
/// As [`parse`]: the whole text is still checked.
pub fn parse_wanted<'a>(
    text: &'a str,
    wanted: Option<&dyn Fn(&str) -> bool>,
) -> Result<Lockfile, ParseError> {
    let keep = |path: &str| installed_name(path).is_none_or(|name| wanted.is_none_or(|w| w(name)));
    // Spans count from the start of the file, before a byte order mark.
    let offset = text.len() - text.trim_start_matches('\u{feff}').len();
    let mut entries = Entries::default();
    let mut take = |ordinal: usize, prop: ObjectProp<'a>| entries.add(ordinal, prop, offset);
    let mut hook = Hook::new(&["packages"], &keep, &mut take);
    let doc = JsonObject::parse_hooked(text, Some(&mut hook))?;
    let last_packages = hook.found().checked_sub(1);
    let root = &doc.object;
    let mut lock = Lockfile {
        format_version: match get(root, "lockfileVersion") {
            // Locks written before the field existed are version 1.
            None => Some(1),
            Some(value) => lockfile_version(value),
        },
        ..Lockfile::default()
    };
    // A repeated key keeps its last value, as `JSON.parse` does: the entries are those of
    // the last `packages` object, if the last `packages` is an object.
    if let Some(Value::Object(_)) = get(root, "packages") {
        entries.into_lock(last_packages, &mut lock);
    } else {
        lock.workspaces.push(String::new());
        if let Some(tree) = get(root, "dependencies").and_then(Value::as_object) {
            read_tree(&doc, tree, "", &mut lock.packages);
        }
    }
    link_dependencies(&mut lock.packages);
    Ok(lock)
}

/// Resolves each dependency name the way Node does: `<dir>/node_modules/<name>` from the
/// dependent's own install path upwards.
///
/// A large lock has hundreds of thousands of edges, and most resolve to a hoisted top-level
/// `node_modules/<name>`: those are looked up by name alone. Deeper candidates are only tried
/// in the few directories that hold a nested `node_modules` at all, found once per package
/// rather than once per edge.
fn link_dependencies(packages: &mut [LockedPackage]) {
    let mut top: FastMap<&str, usize> = FastMap::default();
    let mut nested: FastMap<&str, usize> = FastMap::default();
    // Directories (other than the root) with a `node_modules` of their own.
    let mut nesting_dirs: FastSet<&str> = FastSet::default();
    // Of entries at the same path, the last wins (as in a map built in file order).
    for (index, package) in packages.iter().enumerate() {
        let path = package.install_path.as_str();
        let Some(name) = installed_name(path) else {
            continue;
        };
        let dir = &path[..path.len() - name.len() - NODE_MODULES.len()];
        if dir.is_empty() {
            top.insert(name, index);
        } else {
            nested.insert(path, index);
            nesting_dirs.insert(dir.trim_end_matches('/'));
        }
    }
    // One buffer for every nested candidate path.
    let mut candidate = String::new();
    let mut dirs: Vec<&str> = Vec::new();
    let edges: Vec<Vec<usize>> = packages
        .iter()
        .map(|package| {
            // The package's directory and its ancestors that hold a nested `node_modules`,
            // nearest first (the root's is `top`).
            dirs.clear();
            if !nesting_dirs.is_empty() {
                dirs.extend(
                    ancestors(&package.install_path)
                        .filter(|dir| !dir.is_empty() && nesting_dirs.contains(dir)),
                );
            }
            package
                .dependencies
                .iter()
                .filter_map(|name| {
                    for dir in &dirs {
                        candidate.clear();
                        candidate.push_str(dir);
                        candidate.push('/');
                        candidate.push_str(NODE_MODULES);
                        candidate.push_str(name);
                        if let Some(&found) = nested.get(candidate.as_str()) {
                            return Some(found);
                        }
                    }
                    top.get(name.as_str()).copied()
                })
                .collect()
        })
        .collect();
    for (package, edges) in packages.iter_mut().zip(edges) {
        package.depends_on = edges;
    }
}

fn lockfile_version(value: &Value) -> Option<u32> {
    let number = value.as_number()?;
    // `JSON.parse` reads `3.0` as 3 too; exponents and other fractions are not versions.
    let whole = match number.split_once('.') {
        Some((whole, fraction)) if fraction.bytes().all(|b| b == b'0') => whole,
        Some(_) => return None,
        None => number,
    };
    whole.parse().ok()
}

/// Versions 2 and 3: the entries of `packages`, keyed by install path relative to the
/// lockfile, collected as the reader hands them over. A repeated key counts once, with its
/// last value, in the order of those last occurrences (as [`unique_properties`] keeps them).
#[derive(Default)]
struct Entries<'a> {
    /// The ordinal of the `packages` object these entries come from.
    ordinal: Option<usize>,
    /// In document order; an entry a later one of the same key replaced is None.
    slots: Vec<Option<Entry>>,
    by_key: FastMap<std::borrow::Cow<'a, str>, usize>,
}

/// What one `packages` entry is.
enum Entry {
    /// The root (`""`) and the project's own folders: workspaces, and the targets of `file:`
    /// links, which npm records the same way.
    Workspace(String),
    Package(LockedPackage),
    /// A link (it stands for its target, which has its own entry under its real path), or an
    /// entry without a usable name or version.
    Nothing,
}

impl<'a> Entries<'a> {
    fn add(&mut self, ordinal: usize, prop: ObjectProp<'a>, offset: usize) {
        if self.ordinal != Some(ordinal) {
            *self = Entries {
                ordinal: Some(ordinal),
                ..Entries::default()
            };
        }
        let entry = read_entry(&prop, offset);
        if let Some(replaced) = self.by_key.insert(prop.name, self.slots.len()) {
            self.slots[replaced] = None;
        }
        self.slots.push(Some(entry));
    }

    /// Fills `lock` with the entries of the `packages` object of ordinal `last` (the last one).
    fn into_lock(self, last: Option<usize>, lock: &mut Lockfile) {
        if self.ordinal != last {
            return;
        }
        for entry in self.slots.into_iter().flatten() {
            match entry {
                Entry::Workspace(path) => lock.workspaces.push(path),
                Entry::Package(package) => lock.packages.push(package),
                Entry::Nothing => {}
            }
        }
    }
}

fn read_entry(prop: &ObjectProp<'_>, offset: usize) -> Entry {
    let path = prop_name(prop);
    let Some(entry) = prop.value.as_object() else {
        return Entry::Nothing;
    };
    let Some(folder_name) = installed_name(path) else {
        return Entry::Workspace(path.to_owned());
    };
    if matches!(get(entry, "link"), Some(Value::Boolean(true))) {
        return Entry::Nothing;
    }
    let Some(version) = get(entry, "version").and_then(as_str) else {
        return Entry::Nothing;
    };
    // An alias is installed under the alias; only `name` records the real package.
    let name = get(entry, "name")
        .and_then(as_str)
        .filter(|name| !name.is_empty())
        .unwrap_or(folder_name);
    if name.is_empty() {
        return Entry::Nothing;
    }
    let range = &prop.name_range;
    Entry::Package(LockedPackage {
        name: name.to_owned(),
        version: version.to_owned(),
        span: Span::from_range(range.start + offset..range.end + offset),
        install_path: path.to_owned(),
        source: get(entry, "resolved").and_then(as_str).map(str::to_owned),
        local: false,
        dependencies: dependency_names(entry, &PACKAGE_DEPENDENCY_SECTIONS),
        depends_on: Vec::new(),
    })
}

/// The folder name a `packages` key installs to (after its last `node_modules/` segment,
/// scope included), or None when the key is not inside any `node_modules`.
fn installed_name(path: &str) -> Option<&str> {
    // The last segment that is exactly `node_modules` and has a segment after it, found by
    // one pass from the right over the bytes (every key of a lockfile passes through here,
    // several times over: no search call per segment).
    const DIR: &[u8] = b"node_modules";
    let bytes = path.as_bytes();
    let mut end = bytes.len();
    while let Some(slash) = bytes[..end].iter().rposition(|&b| b == b'/') {
        let start = slash.checked_sub(DIR.len());
        if let Some(start) = start {
            if &bytes[start..slash] == DIR && (start == 0 || bytes[start - 1] == b'/') {
                return path.get(slash + 1..);
            }
        }
        end = slash;
    }
    None
}

/// Version 1: the nested `dependencies` tree, where each level's packages are installed in
/// the `node_modules` of the package that holds them.
fn read_tree(
    doc: &JsonObject,
    tree: &Object,
    parent_path: &str,
    packages: &mut Vec<LockedPackage>,
) {
    // The parser refuses nesting deeper than a few hundred levels, which bounds this recursion.
    for prop in unique_properties(tree) {
        let folder_name = prop_name(prop);
        let Some(entry) = prop.value.as_object() else {
            continue;
        };
        let install_path = if parent_path.is_empty() {
            format!("{NODE_MODULES}{folder_name}")
        } else {
            format!("{parent_path}/{NODE_MODULES}{folder_name}")
        };
        let nested = get(entry, "dependencies").and_then(Value::as_object);
        // Most entries hold no nested tree: only those need a second copy of their path.
        let nested_parent = nested.map(|_| install_path.clone());
        if let Some(package) = tree_package(doc, prop, entry, folder_name, install_path) {
            packages.push(package);
        }
        if let (Some(nested), Some(nested_parent)) = (nested, nested_parent) {
            read_tree(doc, nested, &nested_parent, packages);
        }
    }
}

fn tree_package(
    doc: &JsonObject,
    prop: &ObjectProp,
    entry: &Object,
    folder_name: &str,
    install_path: String,
) -> Option<LockedPackage> {
    let written = get(entry, "version").and_then(as_str)?;
    let (name, version) = match split_alias(written) {
        Some((real, Some(version))) => (real, version),
        _ => (folder_name, written),
    };
    let resolved = get(entry, "resolved").and_then(as_str);
    // Version 1 writes no `resolved` for git and some file dependencies: the version field is
    // then the only record of where the package came from.
    let source = resolved.or_else(|| is_non_registry(version).then_some(version));
    Some(LockedPackage {
        name: name.to_owned(),
        version: version.to_owned(),
        span: doc.key_span(prop),
        install_path,
        source: source.map(str::to_owned),
        local: false,
        dependencies: dependency_names(entry, &["requires"]),
        depends_on: Vec::new(),
    })
}

/// The keys of the given sections of an entry, each name once, in file order.
fn dependency_names(entry: &Object, sections: &[&str]) -> Vec<String> {
    // Entries name a handful of dependencies: a set is only worth building for long lists.
    const SMALL: usize = 16;
    let mut seen = FastSet::default();
    let mut names: Vec<&str> = Vec::new();
    for section in sections {
        let Some(deps) = get(entry, section).and_then(Value::as_object) else {
            continue;
        };
        for dep in &deps.properties {
            let name = prop_name(dep);
            let new = if names.len() < SMALL {
                !names.contains(&name)
            } else {
                if seen.is_empty() {
                    seen.extend(names.iter().copied());
                }
                seen.insert(name)
            };
            if new {
                names.push(name);
            }
        }
    }
    names.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Span;

    fn span_text(text: &str, span: Span) -> &str {
        text.get(span.offset..span.offset + span.len)
            .unwrap_or("<span out of range>")
    }

    fn parse_ok(text: &str) -> Lockfile {
        match parse(text) {
            Ok(lock) => lock,
            Err(err) => panic!("parse failed: {err:?}"),
        }
    }

    /// `(install_path, name, version)` of every package, with the span checked against the
    /// quoted key it should point at.
    fn summary<'l>(text: &str, lock: &'l Lockfile) -> Vec<(&'l str, &'l str, &'l str)> {
        for p in &lock.packages {
            assert!(!p.local, "{p:?}");
            let key = span_text(text, p.span);
            assert!(key.starts_with('"') && key.ends_with('"'), "{key}");
            let unquoted = key.trim_matches('"');
            assert!(
                p.install_path == unquoted || p.install_path.ends_with(&format!("/{unquoted}")),
                "span {key} for {}",
                p.install_path
            );
        }
        lock.packages
            .iter()
            .map(|p| (p.install_path.as_str(), p.name.as_str(), p.version.as_str()))
            .collect()
    }

    const V2_WORKSPACES: &str = r#"{
  "name": "monorepo",
  "version": "1.0.0",
  "lockfileVersion": 2,
  "requires": true,
  "packages": {
    "": {
      "name": "monorepo",
      "workspaces": ["packages/*"],
      "dependencies": { "lodash": "^4.17.21" },
      "devDependencies": { "typescript": "^5" }
    },
    "node_modules/@babel/core": {
      "version": "7.20.0",
      "resolved": "https://registry.example/@babel/core/-/core-7.20.0.tgz",
      "integrity": "sha512-AAAA",
      "dev": true,
      "dependencies": { "debug": "^4.1.0", "semver": "^6.3.0" },
      "optionalDependencies": { "fsevents": "~2.3.2" },
      "peerDependencies": { "debug": "*", "react": ">=16" },
      "devDependencies": { "never-listed": "1" }
    },
    "node_modules/@babel/core/node_modules/semver": {
      "version": "6.3.1",
      "resolved": "https://registry.example/semver/-/semver-6.3.1.tgz"
    },
    "node_modules/a": {
      "resolved": "packages/a",
      "link": true
    },
    "node_modules/lodash": {
      "version": "4.17.21",
      "resolved": "https://registry.example/lodash/-/lodash-4.17.21.tgz"
    },
    "node_modules/no-version": {
      "resolved": "https://registry.example/no-version/-/no-version.tgz"
    },
    "node_modules/cjs-width": {
      "name": "string-width",
      "version": "4.2.3",
      "resolved": "https://registry.example/string-width/-/string-width-4.2.3.tgz"
    },
    "node_modules/from-git": {
      "version": "1.0.0",
      "resolved": "git+ssh://git@git.example/user/from-git.git#0123456789abcdef0123456789abcdef01234567"
    },
    "packages/a": {
      "name": "a",
      "version": "0.1.0",
      "dependencies": { "left-pad": "^1" }
    },
    "packages/a/node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": "https://registry.example/left-pad/-/left-pad-1.3.0.tgz"
    },
    "packages/a/node_modules/@types/node": {
      "version": "20.1.0"
    }
  },
  "dependencies": {
    "lodash": { "version": "4.17.21" },
    "legacy-only": { "version": "9.9.9" }
  }
}"#;

    #[test]
    fn v2_reads_packages_and_ignores_the_legacy_tree() {
        let lock = parse_ok(V2_WORKSPACES);
        assert_eq!(lock.format_version, Some(2));
        assert_eq!(lock.workspaces, ["", "packages/a"]);
        assert_eq!(
            summary(V2_WORKSPACES, &lock),
            [
                ("node_modules/@babel/core", "@babel/core", "7.20.0"),
                (
                    "node_modules/@babel/core/node_modules/semver",
                    "semver",
                    "6.3.1"
                ),
                ("node_modules/lodash", "lodash", "4.17.21"),
                ("node_modules/cjs-width", "string-width", "4.2.3"),
                ("node_modules/from-git", "from-git", "1.0.0"),
                ("packages/a/node_modules/left-pad", "left-pad", "1.3.0"),
                (
                    "packages/a/node_modules/@types/node",
                    "@types/node",
                    "20.1.0"
                ),
            ]
        );
    }

    #[test]
    fn v2_sources_and_dependencies() {
        let lock = parse_ok(V2_WORKSPACES);
        let babel = &lock.packages[0];
        assert_eq!(
            babel.source.as_deref(),
            Some("https://registry.example/@babel/core/-/core-7.20.0.tgz")
        );
        assert_eq!(babel.dependencies, ["debug", "semver", "fsevents", "react"]);
        assert_eq!(
            span_text(V2_WORKSPACES, babel.span),
            "\"node_modules/@babel/core\""
        );
        let git = &lock.packages[4];
        assert_eq!(
            git.source.as_deref(),
            Some("git+ssh://git@git.example/user/from-git.git#0123456789abcdef0123456789abcdef01234567")
        );
        let types = &lock.packages[6];
        assert_eq!(types.source, None);
        assert!(types.dependencies.is_empty());
    }

    #[test]
    fn v3_scoped_and_nested_packages() {
        let text = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": { "name": "app", "dependencies": { "@scope/pkg": "^1.0.0" } },
    "node_modules/@scope/pkg": {
      "version": "1.2.0",
      "resolved": "https://registry.example/@scope/pkg/-/pkg-1.2.0.tgz",
      "dependencies": { "ms": "^2.0.0" }
    },
    "node_modules/@scope/pkg/node_modules/ms": { "version": "2.0.0" },
    "node_modules/ms": { "version": "2.1.3" },
    "node_modules/ms/node_modules/@other/x/node_modules/y": { "version": "0.0.1" }
  }
}"#;
        let lock = parse_ok(text);
        assert_eq!(lock.format_version, Some(3));
        assert_eq!(lock.workspaces, [""]);
        assert_eq!(
            summary(text, &lock),
            [
                ("node_modules/@scope/pkg", "@scope/pkg", "1.2.0"),
                ("node_modules/@scope/pkg/node_modules/ms", "ms", "2.0.0"),
                ("node_modules/ms", "ms", "2.1.3"),
                (
                    "node_modules/ms/node_modules/@other/x/node_modules/y",
                    "y",
                    "0.0.1"
                ),
            ]
        );
        assert_eq!(lock.packages[0].dependencies, ["ms"]);
    }

    /// Node's lookup written plainly: every ancestor directory of the dependent, nearest
    /// first, `<dir>/node_modules/<name>` against every install path.
    fn edges_by_plain_lookup(packages: &[LockedPackage]) -> Vec<Vec<usize>> {
        let by_path: std::collections::HashMap<&str, usize> = packages
            .iter()
            .enumerate()
            .map(|(index, package)| (package.install_path.as_str(), index))
            .collect();
        packages
            .iter()
            .map(|package| {
                package
                    .dependencies
                    .iter()
                    .filter_map(|name| {
                        let mut dir = package.install_path.as_str();
                        loop {
                            let candidate = if dir.is_empty() {
                                format!("{NODE_MODULES}{name}")
                            } else {
                                format!("{dir}/{NODE_MODULES}{name}")
                            };
                            if let Some(&found) = by_path.get(candidate.as_str()) {
                                return Some(found);
                            }
                            if dir.is_empty() {
                                return None;
                            }
                            dir = dir.rfind('/').map_or("", |slash| &dir[..slash]);
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn dependencies_link_as_node_looks_them_up() {
        let nested = r#"{
  "lockfileVersion": 3,
  "packages": {
    "": { "workspaces": ["packages/a"] },
    "packages/a": { "dependencies": { "ms": "1" } },
    "packages/a/node_modules/ms": { "version": "1.0.0", "dependencies": { "debug": "*" } },
    "packages/a/node_modules/debug": { "version": "4.0.0", "dependencies": { "ms": "2" } },
    "node_modules/a": { "resolved": "packages/a", "link": true },
    "node_modules/debug": { "version": "4.3.0", "dependencies": { "ms": "2", "@s/p": "1" } },
    "node_modules/debug/node_modules/ms": { "version": "2.0.0" },
    "node_modules/ms": { "version": "2.1.3", "dependencies": { "missing": "1" } },
    "node_modules/@s/p": { "version": "1.0.0", "dependencies": { "ms": "2", "debug": "4" } },
    "node_modules/@s/p/node_modules/debug": { "version": "3.0.0", "dependencies": { "ms": "2", "@s/p": "1" } },
    "node_modules/ms": { "version": "2.1.4" }
  }
}"#;
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/corpus/open-telemetry__opentelemetry-js/package-lock.json");
        let corpus = std::fs::read_to_string(corpus).expect("corpus lockfile");
        for text in [nested, corpus.as_str()] {
            let lock = parse_ok(text);
            let linked: Vec<&Vec<usize>> = lock.packages.iter().map(|p| &p.depends_on).collect();
            let expected = edges_by_plain_lookup(&lock.packages);
            assert_eq!(linked, expected.iter().collect::<Vec<_>>());
            assert!(expected.iter().any(|edges| !edges.is_empty()));
        }
        let lock = parse_ok(nested);
        let at = |path: &str| {
            lock.packages
                .iter()
                .position(|p| p.install_path == path)
                .expect(path)
        };
        // The nearest copy wins, and a repeated key's last entry.
        assert_eq!(
            lock.packages[at("packages/a/node_modules/debug")].depends_on,
            [at("packages/a/node_modules/ms")]
        );
        assert_eq!(
            lock.packages[at("node_modules/debug")].depends_on,
            [
                at("node_modules/debug/node_modules/ms"),
                at("node_modules/@s/p")
            ]
        );
        assert_eq!(
            lock.packages[at("node_modules/@s/p/node_modules/debug")].depends_on,
            [at("node_modules/ms"), at("node_modules/@s/p")]
        );
        assert_eq!(lock.packages[at("node_modules/ms")].version, "2.1.4");
    }

    /// `JSON.parse` keeps a repeated key's last value: the last `packages` object, and in it
    /// each install path's last entry, in the order of those last occurrences. The fast reader
    /// (entries handed over as read) and the full parser (which a surrogate escape, valid JSON
    /// the fast reader leaves to it, brings in) agree.
    #[test]
    fn repeated_keys_keep_their_last_value_on_both_paths() {
        let lock = |extra: &str, tail: &str| {
            format!(
                r#"{{
  "lockfileVersion": 3,{extra}
  "packages": {{ "node_modules/gone": {{ "version": "1.0.0" }} }},
  "packages": {{
    "": {{ "name": "app" }},
    "node_modules/a": {{ "version": "1.0.0" }},
    "node_modules/b": {{ "version": "1.0.0" }},
    "node_modules/a": {{ "version": "2.0.0" }},
    "node_modules/c": {{ "version": "1.0.0" }},
    "node_modules/c": 7
  }}{tail}
}}"#
            )
        };
        let surrogates = r#" "description": "\ud83d\ude00""#;
        let fast = lock("", "");
        let full = lock(&format!("{surrogates},"), "");
        // The fast reader gives up after handing the entries over: they are read again.
        let after = lock("", &format!(",{surrogates}"));
        let expected = [
            ("node_modules/b", "b", "1.0.0"),
            ("node_modules/a", "a", "2.0.0"),
        ];
        for text in [&fast, &full, &after] {
            let parsed = parse_ok(text);
            assert_eq!(summary(text, &parsed), expected, "{text}");
            assert_eq!(parsed.workspaces, [""]);
        }
        // A last `packages` that is not an object leaves the lock to its v1 tree.
        let text = r#"{"packages": {"node_modules/a": {"version": "1.0.0"}}, "packages": 1,
            "dependencies": {"b": {"version": "2.0.0"}}}"#;
        assert_eq!(
            summary(text, &parse_ok(text)),
            [("node_modules/b", "b", "2.0.0")]
        );
    }

    #[test]
    fn file_link_targets_outside_node_modules_are_project_folders() {
        let text = r#"{
  "lockfileVersion": 3,
  "packages": {
    "": { "dependencies": { "local": "file:../local" } },
    "../local": { "version": "1.0.0", "dependencies": { "ms": "^2" } },
    "../local/node_modules/ms": { "version": "2.1.3" },
    "node_modules/local": { "resolved": "../local", "link": true },
    "node_modules/tarball": { "version": "1.0.0", "resolved": "file:vendor/tarball-1.0.0.tgz" }
  }
}"#;
        let lock = parse_ok(text);
        assert_eq!(lock.workspaces, ["", "../local"]);
        assert_eq!(
            summary(text, &lock),
            [
                ("../local/node_modules/ms", "ms", "2.1.3"),
                ("node_modules/tarball", "tarball", "1.0.0"),
            ]
        );
        assert_eq!(
            lock.packages[1].source.as_deref(),
            Some("file:vendor/tarball-1.0.0.tgz")
        );
    }

    #[test]
    fn node_modules_must_be_a_whole_segment() {
        assert_eq!(installed_name("node_modules/a"), Some("a"));
        assert_eq!(installed_name("node_modules/@s/a"), Some("@s/a"));
        assert_eq!(installed_name("x/node_modules/a/node_modules/b"), Some("b"));
        assert_eq!(installed_name("node_modules/node_modules/a"), Some("a"));
        assert_eq!(installed_name("my-node_modules/a"), None);
        assert_eq!(installed_name("packages/a"), None);
        assert_eq!(installed_name("x/node_modules/"), Some(""));
        assert_eq!(installed_name("node_modules"), None);
        assert_eq!(installed_name("/node_modules/a"), Some("a"));
        assert_eq!(installed_name("a/node_modules/@s/b/c"), Some("@s/b/c"));
        assert_eq!(installed_name(""), None);
        assert_eq!(installed_name("node_modules"), None);
        assert_eq!(installed_name("node_modules/"), Some(""));
        assert_eq!(installed_name("é/node_modules/ü"), Some("ü"));
    }

    #[test]
    fn entries_without_a_usable_name_or_version_are_skipped() {
        let text = r#"{
  "lockfileVersion": 3,
  "packages": {
    "node_modules/": { "version": "1.0.0" },
    "node_modules/numeric": { "version": 1 },
    "node_modules/not-object": "1.0.0",
    "node_modules/link-false": { "version": "1.0.0", "link": false },
    "node_modules/bad-fields": { "version": "2.0.0", "name": 5, "resolved": 7, "dependencies": ["x"] }
  }
}"#;
        let lock = parse_ok(text);
        assert!(lock.workspaces.is_empty());
        assert_eq!(
            summary(text, &lock),
            [
                ("node_modules/link-false", "link-false", "1.0.0"),
                ("node_modules/bad-fields", "bad-fields", "2.0.0"),
            ]
        );
        assert_eq!(lock.packages[1].source, None);
        assert!(lock.packages[1].dependencies.is_empty());
    }

    const V1_TREE: &str = r#"{
  "name": "legacy",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "@babel/code-frame": {
      "version": "7.0.0",
      "resolved": "https://registry.example/@babel/code-frame/-/code-frame-7.0.0.tgz",
      "requires": { "@babel/highlight": "^7.0.0" }
    },
    "babel-code-frame": {
      "version": "npm:@babel/code-frame@7.12.13",
      "resolved": "https://registry.example/@babel/code-frame/-/code-frame-7.12.13.tgz"
    },
    "string-width-cjs": {
      "version": "npm:string-width@4.2.0",
      "requires": { "emoji-regex": "^8.0.0", "strip-ansi": "^6.0.0" }
    },
    "from-git": {
      "version": "git+ssh://git@git.example/user/from-git.git#0123456789abcdef0123456789abcdef01234567",
      "from": "from-git@git+ssh://git@git.example/user/from-git.git"
    },
    "local": {
      "version": "file:../local",
      "dependencies": {
        "ms": { "version": "2.1.3", "bundled": true }
      }
    },
    "wrapper": {
      "version": "1.0.0",
      "dev": true,
      "optional": true,
      "requires": { "strip-ansi": "^6.0.0", "ms": "2.0.0" },
      "dependencies": {
        "ms": {
          "version": "2.0.0",
          "dependencies": {
            "@scope/deep": { "version": "3.0.0" }
          }
        }
      }
    },
    "strip-ansi": { "version": "6.0.1" }
  }
}"#;

    #[test]
    fn v1_nested_tree_is_flattened_to_install_paths() {
        let lock = parse_ok(V1_TREE);
        assert_eq!(lock.format_version, Some(1));
        assert_eq!(lock.workspaces, [""]);
        assert_eq!(
            summary(V1_TREE, &lock),
            [
                ("node_modules/@babel/code-frame", "@babel/code-frame", "7.0.0"),
                ("node_modules/babel-code-frame", "@babel/code-frame", "7.12.13"),
                ("node_modules/string-width-cjs", "string-width", "4.2.0"),
                (
                    "node_modules/from-git",
                    "from-git",
                    "git+ssh://git@git.example/user/from-git.git#0123456789abcdef0123456789abcdef01234567"
                ),
                ("node_modules/local", "local", "file:../local"),
                ("node_modules/local/node_modules/ms", "ms", "2.1.3"),
                ("node_modules/wrapper", "wrapper", "1.0.0"),
                ("node_modules/wrapper/node_modules/ms", "ms", "2.0.0"),
                (
                    "node_modules/wrapper/node_modules/ms/node_modules/@scope/deep",
                    "@scope/deep",
                    "3.0.0"
                ),
                ("node_modules/strip-ansi", "strip-ansi", "6.0.1"),
            ]
        );
    }

    #[test]
    fn v1_sources_and_requires() {
        let lock = parse_ok(V1_TREE);
        let by_path = |path: &str| lock.packages.iter().find(|p| p.install_path == path);
        let frame = by_path("node_modules/@babel/code-frame");
        assert_eq!(
            frame.map(|p| p.dependencies.clone()),
            Some(vec!["@babel/highlight".to_owned()])
        );
        let cjs = by_path("node_modules/string-width-cjs");
        assert_eq!(cjs.and_then(|p| p.source.clone()), None);
        assert_eq!(
            cjs.map(|p| p.dependencies.clone()),
            Some(vec!["emoji-regex".to_owned(), "strip-ansi".to_owned()])
        );
        let git = by_path("node_modules/from-git");
        assert_eq!(
            git.and_then(|p| p.source.as_deref()),
            Some("git+ssh://git@git.example/user/from-git.git#0123456789abcdef0123456789abcdef01234567")
        );
        let local = by_path("node_modules/local");
        assert_eq!(
            local.and_then(|p| p.source.as_deref()),
            Some("file:../local")
        );
        let wrapper = by_path("node_modules/wrapper");
        assert_eq!(
            wrapper.map(|p| p.dependencies.clone()),
            Some(vec!["strip-ansi".to_owned(), "ms".to_owned()])
        );
        let deep = by_path("node_modules/wrapper/node_modules/ms/node_modules/@scope/deep");
        assert_eq!(
            deep.map(|p| span_text(V1_TREE, p.span)),
            Some("\"@scope/deep\"")
        );
    }

    #[test]
    fn missing_lockfile_version_is_version_1() {
        let text = r#"{"dependencies": {"a": {"version": "1.0.0"}}}"#;
        let lock = parse_ok(text);
        assert_eq!(lock.format_version, Some(1));
        assert_eq!(summary(text, &lock), [("node_modules/a", "a", "1.0.0")]);
    }

    #[test]
    fn odd_lockfile_versions() {
        for (text, want) in [
            (r#"{"lockfileVersion": 3.0}"#, Some(3)),
            (r#"{"lockfileVersion": 2e0}"#, None),
            (r#"{"lockfileVersion": 4294967296}"#, None),
            (r#"{"lockfileVersion": "3"}"#, None),
            (r#"{"lockfileVersion": -1}"#, None),
            (r#"{"lockfileVersion": 1.5}"#, None),
            (r#"{"lockfileVersion": 1e300}"#, None),
        ] {
            assert_eq!(parse_ok(text).format_version, want, "{text}");
        }
    }

    #[test]
    fn v1_entry_without_version_still_holds_its_nested_packages() {
        let text = r#"{"lockfileVersion": 1, "dependencies": {
  "odd": { "dependencies": { "inner": { "version": "1.0.0" } } }
}}"#;
        let lock = parse_ok(text);
        assert_eq!(
            summary(text, &lock),
            [("node_modules/odd/node_modules/inner", "inner", "1.0.0")]
        );
    }

    #[test]
    fn lock_without_packages_or_dependencies_is_empty() {
        let lock = parse_ok(r#"{"lockfileVersion": 3, "requires": true}"#);
        assert_eq!(lock.format_version, Some(3));
        assert!(lock.packages.is_empty());
        assert_eq!(lock.workspaces, [""]);
        let lock = parse_ok(r#"{"lockfileVersion": 3, "packages": {}}"#);
        assert!(lock.packages.is_empty());
        assert!(lock.workspaces.is_empty());
    }

    #[test]
    fn repeated_keys_keep_the_last_entry() {
        let text = r#"{"lockfileVersion": 3, "packages": {
  "node_modules/a": { "version": "1.0.0" },
  "node_modules/a": { "version": "2.0.0" }
}}"#;
        let lock = parse_ok(text);
        assert_eq!(summary(text, &lock), [("node_modules/a", "a", "2.0.0")]);
        assert_eq!(
            lock.packages[0].span.offset,
            text.rfind("\"node_modules/a\"").unwrap_or(0)
        );
    }

    #[test]
    fn broken_and_non_object_locks_are_errors() {
        let text = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": { \"version\": \"1.0.0\", }\n  }\n}";
        let Err(err) = parse(text) else {
            panic!("should fail")
        };
        assert!(err.message.contains("line 4"), "{}", err.message);
        assert_eq!(err.span.map(|s| span_text(text, s)), Some(","));
        for text in ["null", "[]", "this is not json!", "", "3"] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let pieces = [
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"",
            "\\",
            "\"packages\"",
            "\"dependencies\"",
            "\"node_modules/",
            "\"version\"",
            "\"npm:@a@1\"",
            "\"link\"",
            "true",
            "1",
            "é",
            "🦀",
            "\u{feff}",
            " ",
            "\"\"",
        ];
        let mut seed: u32 = 11;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 16) {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let _ = parse(&text);
        }
    }
}
