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

use super::{Importer, LockedPackage, Lockfile, ParseError, Span};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, ScanError, YamlData};
use std::collections::HashMap;
use std::ops::Range;

/// The sections of a package entry (v5, v6) or snapshot (v9) naming the packages it is linked
/// to. pnpm lists resolved peers there too; `peerDependencies` holds ranges, not resolutions.
const EDGE_SECTIONS: [&str; 2] = ["dependencies", "optionalDependencies"];

/// The sections of an importer (or, without `importers`, of the top level) naming the
/// project's direct dependencies.
const IMPORTER_SECTIONS: [&str; 3] = ["dependencies", "devDependencies", "optionalDependencies"];

/// saphyr builds nested collections recursively, so deep enough nesting overflows the stack
/// (about a thousand levels on a 2 MiB thread in a debug build) instead of failing. It caps
/// flow nesting (`[[[`) at 255 levels itself. Each level of block nesting takes at least one
/// column before a line's content, as indentation or as `- `, `? `, `: ` indicators, so
/// bounding that prefix bounds the depth; pnpm writes a handful of levels.
const MAX_LINE_PREFIX: usize = 256;

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

/// [`parse`], also returning the `packages` keys it had to leave out.
///
/// A key that names no package (`invalidpath`, a `file:` directory without a `version`) says
/// the lockfile is odd, not that the rest of it is wrong. Other readers fail the whole file
/// for it; here the other packages are still returned, since dropping them would hide every
/// dependency of the project from the policy, and the skipped keys are handed back so that
/// the caller can report them.
///
/// # Errors
///
/// As [`parse`].
pub fn parse_with_skipped(text: &str) -> Result<(Lockfile, Vec<SkippedKey>), ParseError> {
    check_nesting(text)?;
    let positions = Positions::new(text);
    let documents =
        MarkedYaml::load_from_str(text).map_err(|error| yaml_error(&error, &positions))?;
    let root = documents.iter().map(untagged).filter(|doc| !is_null(doc)).last();
    let Some(root) = root else {
        // An empty lockfile still stands for the project beside it.
        return Ok((single_project(Lockfile::default()), Vec::new()));
    };
    if !root.data.is_mapping() {
        return Err(ParseError::at(
            format!(
                "a pnpm lockfile must be a mapping at the top level, found {}",
                kind(root)
            ),
            positions.span(root),
        ));
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

/// Refuses a text nested deeper than [`MAX_LINE_PREFIX`] allows, before saphyr sees it.
fn check_nesting(text: &str) -> Result<(), ParseError> {
    let mut offset = 0;
    for (number, line) in text.split('\n').enumerate() {
        let prefix = line
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'-' | b'?' | b':'))
            .count();
        if prefix > MAX_LINE_PREFIX {
            return Err(ParseError::at(
                format!(
                    "line {} starts {prefix} columns deep; a pnpm lockfile never nests this \
                     deep, and reading it could exhaust the stack",
                    number + 1
                ),
                Span::new(offset, prefix),
            ));
        }
        offset += line.len() + 1;
    }
    Ok(())
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
        return Err(ParseError::at(
            format!("`{name}` must be a mapping, found {}", kind(node)),
            positions.span(node),
        ));
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
                let written = self.positions.text.get(span.offset..span.offset + span.len);
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
                    self.by_name_version.insert((name.clone(), version.clone()), index);
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
        let mut found: Vec<(usize, Vec<(String, Option<usize>)>)> = Vec::new();
        for &(index, entry) in edge_lists {
            let mut edges = Vec::new();
            for (section_key, section) in entries(entry) {
                if !EDGE_SECTIONS.iter().any(|name| key_is(section_key, name)) {
                    continue;
                }
                for (dep_key, reference) in entries(section) {
                    let Some(dep_name) = scalar_text(dep_key, self.positions) else {
                        continue;
                    };
                    let target = scalar_text(reference, self.positions)
                        .and_then(|reference| self.resolve(&dep_name, &reference));
                    edges.push((dep_name, target));
                }
            }
            found.push((index, edges));
        }
        for (index, edges) in found {
            let Some(package) = self.packages.get_mut(index) else {
                continue;
            };
            for (name, target) in edges {
                if !package.dependencies.contains(&name) {
                    package.dependencies.push(name);
                }
                if let Some(target) = target {
                    if !package.depends_on.contains(&target) {
                        package.depends_on.push(target);
                    }
                }
            }
        }
    }

    /// The direct dependencies an importer (or the top level of a single-project lockfile)
    /// resolves to. `link:` references are workspace projects, not packages.
    fn importer_dependencies(&self, importer: &MarkedYaml<'_>) -> Vec<(String, usize)> {
        let mut dependencies = Vec::new();
        for (section_key, section) in entries(importer) {
            if !IMPORTER_SECTIONS.iter().any(|name| key_is(section_key, name)) {
                continue;
            }
            for (dep_key, value) in entries(section) {
                let Some(dep_name) = scalar_text(dep_key, self.positions) else {
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
                let dependency = (dep_name, index);
                if !dependencies.contains(&dependency) {
                    dependencies.push(dependency);
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

/// A package's name and version: the entry's `name` and `version` fields when it has them
/// (packages that do not come from the registry), else what the key says.
fn identity(key: &str, entry: &MarkedYaml<'_>, positions: &Positions<'_>) -> Option<(String, String)> {
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

// ---------------------------------------------------------------------------------------------
// YAML helpers (as in `compose.rs`)
// ---------------------------------------------------------------------------------------------

fn yaml_error(error: &ScanError, positions: &Positions<'_>) -> ParseError {
    let marker = error.marker();
    let offset = positions.byte(marker.index());
    let len = positions
        .text
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    ParseError::at(
        format!(
            "invalid YAML: {} (line {}, column {})",
            error.info(),
            marker.line(),
            marker.col() + 1
        ),
        Span::new(offset, len),
    )
}

/// Looks through tags (`!!str`), which pnpm does not write but YAML allows anywhere.
fn untagged<'a, 'i>(node: &'a MarkedYaml<'i>) -> &'a MarkedYaml<'i> {
    let mut node = node;
    while let YamlData::Tagged(_, inner) = &node.data {
        node = inner;
    }
    node
}

fn is_null(node: &MarkedYaml<'_>) -> bool {
    matches!(
        untagged(node).data,
        YamlData::Value(Scalar::Null) | YamlData::BadValue
    )
}

fn kind(node: &MarkedYaml<'_>) -> &'static str {
    match &untagged(node).data {
        YamlData::Sequence(_) => "a sequence",
        YamlData::Mapping(_) => "a mapping",
        YamlData::Value(Scalar::String(_)) | YamlData::Representation(..) => "a string",
        YamlData::Value(Scalar::Integer(_) | Scalar::FloatingPoint(_)) => "a number",
        YamlData::Value(Scalar::Boolean(_)) => "a boolean",
        YamlData::Value(Scalar::Null) | YamlData::BadValue => "nothing",
        YamlData::Alias(_) => "an alias",
        YamlData::Tagged(..) => "a tagged value",
    }
}

/// A scalar as text: strings as they are, other scalars as written in the file, since YAML's
/// number reading would turn `lockfileVersion: 5.10` or a version `1.10` into `1.1`.
fn scalar_text(node: &MarkedYaml<'_>, positions: &Positions<'_>) -> Option<String> {
    match &untagged(node).data {
        YamlData::Value(Scalar::String(value)) => Some(value.to_string()),
        YamlData::Representation(value, ..) => Some(value.to_string()),
        YamlData::Value(Scalar::Null) => None,
        YamlData::Value(scalar) => {
            let written = positions
                .text
                .get(positions.value_range(node))
                .map(str::trim)
                .filter(|written| !written.is_empty());
            match (written, scalar) {
                (Some(written), _) => Some(written.to_string()),
                (None, Scalar::Boolean(value)) => Some(value.to_string()),
                (None, Scalar::Integer(value)) => Some(value.to_string()),
                (None, Scalar::FloatingPoint(value)) => Some(value.to_string()),
                (None, _) => None,
            }
        }
        _ => None,
    }
}

fn key_is(node: &MarkedYaml<'_>, key: &str) -> bool {
    matches!(&untagged(node).data, YamlData::Value(Scalar::String(text)) if text == key)
}

fn lookup<'a, 'i>(mapping: &'a MarkedYaml<'i>, key: &str) -> Option<&'a MarkedYaml<'i>> {
    entries(mapping)
        .find(|(candidate, _)| key_is(candidate, key))
        .map(|(_, value)| value)
}

/// A mapping's entries in file order; nothing for any other node.
fn entries<'a, 'i>(
    node: &'a MarkedYaml<'i>,
) -> impl Iterator<Item = (&'a MarkedYaml<'i>, &'a MarkedYaml<'i>)> {
    let map = match &untagged(node).data {
        YamlData::Mapping(map) => Some(map),
        _ => None,
    };
    map.into_iter().flat_map(|map| map.iter())
}

/// Converts saphyr's positions, which count characters, to byte offsets in the file.
struct Positions<'t> {
    text: &'t str,
    /// Byte offset of each character; None when the text is ASCII (then they are equal).
    char_starts: Option<Vec<usize>>,
}

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Positions<'t> {
        Positions {
            text,
            char_starts: (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect()),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_starts {
            None => char_index.min(self.text.len()),
            Some(starts) => starts.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    fn range(&self, node: &MarkedYaml<'_>) -> Range<usize> {
        let start = self.byte(node.span.start.index());
        start..self.byte(node.span.end.index()).max(start)
    }

    fn span(&self, node: &MarkedYaml<'_>) -> Span {
        Span::from_range(self.range(node))
    }

    fn value_span(&self, node: &MarkedYaml<'_>) -> Span {
        Span::from_range(self.value_range(node))
    }

    /// Where a scalar's value is written: after any tag or anchor, inside the quotes of a
    /// quoted scalar (pnpm quotes scoped names and keys with peers), so that the span text is
    /// the key itself. saphyr's end marker for a quoted scalar can run on over blanks.
    fn value_range(&self, node: &MarkedYaml<'_>) -> Range<usize> {
        let Range { mut start, end } = self.range(node);
        loop {
            let rest = self.text.get(start..end).unwrap_or("");
            if !(rest.starts_with('!') || rest.starts_with('&')) {
                break;
            }
            let property = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let after = rest.get(property..).unwrap_or("");
            start += property + (after.len() - after.trim_start().len());
        }
        let rest = self.text.get(start..).unwrap_or("");
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        match quote.and_then(|quote| closing_quote(rest, quote)) {
            Some(close) => start + 1..start + close,
            None => {
                let written = self.text.get(start..end.max(start)).unwrap_or("");
                start..start + written.trim_end().len()
            }
        }
    }
}

/// The byte index in `text` (which starts with the opening `quote`) of the closing quote.
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((index, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            // In single quotes a doubled quote stands for one quote.
            if quote == '\'' && chars.peek().is_some_and(|&(_, next)| next == '\'') {
                chars.next();
                continue;
            }
            return Some(index);
        }
    }
    None
}
