//! `pnpm-lock.yaml`: the packages pnpm resolved for a project or workspace, how they depend
//! on each other, and which of them each workspace project (pnpm's "importers") asks for.
//!
//! Lockfile versions 5.x, 6.x and 9.x are read. They spell a package key differently: v5
//! `/name/1.0.0_peer@2.0.0`, v6 `/name@1.0.0(peer@2.0.0)`, v9 `name@1.0.0` (the peer variants
//! move to `snapshots`, which also carry the edges), and in every version packages that do not
//! come from the registry have keys of their own (tarball URLs, git hosts, `file:` paths)
//! with `name` and `version` written in the entry. The spellings do not overlap, so a key is
//! read by its shape rather than by the declared version; that also copes with a lockfile
//! whose version is missing or newer than this reader.
//!
//! pnpm keeps one entry per set of resolved peers. A policy speaks about a name and a version,
//! so those entries are merged into one [`LockedPackage`].
//!
//! pnpm 11 can write two YAML documents into the file: first an "env" lockfile for its config
//! dependencies and the package manager itself, then the project's lockfile. The project's is
//! the last document, and only that one is read.

use crate::manifest::blocks::{key_parts, Keep, Kept, Line};
use crate::manifest::yaml::{
    self, entries, is_null, key_is, lookup, scalar_text, untagged, Positions,
};
use crate::manifest::{Importer, LockedPackage, Lockfile, ParseError, Span};
use saphyr::MarkedYaml;
use std::collections::{HashMap, HashSet};

/// The sections of a package entry (v5, v6) or snapshot (v9) naming the packages it is linked
/// to. pnpm lists resolved peers there too; `peerDependencies` holds ranges, not resolutions.
const EDGE_SECTIONS: [&str; 2] = ["dependencies", "optionalDependencies"];

/// The sections of an importer (or, without `importers`, of the top level) naming the
/// project's direct dependencies.
const IMPORTER_SECTIONS: [&str; 3] = ["dependencies", "devDependencies", "optionalDependencies"];

/// A `packages` key left out because no package name and version could be read from it or
/// from its entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedKey {
    pub key: String,
    pub span: Span,
}

/// Reads a `pnpm-lock.yaml`.
///
/// Keys that do not name a package are left out and the rest is still returned; use
/// [`parse_with_skipped`] to learn which ones.
///
/// # Errors
///
/// When the text is not YAML (with the position of the fault), when its top level is not a
/// mapping, or when `packages`, `snapshots` or `importers` is not a mapping.
pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
    parse_with_skipped(text).map(|(lock, _)| lock)
}

/// [`parse`], reading of `packages` and `snapshots` only the entries whose key names a package
/// `wanted` accepts (and those whose key tells no name and version): with `importers`, what
/// resolving a few named manifests needs. Spans still point into `text`.
///
/// # Errors
///
/// As [`parse`], for the parts read.
pub fn parse_wanted(text: &str, wanted: &dyn Fn(&str) -> bool) -> Result<Lockfile, ParseError> {
    // Sections start at column 0, their entries two spaces in. A project's dependency may
    // resolve to a package of another name (an alias, an override, a `jsr:` package): the
    // names its `version` values spell count as wanted too. They come first in the file; a
    // package entry before them is kept.
    let mut section = Section::Other;
    let mut projects_seen = false;
    let mut referenced: HashSet<String> = HashSet::new();
    let kept = Kept::cut(
        text,
        |line| {
            let rest = line.trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                return Line::Continues;
            }
            match (line.len() - rest.len(), section) {
                (0, _) => {
                    section = match rest.trim_end() {
                        "packages:" | "snapshots:" => Section::Entries,
                        "importers:"
                        | "dependencies:"
                        | "devDependencies:"
                        | "optionalDependencies:" => {
                            projects_seen = true;
                            Section::Projects
                        }
                        _ => Section::Other,
                    };
                    Line::Starts(Keep::Yes)
                }
                (2, Section::Entries) => {
                    // A key that tells no name and version keeps its entry.
                    let keep = !projects_seen
                        || key_parts(rest).is_none_or(|parts| {
                            parts.iter().any(|key| match parse_key(key) {
                                (Some(name), Some(_)) => wanted(name) || referenced.contains(name),
                                _ => true,
                            })
                        });
                    Line::Starts(if keep { Keep::Yes } else { Keep::No })
                }
                (_, Section::Projects) => {
                    if let Some((_, value)) = rest.split_once(": ") {
                        let value = value.trim().trim_matches(['"', '\'']);
                        if let (Some(name), Some(_)) = parse_key(value) {
                            referenced.insert(name.to_owned());
                        }
                    }
                    Line::Continues
                }
                _ => Line::Continues,
            }
        },
        |_| true,
    );
    kept.map_back(parse(&kept.text))
}

/// Where a line of a pnpm lockfile stands, for [`parse_wanted`].
#[derive(Clone, Copy)]
enum Section {
    /// `packages` or `snapshots`: one entry per key, two spaces in.
    Entries,
    /// `importers`, or the top-level dependency sections of a single-project lockfile.
    Projects,
    Other,
}

/// [`parse`], also returning the `packages` keys it had to leave out.
///
/// A key that names no package (`invalidpath`, or a v9 `file:` directory, which has no
/// `version`) says the lockfile is odd, not that the rest of it is wrong. osv-scalibr fails
/// such a file with an error naming the keys, next to a partial result; here the partial
/// result is the success, since failing would hide every dependency of the project from the
/// policy, and the skipped keys are handed back so that the caller can report them.
///
/// # Errors
///
/// As [`parse`].
pub fn parse_with_skipped(text: &str) -> Result<(Lockfile, Vec<SkippedKey>), ParseError> {
    let positions = Positions::new(text);
    let documents = yaml::load(text, "a pnpm lockfile").map_err(|fault| positions.error(fault))?;
    let root = documents
        .iter()
        .map(untagged)
        .rev()
        .find(|doc| !is_null(doc));
    let Some(root) = root else {
        // An empty lockfile still stands for the project beside it.
        return Ok((single_project(Lockfile::default()), Vec::new()));
    };
    if !root.data.is_mapping() {
        return Err(
            positions.wrong_kind(root, "a pnpm lockfile must be a mapping at the top level")
        );
    }

    let mut reader = Reader {
        positions: &positions,
        packages: Vec::new(),
        by_name_version: HashMap::new(),
        by_key: HashMap::new(),
        skipped: Vec::new(),
    };
    let mut edge_lists = Vec::new();
    if let Some(packages) = section(root, "packages", &positions)? {
        reader.read_packages(packages, &mut edge_lists);
    }
    if let Some(snapshots) = section(root, "snapshots", &positions)? {
        reader.read_snapshots(snapshots, &mut edge_lists);
    }
    reader.link(&edge_lists);

    let mut lock = Lockfile {
        format_version: lookup(root, "lockfileVersion")
            .and_then(|version| scalar_text(version, &positions))
            .and_then(|version| major_version(&version)),
        ..Lockfile::default()
    };
    match section(root, "importers", &positions)? {
        Some(importers) => {
            for (path, importer) in entries(importers) {
                let Some(path) = scalar_text(path, &positions) else {
                    continue;
                };
                let path = if path == "." { String::new() } else { path };
                lock.workspaces.push(path.clone());
                lock.importers.push(Importer {
                    path,
                    dependencies: reader.importer_dependencies(importer),
                });
            }
        }
        // v5 and v6 write a project that is not a workspace without `importers`: its
        // dependencies sit at the top level.
        None => {
            lock = single_project(lock);
            if let Some(root_importer) = lock.importers.first_mut() {
                root_importer.dependencies = reader.importer_dependencies(root);
            }
        }
    }
    lock.packages = reader.packages;
    Ok((lock, reader.skipped))
}

/// The lockfile of a project that is not a workspace: it covers the root project only.
fn single_project(lock: Lockfile) -> Lockfile {
    Lockfile {
        workspaces: vec![String::new()],
        importers: vec![Importer::default()],
        ..lock
    }
}

/// `5.4` → 5, `'6.0'` → 6, `'9.0'` → 9.
fn major_version(written: &str) -> Option<u32> {
    let major = written.split('.').next()?;
    if major.is_empty() || !major.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    major.parse().ok()
}

/// A section of the top level: None when absent or empty, an error when it is not a mapping.
fn section<'a, 'i>(
    root: &'a MarkedYaml<'i>,
    name: &str,
    positions: &Positions<'_>,
) -> Result<Option<&'a MarkedYaml<'i>>, ParseError> {
    let Some(node) = lookup(root, name) else {
        return Ok(None);
    };
    if is_null(node) {
        return Ok(None);
    }
    if !untagged(node).data.is_mapping() {
        return Err(positions.wrong_kind(node, &format!("`{name}` must be a mapping")));
    }
    Ok(Some(node))
}

/// A package entry or snapshot whose edges are read once every package is known, and the
/// package it belongs to.
type EdgeList<'a, 'i> = (usize, &'a MarkedYaml<'i>);

struct Reader<'p, 't> {
    positions: &'p Positions<'t>,
    packages: Vec<LockedPackage>,
    /// (name, version) → package: where the peer variants of a package meet.
    by_name_version: HashMap<(String, String), usize>,
    /// Every `packages` and `snapshots` key as written → package, for references that repeat
    /// a key (aliases, git and tarball dependencies, peer variants).
    by_key: HashMap<String, usize>,
    skipped: Vec<SkippedKey>,
}

impl Reader<'_, '_> {
    fn read_packages<'a, 'i>(
        &mut self,
        packages: &'a MarkedYaml<'i>,
        edge_lists: &mut Vec<EdgeList<'a, 'i>>,
    ) {
        for (key_node, entry) in entries(packages) {
            let span = self.positions.value_span(key_node);
            let Some(key) = scalar_text(key_node, self.positions) else {
                let span = self.positions.span(key_node);
                let written = self
                    .positions
                    .text()
                    .get(span.offset..span.offset + span.len);
                self.skipped.push(SkippedKey {
                    key: written.unwrap_or_default().to_string(),
                    span,
                });
                continue;
            };
            let Some((name, version)) = identity(&key, entry, self.positions) else {
                self.skipped.push(SkippedKey { key, span });
                continue;
            };
            let source = resolution_source(entry, self.positions);
            let index = match self.by_name_version.get(&(name.clone(), version.clone())) {
                Some(&index) => {
                    // A peer variant of a package already seen: the first key stands for it.
                    if let Some(package) = self.packages.get_mut(index) {
                        if package.source.is_none() {
                            package.source = source;
                        }
                    }
                    index
                }
                None => {
                    let index = self.packages.len();
                    self.by_name_version
                        .insert((name.clone(), version.clone()), index);
                    self.packages.push(LockedPackage {
                        name,
                        version,
                        span,
                        source,
                        ..LockedPackage::default()
                    });
                    index
                }
            };
            self.by_key.insert(key, index);
            edge_lists.push((index, entry));
        }
    }

    /// v9: `snapshots` holds each peer variant of a `packages` entry, with its edges.
    fn read_snapshots<'a, 'i>(
        &mut self,
        snapshots: &'a MarkedYaml<'i>,
        edge_lists: &mut Vec<EdgeList<'a, 'i>>,
    ) {
        for (key_node, entry) in entries(snapshots) {
            let Some(key) = scalar_text(key_node, self.positions) else {
                continue;
            };
            // A snapshot of a package that was skipped has nowhere to put its edges.
            let Some(index) = self.snapshot_package(&key) else {
                continue;
            };
            self.by_key.insert(key, index);
            edge_lists.push((index, entry));
        }
    }

    fn snapshot_package(&self, key: &str) -> Option<usize> {
        if let Some(&index) = self.by_key.get(key) {
            return Some(index);
        }
        // `name@ref(peer@1.0.0)` is the snapshot of `packages` key `name@ref`, whatever `ref`
        // is (a version, a URL, a `file:` path).
        if let Some((name, rest)) = split_at_sign(key.strip_prefix('/').unwrap_or(key)) {
            let without_peers = rest.split('(').next().unwrap_or(rest);
            if let Some(&index) = self.by_key.get(&format!("{name}@{without_peers}")) {
                return Some(index);
            }
        }
        match parse_key(key) {
            (Some(name), Some(version)) => self.find(name, version),
            _ => None,
        }
    }

    /// Fills in `dependencies` and `depends_on` from the entries collected on the way.
    fn link(&mut self, edge_lists: &[EdgeList<'_, '_>]) {
        // What each package already lists, as sets: one package can gather thousands of
        // edges over its entry and its peer variants, and scanning its lists for every new
        // edge would take quadratic time.
        let mut listed: HashMap<usize, (HashSet<String>, HashSet<usize>)> = HashMap::new();
        for &(index, entry) in edge_lists {
            let edges = self.edges(entry);
            let Some(package) = self.packages.get_mut(index) else {
                continue;
            };
            let (names, targets) = listed.entry(index).or_insert_with(|| {
                (
                    package.dependencies.iter().cloned().collect(),
                    package.depends_on.iter().copied().collect(),
                )
            });
            for (name, target) in edges {
                if names.insert(name.clone()) {
                    package.dependencies.push(name);
                }
                if let Some(target) = target {
                    if targets.insert(target) {
                        package.depends_on.push(target);
                    }
                }
            }
        }
    }

    /// Each dependency an entry names, and the package it resolves to when there is one.
    fn edges(&self, entry: &MarkedYaml<'_>) -> Vec<(String, Option<usize>)> {
        let mut edges = Vec::new();
        for (section_key, section) in entries(entry) {
            if !EDGE_SECTIONS.iter().any(|name| key_is(section_key, name)) {
                continue;
            }
            for (dep_key, reference) in entries(section) {
                let Some(dep_name) = dependency_name(dep_key, self.positions) else {
                    continue;
                };
                let target = scalar_text(reference, self.positions)
                    .and_then(|reference| self.resolve(&dep_name, &reference));
                edges.push((dep_name, target));
            }
        }
        edges
    }

    /// The direct dependencies an importer (or the top level of a single-project lockfile)
    /// resolves to. `link:` references are workspace projects, not packages.
    fn importer_dependencies(&self, importer: &MarkedYaml<'_>) -> Vec<(String, usize)> {
        let mut dependencies = Vec::new();
        // A set beside the list, to keep each once in linear time.
        let mut seen = HashSet::new();
        for (section_key, section) in entries(importer) {
            if !IMPORTER_SECTIONS
                .iter()
                .any(|name| key_is(section_key, name))
            {
                continue;
            }
            for (dep_key, value) in entries(section) {
                let Some(dep_name) = dependency_name(dep_key, self.positions) else {
                    continue;
                };
                // v6 and v9 write `{specifier, version}`, v5 the version alone.
                let reference = if untagged(value).data.is_mapping() {
                    lookup(value, "version").and_then(|v| scalar_text(v, self.positions))
                } else {
                    scalar_text(value, self.positions)
                };
                let Some(index) = reference.and_then(|r| self.resolve(&dep_name, &r)) else {
                    continue;
                };
                if seen.insert((dep_name.clone(), index)) {
                    dependencies.push((dep_name, index));
                }
            }
        }
        dependencies
    }

    /// The package a dependency `dep_name: reference` points at. The reference is a version
    /// with or without peers (`1.0.0`, `1.0.0_react@18.2.0`, `1.0.0(react@18.2.0)`), or it
    /// repeats a key: an alias's real package (`/real/1.0.0`, `/real@1.0.0`, `real@1.0.0`), a
    /// git or tarball dependency (`git.example/org/repo/<commit>`), or the part of a v9 key
    /// after `name@` (`https://...`, `file:...`).
    fn resolve(&self, dep_name: &str, reference: &str) -> Option<usize> {
        if reference.starts_with("link:") {
            return None;
        }
        if let Some(version) = clean_version(reference) {
            if let Some(index) = self.find(dep_name, version) {
                return Some(index);
            }
        }
        let mut references = vec![reference.to_string()];
        // Importers write `file:./dir` where the key has `file:dir`.
        if let Some(path) = reference.strip_prefix("file:") {
            let trimmed = path.trim_start_matches("./");
            if trimmed.len() != path.len() {
                references.push(format!("file:{trimmed}"));
            }
        }
        for reference in &references {
            let candidates = [
                reference.clone(),
                format!("/{reference}"),
                format!("{dep_name}@{reference}"),
                format!("/{dep_name}@{reference}"),
                format!("/{dep_name}/{reference}"),
            ];
            if let Some(&index) = candidates.iter().find_map(|key| self.by_key.get(key)) {
                return Some(index);
            }
        }
        match parse_key(reference) {
            (Some(name), Some(version)) => self.find(name, version),
            _ => None,
        }
    }

    fn find(&self, name: &str, version: &str) -> Option<usize> {
        self.by_name_version
            .get(&(name.to_string(), version.to_string()))
            .copied()
    }
}

fn dependency_name(key: &MarkedYaml<'_>, positions: &Positions<'_>) -> Option<String> {
    scalar_text(key, positions).filter(|name| !name.is_empty())
}

/// A package's name and version: the entry's `name` and `version` fields when it has them
/// (packages that do not come from the registry), else what the key says.
fn identity(
    key: &str,
    entry: &MarkedYaml<'_>,
    positions: &Positions<'_>,
) -> Option<(String, String)> {
    let field = |name: &str| {
        lookup(entry, name)
            .and_then(|value| scalar_text(value, positions))
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    };
    let (key_name, key_version) = parse_key(key);
    let name = field("name").or_else(|| key_name.map(str::to_string))?;
    let version = field("version").or_else(|| key_version.map(str::to_string))?;
    Some((name, version))
}

/// Where the package was fetched from: a tarball URL, or a git repository at a commit.
fn resolution_source(entry: &MarkedYaml<'_>, positions: &Positions<'_>) -> Option<String> {
    let resolution = lookup(entry, "resolution")?;
    let field = |name: &str| {
        lookup(resolution, name)
            .and_then(|value| scalar_text(value, positions))
            .filter(|value| !value.is_empty())
    };
    if let Some(tarball) = field("tarball") {
        return Some(tarball);
    }
    let repo = field("repo")?;
    Some(match field("commit") {
        Some(commit) => format!("{repo}#{commit}"),
        None => repo,
    })
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/// The name and version a key (or a reference that repeats one) spells, each None when the
/// key does not say. `/name/1.0.0_peer` (v5), `/name@1.0.0(peer)` (v6), `name@1.0.0(peer)`
/// (v9), scoped or not, perhaps with a registry host in front of the name instead of the
/// leading `/` (`registry.example/name/1.0.0`).
fn parse_key(key: &str) -> (Option<&str>, Option<&str>) {
    let (body, may_have_host) = match key.strip_prefix('/') {
        Some(body) => (body, false),
        None => (key, true),
    };
    if let Some(found) = split_name_version(body) {
        return found;
    }
    if may_have_host {
        if let Some(found) = body
            .split_once('/')
            .filter(|(host, _)| !host.is_empty() && !host.starts_with('@'))
            .and_then(|(_, after_host)| split_name_version(after_host))
        {
            return found;
        }
    }
    (None, None)
}

/// `name@rest` gives the name even when `rest` is no version (`name@https://...`, whose entry
/// has the version); `name/version` only counts when the version is one, since the first
/// segment of a host-prefixed key would pass for a name.
fn split_name_version(body: &str) -> Option<(Option<&str>, Option<&str>)> {
    if let Some((name, rest)) = split_at_sign(body) {
        return Some((Some(name), clean_version(rest)));
    }
    let (name, rest) = split_slash(body)?;
    let version = clean_version(rest)?;
    Some((Some(name), Some(version)))
}

/// `name@rest` or `@scope/name@rest`.
fn split_at_sign(body: &str) -> Option<(&str, &str)> {
    let skip = usize::from(body.starts_with('@'));
    let at = skip + body.get(skip..)?.find('@')?;
    let name = body.get(..at)?;
    let rest = body.get(at + 1..)?;
    is_package_name(name).then_some((name, rest))
}

/// `name/rest` or `@scope/name/rest`.
fn split_slash(body: &str) -> Option<(&str, &str)> {
    let first = body.find('/')?;
    let end = if body.starts_with('@') {
        first + 1 + body.get(first + 1..)?.find('/')?
    } else {
        first
    };
    let name = body.get(..end)?;
    let rest = body.get(end + 1..)?;
    is_package_name(name).then_some((name, rest))
}

/// Loosely: `name` or `@scope/name`, without characters that only paths, URLs and peer
/// suffixes have. Strict npm naming would reject old packages with capitals and the like.
fn is_package_name(name: &str) -> bool {
    let bare = match name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, bare)) if !scope.is_empty() => bare,
            _ => return false,
        },
        None => name,
    };
    let unscoped = name.strip_prefix('@').unwrap_or(name);
    !bare.is_empty()
        && !bare.contains('/')
        && !unscoped.contains(|c: char| matches!(c, '@' | ':' | '(' | ')') || c.is_whitespace())
}

/// The version at the start of `rest`, without a peer suffix (`_peer@1.0.0` in v5,
/// `(peer@1.0.0)` since v6; semver has neither `_` nor `(`). None unless it looks like a
/// version, which also tells a version from a path, a URL or a commit.
fn clean_version(rest: &str) -> Option<&str> {
    let end = rest.find(['(', '_']).unwrap_or(rest.len());
    let version = rest.get(..end)?;
    let looks_like_one = version.starts_with(|c: char| c.is_ascii_digit())
        && !version.contains(|c: char| matches!(c, '/' | ':' | '@' | ')') || c.is_whitespace());
    looks_like_one.then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_text(text: &str, span: Span) -> &str {
        text.get(span.offset..span.offset + span.len)
            .unwrap_or("<span out of range>")
    }

    fn parse_ok(text: &str) -> Lockfile {
        match parse(text) {
            Ok(lock) => lock,
            Err(error) => panic!("parse failed: {error:?}"),
        }
    }

    fn parse_err(text: &str) -> ParseError {
        match parse(text) {
            Ok(lock) => panic!("{text:?} should fail, got {lock:?}"),
            Err(error) => error,
        }
    }

    fn id(package: &LockedPackage) -> String {
        format!("{}@{}", package.name, package.version)
    }

    /// `name@version` and the span text of every package, checking the invariants on the way.
    fn summary<'t>(text: &'t str, lock: &Lockfile) -> Vec<(String, &'t str)> {
        for package in &lock.packages {
            assert!(!package.local, "{package:?}");
            assert!(package.install_path.is_empty(), "{package:?}");
        }
        lock.packages
            .iter()
            .map(|p| (id(p), span_text(text, p.span)))
            .collect()
    }

    fn row<'t>(id: &str, span: &'t str) -> (String, &'t str) {
        (id.to_string(), span)
    }

    fn package<'l>(lock: &'l Lockfile, wanted: &str) -> &'l LockedPackage {
        match lock.packages.iter().find(|p| id(p) == wanted) {
            Some(package) => package,
            None => panic!("no {wanted} in {:?}", lock.packages),
        }
    }

    /// `name@version` of what a package depends on.
    fn depends_on(lock: &Lockfile, wanted: &str) -> Vec<String> {
        package(lock, wanted)
            .depends_on
            .iter()
            .map(|&index| lock.packages.get(index).map(id).unwrap_or_default())
            .collect()
    }

    fn names(lock: &Lockfile, wanted: &str) -> Vec<String> {
        package(lock, wanted).dependencies.clone()
    }

    /// (path, [(declared key, name@version)]) per importer.
    fn importers(lock: &Lockfile) -> Vec<(String, Vec<(String, String)>)> {
        lock.importers
            .iter()
            .map(|importer| {
                let deps = importer
                    .dependencies
                    .iter()
                    .map(|(key, index)| {
                        let target = lock.packages.get(*index).map(id).unwrap_or_default();
                        (key.clone(), target)
                    })
                    .collect();
                (importer.path.clone(), deps)
            })
            .collect()
    }

    fn deps(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(key, target)| (key.to_string(), target.to_string()))
            .collect()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    const V5: &str = "lockfileVersion: 5.4

specifiers:
  '@types/node': ^18.0.0
  react-dom: ^18.2.0
  tsl: npm:tslib@^2

dependencies:
  react-dom: 18.2.0_react@18.2.0
  tsl: /tslib/2.5.0

devDependencies:
  '@types/node': 18.11.18

optionalDependencies:
  fsevents: 2.3.2

packages:

  /@types/node/18.11.18:
    resolution: {integrity: sha512-AAAA}
    dev: true

  /fsevents/2.3.2:
    resolution: {integrity: sha512-BBBB}
    optional: true

  /loose-envify/1.4.0:
    dependencies:
      js-tokens: 4.0.0

  /react-dom/18.2.0_react@18.2.0:
    peerDependencies:
      react: ^18.2.0
    dependencies:
      loose-envify: 1.4.0
      react: 18.2.0
    dev: false

  /react-dom/18.2.0_react@18.2.0+scheduler@0.23.0:
    dependencies:
      loose-envify: 1.4.0
      missing: 1.0.0
      react: 18.2.0
      scheduler: 0.23.0_react@18.2.0

  /react/18.2.0:
    dependencies:
      loose-envify: 1.4.0

  /scheduler/0.23.0_react@18.2.0:
    dependencies:
      loose-envify: 1.4.0

  /js-tokens/4.0.0:
    resolution: {tarball: https://registry.example/js-tokens/-/js-tokens-4.0.0.tgz}

  /tslib/2.5.0:
    resolution: {integrity: sha512-CCCC}
";

    #[test]
    fn v5_packages_with_peer_suffixes_merged() {
        let lock = parse_ok(V5);
        assert_eq!(lock.format_version, Some(5));
        assert_eq!(
            summary(V5, &lock),
            vec![
                row("@types/node@18.11.18", "/@types/node/18.11.18"),
                row("fsevents@2.3.2", "/fsevents/2.3.2"),
                row("loose-envify@1.4.0", "/loose-envify/1.4.0"),
                // The second peer variant is merged into the first.
                row("react-dom@18.2.0", "/react-dom/18.2.0_react@18.2.0"),
                row("react@18.2.0", "/react/18.2.0"),
                row("scheduler@0.23.0", "/scheduler/0.23.0_react@18.2.0"),
                row("js-tokens@4.0.0", "/js-tokens/4.0.0"),
                row("tslib@2.5.0", "/tslib/2.5.0"),
            ]
        );
        assert_eq!(
            package(&lock, "js-tokens@4.0.0").source.as_deref(),
            Some("https://registry.example/js-tokens/-/js-tokens-4.0.0.tgz")
        );
        assert_eq!(package(&lock, "tslib@2.5.0").source, None);
        assert!(!lock.covers_subtree);
        assert!(lock.descriptors.is_empty());
    }

    #[test]
    fn v5_edges_and_single_project_importer() {
        let lock = parse_ok(V5);
        // Both peer variants contribute; `missing` has no entry, so it has a name only.
        assert_eq!(
            names(&lock, "react-dom@18.2.0"),
            strings(&["loose-envify", "react", "missing", "scheduler"])
        );
        assert_eq!(
            depends_on(&lock, "react-dom@18.2.0"),
            strings(&["loose-envify@1.4.0", "react@18.2.0", "scheduler@0.23.0"])
        );
        // A dependency on a package listed later in the file.
        assert_eq!(
            depends_on(&lock, "loose-envify@1.4.0"),
            strings(&["js-tokens@4.0.0"])
        );
        assert_eq!(lock.workspaces, strings(&[""]));
        assert_eq!(
            importers(&lock),
            vec![(
                String::new(),
                deps(&[
                    ("react-dom", "react-dom@18.2.0"),
                    // An alias: declared as `tsl`, the package is tslib.
                    ("tsl", "tslib@2.5.0"),
                    ("@types/node", "@types/node@18.11.18"),
                    ("fsevents", "fsevents@2.3.2"),
                ])
            )]
        );
    }

    #[test]
    fn v5_workspace_importers_skip_links() {
        let text = "lockfileVersion: 5.3

importers:

  .:
    specifiers:
      typescript: ^4.6.0
    devDependencies:
      typescript: 4.6.2

  packages/a:
    specifiers:
      b: workspace:*
      lodash-es: npm:lodash@^4
    dependencies:
      b: link:../b
      lodash-es: /lodash/4.17.21

  packages/b:
    specifiers: {}

packages:

  /lodash/4.17.21:
    dev: false

  /typescript/4.6.2:
    hasBin: true
    dev: true
";
        let lock = parse_ok(text);
        assert_eq!(lock.workspaces, strings(&["", "packages/a", "packages/b"]));
        assert_eq!(
            importers(&lock),
            vec![
                (String::new(), deps(&[("typescript", "typescript@4.6.2")])),
                (
                    "packages/a".to_string(),
                    deps(&[("lodash-es", "lodash@4.17.21")])
                ),
                ("packages/b".to_string(), vec![]),
            ]
        );
    }

    const V6: &str = "lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  '@scope/ui':
    specifier: ^1.0.0
    version: 1.0.0(react-dom@18.2.0)(react@18.2.0)
  string-width-cjs:
    specifier: npm:string-width@^4.2.0
    version: /string-width@4.2.3

devDependencies:
  react:
    specifier: ^18.2.0
    version: 18.2.0

packages:

  /@scope/ui@1.0.0(react-dom@18.2.0)(react@18.2.0):
    resolution: {integrity: sha512-AAAA}
    peerDependencies:
      react: '>=17'
    dependencies:
      react: 18.2.0
      react-dom: 18.2.0(react@18.2.0)
    dev: false

  /@scope/ui@1.0.0(react@18.2.0):
    dependencies:
      react: 18.2.0
      tiny: 0.1.0(react@18.2.0)
    dev: false

  /react-dom@18.2.0(react@18.2.0):
    dependencies:
      react: 18.2.0

  /react@18.2.0:
    dev: true

  /string-width@4.2.3:
    dependencies:
      strip: /strip-ansi@6.0.1

  /strip-ansi@6.0.1:
    dev: false
";

    #[test]
    fn v6_parenthesised_peers_scopes_and_aliases() {
        let lock = parse_ok(V6);
        assert_eq!(lock.format_version, Some(6));
        assert_eq!(
            summary(V6, &lock),
            vec![
                row(
                    "@scope/ui@1.0.0",
                    "/@scope/ui@1.0.0(react-dom@18.2.0)(react@18.2.0)"
                ),
                row("react-dom@18.2.0", "/react-dom@18.2.0(react@18.2.0)"),
                row("react@18.2.0", "/react@18.2.0"),
                row("string-width@4.2.3", "/string-width@4.2.3"),
                row("strip-ansi@6.0.1", "/strip-ansi@6.0.1"),
            ]
        );
        assert_eq!(
            names(&lock, "@scope/ui@1.0.0"),
            strings(&["react", "react-dom", "tiny"])
        );
        assert_eq!(
            depends_on(&lock, "@scope/ui@1.0.0"),
            strings(&["react@18.2.0", "react-dom@18.2.0"])
        );
        assert_eq!(names(&lock, "string-width@4.2.3"), strings(&["strip"]));
        assert_eq!(
            depends_on(&lock, "string-width@4.2.3"),
            strings(&["strip-ansi@6.0.1"])
        );
        assert_eq!(
            importers(&lock),
            vec![(
                String::new(),
                deps(&[
                    ("@scope/ui", "@scope/ui@1.0.0"),
                    ("string-width-cjs", "string-width@4.2.3"),
                    ("react", "react@18.2.0"),
                ])
            )]
        );
    }

    const V9: &str = "lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

catalogs:
  default:
    vite:
      specifier: ^5.0.0
      version: 5.0.0

importers:

  .:
    devDependencies:
      vite:
        specifier: 'catalog:'
        version: 5.0.0(@types/node@20.1.0)
      '@types/node':
        specifier: ^20
        version: 20.1.0

  packages/app:
    dependencies:
      lib:
        specifier: workspace:*
        version: link:../lib
      react-types:
        specifier: npm:@types/react@^18
        version: '@types/react@18.2.0'
      esbuild:
        specifier: ^0.19.0
        version: 0.19.0

  packages/lib: {}

packages:

  '@types/node@20.1.0':
    resolution: {integrity: sha512-AAAA}

  '@types/react@18.2.0':
    resolution: {integrity: sha512-BBBB}

  esbuild@0.19.0:
    resolution: {integrity: sha512-CCCC}
    hasBin: true

  vite@5.0.0:
    resolution: {integrity: sha512-DDDD}
    peerDependencies:
      '@types/node': ^18.0.0 || >=20.0.0

snapshots:

  '@types/node@20.1.0': {}

  '@types/react@18.2.0': {}

  esbuild@0.19.0:
    optional: true

  vite@5.0.0(@types/node@20.1.0):
    dependencies:
      esbuild: 0.19.0
    optionalDependencies:
      '@types/node': 20.1.0

  vite@5.0.0:
    dependencies:
      esbuild: 0.19.0
      rollup: 4.0.0
";

    #[test]
    fn v9_packages_and_snapshot_edges() {
        let lock = parse_ok(V9);
        assert_eq!(lock.format_version, Some(9));
        // `catalogs` and `settings` hold no packages.
        assert_eq!(
            summary(V9, &lock),
            vec![
                row("@types/node@20.1.0", "@types/node@20.1.0"),
                row("@types/react@18.2.0", "@types/react@18.2.0"),
                row("esbuild@0.19.0", "esbuild@0.19.0"),
                row("vite@5.0.0", "vite@5.0.0"),
            ]
        );
        // Both snapshots of vite contribute.
        assert_eq!(
            names(&lock, "vite@5.0.0"),
            strings(&["esbuild", "@types/node", "rollup"])
        );
        assert_eq!(
            depends_on(&lock, "vite@5.0.0"),
            strings(&["esbuild@0.19.0", "@types/node@20.1.0"])
        );
        assert!(names(&lock, "esbuild@0.19.0").is_empty());
    }

    #[test]
    fn v9_importers_with_links_and_aliases() {
        let lock = parse_ok(V9);
        assert_eq!(
            lock.workspaces,
            strings(&["", "packages/app", "packages/lib"])
        );
        assert_eq!(
            importers(&lock),
            vec![
                (
                    String::new(),
                    deps(&[
                        ("vite", "vite@5.0.0"),
                        ("@types/node", "@types/node@20.1.0"),
                    ])
                ),
                (
                    "packages/app".to_string(),
                    deps(&[
                        ("react-types", "@types/react@18.2.0"),
                        ("esbuild", "esbuild@0.19.0"),
                    ])
                ),
                ("packages/lib".to_string(), vec![]),
            ]
        );
    }

    #[test]
    fn v5_non_registry_keys_use_name_and_version_fields() {
        let text = "lockfileVersion: 5.4

specifiers:
  from-git: git+ssh://git@git.example/org/from-git.git#main
  local: file:./vendor/local.tgz
  remote: https://files.example/remote-2.0.0.tgz

dependencies:
  from-git: git.example/org/from-git/0123456789abcdef0123456789abcdef01234567
  local: file:./vendor/local.tgz
  remote: '@files.example/remote-2.0.0.tgz'

packages:

  git.example/org/from-git/0123456789abcdef0123456789abcdef01234567:
    resolution: {commit: 0123456789abcdef0123456789abcdef01234567, repo: git+ssh://git@git.example/org/from-git.git, type: git}
    name: from-git
    version: 1.0.0
    dependencies:
      remote: '@files.example/remote-2.0.0.tgz'
    dev: false

  file:vendor/local.tgz:
    resolution: {integrity: sha512-AAAA, tarball: file:vendor/local.tgz}
    name: '@corp/local'
    version: 0.0.1
    dev: false

  '@files.example/remote-2.0.0.tgz':
    resolution: {tarball: https://files.example/remote-2.0.0.tgz}
    name: remote
    version: 2.0.0
    dev: false

  file:../dir:
    resolution: {directory: ../dir, type: directory}
    name: dir-package
    version: 3.0.0
";
        let lock = parse_ok(text);
        assert_eq!(
            summary(text, &lock),
            vec![
                row(
                    "from-git@1.0.0",
                    "git.example/org/from-git/0123456789abcdef0123456789abcdef01234567"
                ),
                row("@corp/local@0.0.1", "file:vendor/local.tgz"),
                row("remote@2.0.0", "@files.example/remote-2.0.0.tgz"),
                row("dir-package@3.0.0", "file:../dir"),
            ]
        );
        let sources: Vec<Option<&str>> =
            lock.packages.iter().map(|p| p.source.as_deref()).collect();
        assert_eq!(
            sources,
            vec![
                Some(
                    "git+ssh://git@git.example/org/from-git.git#0123456789abcdef0123456789abcdef01234567"
                ),
                Some("file:vendor/local.tgz"),
                Some("https://files.example/remote-2.0.0.tgz"),
                None,
            ]
        );
        assert_eq!(
            depends_on(&lock, "from-git@1.0.0"),
            strings(&["remote@2.0.0"])
        );
        assert_eq!(
            importers(&lock),
            vec![(
                String::new(),
                deps(&[
                    ("from-git", "from-git@1.0.0"),
                    // `file:./vendor/...` as declared, `file:vendor/...` as keyed.
                    ("local", "@corp/local@0.0.1"),
                    ("remote", "remote@2.0.0"),
                ])
            )]
        );
    }

    #[test]
    fn v9_non_registry_keys_and_directories_without_version() {
        let text = "lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      ansi:
        specifier: git+https://git.example/org/ansi.git
        version: git+https://git.example/org/ansi.git#0123456789abcdef0123456789abcdef01234567
      tool:
        specifier: https://files.example/tool-1.2.3.tgz
        version: https://files.example/tool-1.2.3.tgz
      dir:
        specifier: file:./dir
        version: file:dir(react@18.2.0)

packages:

  ansi@git+https://git.example/org/ansi.git#0123456789abcdef0123456789abcdef01234567:
    resolution: {type: git, repo: https://git.example/org/ansi.git, commit: 0123456789abcdef0123456789abcdef01234567}
    version: 6.0.1

  tool@https://files.example/tool-1.2.3.tgz:
    resolution: {tarball: https://files.example/tool-1.2.3.tgz}
    version: 1.2.3

  dir@file:dir:
    resolution: {directory: dir, type: directory}

  react@18.2.0:
    resolution: {integrity: sha512-AAAA}

snapshots:

  ansi@git+https://git.example/org/ansi.git#0123456789abcdef0123456789abcdef01234567:
    dependencies:
      tool: https://files.example/tool-1.2.3.tgz

  tool@https://files.example/tool-1.2.3.tgz: {}

  dir@file:dir(react@18.2.0):
    dependencies:
      react: 18.2.0

  react@18.2.0: {}
";
        let (lock, skipped) = match parse_with_skipped(text) {
            Ok(result) => result,
            Err(error) => panic!("{error:?}"),
        };
        assert_eq!(
            summary(text, &lock),
            vec![
                row(
                    "ansi@6.0.1",
                    "ansi@git+https://git.example/org/ansi.git#0123456789abcdef0123456789abcdef01234567"
                ),
                row("tool@1.2.3", "tool@https://files.example/tool-1.2.3.tgz"),
                row("react@18.2.0", "react@18.2.0"),
            ]
        );
        assert_eq!(
            package(&lock, "ansi@6.0.1").source.as_deref(),
            Some("https://git.example/org/ansi.git#0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(depends_on(&lock, "ansi@6.0.1"), strings(&["tool@1.2.3"]));
        // A directory has no version to check: its key is skipped, and so is what points at it.
        let skipped: Vec<(&str, &str)> = skipped
            .iter()
            .map(|s| (s.key.as_str(), span_text(text, s.span)))
            .collect();
        assert_eq!(skipped, vec![("dir@file:dir", "dir@file:dir")]);
        assert_eq!(
            importers(&lock),
            vec![(
                String::new(),
                deps(&[("ansi", "ansi@6.0.1"), ("tool", "tool@1.2.3")])
            )]
        );
    }

    #[test]
    fn unparsable_keys_are_skipped_and_reported() {
        let text = "lockfileVersion: 5.3

packages:
  /foo/1.0.0:
  /@foo/bar/1.0.0:
  registry.example/foo/1.1.0:
  registry.example/@foo/bar/1.1.0:
  git.example/kevva/is-positive:
  files.example/foo/1.3.0_bar@2.0.0:
  /foo/1.4.0_@types+babel__core@7.1.14:
  /foo/bar:
  invalidpath:
    resolution: {integrity: sha512-AAAA}
  /foo/1.0.0_baz@1.0.0:
  [complex, key]: {}
";
        let (lock, skipped) = match parse_with_skipped(text) {
            Ok(result) => result,
            Err(error) => panic!("{error:?}"),
        };
        assert_eq!(
            summary(text, &lock),
            vec![
                row("foo@1.0.0", "/foo/1.0.0"),
                row("@foo/bar@1.0.0", "/@foo/bar/1.0.0"),
                row("foo@1.1.0", "registry.example/foo/1.1.0"),
                row("@foo/bar@1.1.0", "registry.example/@foo/bar/1.1.0"),
                row("foo@1.3.0", "files.example/foo/1.3.0_bar@2.0.0"),
                row("foo@1.4.0", "/foo/1.4.0_@types+babel__core@7.1.14"),
            ]
        );
        let skipped: Vec<(&str, &str)> = skipped
            .iter()
            .map(|s| (s.key.as_str(), span_text(text, s.span)))
            .collect();
        assert_eq!(
            skipped,
            vec![
                (
                    "git.example/kevva/is-positive",
                    "git.example/kevva/is-positive"
                ),
                ("/foo/bar", "/foo/bar"),
                ("invalidpath", "invalidpath"),
                ("[complex, key]", "[complex, key]"),
            ]
        );
        // `parse` returns the same packages.
        assert_eq!(parse_ok(text).packages, lock.packages);
    }

    #[test]
    fn key_forms() {
        let cases: [(&str, Option<&str>, Option<&str>); 20] = [
            ("/foo/1.0.0", Some("foo"), Some("1.0.0")),
            (
                "/@scope/foo/1.0.0_react@18.2.0+react-dom@18.2.0",
                Some("@scope/foo"),
                Some("1.0.0"),
            ),
            (
                "/foo/1.0.0_33fffc354ccfa91fbe7d1677b9395a0a",
                Some("foo"),
                Some("1.0.0"),
            ),
            ("/foo@1.0.0(bar@2.0.0)", Some("foo"), Some("1.0.0")),
            (
                "/@scope/foo@1.0.0(@scope/bar@2.0.0(baz@1.0.0))",
                Some("@scope/foo"),
                Some("1.0.0"),
            ),
            ("foo@1.0.0", Some("foo"), Some("1.0.0")),
            (
                "@s/foo@1.0.0-rc.1+b.5",
                Some("@s/foo"),
                Some("1.0.0-rc.1+b.5"),
            ),
            ("registry.example/foo@1.0.0", Some("foo"), Some("1.0.0")),
            ("registry.example/foo/1.0.0", Some("foo"), Some("1.0.0")),
            ("foo@https://files.example/foo.tgz", Some("foo"), None),
            ("foo@file:../bar/1.0.0", Some("foo"), None),
            ("file:../x", None, None),
            ("file:.._react@1.0.0", None, None),
            ("/foo/bar", None, None),
            ("/foo/1.0.0/extra", None, None),
            ("foo", None, None),
            ("", None, None),
            ("@", None, None),
            ("@/x@1.0.0", None, None),
            ("/ñ/1", Some("ñ"), Some("1")),
        ];
        for (key, name, version) in cases {
            assert_eq!(parse_key(key), (name, version), "{key}");
        }
    }

    #[test]
    fn format_versions() {
        let cases = [
            ("lockfileVersion: 5.3\n", Some(5)),
            ("lockfileVersion: 5.4\n", Some(5)),
            ("lockfileVersion: 5.10\n", Some(5)),
            ("lockfileVersion: 5\n", Some(5)),
            ("lockfileVersion: '6.0'\n", Some(6)),
            ("lockfileVersion: '6.1'\n", Some(6)),
            ("lockfileVersion: \"9.0\"\n", Some(9)),
            ("lockfileVersion: x\n", None),
            ("lockfileVersion: -1\n", None),
            ("lockfileVersion: [9]\n", None),
            ("lockfileVersion: '99999999999.0'\n", None),
            ("lockfileVersion:\n", None),
            ("packages: {}\n", None),
        ];
        for (text, version) in cases {
            assert_eq!(parse_ok(text).format_version, version, "{text:?}");
        }
    }

    #[test]
    fn empty_lockfiles_stand_for_the_root_project() {
        for text in [
            "",
            "\n",
            "# nothing\n",
            "---\n",
            "~\n",
            "lockfileVersion: '6.0'\n",
            "lockfileVersion: 5.3\n\nspecifiers:\n\ndependencies:\n\npackages:\n",
        ] {
            let lock = parse_ok(text);
            assert!(lock.packages.is_empty(), "{text:?}");
            assert_eq!(lock.workspaces, strings(&[""]), "{text:?}");
            assert_eq!(lock.importers, vec![Importer::default()], "{text:?}");
        }
    }

    #[test]
    fn only_the_last_document_is_read() {
        // pnpm 11: the env lockfile (the package manager itself) comes first.
        let text = "---
lockfileVersion: '9.0'

importers:

  .:
    packageManagerDependencies:
      pnpm:
        specifier: 11.0.0
        version: 11.0.0

packages:

  pnpm@11.0.0:
    resolution: {integrity: sha512-AAAA}

snapshots:

  pnpm@11.0.0: {}

---
lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      is-odd:
        specifier: ^3.0.0
        version: 3.0.1

packages:

  is-odd@3.0.1:
    resolution: {integrity: sha512-BBBB}

snapshots:

  is-odd@3.0.1: {}
";
        let lock = parse_ok(text);
        assert_eq!(
            summary(text, &lock),
            vec![row("is-odd@3.0.1", "is-odd@3.0.1")]
        );
        let second = text.rfind("is-odd@3.0.1:\n    resolution").unwrap_or(0);
        assert_eq!(lock.packages.first().map(|p| p.span.offset), Some(second));
        assert_eq!(
            importers(&lock),
            vec![(String::new(), deps(&[("is-odd", "is-odd@3.0.1")]))]
        );
    }

    #[test]
    fn spans_are_byte_offsets_and_skip_quotes() {
        let text = "# café ☕ crème\nlockfileVersion: '9.0'\npackages:\n  'ñame@1.0.0':\n    resolution: {}\n  \"@é/x@2.0.0\": {}\n  plain@3.0.0:   # trailing comment\n    resolution: {}\n";
        let lock = parse_ok(text);
        assert_eq!(
            summary(text, &lock),
            vec![
                row("ñame@1.0.0", "ñame@1.0.0"),
                row("@é/x@2.0.0", "@é/x@2.0.0"),
                row("plain@3.0.0", "plain@3.0.0"),
            ]
        );
    }

    #[test]
    fn crlf_line_endings() {
        let text = "lockfileVersion: '9.0'\r\n\r\nimporters:\r\n\r\n  .:\r\n    dependencies:\r\n      a:\r\n        specifier: ^1\r\n        version: 1.0.0\r\n\r\npackages:\r\n\r\n  a@1.0.0:\r\n    resolution: {integrity: sha512-AAAA}\r\n\r\nsnapshots:\r\n\r\n  a@1.0.0: {}\r\n";
        let lock = parse_ok(text);
        assert_eq!(summary(text, &lock), vec![row("a@1.0.0", "a@1.0.0")]);
        assert_eq!(
            importers(&lock),
            vec![(String::new(), deps(&[("a", "a@1.0.0")]))]
        );
    }

    #[test]
    fn broken_yaml_reports_its_position() {
        let text = "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: [unclosed\n";
        let error = parse_err(text);
        assert!(
            error.message.starts_with("invalid YAML"),
            "{}",
            error.message
        );
        let span = error.span.unwrap_or_default();
        assert!(
            span.offset >= text.find("[unclosed").unwrap_or(0),
            "{span:?}"
        );
        assert!(span.offset + span.len <= text.len(), "{span:?}");

        // Non-ASCII before the fault: the offset is in bytes, on a character boundary.
        let text = "a: \"é ☕\"\nb: \"unterminated\n";
        let span = parse_err(text).span.unwrap_or_default();
        assert!(text.is_char_boundary(span.offset), "{span:?}");
        assert!(span.offset >= text.find("b:").unwrap_or(0), "{span:?}");

        assert!(parse_err("a: 1\na: 2\n").message.contains("duplicated key"));
    }

    #[test]
    fn wrong_shapes_are_errors() {
        let cases = [
            (
                "this is not valid yaml!\n",
                "top level",
                "this is not valid yaml!",
            ),
            ("- a\n- b\n", "top level", "- a\n- b"),
            ("packages: [a]\n", "`packages`", "[a]"),
            ("packages: a\n", "`packages`", "a"),
            ("snapshots: [a]\n", "`snapshots`", "[a]"),
            ("importers: 1\n", "`importers`", "1"),
        ];
        for (text, needle, at) in cases {
            let error = parse_err(text);
            assert!(
                error.message.contains(needle),
                "{text:?}: {}",
                error.message
            );
            let span = error.span.unwrap_or_default();
            assert!(span_text(text, span).starts_with(at), "{text:?}: {span:?}");
        }
    }

    #[test]
    fn odd_entries_are_tolerated() {
        let text = "lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      a: 1.0.0
      b:
        specifier: ^1
      c: [1.0.0]
      d: ~
    devDependencies: oops
  ~: {}
packages:
  a@1.0.0: not a mapping
  b@1.0.0:
    name: ''
    version: ''
    dependencies: [a]
snapshots:
  a@1.0.0:
    dependencies:
      b: 1.0.0
      b2: b@1.0.0
      a: 1.0.0
      '': 1.0.0
  unknown@9.9.9:
    dependencies:
      a: 1.0.0
";
        let lock = parse_ok(text);
        assert_eq!(
            summary(text, &lock),
            vec![row("a@1.0.0", "a@1.0.0"), row("b@1.0.0", "b@1.0.0")]
        );
        // A package may list itself; the edge is kept as written.
        assert_eq!(
            depends_on(&lock, "a@1.0.0"),
            strings(&["b@1.0.0", "a@1.0.0"])
        );
        assert_eq!(names(&lock, "a@1.0.0"), strings(&["b", "b2", "a"]));
        assert_eq!(
            importers(&lock),
            vec![(String::new(), deps(&[("a", "a@1.0.0")]))]
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_it_can_overflow() {
        let mut text = String::from("packages:\n");
        for depth in 1..400 {
            text.push_str(&" ".repeat(depth));
            text.push_str("a:\n");
        }
        let error = parse_err(&text);
        assert!(error.message.contains("levels deep"), "{}", error.message);
        let text = format!("packages:\n  {}x\n", "- ".repeat(200));
        assert!(parse_err(&text).message.contains("levels deep"));
        // Past 255 levels of flow nesting saphyr's scanner stops first, with its own error.
        let text = format!("packages: {}{}\n", "[".repeat(300), "]".repeat(300));
        assert!(parse_err(&text).message.starts_with("invalid YAML"));
        let text = format!("packages: {}{}\n", "[".repeat(200), "]".repeat(200));
        let error = parse_err(&text);
        assert!(error.message.contains("levels deep"), "{}", error.message);
        // The span is the character where the limit was passed.
        let opened = "packages: ".len() + yaml::MAX_DEPTH - 1;
        assert_eq!(error.span, Some(Span::new(opened, 1)));
    }

    #[test]
    fn odd_input_never_panics() {
        let pieces = [
            "lockfileVersion: '9.0'\n",
            "packages:\n",
            "snapshots:\n",
            "importers:\n",
            "  ",
            "    ",
            "a@1.0.0:",
            "/a/1.0.0_b@2.0.0:",
            "'@s/a@1.0.0(x@1)':",
            "dependencies:",
            "version:",
            " link:../x",
            " 1.0.0",
            " /b@2.0.0",
            " b@",
            " {}",
            "\n",
            "[",
            "]",
            "'",
            "é",
            "- ",
            "---\n",
            "\r\n",
            "? ",
            "#",
            "@",
            "/",
            "(",
        ];
        let mut seed = 7u64;
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..16 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let index = (seed >> 33) as usize % pieces.len();
                text.push_str(pieces[index]);
            }
            match parse_with_skipped(&text) {
                Ok((lock, skipped)) => {
                    for p in &lock.packages {
                        assert!(text
                            .get(p.span.offset..p.span.offset + p.span.len)
                            .is_some());
                        assert!(p.depends_on.iter().all(|&i| i < lock.packages.len()));
                    }
                    for s in &skipped {
                        assert!(text
                            .get(s.span.offset..s.span.offset + s.span.len)
                            .is_some());
                    }
                    for importer in &lock.importers {
                        assert!(importer
                            .dependencies
                            .iter()
                            .all(|(_, i)| *i < lock.packages.len()));
                    }
                }
                Err(error) => {
                    if let Some(span) = error.span {
                        assert!(
                            text.get(span.offset..span.offset + span.len).is_some(),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }
}
