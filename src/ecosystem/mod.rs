//! The registry: every ecosystem techpolicy reads, listed once.
//!
//! An ecosystem is one folder (`cargo/`, `npm/`, `docker/`): one file per format it reads, its
//! own resolution against its lockfiles, and a `mod.rs` that answers [`Rules`] for it: its id
//! and package-URL type, which files it reads, how its names and versions are compared and
//! shown, and how its manifests resolve. The rest of the crate asks the ecosystem
//! ([`Ecosystem::rules`]) instead of matching on it; this file holds the only `match`es on an
//! ecosystem or a manifest kind, each exhaustive, so that a new variant makes the compiler
//! point at every place that must learn about it. "Adding an ecosystem" in `ARCHITECTURE.md`
//! lists the steps.
//!
//! Shared model types (what a parser yields, what a scan yields) live in `crate::manifest`,
//! with the syntax helpers every format uses.

pub mod cargo;
pub mod docker;
pub mod npm;

use crate::manifest::{Lockfile, Manifest, ParseError, Parsed};
use crate::resolve::{Linker, Lockfiles};
use crate::scan::ParsedFile;
use std::borrow::Cow;
use std::fmt;

/// The package worlds a policy can speak about (`ECOSYSTEM:NAME` in a match rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    Cargo,
    Npm,
    Docker,
}

impl Ecosystem {
    /// Every ecosystem, in declaration order: the order reports sort by and detection tries.
    pub const ALL: [Ecosystem; 3] = [Ecosystem::Cargo, Ecosystem::Npm, Ecosystem::Docker];

    /// What the ecosystem says about itself: the one `match` that picks an ecosystem's rules.
    pub fn rules(self) -> &'static dyn Rules {
        match self {
            Ecosystem::Cargo => &cargo::Cargo,
            Ecosystem::Npm => &npm::Npm,
            Ecosystem::Docker => &docker::Docker,
        }
    }

    /// The id written in match rules and reports (`cargo`).
    pub fn as_str(self) -> &'static str {
        self.rules().id()
    }

    /// The ecosystem whose id is `text`.
    pub fn parse(text: &str) -> Option<Ecosystem> {
        Ecosystem::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// The ecosystem whose package-URL type is `purl_type` (lowercase, as the spec writes it).
    pub fn from_purl_type(purl_type: &str) -> Option<Ecosystem> {
        Ecosystem::ALL
            .into_iter()
            .find(|e| e.rules().purl_type() == purl_type)
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Ecosystem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// `a, b and c` of every ecosystem's `field`, for messages that name them all.
pub fn list_in_prose(field: impl Fn(&dyn Rules) -> &'static str) -> String {
    let names: Vec<&str> = Ecosystem::ALL.iter().map(|e| field(e.rules())).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Every ecosystem's `field`, comma-separated (`cargo, npm, docker`).
pub fn list(field: impl Fn(&dyn Rules) -> &'static str) -> String {
    let names: Vec<&str> = Ecosystem::ALL.iter().map(|e| field(e.rules())).collect();
    names.join(", ")
}

/// What the rest of the crate asks an ecosystem. Each folder implements it once, on a unit
/// struct. No method has a default: a new ecosystem answers every question itself rather
/// than inheriting another's answer (a PyPI manifest resolved by Node's `node_modules`
/// lookup, say).
pub trait Rules: Sync {
    // Identity.

    /// The id in match rules (`cargo:serde`) and in reports (`"ecosystem": "cargo"`).
    fn id(&self) -> &'static str;
    /// The package-URL type a match rule may use instead (`pkg:cargo/serde`).
    fn purl_type(&self) -> &'static str;
    /// The name in prose (`Cargo`, `npm`, `Docker`), as the README's tables write it.
    fn display_name(&self) -> &'static str;
    /// What one of its packages is called in messages: `crate`, `package`, `image`.
    fn noun(&self) -> &'static str;

    // Files.

    /// The file names it reads, each with the kind it is read as, in the order they are tried.
    fn files(&self) -> &'static [FilePattern];
    /// The kind of the file at `path` (relative to the scanned directory, `/`-separated) when
    /// this ecosystem reads it. By path so that a format can be recognised by where it lies
    /// (`.github/workflows/*.yml`), not only by its name.
    fn detect(&self, path: &str) -> Option<ManifestKind>;
    /// The file names that resolve a named file of `kind` (one of this ecosystem's), looked
    /// for in its directory and each one above it when files are named (`check a/package.json`,
    /// as pre-commit runs it): its lockfiles, Cargo's workspace roots, the manifests a named
    /// lockfile's packages are declared in.
    fn context_names(&self, kind: ManifestKind) -> &'static [&'static str];
    /// Its lockfile names, the one its tools read first when a directory holds several first
    /// (npm's shrinkwrap before its package-lock, then pnpm's, then yarn's).
    fn lockfile_preference(&self) -> &'static [&'static str];
    /// How a declaration's `source` begins when it is the project's own code (a path or
    /// workspace dependency) or an image that could not be resolved: nothing a policy can
    /// classify.
    fn own_source_prefixes(&self) -> &'static [&'static str];

    // Names and versions.

    /// The name as this ecosystem compares names: the canonical image name, the lowercase
    /// `-` crate name, npm names as written.
    fn normalise_name<'a>(&self, name: &'a str) -> Cow<'a, str>;
    /// Whether `name` can be a package's name at all: an image reference left unresolved as
    /// written (`${BASE}`) cannot, and matches no rule.
    fn is_matchable_name(&self, name: &str) -> bool;
    /// Whether `test` holds for any spelling a `/regex/` rule is tried against, given the
    /// name as written and as normalised (a crate's either spelling, an image's canonical
    /// and short names).
    fn regex_subjects(
        &self,
        written: &str,
        normalised: &str,
        test: &mut dyn FnMut(&str) -> bool,
    ) -> bool;
    /// Whether a `*` in a rule's name stays within one `/`-separated component.
    fn glob_within_component(&self) -> bool;
    /// A resolved or pinned version (lockfile version, image tag) as a semver version.
    fn parse_version(&self, version: &str) -> Option<semver::Version>;
    /// A declared requirement (trimmed) as a range, when there is no resolved version.
    fn declared_range(&self, requirement: &str) -> Option<nodejs_semver::Range>;
    /// What stands between a name and its version in messages: `mongo:7`, `serde 1.0.1`.
    fn version_separator(&self) -> &'static str;
    /// Whether a dependency's `source` qualifies its version, so that a report without a
    /// source column shows it beside the version: an image's `tag unresolved: $V`.
    fn source_qualifies_version(&self) -> bool;

    // Resolution.

    /// How its manifests resolve against its lockfiles, prepared for one scan's `files`.
    fn linker<'a>(
        &self,
        files: &'a [ParsedFile],
        lockfiles: &'a Lockfiles<'a>,
    ) -> Box<dyn Linker + 'a>;
}

/// A file name an ecosystem reads, written out (`Cargo.toml`) or with one `*` standing for
/// any text, possibly none (`*.Dockerfile`, `docker-compose*.yml`), and the kind it is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilePattern {
    pub name: &'static str,
    pub kind: ManifestKind,
    /// Where the `*` is, found once when the pattern is written: the walk asks every pattern
    /// about every file of the tree.
    star: Option<usize>,
}

impl FilePattern {
    pub const fn new(name: &'static str, kind: ManifestKind) -> FilePattern {
        let bytes = name.as_bytes();
        let mut star = None;
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at] == b'*' {
                star = Some(at);
                break;
            }
            at += 1;
        }
        FilePattern { name, kind, star }
    }

    /// A name with no `*`: a file by this name is a manifest wherever it lies, so that a
    /// directory or a broken link by this name is worth a diagnostic.
    pub fn is_exact(&self) -> bool {
        self.star.is_none()
    }

    pub fn matches(&self, file_name: &str) -> bool {
        match self.star {
            None => file_name == self.name,
            Some(at) => {
                let (prefix, suffix) = (&self.name[..at], &self.name[at + 1..]);
                file_name.len() >= prefix.len() + suffix.len()
                    && file_name.starts_with(prefix)
                    && file_name.ends_with(suffix)
            }
        }
    }
}

/// The kind of the file at `path` by its name alone: the first of `files` that matches.
pub fn detect_by_name(files: &[FilePattern], path: &str) -> Option<ManifestKind> {
    let name = path.rsplit('/').next().unwrap_or(path);
    files.iter().find(|f| f.matches(name)).map(|f| f.kind)
}

/// Whether `file_name` is one that some ecosystem reads whatever the directory
/// ([`FilePattern::is_exact`]).
pub fn is_exact_name(file_name: &str) -> bool {
    Ecosystem::ALL.iter().any(|e| {
        e.rules()
            .files()
            .iter()
            .any(|f| f.is_exact() && f.name == file_name)
    })
}

/// The formats techpolicy reads. Which files are of which kind is each ecosystem's business
/// ([`Rules::detect`]); [`ManifestKind::format`] pairs each kind with its ecosystem and parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ManifestKind {
    CargoToml,
    CargoLock,
    PackageJson,
    PackageLock,
    PnpmLock,
    YarnLock,
    Dockerfile,
    Compose,
}

/// How one kind of file is read: the ecosystem it belongs to and its parser.
#[derive(Clone, Copy, Debug)]
pub struct Format {
    pub ecosystem: Ecosystem,
    pub reader: Reader,
}

/// A parser, by what it yields.
#[derive(Clone, Copy, Debug)]
pub enum Reader {
    /// A file that declares dependencies or images.
    Manifest(fn(&str) -> Result<Manifest, ParseError>),
    /// A lockfile.
    Lockfile {
        parse: fn(&str) -> Result<Lockfile, ParseError>,
        /// The reading of a lockfile read only to resolve other files' declarations, which
        /// may leave out the entries that no wanted name (declared names, and the aliases
        /// they are installed under) can resolve to; None when the lockfile is read whole.
        for_context: Option<ContextReader>,
    },
}

/// A lockfile's partial reading (`for_context` of [`Reader::Lockfile`]): the text, and the
/// test of a wanted name.
pub type ContextReader = fn(&str, &dyn Fn(&str) -> bool) -> Result<Lockfile, ParseError>;

impl ManifestKind {
    /// The kind of the file at `path` (relative to the scanned directory, `/`-separated; a
    /// bare file name will do), asking each ecosystem in turn.
    pub fn detect(path: &str) -> Option<ManifestKind> {
        Ecosystem::ALL
            .into_iter()
            .find_map(|ecosystem| ecosystem.rules().detect(path))
    }

    /// The ecosystem and parser of this kind: each folder declares its formats, this `match`
    /// lists them all.
    pub fn format(self) -> &'static Format {
        match self {
            ManifestKind::CargoToml => &cargo::CARGO_TOML,
            ManifestKind::CargoLock => &cargo::CARGO_LOCK,
            ManifestKind::PackageJson => &npm::PACKAGE_JSON,
            ManifestKind::PackageLock => &npm::PACKAGE_LOCK,
            ManifestKind::PnpmLock => &npm::PNPM_LOCK,
            ManifestKind::YarnLock => &npm::YARN_LOCK,
            ManifestKind::Dockerfile => &docker::DOCKERFILE,
            ManifestKind::Compose => &docker::COMPOSE,
        }
    }

    pub fn ecosystem(self) -> Ecosystem {
        self.format().ecosystem
    }

    pub fn is_lockfile(self) -> bool {
        matches!(self.format().reader, Reader::Lockfile { .. })
    }

    /// A lockfile with a partial reading for context ([`ManifestKind::parse_for_context`]).
    pub fn reads_partially(self) -> bool {
        matches!(
            self.format().reader,
            Reader::Lockfile {
                for_context: Some(_),
                ..
            }
        )
    }

    /// Runs the parser for this kind.
    pub fn parse(self, text: &str) -> Result<Parsed, ParseError> {
        match self.format().reader {
            Reader::Manifest(parse) => parse(text).map(Parsed::Manifest),
            Reader::Lockfile { parse, .. } => parse(text).map(Parsed::Lockfile),
        }
    }

    /// Runs the parser for a lockfile read only to resolve other files' declarations, which
    /// may leave out the entries that no name in `wanted` (declared names, and the aliases
    /// they are installed under) can resolve to: the npm lockfiles do; Cargo.lock is read
    /// whole.
    pub fn parse_for_context(
        self,
        text: &str,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<Parsed, ParseError> {
        match self.format().reader {
            Reader::Lockfile {
                for_context: Some(parse),
                ..
            } => parse(text, wanted).map(Parsed::Lockfile),
            Reader::Lockfile {
                for_context: None, ..
            }
            | Reader::Manifest(_) => self.parse(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ecosystem_is_listed_once_and_owns_its_kinds() {
        // A new variant fails to compile here until it is added to `ALL`.
        for ecosystem in Ecosystem::ALL {
            match ecosystem {
                Ecosystem::Cargo | Ecosystem::Npm | Ecosystem::Docker => {}
            }
            assert_eq!(Ecosystem::parse(ecosystem.as_str()), Some(ecosystem));
            assert_eq!(
                Ecosystem::from_purl_type(ecosystem.rules().purl_type()),
                Some(ecosystem)
            );
            for file in ecosystem.rules().files() {
                assert_eq!(file.kind.ecosystem(), ecosystem, "{}", file.name);
                assert!(
                    file.name.matches('*').count() <= 1,
                    "{}: one `*` at most",
                    file.name
                );
            }
        }
        let ids: Vec<&str> = Ecosystem::ALL.iter().map(|e| e.as_str()).collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
        assert_eq!(list(|r| r.id()), "cargo, npm, docker");
        assert_eq!(list_in_prose(|r| r.display_name()), "Cargo, npm and Docker");
    }

    #[test]
    fn every_file_name_detects_as_its_kind() {
        for ecosystem in Ecosystem::ALL {
            let rules = ecosystem.rules();
            for file in rules.files() {
                // `*` as some text and as none: both are the pattern's files.
                for example in [file.name.replace('*', "x"), file.name.replace('*', "")] {
                    assert_eq!(
                        ManifestKind::detect(&format!("a/b/{example}")),
                        Some(file.kind),
                        "{example}"
                    );
                }
                // A lockfile is one its ecosystem ranks, never one it forgets.
                if file.kind.is_lockfile() {
                    assert!(
                        rules.lockfile_preference().contains(&file.name),
                        "{}",
                        file.name
                    );
                }
            }
        }
    }

    #[test]
    fn detects_manifest_names() {
        let cases = [
            ("Cargo.toml", Some(ManifestKind::CargoToml)),
            ("Cargo.lock", Some(ManifestKind::CargoLock)),
            ("package.json", Some(ManifestKind::PackageJson)),
            ("package-lock.json", Some(ManifestKind::PackageLock)),
            ("npm-shrinkwrap.json", Some(ManifestKind::PackageLock)),
            ("pnpm-lock.yaml", Some(ManifestKind::PnpmLock)),
            ("yarn.lock", Some(ManifestKind::YarnLock)),
            ("Dockerfile", Some(ManifestKind::Dockerfile)),
            ("Containerfile", Some(ManifestKind::Dockerfile)),
            ("api.Dockerfile", Some(ManifestKind::Dockerfile)),
            ("base.dockerfile", Some(ManifestKind::Dockerfile)),
            (".Dockerfile", Some(ManifestKind::Dockerfile)),
            ("Dockerfile.prod", Some(ManifestKind::Dockerfile)),
            ("Dockerfile.", Some(ManifestKind::Dockerfile)),
            ("Containerfile.fedora", Some(ManifestKind::Dockerfile)),
            ("docker-compose.Dockerfile", Some(ManifestKind::Dockerfile)),
            (
                "Dockerfile.docker-compose.yml",
                Some(ManifestKind::Dockerfile),
            ),
            ("compose.yaml", Some(ManifestKind::Compose)),
            ("compose.yml", Some(ManifestKind::Compose)),
            ("docker-compose.yml", Some(ManifestKind::Compose)),
            ("docker-compose.override.yaml", Some(ManifestKind::Compose)),
            (
                "services/api/docker-compose.yml",
                Some(ManifestKind::Compose),
            ),
            ("a/b/Cargo.toml", Some(ManifestKind::CargoToml)),
            ("Cargo.toml.orig", None),
            ("package.json5", None),
            ("README.md", None),
            ("docker-compose", None),
            ("docker-compose.json", None),
            ("Cargo.toml/README.md", None),
        ];
        for (name, kind) in cases {
            assert_eq!(ManifestKind::detect(name), kind, "{name}");
        }
        assert!(is_exact_name("yarn.lock"));
        assert!(is_exact_name("Containerfile"));
        assert!(!is_exact_name("Dockerfile.prod"));
    }
}
