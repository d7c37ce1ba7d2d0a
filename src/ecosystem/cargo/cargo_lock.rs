//! Cargo.lock: the exact crates a Rust project builds with.
//!
//! Reads every lockfile format Cargo has written (1 to 4). The formats differ in where
//! checksums live and how `dependencies` strings are abbreviated, not in how a package entry
//! names itself, so one reader serves them all; `dependencies` strings are kept as written.
//! Spans come from `toml::de::DeTable` so findings can point at each entry.

use crate::fasthash::FastMap;

use crate::manifest::{LockedPackage, Lockfile, ParseError, Span};
use toml::de::{DeTable, DeValue};

/// Parses a Cargo.lock. Fails when the text is not TOML or `package` is not an array of
/// tables; a single entry without a usable name or version is left out instead.
pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
    let document = DeTable::parse(text).map_err(toml_error)?;
    let root = document.get_ref();

    let mut packages = Vec::new();
    // The oldest format-1 lockfiles describe the root package in `[root]` rather than among
    // the `[[package]]` entries.
    if let Some(root_package) = root.get("root").and_then(|v| v.get_ref().as_table()) {
        packages.extend(package(root_package));
    }
    if let Some(entries) = root.get("package") {
        let DeValue::Array(items) = entries.get_ref() else {
            return Err(ParseError::at(
                format!(
                    "`package` must be an array of tables (`[[package]]`), found {}",
                    a_type(entries.get_ref())
                ),
                Span::from_range(entries.span()),
            ));
        };
        for item in items.iter() {
            let Some(entry) = item.get_ref().as_table() else {
                return Err(ParseError::at(
                    format!(
                        "`package` must be an array of tables (`[[package]]`), found {} in it",
                        a_type(item.get_ref())
                    ),
                    Span::from_range(item.span()),
                ));
            };
            packages.extend(package(entry));
        }
    }
    packages.sort_by_key(|p| p.span.offset);
    link_dependencies(&mut packages);

    Ok(Lockfile {
        format_version: format_version(root),
        packages,
        ..Lockfile::default()
    })
}

/// Resolves each `dependencies` string to the package it names. Cargo writes the version (and
/// the source) only when the name alone is ambiguous.
fn link_dependencies(packages: &mut [LockedPackage]) {
    let mut by_name: FastMap<&str, Vec<usize>> = FastMap::default();
    for (index, package) in packages.iter().enumerate() {
        by_name
            .entry(package.name.as_str())
            .or_default()
            .push(index);
    }
    let edges: Vec<Vec<usize>> = packages
        .iter()
        .map(|package| {
            package
                .dependencies
                .iter()
                .filter_map(|entry| {
                    let mut words = entry.split_whitespace();
                    let candidates = by_name.get(words.next()?)?;
                    match (words.next(), candidates.as_slice()) {
                        (None, [only]) => Some(*only),
                        (Some(version), _) => {
                            let source = words
                                .next()
                                .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
                            candidates.iter().copied().find(|&i| {
                                packages[i].version == version
                                    && source
                                        .is_none_or(|s| packages[i].source.as_deref() == Some(s))
                            })
                        }
                        (None, _) => None,
                    }
                })
                .collect()
        })
        .collect();
    for (package, edges) in packages.iter_mut().zip(edges) {
        package.depends_on = edges;
    }
}

/// The value's TOML type with its article, for messages ("an array", "a string").
fn a_type(value: &DeValue<'_>) -> String {
    let kind = value.type_str();
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind}")
}

fn toml_error(error: toml::de::Error) -> ParseError {
    let message = format!("invalid TOML: {}", error.message());
    match error.span() {
        Some(range) => ParseError::at(message, Span::from_range(range)),
        None => ParseError::new(message),
    }
}

/// Format 3 onwards states its version; older files are told apart by what they contain.
fn format_version(root: &DeTable<'_>) -> Option<u32> {
    if let Some(version) = root.get("version") {
        // A version we cannot read is not evidence for any particular format.
        let version = version.get_ref().as_integer()?;
        return u32::from_str_radix(version.as_str(), version.radix()).ok();
    }
    // Format 1 keeps checksums in `[metadata]`, and only format 1 ever had `[root]`.
    if root.contains_key("metadata") || root.contains_key("root") {
        Some(1)
    } else {
        Some(2)
    }
}

fn package(entry: &DeTable<'_>) -> Option<LockedPackage> {
    let (name_key, name) = entry.get_key_value("name")?;
    let name = name.get_ref().as_str()?;
    let version = entry.get("version")?.get_ref().as_str()?;
    // Without a readable `source` an entry would pass for a local package, which it may not be.
    let source = match entry.get("source") {
        None => None,
        Some(source) => Some(source.get_ref().as_str()?.to_owned()),
    };
    let dependencies = entry
        .get("dependencies")
        .and_then(|v| v.get_ref().as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.get_ref().as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Some(LockedPackage {
        name: name.to_owned(),
        version: version.to_owned(),
        span: Span::from_range(name_key.span()),
        install_path: String::new(),
        depends_on: Vec::new(),
        local: source.is_none(),
        source,
        dependencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Lockfile {
        match parse(text) {
            Ok(lockfile) => lockfile,
            Err(error) => panic!("parse failed: {error:?}"),
        }
    }

    fn failed(text: &str) -> ParseError {
        match parse(text) {
            Ok(lockfile) => panic!("parsed: {lockfile:?}"),
            Err(error) => error,
        }
    }

    fn span_text(text: &str, span: Span) -> &str {
        text.get(span.offset..span.offset + span.len)
            .unwrap_or("<span out of range>")
    }

    fn nth(lockfile: &Lockfile, index: usize) -> &LockedPackage {
        match lockfile.packages.get(index) {
            Some(package) => package,
            None => panic!("no package #{index}: {:#?}", lockfile.packages),
        }
    }

    fn names(lockfile: &Lockfile) -> Vec<(&str, &str)> {
        lockfile
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    const V4: &str = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "serde 1.0.200",
 "serde 0.9.15",
 "helper",
]

[[package]]
name = "helper"
version = "0.2.0"
dependencies = [
 "regex",
]

[[package]]
name = "regex"
version = "1.10.4"
source = "git+https://example.test/regex?branch=main#0c0990399270277832fbb5b91a1fa118e6f63dba"

[[package]]
name = "serde"
version = "0.9.15"
source = "registry+https://index.example.test/"
checksum = "34b623917345a631dc9608d5194cc206b3fe6c3554cd1c75b937e55e285254af"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://index.example.test/"
checksum = "ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce4f"
"#;

    #[test]
    fn v4_packages_in_file_order() {
        let lockfile = parsed(V4);
        assert_eq!(lockfile.format_version, Some(4));
        assert!(lockfile.workspaces.is_empty());
        assert_eq!(
            names(&lockfile),
            [
                ("app", "0.1.0"),
                ("helper", "0.2.0"),
                ("regex", "1.10.4"),
                ("serde", "0.9.15"),
                ("serde", "1.0.200"),
            ]
        );
        let app = nth(&lockfile, 0);
        assert!(app.local);
        assert_eq!(app.source, None);
        assert_eq!(app.install_path, "");
        assert_eq!(
            app.dependencies,
            ["serde 1.0.200", "serde 0.9.15", "helper"]
        );
        let regex = nth(&lockfile, 2);
        assert!(!regex.local);
        assert_eq!(
            regex.source.as_deref(),
            Some("git+https://example.test/regex?branch=main#0c0990399270277832fbb5b91a1fa118e6f63dba")
        );
        assert!(regex.dependencies.is_empty());
        let serde = nth(&lockfile, 4);
        assert_eq!(
            serde.source.as_deref(),
            Some("registry+https://index.example.test/")
        );
        assert!(!serde.local);
    }

    #[test]
    fn spans_are_the_name_keys() {
        let lockfile = parsed(V4);
        let mut search_from = 0;
        for package in &lockfile.packages {
            assert_eq!(span_text(V4, package.span), "name");
            // Each span is the `name` line of its own entry, the next one after the header.
            let header = V4
                .get(search_from..)
                .and_then(|rest| rest.find("[[package]]"))
                .map(|at| at + search_from)
                .unwrap_or(usize::MAX);
            let name_line = V4
                .get(header..)
                .and_then(|rest| rest.find("\nname = "))
                .map(|at| at + header + 1);
            assert_eq!(Some(package.span.offset), name_line);
            search_from = package.span.offset;
        }
    }

    #[test]
    fn v3() {
        let text = r#"version = 3

[[package]]
name = "addr2line"
version = "0.15.2"
source = "registry+https://index.example.test/"
checksum = "e7a2e47a1fbe209ee101dd6d61285226744c6c8d3c21c8dc878ba6cb9f467f3a"
dependencies = [
 "gimli",
]

[[package]]
name = "local-rust-pkg"
version = "0.1.0"
"#;
        let lockfile = parsed(text);
        assert_eq!(lockfile.format_version, Some(3));
        assert_eq!(
            names(&lockfile),
            [("addr2line", "0.15.2"), ("local-rust-pkg", "0.1.0")]
        );
        assert_eq!(nth(&lockfile, 0).dependencies, ["gimli"]);
        assert!(!nth(&lockfile, 0).local);
        assert!(nth(&lockfile, 1).local);
    }

    #[test]
    fn v2_has_no_version_key() {
        let text = r#"[[package]]
name = "adler"
version = "1.0.2"
source = "registry+https://index.example.test/"
checksum = "f26201604c87b1e01bd3d98f8d5d9a8fcbb815e8cedb41ffccbeb4bf593a35fe"
"#;
        let lockfile = parsed(text);
        assert_eq!(lockfile.format_version, Some(2));
        assert_eq!(names(&lockfile), [("adler", "1.0.2")]);
    }

    #[test]
    fn v1_with_root_and_metadata() {
        let text = r#"[root]
name = "app"
version = "0.1.0"
dependencies = [
 "libc 0.2.20 (registry+https://index.example.test/)",
]

[[package]]
name = "libc"
version = "0.2.20"
source = "registry+https://index.example.test/"

[metadata]
"checksum libc 0.2.20 (registry+https://index.example.test/)" = "684f330624d8c3784fb9558ca46c4ce488073a8d22450415c5eb4f4cfb0d11b5"
"#;
        let lockfile = parsed(text);
        assert_eq!(lockfile.format_version, Some(1));
        assert_eq!(names(&lockfile), [("app", "0.1.0"), ("libc", "0.2.20")]);
        let root = nth(&lockfile, 0);
        assert!(root.local);
        assert_eq!(root.source, None);
        assert_eq!(
            root.dependencies,
            ["libc 0.2.20 (registry+https://index.example.test/)"]
        );
        assert_eq!(span_text(text, root.span), "name");
        assert_eq!(root.span.offset, 7);
        assert!(!nth(&lockfile, 1).local);
    }

    #[test]
    fn v1_recognised_by_metadata_alone() {
        let text = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n\n[metadata]\n";
        assert_eq!(parsed(text).format_version, Some(1));
    }

    #[test]
    fn v1_recognised_by_root_alone() {
        let text = "[root]\nname = \"a\"\nversion = \"0.1.0\"\n";
        let lockfile = parsed(text);
        assert_eq!(lockfile.format_version, Some(1));
        assert_eq!(names(&lockfile), [("a", "0.1.0")]);
    }

    #[test]
    fn unreadable_version_is_unknown() {
        assert_eq!(parsed("version = \"3\"\n").format_version, None);
        assert_eq!(parsed("version = -1\n").format_version, None);
        assert_eq!(parsed("version = 99999999999\n").format_version, None);
        assert_eq!(parsed("version = 0x4\n").format_version, Some(4));
    }

    #[test]
    fn duplicates_are_all_kept() {
        let text = r#"version = 3
[[package]]
name = "syn"
version = "1.0.73"
source = "registry+https://index.example.test/"
[[package]]
name = "syn"
version = "2.0.0"
source = "registry+https://index.example.test/"
[[package]]
name = "syn"
version = "2.0.0"
source = "git+https://example.test/syn#abc"
"#;
        assert_eq!(
            names(&parsed(text)),
            [("syn", "1.0.73"), ("syn", "2.0.0"), ("syn", "2.0.0")]
        );
    }

    #[test]
    fn entries_without_name_or_version_are_skipped() {
        let text = r#"version = 3
[[package]]
version = "1.0.0"
[[package]]
name = "no-version"
[[package]]
name = 5
version = "1.0.0"
[[package]]
name = "bad-source"
version = "1.0.0"
source = 3
[[package]]
name = "good"
version = "1.0.0"
dependencies = ["a", 3, "b"]
[[package]]
name = "odd-dependencies"
version = "1.0.0"
dependencies = "a"
"#;
        let lockfile = parsed(text);
        assert_eq!(
            names(&lockfile),
            [("good", "1.0.0"), ("odd-dependencies", "1.0.0")]
        );
        assert_eq!(nth(&lockfile, 0).dependencies, ["a", "b"]);
        assert!(nth(&lockfile, 1).dependencies.is_empty());
    }

    #[test]
    fn comments_inside_entries() {
        let text = r#"version = 3
[[package]]
# Commented out old package
# name = "fake-package"
name = "syn"
version = "1.0.73"
"#;
        let lockfile = parsed(text);
        assert_eq!(names(&lockfile), [("syn", "1.0.73")]);
        assert_eq!(
            nth(&lockfile, 0).span.offset,
            text.find("name = \"syn\"").unwrap_or(0)
        );
    }

    #[test]
    fn empty_lockfiles() {
        let lockfile = parsed("# only comments\nversion = 3\n");
        assert_eq!(lockfile.format_version, Some(3));
        assert!(lockfile.packages.is_empty());
        assert!(parsed("").packages.is_empty());
    }

    #[test]
    fn invalid_toml_is_an_error_with_a_span() {
        let error = failed("this is not valid toml! (I think)\n");
        assert!(error.message.starts_with("invalid TOML"), "{error:?}");
        assert_eq!(error.span, Some(Span::new(5, 0)));
    }

    #[test]
    fn package_must_be_an_array_of_tables() {
        let text = "version = 3\n[package]\nname = \"a\"\nversion = \"1.0.0\"\n";
        let error = failed(text);
        assert!(error.message.contains("array of tables"), "{error:?}");
        assert!(error.message.contains("table"), "{error:?}");
        assert_eq!(error.span.map(|s| s.offset), Some(12));

        let error = failed("package = \"a\"\n");
        assert!(error.message.contains("found a string"), "{error:?}");

        let error = failed("package = [{ name = \"a\", version = \"1\" }, 3]\n");
        assert!(
            error.message.contains("found an integer in it"),
            "{error:?}"
        );
        assert_eq!(
            error
                .span
                .map(|s| span_text("package = [{ name = \"a\", version = \"1\" }, 3]\n", s)),
            Some("3")
        );
    }

    #[test]
    fn inline_array_of_tables_is_accepted() {
        let lockfile = parsed("package = [{ name = \"a\", version = \"1.0.0\" }]\n");
        assert_eq!(names(&lockfile), [("a", "1.0.0")]);
    }
}
