//! npm: `package.json` and the lockfiles of npm (`package-lock.json`,
//! `npm-shrinkwrap.json`), pnpm (`pnpm-lock.yaml`) and yarn (`yarn.lock`, classic and berry),
//! and how a package.json resolves through them.

pub mod package_json;
pub mod package_lock;
pub mod pnpm_lock;
pub(crate) mod resolve;
pub mod yarn_lock;

use super::{FilePattern, Format, ManifestKind, Reader, Rules};
use crate::resolve::{Linker, Lockfiles};
use crate::scan::ParsedFile;
use std::borrow::Cow;

/// npm's answers to [`Rules`].
pub struct Npm;

pub(crate) const PACKAGE_JSON: Format = Format {
    ecosystem: super::Ecosystem::Npm,
    reader: Reader::Manifest(package_json::parse),
};

// Every npm lockfile has a partial reading for context: a monorepo's root lockfile runs to
// megabytes, and a pre-commit run over one package.json needs a few of its entries.

pub(crate) const PACKAGE_LOCK: Format = Format {
    ecosystem: super::Ecosystem::Npm,
    reader: Reader::Lockfile {
        parse: package_lock::parse,
        for_context: Some(|text, wanted| package_lock::parse_wanted(text, Some(wanted))),
    },
};

pub(crate) const PNPM_LOCK: Format = Format {
    ecosystem: super::Ecosystem::Npm,
    reader: Reader::Lockfile {
        parse: pnpm_lock::parse,
        for_context: Some(pnpm_lock::parse_wanted),
    },
};

pub(crate) const YARN_LOCK: Format = Format {
    ecosystem: super::Ecosystem::Npm,
    reader: Reader::Lockfile {
        parse: yarn_lock::parse,
        for_context: Some(yarn_lock::parse_wanted),
    },
};

const FILES: [FilePattern; 5] = [
    FilePattern::new("package.json", ManifestKind::PackageJson),
    FilePattern::new("package-lock.json", ManifestKind::PackageLock),
    FilePattern::new("npm-shrinkwrap.json", ManifestKind::PackageLock),
    FilePattern::new("pnpm-lock.yaml", ManifestKind::PnpmLock),
    FilePattern::new("yarn.lock", ManifestKind::YarnLock),
];

/// The lockfiles, the one the package managers read first when a directory holds several
/// first: npm's shrinkwrap before its package-lock, then pnpm's, then yarn's.
const LOCKFILES: [&str; 4] = [
    "npm-shrinkwrap.json",
    "package-lock.json",
    "pnpm-lock.yaml",
    "yarn.lock",
];

/// What a named lockfile needs: the other lockfiles (the one read first may be another), and
/// the package.json files that declare its packages.
const LOCK_CONTEXT: [&str; 5] = [
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "package.json",
];

impl Rules for Npm {
    fn id(&self) -> &'static str {
        "npm"
    }

    fn purl_type(&self) -> &'static str {
        "npm"
    }

    fn display_name(&self) -> &'static str {
        "npm"
    }

    fn noun(&self) -> &'static str {
        "package"
    }

    fn files(&self) -> &'static [FilePattern] {
        &FILES
    }

    fn detect(&self, path: &str) -> Option<ManifestKind> {
        super::detect_by_name(&FILES, path)
    }

    fn context_names(&self, kind: ManifestKind) -> &'static [&'static str] {
        if kind.is_lockfile() {
            &LOCK_CONTEXT
        } else {
            &LOCKFILES
        }
    }

    fn lockfile_preference(&self) -> &'static [&'static str] {
        &LOCKFILES
    }

    fn own_source_prefixes(&self) -> &'static [&'static str] {
        // A local directory or tarball, a link, a workspace package (npm, pnpm, yarn berry).
        &["file:", "link:", "workspace:", "portal:"]
    }

    fn normalise_name<'a>(&self, name: &'a str) -> Cow<'a, str> {
        // npm names are compared as written.
        Cow::Borrowed(name)
    }

    fn is_matchable_name(&self, _name: &str) -> bool {
        true
    }

    fn regex_subjects(
        &self,
        written: &str,
        _normalised: &str,
        test: &mut dyn FnMut(&str) -> bool,
    ) -> bool {
        test(written)
    }

    fn glob_within_component(&self) -> bool {
        false
    }

    fn parse_version(&self, version: &str) -> Option<semver::Version> {
        crate::matcher::parse_package_version(version)
    }

    fn declared_range(&self, requirement: &str) -> Option<nodejs_semver::Range> {
        nodejs_semver::Range::parse(requirement).ok()
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
        Box::new(resolve::NpmLinker::new(files, lockfiles))
    }
}
