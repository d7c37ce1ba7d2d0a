//! The `match` entries of a technology: `ECOSYSTEM:NAME[@REQUIREMENT]` (or the package-URL
//! form `pkg:TYPE/NAME@REQUIREMENT`), compiled once when the policy loads and then tested
//! against every dependency.
//!
//! Names are compared the way each ecosystem compares them ([`crate::ecosystem::Rules`]):
//! crate names ignore case and treat `-` and `_` alike, npm names are exact, image names are
//! normalised as Docker normalises them (`mongo` = `library/mongo` = `<default
//! registry>/library/mongo`). Versions are compared with the semver crate; a declared npm or
//! Cargo range with no resolved version matches when the range admits a version the rule
//! names (npm's own range rules decide that).

use crate::ecosystem::Ecosystem;
use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;
use std::fmt;

/// A compiled `match` entry.
#[derive(Clone, Debug)]
pub struct Matcher {
    pub ecosystem: Ecosystem,
    name: NamePattern,
    requirement: Option<semver::VersionReq>,
    /// The same requirement in npm's range syntax, for testing declared ranges.
    requirement_as_range: Option<nodejs_semver::Range>,
}

#[derive(Clone, Debug)]
enum NamePattern {
    Exact(String),
    Glob(GlobMatcher),
    Regex(Regex),
}

/// The facts about one dependency that a matcher looks at.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    pub ecosystem: Ecosystem,
    pub name: &'a str,
    /// A resolved or pinned version (lockfile version, image tag).
    pub version: Option<&'a str>,
    /// The declared requirement, used only when there is no version.
    pub requirement: Option<&'a str>,
}

/// A candidate with its name normalised the way its ecosystem compares names (the canonical
/// image name, the lowercase `-` crate name; npm names as written), computed once and then
/// tested against every matcher.
#[derive(Clone, Debug)]
pub struct Prepared<'a> {
    pub candidate: Candidate<'a>,
    normalised: std::borrow::Cow<'a, str>,
    /// False for an image "name" no image can have: an unresolved reference as written
    /// (`${BASE}`, `$REGISTRY/app`), which matches no entry (see
    /// [`crate::ecosystem::Rules::is_matchable_name`]).
    matchable: bool,
}

impl<'a> Prepared<'a> {
    /// The name as [`Matcher::exact_name`] of a matching entry would be.
    pub fn normalised(&self) -> &str {
        &self.normalised
    }

    /// The name a glob entry of the candidate's ecosystem is matched against: the normalised
    /// one, as the glob was normalised too.
    pub fn glob_subject(&self) -> &str {
        &self.normalised
    }

    pub fn new(candidate: Candidate<'a>) -> Prepared<'a> {
        let rules = candidate.ecosystem.rules();
        let normalised = rules.normalise_name(candidate.name);
        let matchable = rules.is_matchable_name(candidate.name);
        Prepared {
            candidate,
            normalised,
            matchable,
        }
    }
}

/// Why a `match` entry could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl PatternError {
    fn new(message: impl Into<String>) -> PatternError {
        PatternError {
            message: message.into(),
            help: None,
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> PatternError {
        self.help = Some(help.into());
        self
    }
}

const GRAMMAR_HELP: &str = "a match entry is ECOSYSTEM:NAME[@REQUIREMENT], e.g. \"npm:lodash@<4.17.21\", \"cargo:openssl\", \"docker:node@<18\", or a package URL such as \"pkg:npm/lodash@<4.17.21\"";

impl Matcher {
    /// Compiles one `match` entry.
    pub fn parse(text: &str) -> Result<Matcher, PatternError> {
        let text = text.trim();
        let (ecosystem, rest) = split_ecosystem(text)?;
        let (name, requirement) = split_requirement(rest);
        if name.is_empty() {
            return Err(
                PatternError::new(format!("`{text}` names no package")).with_help(GRAMMAR_HELP)
            );
        }
        let name = compile_name(ecosystem, name)?;
        let (requirement, requirement_as_range) = match requirement {
            None => (None, None),
            Some(req) => {
                let parsed = semver::VersionReq::parse(req.trim()).map_err(|e| {
                    PatternError::new(format!("invalid version requirement `{req}`: {e}"))
                        .with_help("requirements use the semver crate's syntax: `<18`, `>=1.2, <2`, `^4.17`, `=1.0.3`")
                })?;
                let range = requirement_to_range(&parsed);
                (Some(parsed), range)
            }
        };
        Ok(Matcher {
            ecosystem,
            name,
            requirement,
            requirement_as_range,
        })
    }

    /// Does this entry match the dependency?
    pub fn matches(&self, candidate: &Candidate<'_>) -> bool {
        candidate.ecosystem == self.ecosystem && self.matches_prepared(&Prepared::new(*candidate))
    }

    /// The one name this entry can match, normalised, when it names a single package (no
    /// glob, no regex): lets a policy look entries up by name instead of trying each.
    pub fn exact_name(&self) -> Option<&str> {
        match &self.name {
            NamePattern::Exact(name) => Some(name),
            NamePattern::Glob(_) | NamePattern::Regex(_) => None,
        }
    }

    /// The glob of a `*` entry, for a caller that tests many globs at once (a `GlobSet`)
    /// against [`Prepared::glob_subject`] before asking [`Matcher::matches_prepared`].
    pub fn glob(&self) -> Option<&globset::Glob> {
        match &self.name {
            NamePattern::Glob(glob) => Some(glob.glob()),
            NamePattern::Exact(_) | NamePattern::Regex(_) => None,
        }
    }

    /// [`Matcher::matches`] for a candidate whose name was normalised once for all the
    /// policy's matchers: normalising allocates, and a policy has dozens of matchers.
    pub fn matches_prepared(&self, prepared: &Prepared<'_>) -> bool {
        prepared.candidate.ecosystem == self.ecosystem
            && prepared.matchable
            && self.name_matches(prepared)
            && self.version_matches(&prepared.candidate)
    }

    /// Exact names and globs were normalised as the candidate's name was; a regex is tried
    /// against each spelling its ecosystem gives a name.
    fn name_matches(&self, prepared: &Prepared<'_>) -> bool {
        let normalised = prepared.normalised.as_ref();
        match &self.name {
            NamePattern::Exact(expected) => expected == normalised,
            NamePattern::Glob(glob) => glob.is_match(normalised),
            NamePattern::Regex(regex) => self.ecosystem.rules().regex_subjects(
                prepared.candidate.name,
                normalised,
                &mut |subject| regex.is_match(subject),
            ),
        }
    }

    fn version_matches(&self, candidate: &Candidate<'_>) -> bool {
        let Some(requirement) = &self.requirement else {
            return true;
        };
        let rules = candidate.ecosystem.rules();
        if let Some(version) = candidate.version {
            return rules
                .parse_version(version)
                .is_some_and(|v| requirement.matches(&v));
        }
        // No resolved version: the declaration matches when its range admits a version the
        // rule names, i.e. installing it could bring in what the rule is about.
        let (Some(declared), Some(rule_range)) =
            (candidate.requirement, &self.requirement_as_range)
        else {
            return false;
        };
        rules
            .declared_range(declared.trim())
            .is_some_and(|range| range.allows_any(rule_range))
    }
}

fn split_ecosystem(text: &str) -> Result<(Ecosystem, &str), PatternError> {
    if let Some(purl) = text.strip_prefix("pkg:") {
        let (kind, rest) = purl.split_once('/').ok_or_else(|| {
            PatternError::new(format!("package URL `{text}` has no name")).with_help(GRAMMAR_HELP)
        })?;
        let ecosystem = Ecosystem::from_purl_type(&kind.to_ascii_lowercase()).ok_or_else(|| {
            PatternError::new(format!("unsupported package URL type `{kind}`")).with_help(format!(
                "supported types: {}",
                crate::ecosystem::list(|rules| rules.purl_type())
            ))
        })?;
        return Ok((ecosystem, rest));
    }
    let (kind, rest) = text.split_once(':').ok_or_else(|| {
        PatternError::new(format!("`{text}` does not name an ecosystem")).with_help(GRAMMAR_HELP)
    })?;
    let ecosystem = Ecosystem::parse(kind).ok_or_else(|| {
        PatternError::new(format!("unknown ecosystem `{kind}` in `{text}`")).with_help(format!(
            "ecosystems: {}",
            crate::ecosystem::list(|rules| rules.id())
        ))
    })?;
    Ok((ecosystem, rest))
}

/// Splits `NAME@REQ`. A leading `@` belongs to an npm scope, and a `/regex/` may hold `@`.
fn split_requirement(rest: &str) -> (&str, Option<&str>) {
    let search_from = if let Some(body) = rest.strip_prefix('/') {
        match body.rfind('/') {
            Some(end) => end + 2,
            None => rest.len(),
        }
    } else if rest.starts_with('@') || rest.starts_with("%40") {
        1
    } else {
        0
    };
    match rest.get(search_from..).and_then(|tail| tail.find('@')) {
        Some(at) => {
            let at = search_from + at;
            (&rest[..at], Some(&rest[at + 1..]))
        }
        None => (rest, None),
    }
}

fn compile_name(ecosystem: Ecosystem, name: &str) -> Result<NamePattern, PatternError> {
    // Package URLs percent-encode the npm scope's `@`.
    let name = name.replace("%40", "@");
    if name.len() >= 2 && name.starts_with('/') && name.ends_with('/') {
        let body = &name[1..name.len() - 1];
        return Regex::new(body)
            .map(NamePattern::Regex)
            .map_err(|e| PatternError::new(format!("invalid regular expression `{body}`: {e}")));
    }
    let rules = ecosystem.rules();
    let normalised = rules.normalise_name(&name).into_owned();
    if !name.contains(['*', '?', '[']) {
        return Ok(NamePattern::Exact(normalised));
    }
    GlobBuilder::new(&normalised)
        .literal_separator(rules.glob_within_component())
        .build()
        .map(|glob| NamePattern::Glob(glob.compile_matcher()))
        .map_err(|e| PatternError::new(format!("invalid glob `{name}`: {e}")))
}

/// Package versions as lockfiles write them; npm tolerates a leading `v` and `=`.
pub(crate) fn parse_package_version(version: &str) -> Option<semver::Version> {
    let version = version
        .trim()
        .trim_start_matches('=')
        .trim_start_matches('v');
    semver::Version::parse(version).ok()
}

/// Cargo's requirement syntax, rewritten in npm's, so one range engine compares both.
/// The comparators mean the same in both grammars once written with an explicit operator,
/// which is how the semver crate prints them; only the separator differs.
pub(crate) fn requirement_to_range(req: &semver::VersionReq) -> Option<nodejs_semver::Range> {
    let text = req.to_string().replace(", ", " ");
    nodejs_semver::Range::parse(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::docker::naming as docker;

    fn candidate<'a>(
        ecosystem: Ecosystem,
        name: &'a str,
        version: Option<&'a str>,
        requirement: Option<&'a str>,
    ) -> Candidate<'a> {
        Candidate {
            ecosystem,
            name,
            version,
            requirement,
        }
    }

    fn m(pattern: &str) -> Matcher {
        Matcher::parse(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"))
    }

    #[test]
    fn exact_names_per_ecosystem() {
        assert!(m("npm:mongoose").matches(&candidate(
            Ecosystem::Npm,
            "mongoose",
            Some("8.0.0"),
            None
        )));
        assert!(!m("npm:mongoose").matches(&candidate(
            Ecosystem::Npm,
            "mongoose-lite",
            None,
            None
        )));
        assert!(!m("npm:mongoose").matches(&candidate(Ecosystem::Cargo, "mongoose", None, None)));
        assert!(m("cargo:serde_json").matches(&candidate(
            Ecosystem::Cargo,
            "serde-json",
            None,
            None
        )));
        assert!(m("cargo:Serde").matches(&candidate(Ecosystem::Cargo, "serde", None, None)));
    }

    #[test]
    fn docker_names_are_normalised() {
        for name in [
            "mongo",
            "library/mongo",
            "docker.io/library/mongo",
            "index.docker.io/library/mongo",
            "MONGO",
        ] {
            assert!(
                m("docker:mongo").matches(&candidate(Ecosystem::Docker, name, Some("7"), None)),
                "{name}"
            );
            assert!(
                m("docker:docker.io/library/mongo").matches(&candidate(
                    Ecosystem::Docker,
                    name,
                    None,
                    None
                )),
                "{name}"
            );
        }
        assert!(m("docker:bitnami/mongodb").matches(&candidate(
            Ecosystem::Docker,
            "docker.io/bitnami/mongodb",
            None,
            None
        )));
        assert!(!m("docker:mongo").matches(&candidate(
            Ecosystem::Docker,
            "bitnami/mongo",
            None,
            None
        )));
        assert!(!m("docker:mongo").matches(&candidate(
            Ecosystem::Docker,
            "registry.example:5000/mongo",
            None,
            None
        )));
        assert!(m("docker:localhost:5000/mongo").matches(&candidate(
            Ecosystem::Docker,
            "localhost:5000/mongo",
            None,
            None
        )));
        assert_eq!(docker::canonical_name("localhost/app"), "localhost/app");
        assert_eq!(
            docker::familiar_name(&docker::canonical_name("mongo")),
            "mongo"
        );
        assert_eq!(
            docker::familiar_name(&docker::canonical_name("bitnami/mongodb")),
            "bitnami/mongodb"
        );
    }

    #[test]
    fn docker_tag_versions() {
        let node = m("docker:node@<18");
        assert!(node.matches(&candidate(
            Ecosystem::Docker,
            "node",
            Some("16-alpine"),
            None
        )));
        assert!(node.matches(&candidate(
            Ecosystem::Docker,
            "node",
            Some("14.21.3-bullseye"),
            None
        )));
        assert!(!node.matches(&candidate(
            Ecosystem::Docker,
            "node",
            Some("18-alpine"),
            None
        )));
        assert!(!node.matches(&candidate(Ecosystem::Docker, "node", Some("20.11.1"), None)));
        assert!(!node.matches(&candidate(Ecosystem::Docker, "node", Some("latest"), None)));
        assert!(node.matches(&candidate(
            Ecosystem::Docker,
            "node",
            Some("16@sha256:abc"),
            None
        )));
        assert_eq!(
            docker::tag_version("3.9.1-slim"),
            Some(semver::Version::new(3, 9, 1))
        );
        assert_eq!(
            docker::tag_version("22.04"),
            Some(semver::Version::new(22, 4, 0))
        );
        assert_eq!(
            docker::tag_version("v1.2"),
            Some(semver::Version::new(1, 2, 0))
        );
        assert_eq!(docker::tag_version("bookworm"), None);
        assert_eq!(docker::tag_version("sha256:0123"), None);
    }

    #[test]
    fn globs_regexes_and_scopes() {
        let types = m("npm:@types/lodash*");
        assert!(types.matches(&candidate(Ecosystem::Npm, "@types/lodash", None, None)));
        assert!(types.matches(&candidate(
            Ecosystem::Npm,
            "@types/lodash.merge",
            None,
            None
        )));
        assert!(!types.matches(&candidate(Ecosystem::Npm, "lodash", None, None)));
        assert!(m("npm:@babel/*").matches(&candidate(Ecosystem::Npm, "@babel/core", None, None)));
        let regex = m("npm:/^mongo(ose|db)$/");
        assert!(regex.matches(&candidate(Ecosystem::Npm, "mongoose", None, None)));
        assert!(!regex.matches(&candidate(Ecosystem::Npm, "mongo", None, None)));
        let regex_with_at = m("npm:/^@acme\\/.*/@>=2");
        assert!(regex_with_at.matches(&candidate(Ecosystem::Npm, "@acme/ui", Some("2.1.0"), None)));
        assert!(!regex_with_at.matches(&candidate(
            Ecosystem::Npm,
            "@acme/ui",
            Some("1.9.0"),
            None
        )));
        assert!(m("docker:/mongo/").matches(&candidate(Ecosystem::Docker, "mongo", None, None)));
        assert!(m("docker:bitnami/*").matches(&candidate(
            Ecosystem::Docker,
            "bitnami/redis",
            None,
            None
        )));
        assert!(!m("docker:bitnami/*").matches(&candidate(
            Ecosystem::Docker,
            "bitnami/x/redis",
            None,
            None
        )));
    }

    #[test]
    fn unresolved_image_references_match_no_rule() {
        // As the Dockerfile and compose readers report them: the text as written. A glob or a
        // regex written for Docker Hub images would otherwise take `${BASE}` for one.
        let rules = [
            m("docker:/.*/"),
            m("docker:/library//"),
            m("docker:*"),
            m("docker:**"),
            m("docker:library/*"),
            m("docker:*/*"),
        ];
        for name in [
            "${BASE}",
            "$BASE",
            "${REGISTRY}/app:${VERSION:?required}",
            "node:${VERSION}-alpine",
            "'unterminated",
            "a b",
            "",
        ] {
            for rule in &rules {
                assert!(
                    !rule.matches(&candidate(Ecosystem::Docker, name, None, None)),
                    "{name}"
                );
            }
        }
        // The same rules still match resolved names.
        for rule in &rules {
            assert!(rule.matches(&candidate(Ecosystem::Docker, "mongo", Some("7"), None)));
        }
        assert!(docker::is_image_name("registry.example:5000/team/app"));
        assert!(docker::is_image_name("[::1]:5000/app"));
        assert!(!docker::is_image_name("a$b"));
    }

    #[test]
    fn an_image_with_an_unknown_tag_matches_a_ban_but_no_requirement() {
        let image = candidate(Ecosystem::Docker, "mongo", None, None);
        assert!(m("docker:mongo").matches(&image));
        assert!(!m("docker:mongo@>=5").matches(&image));
        assert!(!m("docker:mongo@<5").matches(&image));
    }

    #[test]
    fn resolved_versions_and_declared_ranges() {
        let lodash = m("npm:lodash@<4.17.21");
        assert!(lodash.matches(&candidate(
            Ecosystem::Npm,
            "lodash",
            Some("4.17.20"),
            Some("^4.17.21")
        )));
        assert!(!lodash.matches(&candidate(
            Ecosystem::Npm,
            "lodash",
            Some("4.17.21"),
            Some("^4.0.0")
        )));
        // Without a lockfile the declared range decides.
        assert!(lodash.matches(&candidate(Ecosystem::Npm, "lodash", None, Some("^4.17.0"))));
        assert!(!lodash.matches(&candidate(Ecosystem::Npm, "lodash", None, Some("^4.17.21"))));
        assert!(lodash.matches(&candidate(Ecosystem::Npm, "lodash", None, Some("4.x"))));
        assert!(!lodash.matches(&candidate(Ecosystem::Npm, "lodash", None, Some("latest"))));
        assert!(!lodash.matches(&candidate(Ecosystem::Npm, "lodash", None, None)));
        let old_serde = m("cargo:serde@>=1.0.0, <1.0.100");
        assert!(old_serde.matches(&candidate(Ecosystem::Cargo, "serde", None, Some("1.0"))));
        assert!(!old_serde.matches(&candidate(Ecosystem::Cargo, "serde", None, Some("1.0.150"))));
        assert!(!old_serde.matches(&candidate(
            Ecosystem::Cargo,
            "serde",
            Some("1.0.150"),
            Some("1.0")
        )));
        assert!(old_serde.matches(&candidate(
            Ecosystem::Cargo,
            "serde",
            Some("1.0.99"),
            Some("1")
        )));
    }

    #[test]
    fn package_urls() {
        let purl = m("pkg:npm/lodash@<4.17.21");
        assert!(purl.matches(&candidate(Ecosystem::Npm, "lodash", Some("4.17.4"), None)));
        assert!(!purl.matches(&candidate(Ecosystem::Npm, "lodash", Some("4.17.21"), None)));
        assert!(m("pkg:npm/%40types/node").matches(&candidate(
            Ecosystem::Npm,
            "@types/node",
            None,
            None
        )));
        assert!(m("pkg:cargo/openssl").matches(&candidate(
            Ecosystem::Cargo,
            "openssl",
            None,
            None
        )));
        assert!(m("pkg:docker/mongo@<5").matches(&candidate(
            Ecosystem::Docker,
            "mongo",
            Some("4.4"),
            None
        )));
    }

    #[test]
    fn bad_patterns_are_explained() {
        for bad in [
            "lodash",
            "pip:requests",
            "npm:",
            "npm:lodash@<<1",
            "npm:/(/",
            "pkg:gem/rails",
            "npm:[a",
        ] {
            assert!(Matcher::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
