//! Cargo: `Cargo.toml` and `Cargo.lock`, workspaces (which root claims which member), how a
//! member's declarations resolve through its workspace's Cargo.lock, and `--cargo-metadata`
//! (Cargo's own resolve graph, run offline on request).

pub mod cargo_lock;
pub mod cargo_toml;
pub mod metadata;
pub(crate) mod resolve;
pub mod workspace;

use super::{FilePattern, Format, ManifestKind, Reader, Rules};
use crate::resolve::{Linker, Lockfiles};
use crate::scan::ParsedFile;
use std::borrow::Cow;

/// Cargo's answers to [`Rules`].
pub struct Cargo;

pub(crate) const CARGO_TOML: Format = Format {
    ecosystem: super::Ecosystem::Cargo,
    reader: Reader::Manifest(cargo_toml::parse),
};

pub(crate) const CARGO_LOCK: Format = Format {
    ecosystem: super::Ecosystem::Cargo,
    // Read whole even for context: a member's declarations resolve through its own entry's
    // dependency list, and no declared name names that entry.
    reader: Reader::Lockfile {
        parse: cargo_lock::parse,
        for_context: None,
    },
};

const FILES: [FilePattern; 2] = [
    FilePattern::new("Cargo.toml", ManifestKind::CargoToml),
    FilePattern::new("Cargo.lock", ManifestKind::CargoLock),
];

impl Rules for Cargo {
    fn id(&self) -> &'static str {
        "cargo"
    }

    fn purl_type(&self) -> &'static str {
        "cargo"
    }

    fn display_name(&self) -> &'static str {
        "Cargo"
    }

    fn noun(&self) -> &'static str {
        "crate"
    }

    fn files(&self) -> &'static [FilePattern] {
        &FILES
    }

    fn detect(&self, path: &str) -> Option<ManifestKind> {
        super::detect_by_name(&FILES, path)
    }

    fn context_names(&self, _kind: ManifestKind) -> &'static [&'static str] {
        // A Cargo.toml resolves through the Cargo.lock beside its workspace root, whose
        // Cargo.toml says whether it is a member; a named Cargo.lock needs the manifests that
        // declare its packages.
        &["Cargo.lock", "Cargo.toml"]
    }

    fn lockfile_preference(&self) -> &'static [&'static str] {
        &["Cargo.lock"]
    }

    fn own_source_prefixes(&self) -> &'static [&'static str] {
        // `path+../x`, as `cargo_toml` writes a path dependency's source.
        &["path+"]
    }

    fn normalise_name<'a>(&self, name: &'a str) -> Cow<'a, str> {
        // Crates are the same crate whatever the case and whether `-` or `_` is written.
        name.to_ascii_lowercase().replace('_', "-").into()
    }

    fn is_matchable_name(&self, _name: &str) -> bool {
        true
    }

    fn regex_subjects(
        &self,
        written: &str,
        normalised: &str,
        test: &mut dyn FnMut(&str) -> bool,
    ) -> bool {
        test(written) || test(normalised)
    }

    fn glob_within_component(&self) -> bool {
        false
    }

    fn parse_version(&self, version: &str) -> Option<semver::Version> {
        crate::matcher::parse_package_version(version)
    }

    fn declared_range(&self, requirement: &str) -> Option<nodejs_semver::Range> {
        // Cargo's requirement syntax is the semver crate's, which the rules use too.
        semver::VersionReq::parse(requirement)
            .ok()
            .and_then(|req| crate::matcher::requirement_to_range(&req))
    }

    fn version_separator(&self) -> &'static str {
        " "
    }

    fn source_qualifies_version(&self) -> bool {
        false
    }

    fn linker<'a>(
        &self,
        files: &'a [ParsedFile],
        lockfiles: &'a Lockfiles<'a>,
    ) -> Box<dyn Linker + 'a> {
        Box::new(resolve::CargoLinker::new(files, lockfiles))
    }
}
