//! Docker: images named by Dockerfiles (and Containerfiles) and by compose files, and how
//! image names and tags compare (`naming`). Images resolve against no lockfile.

pub mod compose;
pub mod dockerfile;
pub mod naming;

use super::{FilePattern, Format, ManifestKind, Reader, Rules};
use crate::resolve::{Linker, Lockfiles, Unlocked};
use crate::scan::ParsedFile;
use std::borrow::Cow;

/// Docker's answers to [`Rules`].
pub struct Docker;

pub(crate) const DOCKERFILE: Format = Format {
    ecosystem: super::Ecosystem::Docker,
    reader: Reader::Manifest(dockerfile::parse),
};

pub(crate) const COMPOSE: Format = Format {
    ecosystem: super::Ecosystem::Docker,
    reader: Reader::Manifest(compose::parse),
};

/// Tried in order: exact names, then the Dockerfile patterns before the compose ones
/// (`docker-compose.Dockerfile` is a Dockerfile, and so is `Dockerfile.compose.yml`).
const FILES: [FilePattern; 10] = [
    FilePattern::new("Dockerfile", ManifestKind::Dockerfile),
    FilePattern::new("Containerfile", ManifestKind::Dockerfile),
    FilePattern::new("compose.yaml", ManifestKind::Compose),
    FilePattern::new("compose.yml", ManifestKind::Compose),
    FilePattern::new("*.Dockerfile", ManifestKind::Dockerfile),
    FilePattern::new("Dockerfile.*", ManifestKind::Dockerfile),
    FilePattern::new("*.dockerfile", ManifestKind::Dockerfile),
    // `Containerfile.*` is the same convention under Podman's and Buildah's name for the
    // file (`Containerfile.fedora`, one per base distribution).
    FilePattern::new("Containerfile.*", ManifestKind::Dockerfile),
    FilePattern::new("docker-compose*.yml", ManifestKind::Compose),
    FilePattern::new("docker-compose*.yaml", ManifestKind::Compose),
];

impl Rules for Docker {
    fn id(&self) -> &'static str {
        "docker"
    }

    fn purl_type(&self) -> &'static str {
        "docker"
    }

    fn display_name(&self) -> &'static str {
        "Docker"
    }

    fn noun(&self) -> &'static str {
        "image"
    }

    fn files(&self) -> &'static [FilePattern] {
        &FILES
    }

    fn detect(&self, path: &str) -> Option<ManifestKind> {
        super::detect_by_name(&FILES, path)
    }

    fn context_names(&self, _kind: ManifestKind) -> &'static [&'static str] {
        // Images resolve against nothing.
        &[]
    }

    fn lockfile_preference(&self) -> &'static [&'static str] {
        &[]
    }

    fn own_source_prefixes(&self) -> &'static [&'static str] {
        // `unresolved: $BASE`: a reference whose name needs a variable with no value. One
        // whose tag alone does (`tag unresolved: $V`) is that image, with an unknown version.
        &["unresolved"]
    }

    fn normalise_name<'a>(&self, name: &'a str) -> Cow<'a, str> {
        naming::canonical_name(name).into()
    }

    fn is_matchable_name(&self, name: &str) -> bool {
        naming::is_image_name(name)
    }

    fn regex_subjects(
        &self,
        _written: &str,
        normalised: &str,
        test: &mut dyn FnMut(&str) -> bool,
    ) -> bool {
        test(normalised) || test(&naming::familiar_name(normalised))
    }

    fn glob_within_component(&self) -> bool {
        // `docker:bitnami/*` does not reach into deeper repositories.
        true
    }

    fn parse_version(&self, version: &str) -> Option<semver::Version> {
        naming::tag_version(version)
    }

    fn declared_range(&self, _requirement: &str) -> Option<nodejs_semver::Range> {
        // Images declare no requirement, only a tag.
        None
    }

    fn version_separator(&self) -> &'static str {
        ":"
    }

    fn source_qualifies_version(&self) -> bool {
        true
    }

    fn linker<'a>(
        &self,
        _files: &'a [ParsedFile],
        _lockfiles: &'a Lockfiles<'a>,
    ) -> Box<dyn Linker + 'a> {
        Box::new(Unlocked)
    }
}
