//! `--cargo-metadata`: Cargo's own resolution of each workspace in place of techpolicy's
//! reading of Cargo.lock.
//!
//! For each Cargo workspace the scan found (every workspace root, and every Cargo.toml that no
//! workspace claims), `cargo metadata --offline --locked --all-features --format-version 1`
//! runs in the root's directory. Its resolve graph then replaces the Cargo records
//! `crate::resolve` made for the files it covers, in the same shape, so that nothing after it
//! changes:
//!
//! - every declaration of a member's Cargo.toml keeps its record (line, requirement, source,
//!   inheritance) and takes the version Cargo resolved for that member's dependency of that
//!   name; the root's `[workspace.dependencies]`, `[patch]` and `[replace]` entries, which no
//!   package depends on as such, take the graph's package of that name;
//! - every node of the graph keeps the record of its Cargo.lock entry (found by name, version
//!   and source), so that a transitive package is still reported at its lockfile line, with
//!   the chain that brings it in computed over Cargo's edges. Lock entries Cargo does not use
//!   are dropped.
//!
//! `--all-features`, because Cargo.lock is resolved with every feature of the members: without
//! it, optional dependencies the lockfile holds would be missing from the graph. No network:
//! `--offline` (and `CARGO_NET_OFFLINE`), so every package's manifest must already be in the
//! local Cargo cache (`cargo fetch --locked` puts them there); `--locked`, so Cargo reads the
//! lockfile as it is rather than writing one. A workspace Cargo cannot read (no cargo, no
//! lockfile, a package not cached) is a file error at its Cargo.toml, and keeps the default
//! reading.

use crate::ecosystem::cargo::workspace::{is_package_dependency, CargoWorkspaces};
use crate::manifest::{Dependency, FileError, Lockfile, ManifestKind, Parsed};
use crate::resolve::Chains;
use crate::scan::ParsedFile;
use ::cargo_metadata::{
    CargoOpt, DependencyKind, Metadata, MetadataCommand, Node, NodeDep, Package, PackageId,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// What Cargo resolved, as a replacement for part of `resolve::resolve`'s output.
#[derive(Debug, Default)]
pub struct CargoResolution {
    /// The records of the files in `replaced`, from Cargo's resolve graphs.
    pub dependencies: Vec<Dependency>,
    /// Files (relative paths) whose records from `resolve::resolve` these replace: the
    /// Cargo.toml files of the members of every workspace Cargo resolved, its root's, and its
    /// Cargo.lock.
    pub replaced: BTreeSet<String>,
    /// Workspaces Cargo could not resolve, reported at their root Cargo.toml.
    pub errors: Vec<FileError>,
}

impl CargoResolution {
    /// Puts Cargo's records in place of the default ones, in the order `resolve` gives.
    pub fn apply(self, dependencies: &mut Vec<Dependency>, errors: &mut Vec<FileError>) {
        dependencies.retain(|d| !self.replaced.contains(&*d.file));
        dependencies.extend(self.dependencies);
        dependencies.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        errors.extend(self.errors);
        errors.sort_by(|a, b| a.file.cmp(&b.file));
    }
}

/// Runs `cargo metadata` for every workspace among `files` (paths relative to `base`) and
/// returns Cargo's resolution of them. `default` is `resolve::resolve(files)`: Cargo's record
/// of a declaration is the default one with the version Cargo resolved.
pub fn resolve(base: &Path, files: &[ParsedFile], default: &[Dependency]) -> CargoResolution {
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    resolve_with(&base, files, default, run_cargo)
}

/// `resolve`, with the way of obtaining a workspace's metadata (from its root Cargo.toml's
/// absolute path) left to the caller, so that tests need no cargo.
fn resolve_with(
    base: &Path,
    files: &[ParsedFile],
    default: &[Dependency],
    mut metadata_for: impl FnMut(&Path) -> Result<Metadata, String>,
) -> CargoResolution {
    let workspaces = CargoWorkspaces::new(files);
    // Each workspace once, by its root or the Cargo.toml that stands alone, in path order.
    let mut roots: Vec<usize> = files
        .iter()
        .enumerate()
        .filter(|(_, file)| {
            file.source.kind == ManifestKind::CargoToml
                && matches!(file.parsed, Parsed::Manifest(_))
        })
        .map(|(index, _)| workspaces.root_of(index).unwrap_or(index))
        .collect();
    roots.sort_unstable();
    roots.dedup();

    let mut out = CargoResolution::default();
    let mut resolved_roots = HashSet::new();
    for root in roots {
        let path = &files[root].source.path;
        // Cargo may count as a member what techpolicy's reading left standalone (it reads
        // every path dependency, even of files the scan did not read).
        if out.replaced.contains(path) {
            continue;
        }
        match metadata_for(&base.join(path)) {
            Ok(metadata) => {
                if resolved_roots.insert(metadata.workspace_root.clone()) {
                    Workspace::new(&metadata, base, files).replace(default, &mut out);
                }
            }
            Err(message) => out.errors.push(FileError {
                file: path.clone(),
                line: None,
                column: None,
                span: None,
                message,
            }),
        }
    }
    out
}

/// `cargo metadata` for the workspace of `manifest`, offline, reading its Cargo.lock as is.
fn run_cargo(manifest: &Path) -> Result<Metadata, String> {
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let mut command = MetadataCommand::new();
    command
        .manifest_path(manifest)
        // Cargo reads its configuration from the working directory up, as it would when the
        // project is built there (a source replacement for vendored crates, for instance).
        .current_dir(dir)
        .features(CargoOpt::AllFeatures)
        .other_options(vec!["--offline".to_string(), "--locked".to_string()])
        .env("CARGO_NET_OFFLINE", "true")
        // Its messages end up in reports, which take no terminal escapes.
        .env("CARGO_TERM_COLOR", "never")
        // rustup would otherwise download a toolchain that a rust-toolchain file names.
        .env("RUSTUP_AUTO_INSTALL", "0")
        // `cargo metadata` asks the compiler about the host; a compiler or wrapper that the
        // scanned repository's Cargo configuration names is its code, which is not run.
        .env("RUSTC_WRAPPER", "")
        .env("RUSTC_WORKSPACE_WRAPPER", "")
        .env(
            "RUSTC",
            std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()),
        );
    command.exec().map_err(|error| describe(&error))
}

/// Why Cargo could not resolve a workspace, in a sentence that says what happens instead.
fn describe(error: &::cargo_metadata::Error) -> String {
    let fallback = "so this workspace is read as without it";
    match error {
        ::cargo_metadata::Error::CargoMetadata { stderr } => format!(
            "--cargo-metadata: `cargo metadata --offline --locked` failed, {fallback}: {}",
            stderr.trim()
        ),
        ::cargo_metadata::Error::Io(io) => {
            format!("--cargo-metadata: cannot run cargo ({io}), {fallback}")
        }
        other => format!("--cargo-metadata: {other}, {fallback}"),
    }
}

/// One workspace's metadata, indexed, and where its files are in the scan.
struct Workspace<'a> {
    files: &'a [ParsedFile],
    packages: HashMap<&'a PackageId, &'a Package>,
    nodes: HashMap<&'a PackageId, &'a Node>,
    /// Scanned Cargo.toml files Cargo read for this workspace, with the member package each
    /// describes (None for a virtual root).
    manifests: Vec<(usize, Option<&'a PackageId>)>,
    /// The workspace's Cargo.lock, when the scan read it.
    lock: Option<(usize, &'a Lockfile)>,
}

impl<'a> Workspace<'a> {
    fn new(metadata: &'a Metadata, base: &Path, files: &'a [ParsedFile]) -> Workspace<'a> {
        let by_path: HashMap<&str, usize> = files
            .iter()
            .enumerate()
            .map(|(index, file)| (file.source.path.as_str(), index))
            .collect();
        let scanned = |absolute: &Path, kind: ManifestKind| {
            let relative = relative_path(base, absolute)?;
            let index = *by_path.get(relative.as_str())?;
            (files[index].source.kind == kind).then_some(index)
        };
        let packages: HashMap<&PackageId, &Package> =
            metadata.packages.iter().map(|p| (&p.id, p)).collect();
        let nodes = metadata
            .resolve
            .iter()
            .flat_map(|resolve| &resolve.nodes)
            .map(|node| (&node.id, node))
            .collect();
        let mut manifests: Vec<(usize, Option<&PackageId>)> = metadata
            .workspace_members
            .iter()
            .filter_map(|id| {
                let package = packages.get(id)?;
                let index = scanned(package.manifest_path.as_std_path(), ManifestKind::CargoToml)?;
                Some((index, Some(id)))
            })
            .collect();
        let root_manifest = metadata.workspace_root.as_std_path().join("Cargo.toml");
        if let Some(index) = scanned(&root_manifest, ManifestKind::CargoToml) {
            if !manifests.iter().any(|(i, _)| *i == index) {
                manifests.push((index, None));
            }
        }
        let lock_path = metadata.workspace_root.as_std_path().join("Cargo.lock");
        let lock = scanned(&lock_path, ManifestKind::CargoLock).and_then(|index| {
            match &files[index].parsed {
                Parsed::Lockfile(lockfile) => Some((index, lockfile)),
                Parsed::Manifest(_) => None,
            }
        });
        Workspace {
            files,
            packages,
            nodes,
            manifests,
            lock,
        }
    }

    /// Adds this workspace's records to `out`, in place of those of its files in `default`.
    fn replace(&self, default: &[Dependency], out: &mut CargoResolution) {
        let locked = self.lock.map(|(_, lockfile)| LockLookup::new(lockfile));
        let lock_path = self.lock.map(|(index, _)| &self.files[index].source.path);
        // Lock entries that declarations resolve to: direct, where the default reading says so.
        let mut used = crate::fasthash::FastSet::default();
        for &(file_index, member) in &self.manifests {
            let file = &self.files[file_index];
            let Parsed::Manifest(manifest) = &file.parsed else {
                continue;
            };
            out.replaced.insert(file.source.path.clone());
            let records = default
                .iter()
                .filter(|d| *d.file == *file.source.path && !d.is_locked_entry());
            for record in records {
                // The key the dependency is declared under, as Cargo names it in the graph.
                let Some(declared) = manifest.declared.iter().find(|d| d.span == record.span)
                else {
                    continue;
                };
                let key = declared.alias.as_deref().unwrap_or(&declared.name);
                let package = match member.and_then(|id| self.nodes.get(id)) {
                    Some(node) if is_package_dependency(record.section.as_str()) => {
                        self.dependency_of(node, record, key)
                    }
                    _ => self.by_name(&record.name, record.requirement.as_deref()),
                };
                let lock_entry = package
                    .zip(locked.as_ref())
                    .and_then(|(package, lookup)| lookup.find(package));
                used.extend(lock_entry);
                out.dependencies.push(Dependency {
                    version: package.map(|p| p.version.to_string()),
                    lockfile: package
                        .and(lock_path.map(|path| std::sync::Arc::from(path.as_str()))),
                    ..record.clone()
                });
            }
        }
        if let (Some((lock_index, lockfile)), Some(lookup)) = (self.lock, locked) {
            out.replaced
                .insert(self.files[lock_index].source.path.clone());
            self.lock_records(lock_index, lockfile, &lookup, &used, out);
        }
    }

    /// The package `node`'s dependency `record` (declared under `key`) resolved to.
    fn dependency_of(&self, node: &Node, record: &Dependency, key: &str) -> Option<&'a Package> {
        let candidates: Vec<(&NodeDep, &Package)> = node
            .deps
            .iter()
            .filter_map(|dep| Some((dep, *self.packages.get(&dep.pkg)?)))
            .filter(|(_, package)| package.name.as_str() == record.name)
            .collect();
        if let [(_, only)] = candidates.as_slice() {
            return Some(only);
        }
        // One crate in several versions, under different keys (`serde1 = { package = "serde" }`)
        // or kinds: the graph names each by its key as a crate name, `-` read as `_`.
        let crate_name = key.replace('-', "_");
        let kind = section_kind(record.section.as_str());
        let requirement = parse_requirement(record.requirement.as_deref());
        candidates
            .into_iter()
            .max_by_key(|(dep, package)| {
                (
                    dep.name == crate_name,
                    dep.dep_kinds.iter().any(|k| k.kind == kind),
                    requirement
                        .as_ref()
                        .is_some_and(|r| r.matches(&package.version)),
                )
            })
            .map(|(_, package)| package)
    }

    /// The graph's package called `name`: the only one, or the highest version meeting the
    /// requirement (as the default reading picks among lock entries).
    fn by_name(&self, name: &str, requirement: Option<&str>) -> Option<&'a Package> {
        let requirement = parse_requirement(requirement);
        let mut candidates: Vec<&Package> = self
            .nodes
            .keys()
            .filter_map(|id| self.packages.get(id).copied())
            .filter(|package| package.name.as_str() == name)
            .collect();
        if candidates.len() == 1 {
            return candidates.pop();
        }
        candidates
            .into_iter()
            .filter(|p| requirement.as_ref().is_none_or(|r| r.matches(&p.version)))
            .max_by(|a, b| a.version.cmp(&b.version))
    }

    /// One record per lock entry that is a node of Cargo's graph, as `resolve` makes them,
    /// with "introduced by" chains over Cargo's edges.
    fn lock_records(
        &self,
        lock_index: usize,
        lockfile: &Lockfile,
        lookup: &LockLookup<'_>,
        used: &crate::fasthash::FastSet<usize>,
        out: &mut CargoResolution,
    ) {
        let file = &self.files[lock_index];
        let mut graph = lockfile.clone();
        let mut in_graph = vec![false; graph.packages.len()];
        for entry in &mut graph.packages {
            entry.depends_on.clear();
        }
        // Sorted by id so that the result does not depend on hash order.
        let mut nodes: Vec<&&Node> = self.nodes.values().collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        for node in nodes {
            let Some(from) = self.packages.get(&node.id).and_then(|p| lookup.find(p)) else {
                continue;
            };
            in_graph[from] = true;
            let mut edges: Vec<usize> = node
                .dependencies
                .iter()
                .filter_map(|id| lookup.find(self.packages.get(id)?))
                .collect();
            // In entry order, as the lockfile lists an entry's dependencies.
            edges.sort_unstable();
            edges.dedup();
            graph.packages[from].depends_on = edges;
        }
        let chains = Chains::new(&graph, used);
        let path: std::sync::Arc<str> = std::sync::Arc::from(file.source.path.as_str());
        for (index, package) in lockfile.packages.iter().enumerate() {
            if !in_graph[index] {
                continue;
            }
            let direct = package.local || used.contains(&index);
            let via = if direct { Vec::new() } else { chains.to(index) };
            out.dependencies
                .push(Dependency::locked(file, &path, package, direct, via));
        }
    }
}

/// A Cargo.lock's entries by name and version, to find each graph node's entry.
struct LockLookup<'a> {
    lockfile: &'a Lockfile,
    by_name_version: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> LockLookup<'a> {
    fn new(lockfile: &'a Lockfile) -> LockLookup<'a> {
        let mut by_name_version: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (index, package) in lockfile.packages.iter().enumerate() {
            by_name_version
                .entry((package.name.as_str(), package.version.as_str()))
                .or_default()
                .push(index);
        }
        LockLookup {
            lockfile,
            by_name_version,
        }
    }

    /// The entry of `package`; its source decides between entries of one name and version
    /// (a crate both from the registry and from git).
    fn find(&self, package: &Package) -> Option<usize> {
        let version = package.version.to_string();
        let candidates = self
            .by_name_version
            .get(&(package.name.as_str(), version.as_str()))?;
        let source = package.source.as_ref().map(|s| s.repr.as_str());
        candidates
            .iter()
            .copied()
            .find(|&i| self.lockfile.packages[i].source.as_deref() == source)
            .or_else(|| candidates.first().copied())
    }
}

/// The kind of dependency a Cargo.toml section declares, as the graph records it.
fn section_kind(section: &str) -> DependencyKind {
    let table = section.rsplit('.').next().unwrap_or(section);
    match table {
        "dev-dependencies" => DependencyKind::Development,
        "build-dependencies" => DependencyKind::Build,
        _ => DependencyKind::Normal,
    }
}

fn parse_requirement(requirement: Option<&str>) -> Option<semver::VersionReq> {
    requirement.and_then(|r| semver::VersionReq::parse(r).ok())
}

/// `path` relative to `base`, with `/` separators, when it lies under it.
fn relative_path(base: &Path, path: &Path) -> Option<String> {
    let relative = match path.strip_prefix(base) {
        Ok(relative) => relative.to_path_buf(),
        // Cargo reports paths as it was given them; a symbolic link in `base` may differ.
        Err(_) => std::fs::canonicalize(path)
            .ok()?
            .strip_prefix(base)
            .ok()?
            .to_path_buf(),
    };
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::parse_entries;
    use serde_json::{json, Value};

    const REGISTRY: &str = "registry+https://index.example.test/";

    fn files(entries: &[(&str, &str)]) -> Vec<ParsedFile> {
        let entries = entries
            .iter()
            .map(|(path, text)| {
                let name = path.rsplit('/').next().unwrap_or(path);
                let kind = ManifestKind::detect(name).unwrap_or(ManifestKind::CargoToml);
                (path.to_string(), kind, Ok(text.as_bytes().to_vec()))
            })
            .collect();
        let walked = parse_entries(entries);
        assert!(walked.errors.is_empty(), "{:?}", walked.errors);
        walked.files
    }

    fn id(name: &str, version: &str, source: Option<&str>) -> String {
        format!("{}#{name}@{version}", source.unwrap_or("path+file:///repo"))
    }

    /// A package of `cargo metadata` output, with the fields it always has.
    fn package(name: &str, version: &str, source: Option<&str>, manifest: &str) -> Value {
        json!({
            "name": name, "version": version, "id": id(name, version, source), "source": source,
            "dependencies": [], "targets": [], "features": {}, "manifest_path": manifest,
        })
    }

    /// A resolve node: (dependency name in the graph, package id, kind).
    fn node(id: &str, deps: &[(&str, &str, Option<&str>)]) -> Value {
        json!({
            "id": id,
            "dependencies": deps.iter().map(|(_, pkg, _)| pkg).collect::<Vec<_>>(),
            "deps": deps.iter().map(|(name, pkg, kind)| json!({
                "name": name, "pkg": pkg, "dep_kinds": [{ "kind": kind, "target": null }],
            })).collect::<Vec<_>>(),
            "features": [],
        })
    }

    fn metadata(packages: Vec<Value>, members: &[&str], nodes: Vec<Value>) -> Metadata {
        let document = json!({
            "packages": packages, "workspace_members": members,
            "resolve": { "nodes": nodes, "root": null },
            "workspace_root": "/repo", "target_directory": "/repo/target", "version": 1,
        });
        match MetadataCommand::parse(document.to_string()) {
            Ok(metadata) => metadata,
            Err(error) => panic!("test metadata does not parse: {error}"),
        }
    }

    const ROOT: &str = r#"[workspace]
members = ["crates/*"]

[workspace.dependencies]
serde = "1"

[patch.crates-io]
regex = { git = "https://example.test/regex" }
"#;

    const APP: &str = r#"[package]
name = "app"
version = "0.1.0"

[dependencies]
serde.workspace = true
json = { package = "serde_json", version = "1" }
old-json = { package = "serde_json", version = "0.9" }
regex = "1"
"#;

    const LOCK: &str = r#"version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["regex", "serde", "serde_json 0.9.0", "serde_json 1.0.2"]

[[package]]
name = "itoa"
version = "1.0.0"
source = "registry+https://index.example.test/"

[[package]]
name = "regex"
version = "1.5.0"
source = "git+https://example.test/regex#abc"

[[package]]
name = "serde"
version = "1.0.1"
source = "registry+https://index.example.test/"

[[package]]
name = "serde_json"
version = "0.9.0"
source = "registry+https://index.example.test/"

[[package]]
name = "serde_json"
version = "1.0.2"
source = "registry+https://index.example.test/"
dependencies = ["itoa"]

[[package]]
name = "stale"
version = "1.0.0"
source = "registry+https://index.example.test/"
"#;

    fn workspace_metadata() -> Metadata {
        let app = id("app", "0.1.0", None);
        let git = "git+https://example.test/regex#abc";
        let (serde, json_1, json_09, regex, itoa) = (
            id("serde", "1.0.1", Some(REGISTRY)),
            id("serde_json", "1.0.2", Some(REGISTRY)),
            id("serde_json", "0.9.0", Some(REGISTRY)),
            id("regex", "1.5.0", Some(git)),
            id("itoa", "1.0.0", Some(REGISTRY)),
        );
        metadata(
            vec![
                package("app", "0.1.0", None, "/repo/crates/app/Cargo.toml"),
                package("serde", "1.0.1", Some(REGISTRY), "/cache/serde/Cargo.toml"),
                package(
                    "serde_json",
                    "1.0.2",
                    Some(REGISTRY),
                    "/cache/j1/Cargo.toml",
                ),
                package(
                    "serde_json",
                    "0.9.0",
                    Some(REGISTRY),
                    "/cache/j09/Cargo.toml",
                ),
                package("regex", "1.5.0", Some(git), "/git/regex/Cargo.toml"),
                package("itoa", "1.0.0", Some(REGISTRY), "/cache/itoa/Cargo.toml"),
            ],
            &[&app],
            vec![
                node(
                    &app,
                    &[
                        ("json", &json_1, None),
                        ("old_json", &json_09, None),
                        ("regex", &regex, None),
                        ("serde", &serde, None),
                    ],
                ),
                node(&json_1, &[("itoa", &itoa, None)]),
                node(&json_09, &[]),
                node(&regex, &[]),
                node(&serde, &[]),
                node(&itoa, &[]),
            ],
        )
    }

    /// (file, line, name, version, direct, via) of every record, for comparisons.
    type Row = (String, usize, String, Option<String>, bool, Vec<String>);

    fn rows(dependencies: &[Dependency]) -> Vec<Row> {
        dependencies
            .iter()
            .map(|d| {
                (
                    d.file.to_string(),
                    d.line,
                    d.name.clone(),
                    d.version.clone(),
                    d.direct,
                    d.via.clone(),
                )
            })
            .collect()
    }

    fn row(file: &str, line: usize, name: &str, version: Option<&str>, direct: bool) -> Row {
        (
            file.to_string(),
            line,
            name.to_string(),
            version.map(str::to_string),
            direct,
            Vec::new(),
        )
    }

    #[test]
    fn the_graph_replaces_the_lockfile_reading() {
        let files = files(&[
            ("Cargo.lock", LOCK),
            ("Cargo.toml", ROOT),
            ("crates/app/Cargo.toml", APP),
        ]);
        let default = crate::resolve::resolve(&files);
        let mut asked = Vec::new();
        let resolution = resolve_with(Path::new("/repo"), &files, &default, |manifest| {
            asked.push(manifest.to_path_buf());
            Ok(workspace_metadata())
        });
        assert_eq!(asked, [Path::new("/repo/Cargo.toml")]);
        assert!(resolution.errors.is_empty());
        assert_eq!(
            resolution.replaced.iter().collect::<Vec<_>>(),
            ["Cargo.lock", "Cargo.toml", "crates/app/Cargo.toml"]
        );

        let mut dependencies = default.clone();
        let mut errors = Vec::new();
        resolution.apply(&mut dependencies, &mut errors);
        assert!(errors.is_empty());
        let mut itoa = row("Cargo.lock", 9, "itoa", Some("1.0.0"), false);
        itoa.5 = vec!["serde_json".to_string()];
        assert_eq!(
            rows(&dependencies),
            [
                // Lock entries Cargo uses, `stale` left out.
                row("Cargo.lock", 4, "app", Some("0.1.0"), true),
                itoa,
                row("Cargo.lock", 14, "regex", Some("1.5.0"), true),
                row("Cargo.lock", 19, "serde", Some("1.0.1"), true),
                row("Cargo.lock", 24, "serde_json", Some("0.9.0"), true),
                row("Cargo.lock", 29, "serde_json", Some("1.0.2"), true),
                // The root's tables: the graph's package of that name.
                row("Cargo.toml", 5, "serde", Some("1.0.1"), true),
                row("Cargo.toml", 8, "regex", Some("1.5.0"), true),
                // Two versions of one crate, each under its own key.
                row("crates/app/Cargo.toml", 6, "serde", Some("1.0.1"), true),
                row(
                    "crates/app/Cargo.toml",
                    7,
                    "serde_json",
                    Some("1.0.2"),
                    true
                ),
                row(
                    "crates/app/Cargo.toml",
                    8,
                    "serde_json",
                    Some("0.9.0"),
                    true
                ),
                row("crates/app/Cargo.toml", 9, "regex", Some("1.5.0"), true),
            ]
        );
        // Everything else is as the default reading has it.
        let inherited = dependencies
            .iter()
            .find(|d| &*d.file == "crates/app/Cargo.toml" && d.name == "serde");
        assert_eq!(
            inherited.map(|d| (d.requirement.as_deref(), d.lockfile.as_deref())),
            Some((Some("1"), Some("Cargo.lock")))
        );
        let patch = dependencies
            .iter()
            .find(|d| d.section.as_str() == "patch.crates-io");
        assert_eq!(
            patch.and_then(|d| d.source.as_deref()),
            Some("git+https://example.test/regex")
        );
        let stale = default.iter().find(|d| d.name == "stale");
        assert!(stale.is_some(), "the default reading lists every entry");
    }

    #[test]
    fn a_workspace_cargo_cannot_resolve_keeps_the_default_reading() {
        let files = files(&[
            ("Cargo.lock", LOCK),
            ("Cargo.toml", ROOT),
            ("crates/app/Cargo.toml", APP),
        ]);
        let default = crate::resolve::resolve(&files);
        let resolution = resolve_with(Path::new("/repo"), &files, &default, |_| {
            Err("--cargo-metadata: cannot run cargo".to_string())
        });
        assert!(resolution.replaced.is_empty());
        let mut dependencies = default.clone();
        let mut errors = Vec::new();
        resolution.apply(&mut dependencies, &mut errors);
        assert_eq!(dependencies, default);
        assert_eq!(
            errors,
            [FileError {
                file: "Cargo.toml".to_string(),
                line: None,
                column: None,
                span: None,
                message: "--cargo-metadata: cannot run cargo".to_string(),
            }]
        );
    }

    #[test]
    fn each_workspace_is_resolved_once() {
        // `tools/Cargo.toml` stands alone by techpolicy's reading but Cargo counts it as a
        // member: it is not run again. `other/` is a workspace of its own.
        let files = files(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
            ("crates/app/Cargo.toml", "[package]\nname = \"app\"\n"),
            ("other/Cargo.toml", "[package]\nname = \"other\"\n"),
            ("tools/Cargo.toml", "[package]\nname = \"tools\"\n"),
        ]);
        let default = crate::resolve::resolve(&files);
        let app = id("app", "0.1.0", None);
        let tools = id("tools", "0.1.0", None);
        let mut asked = Vec::new();
        let resolution = resolve_with(Path::new("/repo"), &files, &default, |manifest| {
            asked.push(manifest.to_path_buf());
            if manifest.starts_with("/repo/other") {
                return Err("no".to_string());
            }
            Ok(metadata(
                vec![
                    package("app", "0.1.0", None, "/repo/crates/app/Cargo.toml"),
                    package("tools", "0.1.0", None, "/repo/tools/Cargo.toml"),
                ],
                &[&app, &tools],
                vec![node(&app, &[]), node(&tools, &[])],
            ))
        });
        assert_eq!(
            asked,
            [
                Path::new("/repo/Cargo.toml"),
                Path::new("/repo/other/Cargo.toml")
            ]
        );
        assert_eq!(
            resolution.replaced.iter().collect::<Vec<_>>(),
            ["Cargo.toml", "crates/app/Cargo.toml", "tools/Cargo.toml"]
        );
        assert_eq!(
            resolution
                .errors
                .iter()
                .map(|e| e.file.as_str())
                .collect::<Vec<_>>(),
            ["other/Cargo.toml"]
        );
    }

    #[test]
    fn kinds_break_ties_between_versions() {
        let text = "[package]\nname = \"app\"\n[dependencies]\ncc = \"1\"\n[build-dependencies]\ncc2 = { package = \"cc\", version = \"2\" }\n";
        let files = files(&[("Cargo.toml", text)]);
        let default = crate::resolve::resolve(&files);
        let app = id("app", "0.1.0", None);
        let (cc1, cc2) = (
            id("cc", "1.0.0", Some(REGISTRY)),
            id("cc", "2.0.0", Some(REGISTRY)),
        );
        let resolution = resolve_with(Path::new("/repo"), &files, &default, |_| {
            Ok(metadata(
                vec![
                    package("app", "0.1.0", None, "/repo/Cargo.toml"),
                    package("cc", "1.0.0", Some(REGISTRY), "/cache/cc1/Cargo.toml"),
                    package("cc", "2.0.0", Some(REGISTRY), "/cache/cc2/Cargo.toml"),
                ],
                &[&app],
                vec![
                    // Graph names that say nothing (a library target named otherwise).
                    node(&app, &[("x", &cc1, None), ("y", &cc2, Some("build"))]),
                    node(&cc1, &[]),
                    node(&cc2, &[]),
                ],
            ))
        });
        let versions: Vec<Option<&str>> = resolution
            .dependencies
            .iter()
            .map(|d| d.version.as_deref())
            .collect();
        assert_eq!(versions, [Some("1.0.0"), Some("2.0.0")]);
        // No lockfile was scanned: versions, but no lockfile records.
        assert!(resolution.dependencies.iter().all(|d| d.lockfile.is_none()));
    }

    #[test]
    fn helpers() {
        assert_eq!(section_kind("dependencies"), DependencyKind::Normal);
        assert_eq!(
            section_kind("target.'cfg(unix)'.dev-dependencies"),
            DependencyKind::Development
        );
        assert_eq!(section_kind("build-dependencies"), DependencyKind::Build);
        assert_eq!(section_kind("patch.crates-io"), DependencyKind::Normal);
        assert_eq!(
            relative_path(Path::new("/repo"), Path::new("/repo/a/Cargo.toml")),
            Some("a/Cargo.toml".to_string())
        );
        assert_eq!(
            relative_path(Path::new("/repo"), Path::new("/nowhere/a/Cargo.toml")),
            None
        );
    }
}
