//! Conformance: techpolicy's parsers against what other tools say the same files contain.
//!
//! * osv-scalibr's extractor tests (`fixtures/conformance/EXPECTED-*.json`, transcribed from
//!   its `WantPackages` tables): the (name, version) set of every fixture, with each place
//!   where techpolicy deliberately reads a file differently listed in [`DIFFERENCES`], and
//!   every fixture osv-scalibr rejects listed in [`REJECTED`];
//! * BuildKit's own parser test files (`buildkit-parser/`): the `FROM` images of each
//!   Dockerfile against BuildKit's AST dump;
//! * `npm ls` on the real package-locks of `fixtures/corpus/` (when npm is installed);
//! * no parser panics on any file of the shared corpus or of `fixtures/`;
//! * one fixture per format and version in the README's table of supported formats.
//!
//! Where the fixtures came from, and their licenses: `fixtures/conformance/SOURCES.md`.

use crate::util::fixture;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use techpolicy::ecosystem::docker::dockerfile;
use techpolicy::ecosystem::npm::pnpm_lock;
use techpolicy::manifest::{Manifest, ManifestKind, Parsed};

/// (name, version). The version is None where the fixture states none (a git dependency
/// known only by its commit, a Cargo.toml git dependency, an unresolved compose image).
type Package = (String, Option<String>);
type Packages = BTreeSet<Package>;
/// A package set written out in a table below.
type Listed = &'static [(&'static str, Option<&'static str>)];

fn conformance(relative: &str) -> PathBuf {
    fixture("conformance").join(relative)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(kind: ManifestKind, relative: &str) -> Result<Parsed, String> {
    kind.parse(&read(&conformance(relative)))
        .map_err(|e| e.message)
}

fn package(name: &str, version: Option<&str>) -> Package {
    (name.to_string(), version.map(str::to_string))
}

fn set(packages: &[(&str, Option<&str>)]) -> Packages {
    packages.iter().map(|&(n, v)| package(n, v)).collect()
}

/// What one parse yields, in the (name, version) form the expectations use:
/// lockfiles give every entry's name and version; Cargo.toml and package.json give the
/// declared requirement (osv-scalibr calls Cargo.toml's requirement its "version"); Docker
/// files give `Declared.version` (tag, `tag@digest`, the digest alone, or `latest`).
fn packages_of(kind: ManifestKind, parsed: &Parsed) -> Packages {
    match parsed {
        Parsed::Lockfile(lock) => lock
            .packages
            .iter()
            .map(|p| (p.name.clone(), Some(p.version.clone())))
            .collect(),
        Parsed::Manifest(manifest) => manifest
            .declared
            .iter()
            .map(|d| {
                let version = match kind {
                    ManifestKind::CargoToml | ManifestKind::PackageJson => d.requirement.clone(),
                    _ => d.version.clone(),
                };
                (d.name.clone(), version)
            })
            .collect(),
    }
}

fn manifest(parsed: Parsed) -> Manifest {
    match parsed {
        Parsed::Manifest(manifest) => manifest,
        Parsed::Lockfile(_) => panic!("expected a manifest"),
    }
}

fn show(packages: &Packages) -> String {
    let items: Vec<String> = packages
        .iter()
        .map(|(n, v)| format!("{n}@{}", v.as_deref().unwrap_or("(none)")))
        .collect();
    format!("[{}]", items.join(", "))
}

// ---------------------------------------------------------------------------------------------
// 1. osv-scalibr's expected package sets
// ---------------------------------------------------------------------------------------------

/// Each `EXPECTED-*.json` and the parser its fixtures are read with. Fixture names are rarely
/// the real manifest names (`two-packages.v2.json`), so the kind is taken from here, never
/// from `ManifestKind::detect`.
const EXPECTED_FILES: [(&str, ManifestKind); 7] = [
    ("EXPECTED-cargo-lock.json", ManifestKind::CargoLock),
    ("EXPECTED-cargo-toml.json", ManifestKind::CargoToml),
    ("EXPECTED-package-lock.json", ManifestKind::PackageLock),
    ("EXPECTED-yarn-lock.json", ManifestKind::YarnLock),
    ("EXPECTED-pnpm-lock.json", ManifestKind::PnpmLock),
    (
        "EXPECTED-dockerfile-base-image.json",
        ManifestKind::Dockerfile,
    ),
    ("EXPECTED-compose-image.json", ManifestKind::Compose),
];

const SCALIBR: &str = "google__osv-scalibr/extractor/filesystem/";

/// A fixture where techpolicy deliberately yields something else than osv-scalibr.
struct Difference {
    /// Relative to `fixtures/conformance/google__osv-scalibr/extractor/filesystem/`.
    fixture: &'static str,
    /// Expected by osv-scalibr, not yielded by techpolicy.
    scalibr_only: Listed,
    /// Yielded by techpolicy instead (or in addition).
    ours_only: Listed,
    /// Why, in one sentence; the detail is in the comments above each group.
    why: &'static str,
}

const HELLO_WORLD: (&str, Option<&str>) = ("hello_world", Some("0.1.0"));
const REGEX_GIT: (&str, Option<&str>) = ("regex", None);

/// Every place where techpolicy's answer differs from osv-scalibr's, and why. The test
/// asserts that techpolicy yields exactly osv-scalibr's set minus `scalibr_only` plus
/// `ours_only`, and that every row here is still needed (it names an expected fixture, its
/// `scalibr_only` packages are expected, its `ours_only` packages are not).
const DIFFERENCES: &[Difference] = &[
    // Cargo.toml. osv-scalibr reports the crate itself (`[package] name`/`version`) as a
    // package; techpolicy keeps it in `Manifest::package_name` and lists only declarations
    // (a crate is not its own dependency). osv-scalibr leaves out git dependencies pinned by
    // `tag` or by a PR ref and reports one pinned by `rev` with the commit and no version;
    // techpolicy lists every declared dependency, git ones without a requirement (the git
    // URL, with `tag=`/`rev=`, is in `Declared.source`), so that a policy can ban a crate
    // whichever way it is pulled in.
    Difference {
        fixture: "language/rust/cargotoml/testdata/git-dependency-tagged.toml",
        scalibr_only: &[HELLO_WORLD],
        ours_only: &[REGEX_GIT],
        why: "the crate itself is not a dependency; a git dependency pinned by tag is still a dependency",
    },
    Difference {
        fixture: "language/rust/cargotoml/testdata/git-dependency-with-commit.toml",
        scalibr_only: &[HELLO_WORLD],
        ours_only: &[],
        why: "the crate itself is not a dependency",
    },
    Difference {
        fixture: "language/rust/cargotoml/testdata/git-dependency-with-pr.toml",
        scalibr_only: &[HELLO_WORLD],
        ours_only: &[REGEX_GIT],
        why: "the crate itself is not a dependency; a git dependency pinned by a PR ref is still a dependency",
    },
    Difference {
        fixture: "language/rust/cargotoml/testdata/no-dependency.toml",
        scalibr_only: &[HELLO_WORLD],
        ours_only: &[],
        why: "the crate itself is not a dependency",
    },
    Difference {
        fixture: "language/rust/cargotoml/testdata/only-version-dependency.toml",
        scalibr_only: &[HELLO_WORLD],
        ours_only: &[],
        why: "the crate itself is not a dependency",
    },
    Difference {
        fixture: "language/rust/cargotoml/testdata/two-dependencies.toml",
        scalibr_only: &[HELLO_WORLD],
        ours_only: &[REGEX_GIT],
        why: "the crate itself is not a dependency; a git dependency pinned by tag is still a dependency",
    },
    // package-lock.json. osv-scalibr reads only the `npm-shrinkwrap.json` when both files sit
    // in one folder. techpolicy's parser reads the file it is given; choosing between the two
    // is the resolver's job (`resolve::lock_rank` prefers the shrinkwrap for declarations),
    // and `inventory` still lists both files' entries.
    Difference {
        fixture: "language/javascript/packagelockjson/testdata/both/package-lock.json",
        scalibr_only: &[],
        ours_only: &[("supports-color", Some("5.5.0")), ("wrappy", Some("1.0.2"))],
        why: "the parser reads the file it is given; shrinkwrap-over-lock is decided later",
    },
    // A lock with no `packages` section (this one says lockfileVersion 2 but only has the
    // v1 `dependencies` tree) writes the resolved git URL or `file:` spec in `version`. osv-
    // scalibr reports such an entry with an empty version and the commit; techpolicy keeps
    // the `version` field as written (it is also the entry's `source`), so the inventory
    // shows where the package came from.
    Difference {
        fixture: "language/javascript/packagelockjson/testdata/commits.v1.json",
        scalibr_only: &[
            ("@segment/analytics.js-integration-facebook-pixel", None),
            ("babel-preset-php", None),
            ("is-number-1", None),
            ("is-number-2", None),
            ("is-number-3", None),
            ("is-number-4", None),
            ("is-number-5", None),
            ("is-number-6", None),
            ("raven-js", None),
            ("slick-carousel", None),
        ],
        ours_only: &[
            ("@segment/analytics.js-integration-facebook-pixel", Some("git+ssh://git@github.com/segmentio/analytics.js-integrations.git#3b1bb80b302c2e552685dc8a029797ec832ea7c9")),
            ("babel-preset-php", Some("gitlab:kornelski/babel-preset-php#c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced")),
            ("is-number-1", Some("git+ssh://git@github.com/jonschlinkert/is-number.git#af885e2e890b9ef0875edd2b117305119ee5bdc5")),
            ("is-number-1", Some("git+ssh://git@github.com/jonschlinkert/is-number.git#be5935f8d2595bcd97b05718ef1eeae08d812e10")),
            ("is-number-2", Some("github:jonschlinkert/is-number#82dcc8e914dabd9305ab9ae580709a7825e824f5")),
            ("is-number-2", Some("github:jonschlinkert/is-number#d5ac0584ee9ae7bd9288220a39780f155b9ad4c8")),
            ("is-number-3", Some("git+ssh://git@github.com/jonschlinkert/is-number.git#82ae8802978da40d7f1be5ad5943c9e550ab2c89")),
            ("is-number-3", Some("git+ssh://git@github.com/jonschlinkert/is-number.git#d5ac0584ee9ae7bd9288220a39780f155b9ad4c8")),
            ("is-number-4", Some("git+ssh://git@github.com/jonschlinkert/is-number.git#af885e2e890b9ef0875edd2b117305119ee5bdc5")),
            ("is-number-5", Some("git+https://dummy-token@github.com/jonschlinkert/is-number.git#af885e2e890b9ef0875edd2b117305119ee5bdc5")),
            ("is-number-6", Some("git+https://github.com/jonschlinkert/is-number.git#af885e2e890b9ef0875edd2b117305119ee5bdc5")),
            ("raven-js", Some("git+ssh://git@github.com/getsentry/raven-js.git#c2b377e7a254264fd4a1fe328e4e3cfc9e245570")),
            ("slick-carousel", Some("git://github.com/brianfryer/slick.git#280b560161b751ba226d50c7db1e0a14a78c2de0")),
        ],
        why: "a v1 tree entry's `version` is kept as written (a git URL) instead of being emptied",
    },
    Difference {
        fixture: "language/javascript/packagelockjson/testdata/files.v1.json",
        scalibr_only: &[("other_package", None)],
        ours_only: &[("other_package", Some("file:deps/other_package"))],
        why: "a v1 tree entry's `version` is kept as written (a file: spec) instead of being emptied",
    },
    // In a v2/v3 `packages` section, `node_modules/raven-js` has a `resolved` git URL but no
    // `version`. npm itself lists it without a version; techpolicy leaves out entries with
    // no version (there is nothing for a policy to compare), osv-scalibr keeps it with the
    // commit.
    Difference {
        fixture: "language/javascript/packagelockjson/testdata/commits.v2.json",
        scalibr_only: &[("raven-js", None)],
        ours_only: &[],
        why: "a `packages` entry without a `version` is left out",
    },
    // `deps/etag` is the target of a `file:./deps/etag` link: a folder of the project, which
    // npm records outside `node_modules`. techpolicy lists it among `Lockfile::workspaces`
    // (the project's own code, like a workspace), not among the packages; its nested
    // `deps/etag/node_modules/abbrev` is a package and is listed.
    Difference {
        fixture: "language/javascript/packagelockjson/testdata/files.v2.json",
        scalibr_only: &[("etag", Some("1.8.0"))],
        ours_only: &[],
        why: "a `file:` link target is a folder of the project (a workspace), not a package",
    },
    // yarn berry. Workspaces (`name@workspace:path`) are the project's own packages: osv-
    // scalibr reports all but the root with version `0.0.0-use.local`; techpolicy lists them
    // all in `Lockfile::workspaces` and none as packages.
    Difference {
        fixture: "language/javascript/yarnlock/testdata/exclude-root.v2.lock",
        scalibr_only: &[("@ws/ansi-regex", Some("0.0.0-use.local"))],
        ours_only: &[],
        why: "yarn berry workspace entries are workspaces, not packages",
    },
    // Compose. techpolicy never reads the environment or a `.env` file (the result would
    // depend on where the scan runs), so every variable is unset: osv-scalibr resolves
    // `image4:${IMAGE4_VERSION}` from the `.env` beside the fixture and drops the images
    // that stay unresolved (`image3`, `image6`); techpolicy reports all three by their
    // name, which no variable touches, with no version (the `Declared.source` says
    // `tag unresolved: $VAR`), so that they stay visible to the policy.
    Difference {
        fixture: "containers/dockercomposeimage/testdata/docker-compose-1.yml",
        scalibr_only: &[("image4", Some("4.4.4"))],
        ours_only: &[("image3", None), ("image4", None), ("image6", None)],
        why: "no .env is read; images whose tag needs a variable are kept, version unknown",
    },
];

/// osv-scalibr's (name, version) of an image in techpolicy's form.
///
/// osv-scalibr (dockerbaseimage and dockercomposeimage alike) splits the reference at the
/// first `@` (name, then the digest as the version; a tag before the `@` stays in the
/// name), else at the first `:` (name, then the tag; a registry port therefore ends up in
/// the "version"), else reports version `latest`. techpolicy's `Declared` has the name
/// without tag or digest and the version as `tag`, `tag@digest`, the digest alone, or
/// `latest`. The reference is rebuilt from osv-scalibr's parts (a tag never contains `/` or
/// `:`, a digest is `algorithm:hex`) and split the way techpolicy documents it. For the
/// fixtures at hand (no tag+digest, no registry port) both forms coincide.
fn scalibr_image_to_ours(name: &str, version: &str) -> Package {
    let reference = if version.contains('/') {
        // `host:port/path[:tag]`, split at the port's colon.
        format!("{name}:{version}")
    } else if version.contains(':') {
        format!("{name}@{version}")
    } else {
        format!("{name}:{version}")
    };
    let (name, version) = split_image_reference(&reference);
    (name, Some(version))
}

/// `[registry[:port]/]path[:tag][@digest]` into techpolicy's (name, version) form, written
/// from Docker's reference grammar: the tag follows the last `:` after the last `/`.
fn split_image_reference(reference: &str) -> (String, String) {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    let last_component = rest.rfind('/').map_or(0, |slash| slash + 1);
    let (name, tag) = match rest[last_component..].rfind(':') {
        Some(colon) => (
            &rest[..last_component + colon],
            Some(&rest[last_component + colon + 1..]),
        ),
        None => (rest, None),
    };
    let version = match (tag, digest) {
        (Some(tag), Some(digest)) => format!("{tag}@{digest}"),
        (None, Some(digest)) => digest.to_string(),
        (Some(tag), None) => tag.to_string(),
        (None, None) => "latest".to_string(),
    };
    (name.to_string(), version)
}

#[test]
fn image_reference_forms() {
    let cases = [
        (("nginx", "latest"), ("nginx", "latest")),
        (("nginx", "1.27.4"), ("nginx", "1.27.4")),
        (("nginx", "sha256:5a27"), ("nginx", "sha256:5a27")),
        (("nginx:1.27", "sha256:5a27"), ("nginx", "1.27@sha256:5a27")),
        (
            ("registry.example/acme/api", "1.2.0"),
            ("registry.example/acme/api", "1.2.0"),
        ),
        (("localhost", "5000/app:1.0"), ("localhost:5000/app", "1.0")),
        (("localhost", "5000/app"), ("localhost:5000/app", "latest")),
    ];
    for ((name, version), (our_name, our_version)) in cases {
        assert_eq!(
            scalibr_image_to_ours(name, version),
            package(our_name, Some(our_version)),
            "{name} {version}"
        );
        // The split written here agrees with the one techpolicy's parsers use.
        let reference = if our_version == "latest" {
            our_name.to_string()
        } else if our_version.starts_with("sha256:") {
            format!("{our_name}@{our_version}")
        } else {
            format!("{our_name}:{our_version}")
        };
        let parsed = dockerfile::parse_image_reference(&reference);
        assert_eq!(
            (parsed.name.as_str(), parsed.version()),
            (our_name, our_version.to_string()),
            "{reference}"
        );
    }
}

/// osv-scalibr's expectations for one `EXPECTED-*.json`: fixture → (packages, entries that
/// carry a commit as (name, commit)).
fn expectations(
    file: &str,
    kind: ManifestKind,
) -> BTreeMap<String, (Packages, Vec<(String, String)>)> {
    let text = read(&conformance(file));
    let document: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let object = document.as_object().expect("an object of fixtures");
    assert!(!object.is_empty(), "{file}");
    object
        .iter()
        .map(|(fixture, entries)| {
            let mut packages = Packages::new();
            let mut commits = Vec::new();
            for entry in entries.as_array().expect("a list of packages") {
                let name = entry["name"].as_str().expect("name");
                // Entries known only by a commit have no version, or an empty one.
                let version = entry["version"].as_str().filter(|v| !v.is_empty());
                let package = match (kind, version) {
                    (ManifestKind::Dockerfile | ManifestKind::Compose, Some(version)) => {
                        scalibr_image_to_ours(name, version)
                    }
                    _ => package(name, version),
                };
                packages.insert(package);
                if let Some(commit) = entry["commit"].as_str() {
                    commits.push((name.to_string(), commit.to_string()));
                }
            }
            (fixture.clone(), (packages, commits))
        })
        .collect()
}

/// Where techpolicy keeps a git dependency's commit: the lockfile entry's `source` (or its
/// `version`, see the commits.v1.json difference), the declaration's `source`.
fn commits_of(parsed: &Parsed, name: &str) -> Vec<String> {
    match parsed {
        Parsed::Lockfile(lock) => lock
            .packages
            .iter()
            .filter(|p| p.name == name)
            .flat_map(|p| [p.source.clone().unwrap_or_default(), p.version.clone()])
            .collect(),
        Parsed::Manifest(manifest) => manifest
            .declared
            .iter()
            .filter(|d| d.name == name)
            .map(|d| d.source.clone().unwrap_or_default())
            .collect(),
    }
}

#[test]
fn osv_scalibr_expected_package_sets() {
    let mut failures = Vec::new();
    let mut used_differences = BTreeSet::new();
    let mut fixtures = 0;
    let mut commits_checked = 0;
    for (file, kind) in EXPECTED_FILES {
        for (fixture, (expected, commits)) in expectations(file, kind) {
            fixtures += 1;
            let parsed = match parse(kind, &fixture) {
                Ok(parsed) => parsed,
                Err(e) => {
                    failures.push(format!("{fixture}: expected to parse, got error: {e}"));
                    continue;
                }
            };
            let ours = packages_of(kind, &parsed);
            let mut adjusted = expected.clone();
            let difference = fixture
                .strip_prefix(SCALIBR)
                .and_then(|short| DIFFERENCES.iter().find(|d| d.fixture == short));
            if let Some(difference) = difference {
                used_differences.insert(difference.fixture);
                let scalibr_only = set(difference.scalibr_only);
                let ours_only = set(difference.ours_only);
                if !scalibr_only.is_subset(&expected) || !ours_only.is_disjoint(&expected) {
                    failures.push(format!(
                        "{fixture}: stale DIFFERENCES row ({}): osv-scalibr expects {}",
                        difference.why,
                        show(&expected)
                    ));
                }
                adjusted.retain(|p| !scalibr_only.contains(p));
                adjusted.extend(ours_only);
            }
            if ours != adjusted {
                failures.push(format!(
                    "{fixture}:\n    expected {}\n    actual   {}",
                    show(&adjusted),
                    show(&ours)
                ));
            }
            // Where osv-scalibr records a git commit, techpolicy keeps it too (in the source
            // URL) whenever it lists the package. `dep_groups` (dev/optional) are not
            // compared: parsers return what a file locks, and which declarations make a
            // package dev-only is the resolver's business.
            for (name, commit) in commits {
                let listed = ours.iter().any(|(n, _)| *n == name);
                commits_checked += usize::from(listed);
                if listed
                    && !commits_of(&parsed, &name)
                        .iter()
                        .any(|s| s.contains(&commit))
                {
                    failures.push(format!("{fixture}: {name} does not record commit {commit}"));
                }
            }
        }
    }
    for difference in DIFFERENCES {
        if !used_differences.contains(difference.fixture) {
            failures.push(format!(
                "DIFFERENCES names {}, which no EXPECTED file lists",
                difference.fixture
            ));
        }
    }
    assert_eq!(fixtures, 104, "fixtures in EXPECTED-*.json");
    // 59 expected entries carry a commit; the one techpolicy does not list is commits.v2.json's
    // versionless raven-js (see DIFFERENCES).
    assert_eq!(commits_checked, 58, "git commits checked");
    eprintln!("{fixtures} fixtures compared, {commits_checked} git commits found in sources");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// How techpolicy answers a fixture that osv-scalibr (or osv-scanner) rejects.
enum Outcome {
    /// An error, as upstream.
    Error,
    /// Accepted on purpose, with exactly these packages or declarations.
    Accepted(Listed),
}

/// The fixtures that `fixtures/README.md` lists as rejected with an error.
const REJECTED: &[(&str, ManifestKind, Outcome)] = &[
    (
        "google__osv-scalibr/extractor/filesystem/language/rust/cargolock/testdata/not-toml.txt",
        ManifestKind::CargoLock,
        Outcome::Error,
    ),
    (
        "google__osv-scalibr/extractor/filesystem/language/rust/cargotoml/testdata/not-toml.txt",
        ManifestKind::CargoToml,
        Outcome::Error,
    ),
    // `regex = { git = {random_key = "random_value"}, tag = "0.0.1"}`: the Cargo.toml reader
    // leaves out a dependency entry it cannot read rather than fail the file (module docs of
    // `cargo_toml`: "a single malformed entry must not cost the whole file"). The file is
    // otherwise read: `package_name` is `hello_world` (checked below).
    (
        "google__osv-scalibr/extractor/filesystem/language/rust/cargotoml/testdata/invalid-dependency.toml",
        ManifestKind::CargoToml,
        Outcome::Accepted(&[]),
    ),
    (
        "google__osv-scalibr/extractor/filesystem/language/javascript/packagelockjson/testdata/not-json.txt",
        ManifestKind::PackageLock,
        Outcome::Error,
    ),
    (
        "google__osv-scalibr/extractor/filesystem/language/javascript/packagelockjson/testdata/null.v2.jsontest",
        ManifestKind::PackageLock,
        Outcome::Error,
    ),
    (
        "google__osv-scalibr/extractor/filesystem/language/javascript/pnpmlock/testdata/not-yaml.txt",
        ManifestKind::PnpmLock,
        Outcome::Error,
    ),
    // `packages` keys that name no package (`invalidpath`): osv-scalibr returns an error
    // naming them next to the partial result (acorn 8.7.0). techpolicy returns the partial
    // result as a success, since failing would hide every dependency of the project, and
    // hands the skipped keys to callers of `pnpm_lock::parse_with_skipped` (checked below).
    (
        "google__osv-scalibr/extractor/filesystem/language/javascript/pnpmlock/testdata/invalid-path.yaml",
        ManifestKind::PnpmLock,
        Outcome::Accepted(&[("acorn", Some("8.7.0"))]),
    ),
    (
        "google__osv-scalibr/extractor/filesystem/language/javascript/pnpmlock/testdata/invalid-paths.yaml",
        ManifestKind::PnpmLock,
        Outcome::Accepted(&[("acorn", Some("8.7.0"))]),
    ),
    // A v5.4 lockfile with one v9-style key (`axios@1.2.5:`) among `/name/version` keys.
    // osv-scanner's v5 reader fails the whole file; techpolicy reads pnpm keys by their
    // shape, not by the declared lockfileVersion (module docs of `pnpm_lock`), so the odd key
    // is an ordinary package and nothing is skipped.
    (
        "google__osv-scanner/pkg/lockfile/fixtures/pnpm/invalid-package-path.yaml",
        ManifestKind::PnpmLock,
        Outcome::Accepted(&[
            ("@babel/helper-string-parser", Some("7.19.4")),
            ("@babel/helper-validator-identifier", Some("7.19.1")),
            ("@babel/parser", Some("7.20.7")),
            ("@types/jsdom", Some("20.0.1")),
            ("axios", Some("1.2.5")),
            ("http-proxy-agent", Some("5.0.0")),
            ("pinia", Some("2.0.28")),
            ("stream", Some("0.0.2")),
            ("typescript", Some("4.7.4")),
        ]),
    ),
    // The Dockerfile reader never fails (module docs of `dockerfile`): a file without `FROM`
    // (`RUN yarn install --production` alone) or an empty file names no image, which is the
    // whole truth as far as a policy is concerned; whether Docker can build it is Docker's
    // business.
    (
        "google__osv-scalibr/extractor/filesystem/containers/dockerbaseimage/testdata/dockerfile.invalid",
        ManifestKind::Dockerfile,
        Outcome::Accepted(&[]),
    ),
    (
        "google__osv-scalibr/extractor/filesystem/containers/dockerbaseimage/testdata/dockerfile.empty",
        ManifestKind::Dockerfile,
        Outcome::Accepted(&[]),
    ),
    // `no a yaml file` is a YAML string, not a mapping. osv-scalibr returns an empty
    // inventory; techpolicy reports the file as unreadable so that a broken compose file
    // does not pass the check unnoticed.
    (
        "google__osv-scalibr/extractor/filesystem/containers/dockercomposeimage/testdata/docker-compose-yaml-parse-error.yaml",
        ManifestKind::Compose,
        Outcome::Error,
    ),
];

#[test]
fn osv_rejected_fixtures() {
    let mut failures = Vec::new();
    for (fixture, kind, outcome) in REJECTED {
        match (parse(*kind, fixture), outcome) {
            (Err(_), Outcome::Error) => {}
            (Ok(parsed), Outcome::Accepted(packages)) => {
                let ours = packages_of(*kind, &parsed);
                if ours != set(packages) {
                    failures.push(format!(
                        "{fixture}: accepted with {} instead of {}",
                        show(&ours),
                        show(&set(packages))
                    ));
                }
            }
            (Ok(parsed), Outcome::Error) => failures.push(format!(
                "{fixture}: expected an error, got {}",
                show(&packages_of(*kind, &parsed))
            )),
            (Err(e), Outcome::Accepted(_)) => failures.push(format!(
                "{fixture}: expected to be accepted, got error: {e}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The accepted Cargo.toml is otherwise read.
    let invalid = "google__osv-scalibr/extractor/filesystem/language/rust/cargotoml/testdata/invalid-dependency.toml";
    let parsed = manifest(parse(ManifestKind::CargoToml, invalid).expect("accepted"));
    assert_eq!(parsed.package_name.as_deref(), Some("hello_world"));

    // The pnpm keys osv-scalibr's errors name are the ones techpolicy skips.
    let skipped = |relative: &str| -> Vec<String> {
        let (_, skipped) =
            pnpm_lock::parse_with_skipped(&read(&conformance(relative))).expect("accepted");
        skipped.into_iter().map(|s| s.key).collect()
    };
    let pnpm = "google__osv-scalibr/extractor/filesystem/language/javascript/pnpmlock/testdata/";
    assert_eq!(
        skipped(&format!("{pnpm}invalid-path.yaml")),
        ["invalidpath"]
    );
    assert_eq!(
        skipped(&format!("{pnpm}invalid-paths.yaml")),
        ["invalidpath1", "invalidpath2"]
    );
    assert!(
        skipped("google__osv-scanner/pkg/lockfile/fixtures/pnpm/invalid-package-path.yaml")
            .is_empty()
    );
}

/// Fixtures that no EXPECTED file covers but `fixtures/README.md` says something about.
#[test]
fn osv_fixtures_outside_the_expected_tables() {
    // osv-scanner: a classic header followed by a blank line; no error, no packages.
    let empty = "google__osv-scanner/pkg/lockfile/fixtures/yarn/empty.v1.lock";
    match parse(ManifestKind::YarnLock, empty).expect("parses") {
        Parsed::Lockfile(lock) => {
            assert!(lock.packages.is_empty());
            assert_eq!(lock.format_version, Some(1));
        }
        Parsed::Manifest(_) => unreachable!(),
    }
    // Used upstream only by file-selection or dep-group tests: they parse, with these sets.
    let cases: [(&str, ManifestKind, Listed); 6] = [
        (
            "language/javascript/yarnlock/testdata/metadata-only.v2.lock",
            ManifestKind::YarnLock,
            &[],
        ),
        (
            "language/javascript/pnpmlock/testdata/mixed-groups.v53.yaml",
            ManifestKind::PnpmLock,
            &[
                ("ansi-regex", Some("5.0.1")),
                ("is-number", Some("7.0.0")),
                ("uuid", Some("8.3.2")),
            ],
        ),
        (
            "language/javascript/pnpmlock/testdata/mixed-groups.v54.yaml",
            ManifestKind::PnpmLock,
            &[
                ("ansi-regex", Some("5.0.1")),
                ("is-number", Some("7.0.0")),
                ("uuid", Some("8.3.2")),
            ],
        ),
        (
            "language/javascript/pnpmlock/testdata/mixed-groups.v6.yaml",
            ManifestKind::PnpmLock,
            &[
                ("ansi-regex", Some("5.0.0")),
                ("is-number", Some("7.0.0")),
                ("uuid", Some("8.0.0")),
            ],
        ),
        (
            "containers/dockercomposeimage/testdata/compose.yaml",
            ManifestKind::Compose,
            &[],
        ),
        (
            "containers/dockercomposeimage/testdata/docker.conf",
            ManifestKind::Compose,
            &[],
        ),
    ];
    for (relative, kind, expected) in cases {
        let path = format!("{SCALIBR}{relative}");
        let parsed = parse(kind, &path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(packages_of(kind, &parsed), set(expected), "{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. BuildKit's parser test files
// ---------------------------------------------------------------------------------------------

/// The arguments of every `(from ...)` line of a BuildKit AST dump, flags (`["--platform=x"]`)
/// left out. Strings are Go-quoted (`%q`): `\"` and `\\` are unescaped.
fn from_lines(result: &str) -> Vec<Vec<String>> {
    result
        .lines()
        .filter_map(|line| line.strip_prefix("(from "))
        .map(|rest| {
            let mut args = Vec::new();
            let mut chars = rest.chars();
            let mut in_flags = false;
            while let Some(c) = chars.next() {
                match c {
                    '[' => in_flags = true,
                    ']' => in_flags = false,
                    '"' => {
                        let mut value = String::new();
                        while let Some(c) = chars.next() {
                            match c {
                                '\\' => value.extend(chars.next()),
                                '"' => break,
                                c => value.push(c),
                            }
                        }
                        if !in_flags {
                            args.push(value);
                        }
                    }
                    _ => {}
                }
            }
            args
        })
        .collect()
}

/// The images of `FROM` lines that pull something: not `scratch`, not an earlier stage
/// (`FROM base` after `FROM x AS base`; stage names are case-insensitive).
fn pulled_images(from_lines: &[Vec<String>]) -> Packages {
    let mut stages: Vec<String> = Vec::new();
    let mut images = Packages::new();
    for args in from_lines {
        let image = args.first().expect("FROM has an image").to_lowercase();
        if image != "scratch" && !stages.contains(&image) {
            let (name, version) = split_image_reference(&args[0]);
            images.insert((name, Some(version)));
        }
        if let (Some(as_), Some(stage)) = (args.get(1), args.get(2)) {
            if as_.eq_ignore_ascii_case("as") {
                stages.push(stage.to_lowercase());
            }
        }
    }
    images
}

#[test]
fn buildkit_from_lines() {
    let root = conformance("buildkit-parser/testfiles");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("testfiles")
        .map(|entry| entry.expect("entry").path())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 33);
    let mut failures = Vec::new();
    let mut with_images = 0;
    for case in &cases {
        let name = case.file_name().expect("name").to_string_lossy();
        let dockerfile = read(&case.join("Dockerfile"));
        let result = read(&case.join("result"));
        // No result file shows an ARG reference in a FROM (`args` declares ARGs but uses
        // them elsewhere), so there is nothing to resolve here.
        let expected = pulled_images(&from_lines(&result));
        match ManifestKind::Dockerfile.parse(&dockerfile) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(parsed) => {
                let froms: Packages = manifest(parsed)
                    .declared
                    .into_iter()
                    .filter(|d| d.section == "FROM")
                    .map(|d| (d.name, d.version))
                    .collect();
                if froms != expected {
                    failures.push(format!(
                        "{name}: expected {}, got {}",
                        show(&expected),
                        show(&froms)
                    ));
                }
                with_images += usize::from(!expected.is_empty());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 26 cases pull an image; `flags` is `FROM scratch`, and the six JSON cases have no FROM.
    assert_eq!(with_images, 26);
}

#[test]
fn buildkit_from_line_number() {
    // `# ESCAPE=\`, blank lines, then `FROM brimstone/ubuntu:14.04` on line 5 (BuildKit's
    // TestParseIncludesLineNumbers puts its first child at line 5).
    let text = read(&conformance("buildkit-parser/testfile-line/Dockerfile"));
    let declared = manifest(ManifestKind::Dockerfile.parse(&text).expect("parses")).declared;
    assert_eq!(declared.len(), 1, "{declared:?}");
    let image = &declared[0];
    assert_eq!(
        (image.name.as_str(), image.version.as_deref()),
        ("brimstone/ubuntu", Some("14.04"))
    );
    let line = text[..image.span.offset].matches('\n').count() + 1;
    assert_eq!(line, 5);
}

#[test]
fn buildkit_negative_cases_do_not_panic() {
    // BuildKit rejects all four; techpolicy's reader never fails (it names the images it can
    // read), so each must parse to exactly these images, without panicking.
    let cases: [(&str, Listed); 4] = [
        ("empty_dockerfile", &[]),
        // `ENV PATH` with no value: BuildKit's error, but the FROM before it is still read.
        ("env_no_value", &[("busybox", Some("latest"))]),
        ("only_comments", &[]),
        ("shykes-nested-json", &[]),
    ];
    let root = conformance("buildkit-parser/testfiles-negative");
    let on_disk = std::fs::read_dir(&root).expect("dir").count();
    assert_eq!(on_disk, cases.len());
    for (case, expected) in cases {
        let text = read(&root.join(case).join("Dockerfile"));
        let parsed = std::panic::catch_unwind(|| ManifestKind::Dockerfile.parse(&text))
            .unwrap_or_else(|_| panic!("{case}: the parser panicked"));
        let parsed = parsed.unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(
            packages_of(ManifestKind::Dockerfile, &parsed),
            set(expected),
            "{case}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 3. npm ls on the real package-locks
// ---------------------------------------------------------------------------------------------

/// The lockfiles of `fixtures/corpus/`, and how many workspace packages each has (see
/// [`npm_ls_agrees_with_inventory`]).
const NPM_LOCKS: [(&str, usize); 3] = [
    ("getsentry__self-hosted/_integration-test/nodejs", 0),
    ("vectordotdev__vector/scripts/environment/npm-tools", 0),
    ("open-telemetry__opentelemetry-js", 56),
];

fn npm_program() -> &'static str {
    if cfg!(windows) {
        "npm.cmd"
    } else {
        "npm"
    }
}

/// Copies every `package.json` and the `package-lock.json` below `from` to `to`, keeping
/// relative paths (npm reads the workspace manifests as well as the lock).
fn copy_npm_files(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            if name != "node_modules" {
                copy_npm_files(&path, &to.join(&name));
            }
        } else if name == "package.json" || name == "package-lock.json" {
            std::fs::create_dir_all(to).expect("mkdir");
            std::fs::write(to.join(&name), std::fs::read(&path).expect("read")).expect("write");
        }
    }
}

/// The real name of a package in npm's tree. npm shows an alias (`"string-width-cjs":
/// "npm:string-width@^4.2.0"`) under the alias; the lockfile's entry for it records the real
/// package in `name`, so (alias, version) is looked up there.
fn real_name(aliases: &BTreeMap<(String, String), String>, key: &str, version: &str) -> String {
    aliases
        .get(&(key.to_string(), version.to_string()))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// Every (name, version) in npm's `ls --json` tree, recursively. Nodes without a version (an
/// optional peer that is not installed shows as `{}`) are counted, not collected.
fn npm_tree_packages(
    node: &serde_json::Value,
    aliases: &BTreeMap<(String, String), String>,
    out: &mut BTreeSet<(String, String)>,
    without_version: &mut usize,
) {
    let Some(children) = node["dependencies"].as_object() else {
        return;
    };
    for (key, child) in children {
        match child["version"].as_str() {
            Some(version) => {
                let name = real_name(aliases, key, version);
                // A registry tarball URL names the package too (`.../@scope/name/-/...`).
                if let Some(from_url) = child["resolved"]
                    .as_str()
                    .and_then(|url| url.split_once("/-/"))
                    .map(|(before, _)| before)
                {
                    let parts: Vec<&str> = from_url.rsplit('/').take(2).collect();
                    let url_name = match parts.as_slice() {
                        [last, scope, ..] if scope.starts_with('@') => format!("{scope}/{last}"),
                        [last, ..] => last.to_string(),
                        [] => String::new(),
                    };
                    assert_eq!(url_name, name, "{key}@{version} resolved from {from_url}");
                }
                out.insert((name, version.to_string()));
            }
            None => *without_version += 1,
        }
        npm_tree_packages(child, aliases, out, without_version);
    }
}

#[test]
fn npm_ls_agrees_with_inventory() {
    let started = std::time::Instant::now();
    let npm_version = std::process::Command::new(npm_program())
        .arg("--version")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string());
    let Some(npm_version) = npm_version else {
        eprintln!("npm_ls_agrees_with_inventory: skipped, `npm` is not on PATH");
        return;
    };
    // `ls --package-lock-only` reads a lockfile without node_modules from npm 7 on.
    let major: u32 = npm_version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 7 {
        eprintln!("npm_ls_agrees_with_inventory: skipped, npm {npm_version} is older than 7");
        return;
    }
    for (relative, workspace_count) in NPM_LOCKS {
        let source = fixture("corpus").join(relative);
        let lock_text = read(&source.join("package-lock.json"));
        let lock: serde_json::Value = serde_json::from_str(&lock_text).expect("JSON");
        let entries = lock["packages"]
            .as_object()
            .expect("lockfileVersion 2 or 3");

        let temp = tempfile::tempdir().expect("temp dir");
        let project = temp.path().join("project");
        copy_npm_files(&source, &project);
        let output = std::process::Command::new(npm_program())
            .args(["ls", "--all", "--json", "--package-lock-only"])
            .current_dir(&project)
            // Hermetic and offline: no user config, a throwaway cache, no update check.
            .env("npm_config_userconfig", temp.path().join("npmrc"))
            .env("npm_config_cache", temp.path().join("cache"))
            .env("npm_config_update_notifier", "false")
            .env("npm_config_offline", "true")
            .output()
            .expect("npm runs");
        // `npm ls` exits 1 when the tree has problems, and still prints it.
        let tree: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{relative}: npm ls printed no JSON ({e}):\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        assert!(tree.get("error").is_none(), "{relative}: {}", tree["error"]);

        let mut aliases = BTreeMap::new();
        for (key, entry) in entries {
            if let (Some(folder), Some(name), Some(version)) = (
                key.rsplit_once("node_modules/").map(|(_, folder)| folder),
                entry["name"].as_str(),
                entry["version"].as_str(),
            ) {
                aliases.insert((folder.to_string(), version.to_string()), name.to_string());
            }
        }
        let mut npm = BTreeSet::new();
        let mut without_version = 0;
        npm_tree_packages(&tree, &aliases, &mut npm, &mut without_version);

        let target = techpolicy::Target::Files {
            base: source.clone(),
            files: vec![source.join("package-lock.json")],
        };
        let inventory = techpolicy::inventory(&target, None, false);
        assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
        let ours: BTreeSet<(String, String)> = inventory
            .entries
            .iter()
            .map(|e| &e.dependency)
            .filter(|d| d.is_locked_entry() && &*d.file == "package-lock.json")
            .map(|d| (d.name.clone(), d.version.clone().expect("locked version")))
            .collect();

        // The one residual difference: npm's tree shows each workspace under its package
        // name (`@opentelemetry/api@1.9.1`, resolved `file:../../api`), while techpolicy
        // lists workspaces (`packages` keys outside `node_modules`, here `api`,
        // `packages/*`, `experimental/packages/*` ...) as the project's own folders in
        // `Lockfile::workspaces`, not as packages: they are not dependencies fetched from
        // anywhere. Nothing else differs: every installed entry and every alias agree.
        let workspaces: BTreeSet<(String, String)> = entries
            .iter()
            .filter(|(key, _)| !key.is_empty() && !key.contains("node_modules/"))
            .map(|(key, entry)| {
                // npm writes `name` only where it differs from the folder's package.json.
                let manifest: serde_json::Value =
                    serde_json::from_str(&read(&source.join(key).join("package.json")))
                        .expect("workspace package.json");
                let name = entry["name"]
                    .as_str()
                    .or_else(|| manifest["name"].as_str())
                    .unwrap_or_else(|| panic!("{key}: name"));
                let version = entry["version"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{key}: version"));
                (name.to_string(), version.to_string())
            })
            .collect();
        assert_eq!(workspaces.len(), workspace_count, "{relative}");
        let documented: BTreeSet<_> = workspaces.difference(&ours).cloned().collect();
        let npm_only: BTreeSet<_> = npm.difference(&ours).cloned().collect();
        let ours_only: BTreeSet<_> = ours.difference(&npm).cloned().collect();
        assert_eq!(npm_only, documented, "{relative}: in npm ls only");
        assert!(
            ours_only.is_empty(),
            "{relative}: in techpolicy only: {ours_only:?}"
        );
        eprintln!(
            "npm ls {relative}: {} packages agree, {} workspaces npm lists as packages, \
             {without_version} tree nodes without a version (missing optional peers)",
            ours.len(),
            npm_only.len()
        );
    }
    eprintln!("npm ls comparison took {:.1?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// 4. No parser panics
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct PanicScan {
    parsed: usize,
    /// Files (with the parser's message) that returned Err.
    errors: Vec<String>,
    not_utf8: usize,
    panics: Vec<String>,
}

impl PanicScan {
    /// Runs `kind`'s parser on `text` and records how it ended.
    fn run(&mut self, label: String, kind: ManifestKind, text: &str) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match std::panic::catch_unwind(|| kind.parse(text)) {
            Ok(Ok(_)) => self.parsed += 1,
            Ok(Err(e)) => {
                self.parsed += 1;
                self.errors.push(format!("{label}: {e}"));
            }
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                self.panics.push(format!("{label} ({kind:?}): {message}"));
            }
        }
    }

    /// Every file below `dir` whose name `ManifestKind::detect` recognises.
    fn walk(&mut self, dir: &Path) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                self.walk(&path);
            } else if let Some(kind) = ManifestKind::detect(&name) {
                let bytes = std::fs::read(&path).expect("read");
                let text = match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(e) => {
                        // The scanner reports such a file as unreadable; the parser still
                        // gets a lossy copy here, to be sure it copes.
                        self.not_utf8 += 1;
                        String::from_utf8_lossy(e.as_bytes()).into_owned()
                    }
                };
                self.run(path.display().to_string(), kind, &text);
            }
        }
    }
}

#[test]
fn no_parser_panics_on_the_corpus() {
    let started = std::time::Instant::now();
    let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = crate_root.join("../shared/corpus");
    let mut roots = vec![crate_root.join("fixtures")];
    if shared.is_dir() {
        roots.push(shared);
    } else {
        eprintln!(
            "no_parser_panics_on_the_corpus: {} is absent, walking fixtures/ only",
            shared.display()
        );
    }
    let mut failures = Vec::new();
    for root in roots {
        let mut scan = PanicScan::default();
        scan.walk(&root);
        eprintln!(
            "{}: {} manifest files parsed, {} returned Err, {} not UTF-8, {} panicked",
            root.display(),
            scan.parsed,
            scan.errors.len(),
            scan.not_utf8,
            scan.panics.len()
        );
        for error in &scan.errors {
            eprintln!("    Err {error}");
        }
        assert!(scan.parsed > 0, "{}", root.display());
        failures.extend(scan.panics);
    }

    // The conformance fixtures are mostly named for their tests, not as manifests: every one
    // of them goes through every parser, deliberately broken ones included.
    let mut every_kind = PanicScan::default();
    let mut stack = vec![fixture("conformance")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
            for kind in ALL_KINDS {
                every_kind.run(path.display().to_string(), kind, &text);
            }
        }
    }
    eprintln!(
        "fixtures/conformance through every parser: {} parses, {} returned Err, {} panicked",
        every_kind.parsed,
        every_kind.errors.len(),
        every_kind.panics.len()
    );
    failures.extend(every_kind.panics);
    eprintln!("panic scan took {:.1?}", started.elapsed());
    assert!(
        failures.is_empty(),
        "parser panics:\n{}",
        failures.join("\n")
    );
}

const ALL_KINDS: [ManifestKind; 8] = [
    ManifestKind::CargoToml,
    ManifestKind::CargoLock,
    ManifestKind::PackageJson,
    ManifestKind::PackageLock,
    ManifestKind::PnpmLock,
    ManifestKind::YarnLock,
    ManifestKind::Dockerfile,
    ManifestKind::Compose,
];

// ---------------------------------------------------------------------------------------------
// 5. The README's table of supported formats
// ---------------------------------------------------------------------------------------------

/// (format, version as the README states it, parser, fixture relative to `fixtures/`, the
/// `format_version` the parser must report; None for manifests, which have none).
const SUPPORTED_FORMATS: &[(&str, &str, ManifestKind, &str, Option<u32>)] = &[
    (
        "Cargo.lock",
        "v1 (`[metadata]` checksums)",
        ManifestKind::CargoLock,
        "conformance/repos/rust-lang__cargo/tests/testsuite/cargo_info/transitive_dependency_within_ws/in/Cargo.lock",
        Some(1),
    ),
    (
        "Cargo.lock",
        "v2 (no `version` key)",
        ManifestKind::CargoLock,
        "conformance/repos/rust-lang__cargo/tests/testsuite/cargo_info/pick_msrv_compatible_package_within_ws/out/Cargo.lock",
        Some(2),
    ),
    (
        "Cargo.lock",
        "v3",
        ManifestKind::CargoLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/rust/cargolock/testdata/two-packages.lock",
        Some(3),
    ),
    (
        "Cargo.lock",
        "v4",
        ManifestKind::CargoLock,
        "corpus/vectordotdev__vector/Cargo.lock",
        Some(4),
    ),
    (
        "package-lock.json",
        "v1",
        ManifestKind::PackageLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/packagelockjson/testdata/two-packages.v1.json",
        Some(1),
    ),
    (
        "package-lock.json",
        "v2",
        ManifestKind::PackageLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/packagelockjson/testdata/two-packages.v2.json",
        Some(2),
    ),
    (
        "package-lock.json",
        "v3",
        ManifestKind::PackageLock,
        "corpus/open-telemetry__opentelemetry-js/package-lock.json",
        Some(3),
    ),
    (
        "npm-shrinkwrap.json",
        "v2",
        ManifestKind::PackageLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/packagelockjson/testdata/npm-shrinkwrap-only/npm-shrinkwrap.json",
        Some(2),
    ),
    (
        "yarn.lock",
        "classic v1",
        ManifestKind::YarnLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/yarnlock/testdata/two-packages.v1.lock",
        Some(1),
    ),
    (
        "yarn.lock",
        "berry, `__metadata.version` 5",
        ManifestKind::YarnLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/yarnlock/testdata/two-packages.v2.lock",
        Some(5),
    ),
    (
        "yarn.lock",
        "berry, `__metadata.version` 6",
        ManifestKind::YarnLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/yarnlock/testdata/with-build-string.v2.lock",
        Some(6),
    ),
    (
        "yarn.lock",
        "berry, `__metadata.version` 8",
        ManifestKind::YarnLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/yarnlock/testdata/with-aliases.v2.lock",
        Some(8),
    ),
    (
        "pnpm-lock.yaml",
        "v5.3",
        ManifestKind::PnpmLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/pnpmlock/testdata/one-package.yaml",
        Some(5),
    ),
    (
        "pnpm-lock.yaml",
        "v5.4",
        ManifestKind::PnpmLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/pnpmlock/testdata/files.yaml",
        Some(5),
    ),
    (
        "pnpm-lock.yaml",
        "v6.0",
        ManifestKind::PnpmLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/pnpmlock/testdata/one-package-v6-lockfile.yaml",
        Some(6),
    ),
    (
        "pnpm-lock.yaml",
        "v9.0",
        ManifestKind::PnpmLock,
        "conformance/google__osv-scalibr/extractor/filesystem/language/javascript/pnpmlock/testdata/one-package.v9.yaml",
        Some(9),
    ),
    (
        "Dockerfile",
        "—",
        ManifestKind::Dockerfile,
        "conformance/google__osv-scalibr/extractor/filesystem/containers/dockerbaseimage/testdata/dockerfile.multi-stage",
        None,
    ),
    (
        "compose file",
        "—",
        ManifestKind::Compose,
        "conformance/google__osv-scalibr/extractor/filesystem/containers/dockercomposeimage/testdata/docker-compose-extending.yaml",
        None,
    ),
];

#[test]
fn supported_formats_table() {
    let mut table = String::from("| format | version | fixture |\n| --- | --- | --- |\n");
    for &(format, version, kind, path, format_version) in SUPPORTED_FORMATS {
        let text = read(&fixture(path));
        let parsed = kind.parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        match (&parsed, format_version) {
            (Parsed::Lockfile(lock), Some(want)) => {
                assert_eq!(lock.format_version, Some(want), "{path}");
                assert!(!lock.packages.is_empty(), "{path}: no packages");
            }
            (Parsed::Manifest(manifest), None) => {
                assert!(!manifest.declared.is_empty(), "{path}: no declarations");
            }
            _ => panic!("{path}: not the kind of file the table says"),
        }
        table.push_str(&format!("| {format} | {version} | `fixtures/{path}` |\n"));
    }
    eprintln!("{table}");
}
