//! The shared model: what parsers yield ([`Manifest`] with its [`Declared`] entries,
//! [`Lockfile`] with its [`LockedPackage`] entries, or a [`ParseError`]), what a scan yields
//! ([`Dependency`], [`FileError`]), and the syntax helpers every format uses (JSON and YAML
//! readers with byte positions, line blocks, the nesting guard).
//!
//! Parsers (one file per format, in the ecosystem's folder under `crate::ecosystem`) know
//! nothing of the policy nor of other files: they return what the file itself says, with a
//! byte span for every entry. Linking a manifest to its lockfile, resolving
//! `workspace = true` and Node's `node_modules` lookup happen later, in `crate::resolve`
//! with each ecosystem's rules.

pub(crate) mod blocks;
pub(crate) mod json;
pub(crate) mod yaml;

pub use crate::ecosystem::{Ecosystem, ManifestKind};
use serde::Serialize;
use std::fmt;

/// A byte range inside the file a parser was given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(offset: usize, len: usize) -> Span {
        Span { offset, len }
    }

    pub fn from_range(range: std::ops::Range<usize>) -> Span {
        Span {
            offset: range.start,
            len: range.end.saturating_sub(range.start),
        }
    }
}

/// What one file yields.
#[derive(Clone, Debug)]
pub enum Parsed {
    Manifest(Manifest),
    Lockfile(Lockfile),
}

/// A file that declares dependencies (Cargo.toml, package.json) or images (Dockerfile, compose).
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// The package this manifest describes (`[package] name`, package.json `name`), if any.
    pub package_name: Option<String>,
    /// Every declaration, in file order.
    pub declared: Vec<Declared>,
    /// Cargo only: `[workspace.dependencies]` of a workspace root, by the key members use in
    /// `dep.workspace = true`. These are also listed in `declared` (they are declarations too).
    pub workspace_dependencies: Vec<Declared>,
    /// Cargo only: true when this Cargo.toml has a `[workspace]` table.
    pub is_workspace_root: bool,
    /// Other files this one makes part of the build, relative to its directory, with the kind
    /// to read them as: a compose service's `build.dockerfile`, an `extends.file`. The walk
    /// reads them too when their names alone would not have been recognised.
    pub references: Vec<(String, ManifestKind)>,
    /// Cargo only: `[workspace] members` as written: paths relative to the root's directory,
    /// each component possibly a glob (`crates/*`).
    pub workspace_members: Vec<String>,
    /// Cargo only: `[workspace] exclude` as written: paths relative to the root's directory
    /// whose Cargo.toml files are not members (Cargo compares them as path prefixes).
    pub workspace_exclude: Vec<String>,
    /// Cargo only: `package.workspace`, the directory of this package's workspace root when it
    /// is not the nearest one above it, relative to this Cargo.toml's directory.
    pub workspace_path: Option<String>,
}

/// One dependency or image as a manifest declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub ecosystem: Ecosystem,
    /// The real package name (after `package = "..."` renames and `npm:` aliases) or, for
    /// Docker, the image name as written without tag or digest (`mongo`, `ghcr.example/a/b`).
    pub name: String,
    /// The key the dependency is declared under when it differs from `name` (a Cargo rename,
    /// an npm alias). Lockfiles are keyed by it (npm installs an alias under its alias).
    pub alias: Option<String>,
    /// The declared version requirement (`^1.2`, `>=3, <4`), when the declaration has one.
    /// None for path/git/workspace-inherited declarations and for images. A Cargo `[replace]`
    /// key's version is exact: `"foo:1.0.0"` gives `=1.0.0`.
    pub requirement: Option<String>,
    /// A pinned version the manifest states outright: the Docker tag (with `@digest` when one
    /// is given, `latest` when no tag is written). None for packages.
    pub version: Option<String>,
    /// Where the declaration stands: the dependency key (`serde = ...`, `"lodash": ...`), the
    /// `FROM` image, the `image:` value.
    pub span: Span,
    /// Which table or section declared it (`dependencies`, `dev-dependencies`,
    /// `target.'cfg(unix)'.dependencies`, `patch.crates-io`, `replace`, `devDependencies`,
    /// `FROM`, `services.db.image`).
    pub section: String,
    /// Cargo only: `dep.workspace = true`, to be completed from the workspace root.
    pub workspace_inherited: bool,
    /// Where the dependency comes from when it is not a registry: `path+../x`, `git+URL`,
    /// `file:../x`, `link:`, `workspace:*`. None for registry dependencies.
    pub source: Option<String>,
}

impl Declared {
    /// A registry dependency with a requirement; the common case for parsers.
    pub fn new(ecosystem: Ecosystem, name: impl Into<String>, span: Span) -> Declared {
        Declared {
            ecosystem,
            name: name.into(),
            alias: None,
            requirement: None,
            version: None,
            span,
            section: String::new(),
            workspace_inherited: false,
            source: None,
        }
    }
}

/// One dependency or image of a scan, declared in a manifest or locked in a lockfile: what
/// `crate::resolve` makes of the parsers' output, what the policy is checked against and
/// what reports list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    pub name: String,
    /// The resolved version (from the lockfile), or the image tag.
    pub version: Option<String>,
    /// The declared requirement.
    pub requirement: Option<String>,
    /// Relative to the scanned root, with `/`.
    pub file: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub span: Span,
    /// Declared by a manifest of the repository (or, for a lockfile entry, the package such a
    /// declaration resolves to), as opposed to pulled in by another package.
    pub direct: bool,
    /// Where a non-registry dependency comes from (path, git, file, workspace), or why an
    /// image reference could not be resolved.
    pub source: Option<String>,
    /// The table or section that declares it, or [`Section::Lockfile`] for lockfile entries.
    pub section: Section,
    /// The lockfile a declaration was resolved through, or that lists this entry.
    pub lockfile: Option<std::sync::Arc<str>>,
    /// For a lockfile entry that no declaration resolves to: the shortest chain of packages
    /// that brings it in, from a direct dependency to the package's dependent (the package
    /// itself is not repeated). Empty for declarations, direct entries, and entries that
    /// nothing in the lockfile's graph reaches.
    pub via: Vec<String>,
}

impl Dependency {
    /// A lockfile entry rather than a declaration.
    pub fn is_locked_entry(&self) -> bool {
        self.section == Section::Lockfile
    }

    /// A declaration of the project's own code (a path or workspace dependency, a file link)
    /// or an image that could not be resolved: nothing a policy can classify.
    pub fn is_own_package(&self) -> bool {
        self.source.as_deref().is_some_and(|source| {
            self.ecosystem
                .rules()
                .own_source_prefixes()
                .iter()
                .any(|prefix| source.starts_with(prefix))
        })
    }
}

/// Where a [`Dependency`] was found: a manifest's section, or a lockfile's package list.
/// Written as a string in JSON (`"dependencies"`, `"FROM"`, `"lockfile"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Section {
    /// The table or section that declares it ([`Declared::section`]).
    Declared(String),
    /// An entry of a lockfile.
    Lockfile,
}

impl Section {
    /// The section as reports write it.
    pub fn as_str(&self) -> &str {
        match self {
            Section::Declared(section) => section,
            Section::Lockfile => "lockfile",
        }
    }
}

impl Serialize for Section {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A file that could not be read or parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// Relative to the scanned root, with `/` separators.
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub span: Option<Span>,
    pub message: String,
}

/// A lockfile: the resolved package set and how its packages depend on each other.
#[derive(Clone, Debug, Default)]
pub struct Lockfile {
    /// The format version the file declares (`version = 3`, `"lockfileVersion": 2`,
    /// `lockfileVersion: '9.0'` as 9, yarn berry's `__metadata.version`; yarn classic is 1).
    pub format_version: Option<u32>,
    /// Every package entry, in file order.
    pub packages: Vec<LockedPackage>,
    /// Which package.json files the lock covers, as directories relative to the lockfile's
    /// directory (`""` for the root, `packages/a`). Cargo lists its members as packages
    /// without a `source` instead.
    pub workspaces: Vec<String>,
    /// The lock covers every package.json below its directory whether listed in `workspaces`
    /// or not (yarn classic records no workspace list).
    pub covers_subtree: bool,
    /// Direct dependencies as the lockfile itself records them for each workspace (pnpm
    /// `importers`). Empty when the lock leaves that to a lookup (package-lock's
    /// `node_modules` paths, yarn's descriptors).
    pub importers: Vec<Importer>,
    /// yarn: every descriptor of an entry's key (`lodash@^4.17.0`, `lodash@npm:^4.17.0`), to the
    /// package it resolves to.
    pub descriptors: Vec<(String, usize)>,
}

/// One workspace of a lockfile and the packages its declarations resolve to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Importer {
    /// Directory relative to the lockfile's (`""` for the root).
    pub path: String,
    /// (the key as the package.json declares it, alias or name; index into `packages`).
    pub dependencies: Vec<(String, usize)>,
}

/// One resolved package in a lockfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockedPackage {
    pub name: String,
    pub version: String,
    /// Where the entry stands in the lockfile: the `name` key of a `[[package]]`, the
    /// `"node_modules/x"` key, the yarn entry's key line, the pnpm package key.
    pub span: Span,
    /// npm: the install path (`node_modules/a/node_modules/b`, nested v1 trees flattened to the
    /// same form). Otherwise empty.
    pub install_path: String,
    /// Cargo: the `source` (`registry+...`, `git+...`), None for workspace members and path
    /// packages. npm: the `resolved` URL or spec when present.
    pub source: Option<String>,
    /// A package of the project itself (a Cargo workspace member or path package, an npm
    /// workspace link target) rather than something fetched.
    pub local: bool,
    /// Cargo: the entry's `dependencies` strings as written (`serde`, `serde 1.0.1`,
    /// `serde 1.0.1 (registry+...)`). npm: the names of its dependencies.
    pub dependencies: Vec<String>,
    /// The packages this one depends on, as indices into `Lockfile::packages`, resolved by the
    /// parser with its format's rules. Edges that the file does not resolve are left out.
    pub depends_on: Vec<usize>,
}

/// The deepest nesting of arrays and objects (or YAML blocks) a parser is handed. Real
/// manifests nest a handful of levels; the parsers recurse per level, so a hostile file
/// nested 100,000 deep would otherwise exhaust the stack.
pub const MAX_NESTING: usize = 256;

/// Refuses text nested deeper than [`MAX_NESTING`], counting `open`/`close` bytes outside
/// strings delimited by `quote` (with backslash escapes).
pub fn check_nesting(
    text: &str,
    open: &[u8],
    close: &[u8],
    quote: Option<u8>,
) -> Result<(), ParseError> {
    // Every byte of every lockfile passes through here: classify bytes with a table, and
    // inside strings jump straight to the next quote or backslash.
    const OTHER: u8 = 0;
    const OPEN: u8 = 1;
    const CLOSE: u8 = 2;
    const QUOTE: u8 = 3;
    let mut class = [OTHER; 256];
    for &byte in close {
        class[usize::from(byte)] = CLOSE;
    }
    for &byte in open {
        class[usize::from(byte)] = OPEN;
    }
    if let Some(quote) = quote {
        class[usize::from(quote)] = QUOTE;
    }
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut offset = 0;
    while let Some(&byte) = bytes.get(offset) {
        match class[usize::from(byte)] {
            QUOTE => {
                // Skip the string: a backslash escapes the byte after it, whatever it is.
                offset += 1;
                loop {
                    let Some(found) = bytes
                        .get(offset..)
                        .and_then(|rest| rest.iter().position(|&b| b == b'\\' || Some(b) == quote))
                    else {
                        return Ok(());
                    };
                    offset += found;
                    if bytes[offset] == b'\\' {
                        offset += 2;
                    } else {
                        break;
                    }
                }
            }
            OPEN => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(ParseError::at(
                        format!("nested more than {MAX_NESTING} levels deep; techpolicy does not read deeper files"),
                        Span::new(offset, 1),
                    ));
                }
            }
            CLOSE => depth = depth.saturating_sub(1),
            _ => {}
        }
        offset += 1;
    }
    Ok(())
}

/// Why a file could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// Where in the file, when the parser knows.
    pub span: Option<Span>,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
            span: None,
        }
    }

    pub fn at(message: impl Into<String>, span: Span) -> ParseError {
        ParseError {
            message: message.into(),
            span: Some(span),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// The directory part of a `/`-separated relative path (`""` for the root).
pub(crate) fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |slash| &path[..slash])
}

/// `dir` and each of its ancestors up to the scanned root (`""`).
pub(crate) fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let current = next?;
        next = (!current.is_empty()).then(|| parent_dir(current));
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_limit() {
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        let error = check_nesting(&deep, b"[{", b"]}", Some(b'"')).expect_err("too deep");
        assert_eq!(error.span, Some(Span::new(MAX_NESTING, 1)));
        let fine = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(check_nesting(&fine, b"[{", b"]}", Some(b'"')).is_ok());
        // Brackets inside strings do not count, escaped quotes do not end them.
        let quoted = format!("[\"{}\\\"{}\"]", "[".repeat(1000), "{".repeat(1000));
        assert!(check_nesting(&quoted, b"[{", b"]}", Some(b'"')).is_ok());
    }
}
