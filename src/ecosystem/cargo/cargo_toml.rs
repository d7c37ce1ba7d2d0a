//! Cargo.toml: what a package (or a workspace root) declares it depends on.
//!
//! The parser reports each dependency as the file states it, with the byte span of its key so
//! findings can point at the right line. It does not consult the lockfile, the workspace root
//! or the registry: `dep.workspace = true` is reported as inherited and completed later from
//! the root's `workspace_dependencies`. `[patch.<source>]` and `[replace]` entries are
//! declarations too: they decide which code a dependency resolves to. The `[workspace]`
//! `members`/`exclude` lists and `package.workspace` are kept as written, for
//! `super::workspace` to tell which workspace each Cargo.toml belongs to.
//!
//! The document is read with `toml::de::DeTable`, which keeps a span on every key and value,
//! rather than deserialised into typed structs: a single malformed entry must not cost the
//! whole file, and spans must survive.

use crate::manifest::{Declared, Ecosystem, Manifest, ParseError, Span};
use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

/// Dependency table names as they may appear in a file, with the name reported in
/// `Declared.section`. The underscored spellings are legacy ones Cargo still accepts.
const DEPENDENCY_TABLES: [(&str, &str); 5] = [
    ("dependencies", "dependencies"),
    ("dev-dependencies", "dev-dependencies"),
    ("dev_dependencies", "dev-dependencies"),
    ("build-dependencies", "build-dependencies"),
    ("build_dependencies", "build-dependencies"),
];

/// Parses a Cargo.toml. Fails only when the text is not TOML; entries that Cargo itself
/// would reject are left out so the rest of the file is still checked.
pub fn parse(text: &str) -> Result<Manifest, ParseError> {
    let document = DeTable::parse(text).map_err(toml_error)?;
    let root = document.get_ref();

    let mut declared = Vec::new();
    collect_dependency_tables(root, "", &mut declared);
    if let Some(targets) = table(root, "target") {
        for (target, value) in targets.iter() {
            if let Some(platform) = value.get_ref().as_table() {
                let prefix = format!("target.{}.", render_key(target.get_ref()));
                collect_dependency_tables(platform, &prefix, &mut declared);
            }
        }
    }

    let mut workspace_dependencies = Vec::new();
    if let Some(dependencies) = table(root, "workspace").and_then(|w| table(w, "dependencies")) {
        collect_entries(
            dependencies,
            "workspace.dependencies",
            &mut workspace_dependencies,
        );
    }
    declared.extend(workspace_dependencies.iter().cloned());

    // A patch or a replacement brings a crate in as surely as a dependency does: a banned
    // crate patched in must be reported where the patch says so.
    if let Some(patches) = table(root, "patch") {
        for (source, value) in patches.iter() {
            if let Some(entries) = value.get_ref().as_table() {
                let section = format!("patch.{}", render_key(source.get_ref()));
                collect_entries(entries, &section, &mut declared);
            }
        }
    }
    if let Some(replacements) = table(root, "replace") {
        for (key, value) in replacements.iter() {
            declared.extend(replacement(key, value));
        }
    }

    // Target and workspace tables are visited after the top-level ones, and a table may be
    // split between a `[dependencies]` block and later `[dependencies.x]` headers.
    declared.sort_by_key(|d| d.span.offset);
    workspace_dependencies.sort_by_key(|d| d.span.offset);

    let workspace = table(root, "workspace");
    Ok(Manifest {
        package_name: package_field(root, "name"),
        declared,
        workspace_dependencies,
        is_workspace_root: workspace.is_some(),
        workspace_members: workspace.map(|w| strings(w, "members")).unwrap_or_default(),
        workspace_exclude: workspace.map(|w| strings(w, "exclude")).unwrap_or_default(),
        workspace_path: package_field(root, "workspace"),
        ..Manifest::default()
    })
}

fn toml_error(error: toml::de::Error) -> ParseError {
    let message = format!("invalid TOML: {}", error.message());
    match error.span() {
        Some(range) => ParseError::at(message, Span::from_range(range)),
        None => ParseError::new(message),
    }
}

/// A string field of `[package]` (`name`, `workspace`).
fn package_field(root: &DeTable<'_>, key: &str) -> Option<String> {
    // `[project]` is the pre-1.0 spelling of `[package]`; old manifests still carry it.
    ["package", "project"].into_iter().find_map(|header| {
        let value = table(root, header)?.get(key)?;
        value.get_ref().as_str().map(str::to_owned)
    })
}

/// The strings of an array field; other items (which Cargo rejects) are left out.
fn strings(parent: &DeTable<'_>, key: &str) -> Vec<String> {
    parent
        .get(key)
        .and_then(|value| value.get_ref().as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.get_ref().as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn table<'a, 'i>(parent: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    parent.get(key)?.get_ref().as_table()
}

/// Reads `dependencies`, `dev-dependencies` and `build-dependencies` (and their legacy
/// spellings) of one table: the document root or a `target.<platform>` table.
fn collect_dependency_tables(parent: &DeTable<'_>, prefix: &str, out: &mut Vec<Declared>) {
    for (written, canonical) in DEPENDENCY_TABLES {
        if let Some(dependencies) = table(parent, written) {
            collect_entries(dependencies, &format!("{prefix}{canonical}"), out);
        }
    }
}

fn collect_entries(dependencies: &DeTable<'_>, section: &str, out: &mut Vec<Declared>) {
    for (key, value) in dependencies.iter() {
        if let Some(declared) = declaration(key, value, section) {
            out.push(declared);
        }
    }
}

/// A field holding a type Cargo rejects (`git = { ... }`, `version = 1`).
struct Malformed;

fn declaration(
    key: &Spanned<DeString<'_>>,
    value: &Spanned<DeValue<'_>>,
    section: &str,
) -> Option<Declared> {
    let mut declared = Declared::new(
        Ecosystem::Cargo,
        key.get_ref().as_ref(),
        Span::from_range(key.span()),
    );
    declared.section = section.to_owned();
    match value.get_ref() {
        DeValue::String(requirement) => declared.requirement = Some(requirement.to_string()),
        // Reporting a half-understood entry would misstate it (a `git = { ... }` dependency
        // would pass for a registry one), so an entry with a malformed field is left out.
        DeValue::Table(detail) => fill_detailed(&mut declared, detail).ok()?,
        _ => return None,
    }
    Some(declared)
}

/// A `[replace]` entry: the key is a package id spec naming the crate replaced (`"foo:1.0.0"`),
/// the value says where the replacement comes from, as for a dependency.
fn replacement(key: &Spanned<DeString<'_>>, value: &Spanned<DeValue<'_>>) -> Option<Declared> {
    let (name, version) = package_id_spec(key.get_ref())?;
    let mut declared = Declared::new(Ecosystem::Cargo, name, Span::from_range(key.span()));
    declared.section = "replace".to_owned();
    let DeValue::Table(detail) = value.get_ref() else {
        return None;
    };
    fill_detailed(&mut declared, detail).ok()?;
    if declared.workspace_inherited {
        // Cargo accepts no `workspace = true` here; what it would mean is anyone's guess.
        return None;
    }
    // The key alone names the crate: a `package` in the value renames nothing.
    declared.name = name.to_owned();
    declared.alias = None;
    // A spec's version is an exact one, or a prefix of one (`1.0` for any 1.0.x), which is
    // what `=` means to Cargo requirements; the value's own `version` is not the one replaced.
    declared.requirement = version.map(|version| format!("={version}"));
    Some(declared)
}

/// The crate name and version of a package id spec: `foo`, `foo:1.0.0`, `foo@1.0.0`, or a
/// source URL with a fragment (`URL#foo@1.0.0`, `URL#foo`, `URL#1.0.0` where the URL's last
/// path segment is the name).
fn package_id_spec(spec: &str) -> Option<(&str, Option<&str>)> {
    let (name, version) = match spec.split_once('#') {
        Some((url, fragment)) => {
            let split = fragment
                .split_once('@')
                .or_else(|| fragment.split_once(':'));
            match split {
                Some((name, version)) => (name, Some(version)),
                None if fragment.starts_with(|c: char| c.is_ascii_digit()) => {
                    (last_path_segment(url)?, Some(fragment))
                }
                None => (fragment, None),
            }
        }
        None if spec.contains("://") => (last_path_segment(spec)?, None),
        None => match spec.split_once('@').or_else(|| spec.split_once(':')) {
            Some((name, version)) => (name, Some(version)),
            None => (spec, None),
        },
    };
    let version = version.filter(|v| !v.is_empty());
    (!name.is_empty()).then_some((name, version))
}

fn last_path_segment(url: &str) -> Option<&str> {
    let path = url.split_once('?').map_or(url, |(path, _)| path);
    path.trim_end_matches('/').rsplit('/').next()
}

fn fill_detailed(declared: &mut Declared, detail: &DeTable<'_>) -> Result<(), Malformed> {
    let version = text_field(detail, "version")?;
    let package = text_field(detail, "package")?;
    let path = text_field(detail, "path")?;
    let git = text_field(detail, "git")?;
    let branch = text_field(detail, "branch")?;
    let tag = text_field(detail, "tag")?;
    let rev = text_field(detail, "rev")?;
    let registry = text_field(detail, "registry")?;
    let registry_index = text_field(detail, "registry-index")?;
    let inherited = match detail.get("workspace").map(|v| v.get_ref()) {
        None => false,
        Some(DeValue::Boolean(inherited)) => *inherited,
        Some(_) => return Err(Malformed),
    };

    if let Some(package) = package {
        if package != declared.name {
            declared.alias = Some(std::mem::replace(&mut declared.name, package.to_owned()));
        }
    }

    if inherited {
        // Version and source live in the root's `[workspace.dependencies]`; whatever else
        // the member writes here (features, optional) does not change which crate it gets.
        declared.workspace_inherited = true;
        return Ok(());
    }

    declared.requirement = version.map(str::to_owned);
    declared.source = if let Some(path) = path {
        Some(format!("path+{path}"))
    } else if let Some(url) = git {
        // Same shape as a Cargo.lock `source` minus the `#commit`, so the two can be compared
        // by prefix. Cargo accepts only one of branch/tag/rev; the order here is arbitrary.
        let reference = [("branch", branch), ("tag", tag), ("rev", rev)]
            .into_iter()
            .find_map(|(kind, value)| value.map(|value| format!("?{kind}={value}")));
        Some(format!("git+{url}{}", reference.unwrap_or_default()))
    } else if let Some(name) = registry {
        Some(format!("registry+{name}"))
    } else {
        // `registry-index` is what `cargo package` writes in place of `registry`; the URL may
        // already carry its protocol prefix (`sparse+`).
        registry_index.map(|url| {
            if url.starts_with("registry+") || url.starts_with("sparse+") {
                url.to_owned()
            } else {
                format!("registry+{url}")
            }
        })
    };
    Ok(())
}

fn text_field<'a>(detail: &'a DeTable<'_>, key: &str) -> Result<Option<&'a str>, Malformed> {
    match detail.get(key) {
        None => Ok(None),
        Some(value) => value.get_ref().as_str().map(Some).ok_or(Malformed),
    }
}

/// A table key the way one would write it in a header: bare when TOML allows it, otherwise a
/// literal string (`'cfg(unix)'`), which is how target keys are usually written. Keys a
/// literal string cannot hold fall back to a basic string.
fn render_key(key: &str) -> String {
    let bare = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if !key.is_empty() && key.chars().all(bare) {
        return key.to_owned();
    }
    if !key.chars().any(|c| c == '\'' || c.is_control()) {
        return format!("'{key}'");
    }
    let mut quoted = String::with_capacity(key.len() + 2);
    quoted.push('"');
    for c in key.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Manifest {
        match parse(text) {
            Ok(manifest) => manifest,
            Err(error) => panic!("parse failed: {error:?}"),
        }
    }

    fn span_text(text: &str, span: Span) -> &str {
        text.get(span.offset..span.offset + span.len)
            .unwrap_or("<span out of range>")
    }

    fn find<'a>(manifest: &'a Manifest, key: &str) -> &'a Declared {
        let found = manifest
            .declared
            .iter()
            .find(|d| d.alias.as_deref().unwrap_or(&d.name) == key);
        match found {
            Some(declared) => declared,
            None => panic!("no declaration for {key}: {:#?}", manifest.declared),
        }
    }

    /// Every declaration's span must cover exactly its key as written.
    fn assert_spans_are_keys(text: &str, manifest: &Manifest) {
        for declared in &manifest.declared {
            let key = declared.alias.as_deref().unwrap_or(&declared.name);
            assert_eq!(span_text(text, declared.span), key, "{declared:?}");
        }
    }

    #[test]
    fn package_name_and_plain_requirements() {
        let text = r#"
[package]
name = "demo"
version = "0.1.0"

[dependencies]
serde = "1.0"
regex = ">=1.5, <2"
"#;
        let manifest = parsed(text);
        assert_eq!(manifest.package_name.as_deref(), Some("demo"));
        assert!(!manifest.is_workspace_root);
        assert!(manifest.workspace_dependencies.is_empty());
        assert_eq!(manifest.declared.len(), 2);
        let serde = find(&manifest, "serde");
        assert_eq!(serde.ecosystem, Ecosystem::Cargo);
        assert_eq!(serde.name, "serde");
        assert_eq!(serde.alias, None);
        assert_eq!(serde.requirement.as_deref(), Some("1.0"));
        assert_eq!(serde.version, None);
        assert_eq!(serde.source, None);
        assert_eq!(serde.section, "dependencies");
        assert!(!serde.workspace_inherited);
        assert_eq!(
            find(&manifest, "regex").requirement.as_deref(),
            Some(">=1.5, <2")
        );
        assert_spans_are_keys(text, &manifest);
    }

    #[test]
    fn package_name_must_be_a_string() {
        assert_eq!(parsed("[package]\nname = 3\n").package_name, None);
        assert_eq!(parsed("[dependencies]\na = \"1\"\n").package_name, None);
    }

    #[test]
    fn legacy_project_header_names_the_package() {
        assert_eq!(
            parsed("[project]\nname = \"old\"\n")
                .package_name
                .as_deref(),
            Some("old")
        );
    }

    #[test]
    fn dev_and_build_tables_including_legacy_spellings() {
        let text = r#"
[dev-dependencies]
a = "1"
[dev_dependencies]
b = "1"
[build-dependencies]
c = "1"
[build_dependencies]
d = "1"
"#;
        let manifest = parsed(text);
        let sections: Vec<(&str, &str)> = manifest
            .declared
            .iter()
            .map(|d| (d.name.as_str(), d.section.as_str()))
            .collect();
        assert_eq!(
            sections,
            [
                ("a", "dev-dependencies"),
                ("b", "dev-dependencies"),
                ("c", "build-dependencies"),
                ("d", "build-dependencies"),
            ]
        );
        assert_spans_are_keys(text, &manifest);
    }

    #[test]
    fn renamed_dependency() {
        let text = r#"
[dependencies]
json = { package = "serde_json", version = "1" }
same = { package = "same", version = "2" }
"#;
        let manifest = parsed(text);
        let json = find(&manifest, "json");
        assert_eq!(json.name, "serde_json");
        assert_eq!(json.alias.as_deref(), Some("json"));
        assert_eq!(json.requirement.as_deref(), Some("1"));
        // `package` equal to the key is not a rename.
        let same = find(&manifest, "same");
        assert_eq!(same.name, "same");
        assert_eq!(same.alias, None);
        assert_spans_are_keys(text, &manifest);
    }

    #[test]
    fn target_tables() {
        let text = r#"
[target.'cfg(unix)'.dependencies]
nix = "0.29"

[target."cfg(windows)".dev-dependencies]
winapi = "0.3"

[target.x86_64-pc-windows-gnu.build_dependencies]
cc = "1"

[target.'cfg(target_os = "linux")'.dependencies.libc]
version = "0.2"

[target.'cfg(unix)'.not-dependencies]
ignored = "1"
"#;
        let manifest = parsed(text);
        let sections: Vec<(&str, &str)> = manifest
            .declared
            .iter()
            .map(|d| (d.name.as_str(), d.section.as_str()))
            .collect();
        assert_eq!(
            sections,
            [
                ("nix", "target.'cfg(unix)'.dependencies"),
                ("winapi", "target.'cfg(windows)'.dev-dependencies"),
                ("cc", "target.x86_64-pc-windows-gnu.build-dependencies"),
                ("libc", "target.'cfg(target_os = \"linux\")'.dependencies"),
            ]
        );
        assert_eq!(find(&manifest, "libc").requirement.as_deref(), Some("0.2"));
        assert_spans_are_keys(text, &manifest);
    }

    #[test]
    fn target_keys_that_a_literal_string_cannot_hold() {
        assert_eq!(render_key("x86_64-pc-windows-gnu"), "x86_64-pc-windows-gnu");
        assert_eq!(render_key("my-target.json"), "'my-target.json'");
        assert_eq!(render_key(""), "''");
        assert_eq!(render_key("it's"), "\"it's\"");
        assert_eq!(render_key("a\"b\\'\n"), "\"a\\\"b\\\\'\\u000A\"");
    }

    #[test]
    fn dotted_workspace_inheritance() {
        let text = r#"
[package]
name = "member"

[dependencies]
serde.workspace = true
serde.features = ["derive"]
tokio = { workspace = true, optional = true }
log = { workspace = false, version = "0.4" }
"#;
        let manifest = parsed(text);
        let serde = find(&manifest, "serde");
        assert!(serde.workspace_inherited);
        assert_eq!(serde.requirement, None);
        assert_eq!(serde.source, None);
        assert!(find(&manifest, "tokio").workspace_inherited);
        let log = find(&manifest, "log");
        assert!(!log.workspace_inherited);
        assert_eq!(log.requirement.as_deref(), Some("0.4"));
        assert_spans_are_keys(text, &manifest);
        assert_eq!(
            span_text(text, serde.span),
            "serde",
            "span is the first `serde` of the dotted keys"
        );
        assert_eq!(serde.span.offset, text.find("serde.workspace").unwrap_or(0));
    }

    #[test]
    fn section_form() {
        let text = r#"
[dependencies]
a = "1"

[dependencies.foo]
version = "1.2"
features = ["x"]
default-features = false

[dev-dependencies.bar]
path = "../bar"
"#;
        let manifest = parsed(text);
        let foo = find(&manifest, "foo");
        assert_eq!(foo.requirement.as_deref(), Some("1.2"));
        assert_eq!(foo.section, "dependencies");
        assert_eq!(foo.span.offset, text.find("foo]").unwrap_or(0));
        let bar = find(&manifest, "bar");
        assert_eq!(bar.section, "dev-dependencies");
        assert_eq!(bar.source.as_deref(), Some("path+../bar"));
        assert_spans_are_keys(text, &manifest);
    }

    #[test]
    fn git_dependencies() {
        let text = r#"
[dependencies]
a = { git = "https://example.test/a.git" }
b = { git = "https://example.test/b.git", branch = "main" }
c = { git = "https://example.test/c.git", tag = "v1.0.0" }
d = { git = "https://example.test/d.git", rev = "0c0990399270277832fbb5b91a1fa118e6f63dba", version = "0.3" }
"#;
        let manifest = parsed(text);
        let source = |key| find(&manifest, key).source.as_deref();
        assert_eq!(source("a"), Some("git+https://example.test/a.git"));
        assert_eq!(
            source("b"),
            Some("git+https://example.test/b.git?branch=main")
        );
        assert_eq!(
            source("c"),
            Some("git+https://example.test/c.git?tag=v1.0.0")
        );
        assert_eq!(
            source("d"),
            Some("git+https://example.test/d.git?rev=0c0990399270277832fbb5b91a1fa118e6f63dba")
        );
        assert_eq!(find(&manifest, "a").requirement, None);
        assert_eq!(find(&manifest, "d").requirement.as_deref(), Some("0.3"));
        assert_spans_are_keys(text, &manifest);
    }

    #[test]
    fn path_and_registry_dependencies() {
        let text = r#"
[dependencies]
local = { path = "crates/local" }
local-versioned = { path = "crates/lv", version = "0.2.0" }
internal = { version = "1", registry = "my-registry" }
packaged = { version = "1", registry-index = "https://index.example.test/" }
sparse = { version = "1", registry-index = "sparse+https://index.example.test/" }
"#;
        let manifest = parsed(text);
        let local = find(&manifest, "local");
        assert_eq!(local.source.as_deref(), Some("path+crates/local"));
        assert_eq!(local.requirement, None);
        let versioned = find(&manifest, "local-versioned");
        assert_eq!(versioned.source.as_deref(), Some("path+crates/lv"));
        assert_eq!(versioned.requirement.as_deref(), Some("0.2.0"));
        let internal = find(&manifest, "internal");
        assert_eq!(internal.source.as_deref(), Some("registry+my-registry"));
        assert_eq!(internal.requirement.as_deref(), Some("1"));
        assert_eq!(
            find(&manifest, "packaged").source.as_deref(),
            Some("registry+https://index.example.test/")
        );
        assert_eq!(
            find(&manifest, "sparse").source.as_deref(),
            Some("sparse+https://index.example.test/")
        );
        assert_spans_are_keys(text, &manifest);
    }

    #[test]
    fn workspace_root() {
        let text = r#"
[workspace]
members = ["a", "b"]

[workspace.dependencies]
serde = { version = "1", features = ["derive"] }
json = { package = "serde_json", version = "1" }
internal = { path = "crates/internal" }

[dependencies]
anyhow = "1"
"#;
        let manifest = parsed(text);
        assert!(manifest.is_workspace_root);
        assert_eq!(manifest.package_name, None);
        let keys: Vec<&str> = manifest
            .declared
            .iter()
            .map(|d| d.alias.as_deref().unwrap_or(&d.name))
            .collect();
        assert_eq!(keys, ["serde", "json", "internal", "anyhow"]);
        assert_eq!(manifest.workspace_dependencies.len(), 3);
        for declared in &manifest.workspace_dependencies {
            assert_eq!(declared.section, "workspace.dependencies");
            assert!(manifest.declared.contains(declared));
        }
        let json = find(&manifest, "json");
        assert_eq!(json.name, "serde_json");
        assert_eq!(json.section, "workspace.dependencies");
        assert_eq!(
            find(&manifest, "internal").source.as_deref(),
            Some("path+crates/internal")
        );
        assert_eq!(find(&manifest, "anyhow").section, "dependencies");
        assert_spans_are_keys(text, &manifest);
    }

    #[test]
    fn workspace_table_from_a_subtable_alone() {
        let manifest = parsed("[workspace.dependencies]\nlog = \"0.4\"\n");
        assert!(manifest.is_workspace_root);
        assert_eq!(manifest.workspace_dependencies.len(), 1);
    }

    #[test]
    fn entries_that_are_not_strings_or_tables_are_skipped() {
        let text = r#"
[dependencies]
number = 3
flag = true
list = ["1"]
good = "1"
bad-git = { git = { random_key = "random_value" }, tag = "0.0.1" }
bad-version = { version = 1 }
bad-workspace = { workspace = "yes" }
"#;
        let manifest = parsed(text);
        let names: Vec<&str> = manifest.declared.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["good"]);
    }

    #[test]
    fn dependency_tables_of_the_wrong_type_are_ignored() {
        let manifest = parsed("dependencies = 3\ntarget = \"x\"\n");
        assert!(manifest.declared.is_empty());
        let manifest = parsed("[target]\nunix = 1\n[workspace]\ndependencies = []\n");
        assert!(manifest.declared.is_empty());
        assert!(manifest.is_workspace_root);
        let manifest = parsed("target = 1\n[dev-dependencies]\na = \"1\"\n");
        assert_eq!(manifest.declared.len(), 1);
    }

    #[test]
    fn quoted_keys_span_the_quotes() {
        let text = "[dependencies]\n\"serde\" = \"1\"\n'log'.version = \"0.4\"\n";
        let manifest = parsed(text);
        assert_eq!(span_text(text, find(&manifest, "serde").span), "\"serde\"");
        assert_eq!(span_text(text, find(&manifest, "log").span), "'log'");
    }

    #[test]
    fn declarations_in_file_order() {
        let text = r#"
[dependencies.z]
version = "1"
[target.'cfg(unix)'.dependencies]
m = "1"
[dependencies]
a = "1"
[workspace.dependencies]
b = "1"
[build-dependencies]
c = "1"
"#;
        let manifest = parsed(text);
        let names: Vec<&str> = manifest.declared.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["z", "m", "a", "b", "c"]);
        assert_spans_are_keys(text, &manifest);
    }

    /// (name, alias, section, requirement, source) of a declaration.
    type Row<'a> = (
        &'a str,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );

    fn rows(manifest: &Manifest) -> Vec<Row<'_>> {
        manifest
            .declared
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.alias.as_deref(),
                    d.section.as_str(),
                    d.requirement.as_deref(),
                    d.source.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn patches_are_declarations_under_their_source() {
        let text = r#"
[package]
name = "app"

[dependencies]
serde = "1"

[patch.crates-io]
serde = { path = "../serde" }
json = { package = "serde_json", git = "https://example.test/json", branch = "fix" }
log = { version = "0.4.22", registry = "mirror" }

[patch.'https://example.test/some/repo']
mongodb = { git = "https://example.test/mongodb-fork", rev = "abc123" }

[patch."https://example.test/it's"]
odd = { path = "odd" }

[patch.empty]
"#;
        let manifest = parsed(text);
        let rows = rows(&manifest);
        assert_eq!(
            rows,
            [
                ("serde", None, "dependencies", Some("1"), None),
                (
                    "serde",
                    None,
                    "patch.crates-io",
                    None,
                    Some("path+../serde")
                ),
                (
                    "serde_json",
                    Some("json"),
                    "patch.crates-io",
                    None,
                    Some("git+https://example.test/json?branch=fix")
                ),
                (
                    "log",
                    None,
                    "patch.crates-io",
                    Some("0.4.22"),
                    Some("registry+mirror")
                ),
                (
                    "mongodb",
                    None,
                    "patch.'https://example.test/some/repo'",
                    None,
                    Some("git+https://example.test/mongodb-fork?rev=abc123")
                ),
                (
                    "odd",
                    None,
                    "patch.\"https://example.test/it's\"",
                    None,
                    Some("path+odd")
                ),
            ]
        );
        assert_spans_are_keys(text, &manifest);
        assert!(manifest.workspace_dependencies.is_empty());
    }

    #[test]
    fn replacements_name_the_crate_of_their_package_id_spec() {
        let text = r#"
[replace]
"foo:0.1.0" = { git = "https://example.test/foo" }
"bar@1.2" = { path = "vendor/bar" }
"baz" = { path = "vendor/baz" }
"https://example.test/index#qux@2.0.0" = { path = "vendor/qux" }
"https://example.test/git/quux#1.0.0" = { path = "vendor/quux" }
"renamed:1.0.0" = { package = "other", path = "vendor/renamed" }
"#;
        let manifest = parsed(text);
        let rows = rows(&manifest);
        assert_eq!(
            rows,
            [
                (
                    "foo",
                    None,
                    "replace",
                    Some("=0.1.0"),
                    Some("git+https://example.test/foo")
                ),
                (
                    "bar",
                    None,
                    "replace",
                    Some("=1.2"),
                    Some("path+vendor/bar")
                ),
                ("baz", None, "replace", None, Some("path+vendor/baz")),
                (
                    "qux",
                    None,
                    "replace",
                    Some("=2.0.0"),
                    Some("path+vendor/qux")
                ),
                (
                    "quux",
                    None,
                    "replace",
                    Some("=1.0.0"),
                    Some("path+vendor/quux")
                ),
                (
                    "renamed",
                    None,
                    "replace",
                    Some("=1.0.0"),
                    Some("path+vendor/renamed")
                ),
            ]
        );
        let first = &manifest.declared[0];
        assert_eq!(span_text(text, first.span), "\"foo:0.1.0\"");
    }

    #[test]
    fn package_id_specs() {
        assert_eq!(package_id_spec("foo"), Some(("foo", None)));
        assert_eq!(package_id_spec("foo:1.0.0"), Some(("foo", Some("1.0.0"))));
        assert_eq!(package_id_spec("foo@1.0"), Some(("foo", Some("1.0"))));
        assert_eq!(package_id_spec("foo:"), Some(("foo", None)));
        assert_eq!(
            package_id_spec("registry+https://example.test/index#foo@1.0.0"),
            Some(("foo", Some("1.0.0")))
        );
        assert_eq!(
            package_id_spec("https://example.test/a/b#c:0.1.0"),
            Some(("c", Some("0.1.0")))
        );
        assert_eq!(
            package_id_spec("https://example.test/a/repo#0.52.0"),
            Some(("repo", Some("0.52.0")))
        );
        assert_eq!(
            package_id_spec("https://example.test/a/repo/?x=1"),
            Some(("repo", None))
        );
        assert_eq!(
            package_id_spec("https://example.test/a/repo#name"),
            Some(("name", None))
        );
        assert_eq!(package_id_spec(""), None);
        assert_eq!(package_id_spec(":1.0.0"), None);
        assert_eq!(package_id_spec("https://example.test/x#@1.0"), None);
    }

    #[test]
    fn malformed_patches_and_replacements_are_skipped() {
        let text = r#"
patch = { crates-io = 3, other = { ok = { path = "ok" }, bad = { git = 1 } } }
replace = { "a:1.0.0" = "1.0.1", "b:1.0.0" = { workspace = true }, "" = { path = "x" }, "c:1.0.0" = { path = 3 } }
"#;
        let manifest = parsed(text);
        let names: Vec<(&str, &str)> = manifest
            .declared
            .iter()
            .map(|d| (d.name.as_str(), d.section.as_str()))
            .collect();
        assert_eq!(names, [("ok", "patch.other")]);
        assert!(parsed("patch = 1\nreplace = []\n").declared.is_empty());
    }

    #[test]
    fn workspace_members_exclude_and_package_pointer() {
        let text = r#"
[package]
name = "root"
workspace = "../elsewhere"

[workspace]
members = ["crates/*", ".", 3, "tools/**"]
exclude = ["crates/legacy"]
"#;
        let manifest = parsed(text);
        assert!(manifest.is_workspace_root);
        assert_eq!(manifest.workspace_members, ["crates/*", ".", "tools/**"]);
        assert_eq!(manifest.workspace_exclude, ["crates/legacy"]);
        assert_eq!(manifest.workspace_path.as_deref(), Some("../elsewhere"));

        let member = parsed("[project]\nname = \"old\"\nworkspace = \"..\"\n");
        assert_eq!(member.workspace_path.as_deref(), Some(".."));
        assert!(member.workspace_members.is_empty());
        let odd = parsed("[package]\nworkspace = true\n[workspace]\nmembers = \"a\"\n");
        assert_eq!(odd.workspace_path, None);
        assert!(odd.workspace_members.is_empty());
        assert!(odd.is_workspace_root);
    }

    #[test]
    fn invalid_toml_is_an_error_with_a_span() {
        let error = match parse("this is not valid toml! (I think)\n") {
            Ok(manifest) => panic!("parsed: {manifest:?}"),
            Err(error) => error,
        };
        assert!(error.message.starts_with("invalid TOML"), "{error:?}");
        assert_eq!(error.span, Some(Span::new(5, 0)));

        let error = match parse("[dependencies]\na = \"1\"\na = \"2\"\n") {
            Ok(manifest) => panic!("parsed: {manifest:?}"),
            Err(error) => error,
        };
        assert!(error.message.contains("duplicate key"), "{error:?}");
        assert!(error.span.is_some());
    }

    #[test]
    fn empty_file() {
        let manifest = parsed("");
        assert_eq!(manifest.package_name, None);
        assert!(manifest.declared.is_empty());
        assert!(!manifest.is_workspace_root);
        assert!(manifest.workspace_members.is_empty());
        assert!(manifest.workspace_exclude.is_empty());
        assert_eq!(manifest.workspace_path, None);
    }
}
