//! `package.json`: the npm dependencies a package declares, one [`Declared`] per entry of its
//! `dependencies`, `devDependencies`, `peerDependencies` and `optionalDependencies`.
//!
//! Each dependency spec is sorted into a registry requirement, an `npm:` alias or a
//! non-registry source (path, git, URL, another package manager's protocol) so that the policy
//! only compares versions where a version exists.
//!
//! The JSON helpers below `parse` are shared with `package_lock`: both files are read the way
//! npm reads them (`JSON.parse` after stripping a byte order mark) while keeping byte spans.

use crate::manifest::json::{self, Object, Property as ObjectProp, Value};
use crate::manifest::{Declared, Ecosystem, Manifest, ParseError, Span};
use jsonc_parser::ast::Value as JsoncValue;
use jsonc_parser::common::{Range, Ranged};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

/// The sections npm installs from, as `Declared::section` names them. Other fields that name
/// packages (`bundleDependencies`, `overrides`, `peerDependenciesMeta`) do not declare
/// something to fetch on their own.
const SECTIONS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];

/// Reads a `package.json`: its `name` and every dependency it declares, in file order.
///
/// # Errors
///
/// When the text is not strict JSON (with the position of the fault) or its top-level value is
/// not an object.
pub fn parse(text: &str) -> Result<Manifest, ParseError> {
    let doc = JsonObject::parse(text)?;
    let root = &doc.object;
    let mut manifest = Manifest {
        package_name: get(root, "name").and_then(as_str).map(str::to_owned),
        ..Manifest::default()
    };
    for section_prop in unique_properties(root) {
        let section = prop_name(section_prop);
        if !SECTIONS.contains(&section) {
            continue;
        }
        // A section that is not an object names no usable dependency; skipping it keeps the
        // rest of the file checkable.
        let Some(entries) = section_prop.value.as_object() else {
            continue;
        };
        for entry in unique_properties(entries) {
            let Some(spec) = as_str(&entry.value) else {
                continue;
            };
            manifest.declared.push(declare(
                prop_name(entry),
                spec,
                doc.key_span(entry),
                section,
            ));
        }
    }
    Ok(manifest)
}

fn declare(key: &str, spec: &str, span: Span, section: &str) -> Declared {
    let trimmed = spec.trim();
    let alias = split_alias(trimmed);
    let name = alias.map_or(key, |(real, _)| real);
    let mut declared = Declared::new(Ecosystem::Npm, name, span);
    declared.section = section.to_owned();
    if let Some((_, range)) = alias {
        // `npm:` only aliases registry packages; anything else after the `@` would make npm
        // refuse the spec, so it is kept as a source rather than compared as a range.
        match range {
            Some(range) if is_non_registry(range) => declared.source = Some(spec.to_owned()),
            _ => declared.requirement = range.map(str::to_owned),
        }
        declared.alias = Some(key.to_owned());
    } else if is_non_registry(trimmed) {
        declared.source = Some(spec.to_owned());
    } else {
        declared.requirement = Some(trimmed.to_owned());
    }
    declared
}

/// Splits an `npm:REAL@RANGE` alias into `REAL` and its range (None when no range is written).
/// None when `spec` is not an alias or names no package.
pub(super) fn split_alias(spec: &str) -> Option<(&str, Option<&str>)> {
    let prefix = spec.get(..4)?;
    if !prefix.eq_ignore_ascii_case("npm:") {
        return None;
    }
    let target = spec.get(4..)?;
    // The first character may be the `@` of a scope, never the one before the range.
    let at = target
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '@')
        .map(|(i, _)| i);
    let (real, range) = match at {
        Some(at) => (target.get(..at)?, target.get(at + 1..).map(str::trim)),
        None => (target, None),
    };
    if real.is_empty() {
        return None;
    }
    Some((real, range.filter(|r| !r.is_empty())))
}

/// True for a (trimmed) spec that npm would not resolve against a registry: paths, tarballs,
/// URLs, git hosts, `user/repo` shorthands and the protocols of other package managers
/// (`workspace:`, `link:`, `portal:`, `patch:`, `catalog:`).
///
/// Semver ranges never contain `/` or `:`, and dist-tags cannot (npm refuses tags that
/// `encodeURIComponent` would change), so either character is enough to tell them apart.
pub(super) fn is_non_registry(spec: &str) -> bool {
    spec.starts_with('.')
        || spec.contains('/')
        || spec.contains(':')
        || [".tgz", ".tar.gz", ".tar"]
            .iter()
            .any(|ext| ends_with_ignore_ascii_case(spec, ext))
}

fn ends_with_ignore_ascii_case(text: &str, suffix: &str) -> bool {
    text.len()
        .checked_sub(suffix.len())
        .and_then(|start| text.as_bytes().get(start..))
        .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// A file whose top-level value is a JSON object, with what is needed to report spans in the
/// original text.
pub(super) struct JsonObject<'a> {
    pub(super) object: Object<'a>,
    /// Bytes skipped before the JSON text (a byte order mark), added back to every span.
    offset: usize,
}

fn shift_error(mut error: ParseError, offset: usize) -> ParseError {
    if let Some(span) = error.span.as_mut() {
        span.offset += offset;
    }
    error
}

impl<'a> JsonObject<'a> {
    /// Parses `text` as strict JSON, after the byte order mark npm strips before parsing.
    ///
    /// jsonc-parser's strict mode is still a little wider than `JSON.parse` (raw control
    /// characters inside strings, vertical tab, form feed and Unicode spaces between tokens)
    /// and a little narrower (it refuses `\ud800`-style lone surrogate escapes). Accepting a
    /// file npm would refuse loses nothing; the reverse only happens on contrived text.
    pub(super) fn parse(text: &'a str) -> Result<JsonObject<'a>, ParseError> {
        JsonObject::parse_hooked(text, None)
    }

    /// [`JsonObject::parse`], handing what `hook` asks for over to it (see [`json::Hook`])
    /// whichever parser reads the text.
    pub(super) fn parse_hooked(
        text: &'a str,
        mut hook: Option<&mut json::Hook<'_, 'a>>,
    ) -> Result<JsonObject<'a>, ParseError> {
        let (offset, json) = match text.strip_prefix('\u{feff}') {
            Some(rest) => ('\u{feff}'.len_utf8(), rest),
            None => (0, text),
        };
        // Plain strict JSON within the nesting limit is what nearly every file is: read it
        // fast. Anything else (an error to report, or a leniency of jsonc-parser) takes the
        // full path below, which alone decides what is valid.
        if let Some(object) =
            json::parse_strict(json, crate::manifest::MAX_NESTING, hook.as_deref_mut())
        {
            return Ok(JsonObject { object, offset });
        }
        let strict = ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        crate::manifest::check_nesting(json, b"[{", b"]}", Some(b'"'))
            .map_err(|e| shift_error(e, offset))?;
        let parsed = parse_to_ast(json, &CollectOptions::default(), &strict).map_err(|err| {
            ParseError::at(format!("invalid JSON: {err}"), shifted(err.range(), offset))
        })?;
        match parsed.value {
            Some(JsoncValue::Object(object)) => {
                match json::from_jsonc(JsoncValue::Object(object)) {
                    Value::Object(mut object) => {
                        if let Some(hook) = hook {
                            hook.apply(&mut object);
                        }
                        Ok(JsonObject { object, offset })
                    }
                    _ => Err(ParseError::new("expected a JSON object at the top level")),
                }
            }
            Some(other) => Err(ParseError::at(
                "expected a JSON object at the top level",
                shifted(other.range(), offset),
            )),
            None => Err(ParseError::at(
                "empty file: expected a JSON object",
                Span::new(offset, 0),
            )),
        }
    }

    /// The span of a property's key, quotes included: the line users are pointed at.
    pub(super) fn key_span(&self, prop: &ObjectProp) -> Span {
        let range = &prop.name_range;
        Span::from_range(
            range.start.saturating_add(self.offset)..range.end.saturating_add(self.offset),
        )
    }
}

fn shifted(range: Range, offset: usize) -> Span {
    Span::from_range(range.start.saturating_add(offset)..range.end.saturating_add(offset))
}

pub(super) fn prop_name<'p>(prop: &'p ObjectProp) -> &'p str {
    &prop.name
}

/// The value of `key`; the last one when the key is repeated, as `JSON.parse` keeps it.
pub(super) fn get<'p, 'a>(object: &'p Object<'a>, key: &str) -> Option<&'p Value<'a>> {
    object
        .properties
        .iter()
        .rev()
        .find(|prop| prop_name(prop) == key)
        .map(|prop| &prop.value)
}

pub(super) fn as_str<'p>(value: &'p Value) -> Option<&'p str> {
    value.as_str()
}

/// The properties `JSON.parse` would keep: a repeated key counts once, with its last value
/// (and that value's key span). Kept in order of those last occurrences.
pub(super) fn unique_properties<'p, 'a>(object: &'p Object<'a>) -> Vec<&'p ObjectProp<'a>> {
    let properties = &object.properties;
    // Most objects are a few keys long (a lockfile entry): comparing is cheaper than hashing.
    const SMALL: usize = 16;
    let mut kept: Vec<_> = if properties.len() <= SMALL {
        properties
            .iter()
            .enumerate()
            .rev()
            .filter(|(index, prop)| {
                properties[index + 1..]
                    .iter()
                    .all(|later| prop_name(later) != prop_name(prop))
            })
            .map(|(_, prop)| prop)
            .collect()
    } else {
        let mut seen: crate::fasthash::FastSet<&str> =
            crate::fasthash::FastSet::with_capacity_and_hasher(
                properties.len(),
                Default::default(),
            );
        properties
            .iter()
            .rev()
            .filter(|prop| seen.insert(prop_name(prop)))
            .collect()
    };
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_text(text: &str, span: Span) -> &str {
        text.get(span.offset..span.offset + span.len)
            .unwrap_or("<span out of range>")
    }

    fn parse_ok(text: &str) -> Manifest {
        match parse(text) {
            Ok(manifest) => manifest,
            Err(err) => panic!("parse failed: {err:?}"),
        }
    }

    fn only(text: &str) -> Declared {
        let mut manifest = parse_ok(text);
        assert_eq!(manifest.declared.len(), 1, "{:?}", manifest.declared);
        manifest.declared.remove(0)
    }

    fn dep(spec: &str) -> Declared {
        let text = format!(
            r#"{{"dependencies": {{"x": {}}}}}"#,
            serde_json::Value::from(spec)
        );
        only(&text)
    }

    #[test]
    fn reads_name_and_sections_in_file_order() {
        let text = r#"{
  "name": "@acme/app",
  "version": "1.0.0",
  "devDependencies": { "jest": "^29.0.0" },
  "dependencies": {
    "lodash": "^4.17.21",
    "@babel/core": "~7.20"
  },
  "peerDependencies": { "react": ">=17 <19" },
  "optionalDependencies": { "fsevents": "2.x" },
  "bundleDependencies": ["lodash"],
  "overrides": { "minimist": "1.2.8" }
}"#;
        let manifest = parse_ok(text);
        assert_eq!(manifest.package_name.as_deref(), Some("@acme/app"));
        let got: Vec<_> = manifest
            .declared
            .iter()
            .map(|d| {
                (
                    d.section.as_str(),
                    d.name.as_str(),
                    d.requirement.as_deref(),
                    span_text(text, d.span),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("devDependencies", "jest", Some("^29.0.0"), "\"jest\""),
                ("dependencies", "lodash", Some("^4.17.21"), "\"lodash\""),
                (
                    "dependencies",
                    "@babel/core",
                    Some("~7.20"),
                    "\"@babel/core\""
                ),
                ("peerDependencies", "react", Some(">=17 <19"), "\"react\""),
                (
                    "optionalDependencies",
                    "fsevents",
                    Some("2.x"),
                    "\"fsevents\""
                ),
            ]
        );
        for d in &manifest.declared {
            assert_eq!(d.ecosystem, Ecosystem::Npm);
            assert_eq!(d.alias, None);
            assert_eq!(d.source, None);
            assert_eq!(d.version, None);
            assert!(!d.workspace_inherited);
        }
        assert!(manifest.workspace_dependencies.is_empty());
        assert!(!manifest.is_workspace_root);
    }

    #[test]
    fn registry_requirements_are_kept_as_written_but_trimmed() {
        for (spec, want) in [
            ("^1.2.3", "^1.2.3"),
            ("~1", "~1"),
            ("1.x", "1.x"),
            (">=1 <2", ">=1 <2"),
            ("1.0.0 - 2.0.0", "1.0.0 - 2.0.0"),
            ("^1 || ^2", "^1 || ^2"),
            ("*", "*"),
            ("", ""),
            ("latest", "latest"),
            ("next", "next"),
            ("  ^2.0.0 ", "^2.0.0"),
            ("~", "~"),
        ] {
            let d = dep(spec);
            assert_eq!(d.requirement.as_deref(), Some(want), "{spec:?}");
            assert_eq!(d.source, None, "{spec:?}");
            assert_eq!(d.alias, None, "{spec:?}");
            assert_eq!(d.name, "x");
        }
    }

    #[test]
    fn non_registry_specs_are_sources() {
        for spec in [
            "file:../local",
            "file:vendor/pkg.tgz",
            "link:../linked",
            "workspace:*",
            "workspace:^1.0.0",
            "portal:../portal",
            "patch:lodash@npm%3A4.17.21#./patches/lodash.patch",
            "catalog:",
            "git+ssh://git@git.example/user/repo.git#v1.0.0",
            "git+https://git.example/user/repo.git",
            "git://git.example/user/repo.git",
            "git@git.example:user/repo.git",
            "github:user/repo",
            "gitlab:user/repo#main",
            "bitbucket:user/repo",
            "gist:11081aaa281",
            "http://tarballs.example/pkg-1.0.0.tgz",
            "https://tarballs.example/pkg-1.0.0.tgz",
            "./local",
            "../sibling",
            "/abs/path",
            "~/home/path",
            ".",
            "user/repo",
            "user/repo#semver:^1.0",
            "user/repo#a1b2c3d",
            "pkg-1.0.0.tgz",
            "vendor.TAR.GZ",
        ] {
            let d = dep(spec);
            assert_eq!(d.requirement, None, "{spec:?}");
            assert_eq!(d.source.as_deref(), Some(spec), "{spec:?}");
            assert_eq!(d.alias, None, "{spec:?}");
            assert_eq!(d.name, "x", "{spec:?}");
        }
    }

    #[test]
    fn aliases_name_the_real_package() {
        let text = r#"{"dependencies": {
  "cjs-width": "npm:string-width@^4.2.0",
  "frame": "npm:@babel/code-frame@7.0.0",
  "bare": "npm:left-pad",
  "bare-scoped": "NPM:@scope/pkg",
  "empty-range": "npm:pkg@",
  "to-git": "npm:pkg@github:user/repo"
}}"#;
        let manifest = parse_ok(text);
        let got: Vec<_> = manifest
            .declared
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.alias.as_deref(),
                    d.requirement.as_deref(),
                    d.source.as_deref(),
                    span_text(text, d.span),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "string-width",
                    Some("cjs-width"),
                    Some("^4.2.0"),
                    None,
                    "\"cjs-width\""
                ),
                (
                    "@babel/code-frame",
                    Some("frame"),
                    Some("7.0.0"),
                    None,
                    "\"frame\""
                ),
                ("left-pad", Some("bare"), None, None, "\"bare\""),
                (
                    "@scope/pkg",
                    Some("bare-scoped"),
                    None,
                    None,
                    "\"bare-scoped\""
                ),
                ("pkg", Some("empty-range"), None, None, "\"empty-range\""),
                (
                    "pkg",
                    Some("to-git"),
                    None,
                    Some("npm:pkg@github:user/repo"),
                    "\"to-git\""
                ),
            ]
        );
    }

    #[test]
    fn split_alias_edge_cases() {
        assert_eq!(split_alias("npm:a@1"), Some(("a", Some("1"))));
        assert_eq!(split_alias("npm:@s/a@ 1 "), Some(("@s/a", Some("1"))));
        assert_eq!(split_alias("npm:@s/a"), Some(("@s/a", None)));
        assert_eq!(split_alias("npm:"), None);
        assert_eq!(split_alias("npm:@"), Some(("@", None)));
        assert_eq!(split_alias("npm:é@1"), Some(("é", Some("1"))));
        assert_eq!(split_alias("np"), None);
        assert_eq!(split_alias("^1.0.0"), None);
        assert_eq!(split_alias("nüm:x"), None);
    }

    #[test]
    fn alias_without_a_name_is_not_an_alias() {
        let d = dep("npm:");
        assert_eq!((d.name.as_str(), d.alias), ("x", None));
        assert_eq!(d.source.as_deref(), Some("npm:"));
    }

    #[test]
    fn non_string_values_and_non_object_sections_are_skipped() {
        let text = r#"{
  "name": 5,
  "dependencies": { "a": 1, "b": null, "c": {"version": "1"}, "d": ["1"], "e": true, "f": "1" },
  "devDependencies": ["g"],
  "peerDependencies": null,
  "optionalDependencies": "h"
}"#;
        let manifest = parse_ok(text);
        assert_eq!(manifest.package_name, None);
        let names: Vec<_> = manifest.declared.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["f"]);
    }

    #[test]
    fn repeated_keys_keep_the_last_value_as_json_parse_does() {
        let text = r#"{
  "name": "first",
  "dependencies": { "gone": "1" },
  "name": "second",
  "dependencies": { "a": "1", "b": "2", "a": "3" }
}"#;
        let manifest = parse_ok(text);
        assert_eq!(manifest.package_name.as_deref(), Some("second"));
        let got: Vec<_> = manifest
            .declared
            .iter()
            .map(|d| (d.name.as_str(), d.requirement.as_deref(), d.span.offset))
            .collect();
        let last_a = text.rfind("\"a\"").unwrap_or(0);
        let b = text.find("\"b\"").unwrap_or(0);
        assert_eq!(got, [("b", Some("2"), b), ("a", Some("3"), last_a)]);
    }

    #[test]
    fn spans_are_byte_offsets_with_multibyte_text_and_escapes() {
        let text = "{\"description\": \"ça marche — 日本語 🦀\",\n \"dependencies\": {\"caf\\u00e9\": \"1\", \"日本\": \"^2\"}}";
        let manifest = parse_ok(text);
        let got: Vec<_> = manifest
            .declared
            .iter()
            .map(|d| (d.name.as_str(), span_text(text, d.span)))
            .collect();
        assert_eq!(got, [("café", "\"caf\\u00e9\""), ("日本", "\"日本\"")]);
    }

    #[test]
    fn byte_order_mark_is_skipped_and_spans_stay_in_the_original_text() {
        let text = "\u{feff}{\"dependencies\": {\"a\": \"1\"}}";
        let d = only(text);
        assert_eq!(span_text(text, d.span), "\"a\"");
    }

    #[test]
    fn empty_manifest_has_nothing() {
        let manifest = parse_ok("{}");
        assert_eq!(manifest.package_name, None);
        assert!(manifest.declared.is_empty());
    }

    #[test]
    fn broken_json_reports_where() {
        let text = "{\n  \"dependencies\": {\n    \"a\": \"1\"\n    \"b\": \"2\"\n  }\n}";
        let Err(err) = parse(text) else {
            panic!("should fail")
        };
        assert!(err.message.contains("Expected comma"), "{}", err.message);
        assert!(err.message.contains("line 3"), "{}", err.message);
        let span = err.span.unwrap_or_default();
        // The comma is missing right after `"1"`.
        assert_eq!(span.offset, text.find("\"1\"").unwrap_or(0) + 3);
    }

    #[test]
    fn error_positions_after_multibyte_text_are_byte_offsets() {
        let text = "\u{feff}{\"name\": \"日本\", }";
        let Err(err) = parse(text) else {
            panic!("should fail")
        };
        let span = err.span.unwrap_or_default();
        assert_eq!(span_text(text, span), ",");
    }

    #[test]
    fn json_extensions_are_refused() {
        for text in [
            "{\"a\": 1} // comment",
            "{/* c */}",
            "{\"a\": 1,}",
            "{\"a\": [1,]}",
            "{a: 1}",
            "{'a': 1}",
            "{\"a\": 0x10}",
            "{\"a\": +1}",
            "{\"a\": .5}",
            "{\"a\": Infinity}",
            "{\"a\": NaN}",
            "{\"a\": \"\\x41\"}",
            "{\"a\": 1 \"b\": 2}",
            "{} {}",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn top_level_must_be_an_object() {
        for text in ["[]", "null", "\"x\"", "1", "", "   ", "\u{feff}"] {
            let Err(err) = parse(text) else {
                panic!("{text:?} should fail")
            };
            assert!(err.span.is_some(), "{text:?}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let pieces = [
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"",
            "\\",
            "\"a\"",
            "\"dependencies\"",
            "npm:",
            "@",
            "1",
            "-",
            "é",
            "🦀",
            "\u{feff}",
            " ",
            "\n",
            "/",
            "*",
            "tru",
            "nul",
            "\"\\u12",
            "\"\\ud800\"",
        ];
        let mut seed: u32 = 7;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let _ = parse(&text);
        }
    }
}
