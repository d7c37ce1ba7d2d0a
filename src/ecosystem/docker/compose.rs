//! Docker Compose reader (`compose.yaml`, `docker-compose*.yml`): finds the image every
//! service runs, `services.<NAME>.image`.
//!
//! Values are interpolated the way Compose does it, but without an environment: reading the
//! process environment or a `.env` file would make the result depend on where the scan runs.
//! Every variable is therefore taken as unset, so a `${VAR:-default}` gives its default. A
//! reference whose tag or digest alone needs a value it does not have (`mongo:${TAG}`) is that
//! image with an unknown version, as in a Dockerfile; one whose name may need it is reported as
//! written, marked unresolved.
//!
//! YAML merge keys (`<<: *base`) are applied, as Compose applies them. Only the first YAML
//! document of the file is used; a syntax error in a later one still fails the file, because
//! saphyr only offers to load all documents at once.

use super::dockerfile::{self, parse_image_reference};
use crate::manifest::yaml::{self, is_null, key_is, scalar_text, untagged, Fault, Positions};
use crate::manifest::{Declared, Ecosystem, Manifest, ManifestKind, ParseError, Span};
use saphyr::{MarkedYaml, Scalar, ScanError, YamlData};
use std::collections::HashSet;

/// Merge keys can nest (a merged mapping with merge keys of its own); real files go one or two
/// levels deep, and the limit keeps a hostile file from recursing without end.
const MAX_MERGE_DEPTH: usize = 32;

/// Reads a compose file.
///
/// Errors: invalid YAML (with its position), a top level that is not a mapping, a `services`
/// (or a service, or an `image`) of the wrong kind. An empty file and a file without `services`
/// read as nothing.
pub fn parse(text: &str) -> Result<Manifest, ParseError> {
    let (documents, positions) = load(text)?;
    let mut manifest = Manifest::default();
    let Some(root) = documents.first().map(untagged) else {
        return Ok(manifest);
    };
    if is_null(root) {
        return Ok(manifest);
    }
    if !root.data.is_mapping() {
        return Err(positions.wrong_kind(root, "a compose file must be a mapping at the top level"));
    }
    let Some(services) = lookup(root, "services") else {
        return Ok(manifest);
    };
    if is_null(services) {
        return Ok(manifest);
    }
    if !untagged(services).data.is_mapping() {
        return Err(positions.wrong_kind(
            services,
            "`services` must be a mapping of service names to definitions",
        ));
    }
    for (key, service) in entries(services) {
        let name = match &untagged(key).data {
            // A null key (`~:`) names its service as written.
            YamlData::Value(Scalar::Null) => yaml::written(key, &positions).map(str::to_string),
            _ => scalar_text(key, &positions),
        }
        .unwrap_or_default();
        if is_null(service) {
            continue;
        }
        if !untagged(service).data.is_mapping() {
            return Err(
                positions.wrong_kind(service, &format!("service `{name}` must be a mapping"))
            );
        }
        references(service, &positions, &mut manifest.references);
        // A service with only `build:` has no image to check here: its Dockerfile is read
        // as a Dockerfile. One that `extends` another service of this file takes that
        // service's image, which is reported at its own line.
        let Some(image) = lookup(service, "image") else {
            continue;
        };
        if is_null(image) {
            continue;
        }
        if !matches!(untagged(image).data, YamlData::Value(_)) {
            return Err(
                positions.wrong_kind(image, &format!("`services.{name}.image` must be a string"))
            );
        }
        let raw = scalar_text(image, &positions).unwrap_or_default();
        let span = positions.value_span(image);
        let section = format!("services.{name}.image");
        if let Some(entry) = declare(&raw, span, section) {
            manifest.declared.push(entry);
        }
    }
    Ok(manifest)
}

/// The files a service brings into the build: its Dockerfile (`build: DIR` reads
/// `DIR/Dockerfile`; `build: {context, dockerfile}`), and the compose file it `extends`.
/// Paths that need a variable are left out: they cannot be known.
fn references(
    service: &MarkedYaml<'_>,
    positions: &Positions<'_>,
    out: &mut Vec<(String, ManifestKind)>,
) {
    let text = |node: Option<&MarkedYaml<'_>>| {
        node.and_then(|n| scalar_text(n, positions))
            .filter(|t| !t.trim().is_empty() && !t.contains('$'))
    };
    if let Some(build) = lookup(service, "build") {
        let (context, dockerfile) = if untagged(build).data.is_mapping() {
            (
                text(lookup(build, "context")),
                text(lookup(build, "dockerfile")),
            )
        } else {
            (text(Some(build)), None)
        };
        let context = context.unwrap_or_else(|| ".".to_string());
        // A remote context (a git URL) holds no file of this repository.
        if !context.contains("://") && !context.starts_with("git@") {
            let dockerfile = dockerfile.unwrap_or_else(|| "Dockerfile".to_string());
            let path = if dockerfile.starts_with('/') {
                dockerfile
            } else {
                format!("{}/{dockerfile}", context.trim_end_matches('/'))
            };
            out.push((path, ManifestKind::Dockerfile));
        }
    }
    if let Some(extends) = lookup(service, "extends") {
        if untagged(extends).data.is_mapping() {
            if let Some(file) = text(lookup(extends, "file")) {
                out.push((file, ManifestKind::Compose));
            }
        }
    }
}

/// The declaration for one `image:` value, or None when it interpolates to nothing.
fn declare(raw: &str, span: Span, section: String) -> Option<Declared> {
    let interpolated = interpolate(raw);
    if interpolated.unresolved.is_empty() {
        if interpolated.value.is_empty() {
            return None;
        }
        let image = parse_image_reference(&interpolated.value);
        let mut entry = Declared::new(Ecosystem::Docker, image.name.clone(), span);
        entry.version = Some(image.version());
        entry.section = section;
        return Some(entry);
    }
    // As in a Dockerfile: a known name whose tag or digest needs a value is that image, with
    // an unknown version, so that a ban on the name applies.
    if let Some(entry) = dockerfile::known_name_declaration(
        &interpolated.value,
        &interpolated.holes,
        &interpolated.unresolved,
        span,
        &section,
    ) {
        return Some(entry);
    }
    let mut entry = Declared::new(Ecosystem::Docker, raw, span);
    entry.section = section;
    entry.source = Some(format!(
        "unresolved: {}",
        interpolated.unresolved.join(", ")
    ));
    Some(entry)
}

/// How many misplaced closing brackets [`load`] puts right before giving up.
const MAX_BRACKET_FIXES: usize = 64;

/// Loads the YAML documents.
///
/// saphyr applies YAML's indentation rule inside flow collections strictly, and rejects a
/// closing `]` or `}` on its own line that is not indented more than the key it belongs to:
///
/// ```yaml
///     test: [
///         "CMD", "true"
///     ]
/// ```
///
/// Compose's YAML reader accepts that, and real compose files have it. When saphyr reports
/// "invalid indentation" at such a line, a space is added before the bracket and the text read
/// again; positions are mapped back to the file. Only lines that hold nothing but closing
/// brackets are touched, so the structure read cannot change.
///
/// Each attempt goes through [`yaml::load`], whose check refuses nesting and alias expansion
/// that saphyr's loader cannot survive and finds the scanner's syntax errors (the misplaced
/// bracket among them) without building a tree, so only the final attempt builds one.
fn load(text: &str) -> Result<(Vec<MarkedYaml<'static>>, Positions<'_>), ParseError> {
    let mut positions = Positions::new(text);
    let mut fixes = 0;
    loop {
        let error = match yaml::load(positions.text(), "a compose file") {
            Ok(documents) => return Ok((documents, positions)),
            Err(Fault::Syntax(error)) => error,
            Err(refused) => return Err(positions.error(refused)),
        };
        let fixable = error.info() == "invalid indentation" && fixes < MAX_BRACKET_FIXES;
        match fixable
            .then(|| bracket_line_start(&positions, &error))
            .flatten()
        {
            Some(line_start) => {
                positions.insert(line_start, " ");
                fixes += 1;
            }
            None => return Err(positions.error(Fault::Syntax(error))),
        }
    }
}

/// The start of the line the error points at, when that line is only closing brackets (and a
/// comment) and the error points at its first bracket.
fn bracket_line_start(positions: &Positions<'_>, error: &ScanError) -> Option<usize> {
    let text = positions.text();
    let at = positions.byte(error.marker().index());
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |newline| newline + 1);
    let line = text.get(line_start..)?;
    let line = line.split('\n').next().unwrap_or("");
    let content = line.trim_start_matches([' ', '\t']);
    let indent = line.len() - content.len();
    let brackets = content.split('#').next().unwrap_or("").trim_end();
    let only_brackets =
        !brackets.is_empty() && brackets.chars().all(|c| matches!(c, ']' | '}' | ',' | ' '));
    (only_brackets && line_start + indent == at).then_some(line_start)
}

// ---------------------------------------------------------------------------------------------
// Merge keys
// ---------------------------------------------------------------------------------------------
//
// Compose applies YAML merge keys, which lockfiles never use, so a compose mapping is read
// through these rather than [`yaml::lookup`] and [`yaml::entries`], which take it as written.

/// The value under `key`, direct or merged in (tags kept: the tagged node has the span).
fn lookup<'a, 'i>(mapping: &'a MarkedYaml<'i>, key: &str) -> Option<&'a MarkedYaml<'i>> {
    entries(mapping)
        .into_iter()
        .find(|(candidate, _)| key_is(candidate, key))
        .map(|(_, value)| value)
}

type Entry<'a, 'i> = (&'a MarkedYaml<'i>, &'a MarkedYaml<'i>);

/// A mapping's entries in order, with merge keys applied: `<<: *base` (or `<<: [*a, *b]`)
/// brings in the entries of the merged mappings that the mapping does not set itself; among
/// several merged mappings the first one wins.
fn entries<'a, 'i>(mapping: &'a MarkedYaml<'i>) -> Vec<Entry<'a, 'i>> {
    let mut out = Vec::new();
    collect_entries(untagged(mapping), 0, &mut out);
    out
}

fn collect_entries<'a, 'i>(
    mapping: &'a MarkedYaml<'i>,
    depth: usize,
    out: &mut Vec<Entry<'a, 'i>>,
) {
    let YamlData::Mapping(map) = &mapping.data else {
        return;
    };
    // Every key set so far or set directly by this mapping, which merged entries do not
    // override. A set, not a scan of `out`: a mapping with many keys merged into one with many
    // keys would otherwise take quadratic time.
    let mut shadowing: HashSet<&YamlData<'i, MarkedYaml<'i>>> = map
        .keys()
        .filter(|key| !key_is(key, "<<"))
        .map(|key| &key.data)
        .collect();
    for (key, value) in map {
        if !key_is(key, "<<") {
            out.push((key, value));
            continue;
        }
        if depth >= MAX_MERGE_DEPTH {
            continue;
        }
        let value = untagged(value);
        let sources: Vec<&MarkedYaml<'i>> = match &value.data {
            YamlData::Sequence(items) => items.iter().map(untagged).collect(),
            _ => vec![value],
        };
        for source in sources {
            let mut merged = Vec::new();
            collect_entries(source, depth + 1, &mut merged);
            for (merged_key, merged_value) in merged {
                if shadowing.insert(&merged_key.data) {
                    out.push((merged_key, merged_value));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Interpolation
// ---------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
struct Interpolated {
    value: String,
    /// `$NAME` for each variable whose value was needed, or a note on a malformed template.
    unresolved: Vec<String>,
    /// Where in `value` a variable with no value stands (byte offsets, ascending; the
    /// variable counts as empty text there), so that the parts of an image reference that
    /// are known can be told apart (see [`dockerfile::known_name_declaration`]). Empty when
    /// the template is malformed (then `value` is empty too).
    holes: Vec<usize>,
}

/// Compose interpolation with every variable unset: `$$` is a `$`, `${VAR:-x}` and `${VAR-x}`
/// give `x` (itself interpolated), `${VAR:+x}` and `${VAR+x}` give nothing, and `$VAR`,
/// `${VAR}`, `${VAR:?err}`, `${VAR?err}` cannot be resolved.
fn interpolate(text: &str) -> Interpolated {
    let mut state = Interpolation {
        chars: text.chars().collect(),
        position: 0,
        out: String::new(),
        holes: Vec::new(),
        unresolved: Vec::new(),
    };
    match state.until(false, 0) {
        Ok(()) => {
            // A set to drop repeats: a value can name many thousands of variables.
            let mut seen = HashSet::new();
            let unique = state
                .unresolved
                .into_iter()
                .filter(|item| seen.insert(item.clone()))
                .collect();
            Interpolated {
                value: state.out,
                unresolved: unique,
                holes: state.holes,
            }
        }
        Err(problem) => Interpolated {
            value: String::new(),
            unresolved: vec![problem],
            holes: Vec::new(),
        },
    }
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// How deep `${VAR:-${VAR:-...}}` defaults may nest. Each level is a recursive call, so an
/// image value of a few hundred kilobytes could otherwise overflow the stack; real files nest
/// one or two levels.
const MAX_INTERPOLATION_DEPTH: usize = 32;

/// One interpolation in progress. Every level writes into the one output buffer, and a
/// `${VAR:+x}` (whose `x` is read for its syntax, then dropped) is cut off it again: holes
/// are then offsets in the final value without any copying between levels.
struct Interpolation {
    chars: Vec<char>,
    position: usize,
    out: String,
    holes: Vec<usize>,
    unresolved: Vec<String>,
}

impl Interpolation {
    fn read_name(&mut self) -> String {
        let mut name = String::new();
        if !self
            .chars
            .get(self.position)
            .copied()
            .is_some_and(is_name_start)
        {
            return name;
        }
        while let Some(&c) = self.chars.get(self.position).filter(|c| is_name_char(**c)) {
            name.push(c);
            self.position += 1;
        }
        name
    }

    /// A variable with no value at the current end of the output.
    fn hole(&mut self, name: &str) {
        self.unresolved.push(format!("${name}"));
        self.holes.push(self.out.len());
    }

    /// Drops what was written since `mark` (lengths of the output, holes and unresolved).
    fn take_back(&mut self, mark: (usize, usize, usize)) {
        self.out.truncate(mark.0);
        self.holes.truncate(mark.1);
        self.unresolved.truncate(mark.2);
    }

    /// Reads to the end of the text, or through the `}` closing a `${...}` when `in_braces`.
    /// `depth` counts the `${` this call is nested in.
    fn until(&mut self, in_braces: bool, depth: usize) -> Result<(), String> {
        loop {
            let Some(&c) = self.chars.get(self.position) else {
                return if in_braces {
                    Err("invalid interpolation: missing '}'".to_string())
                } else {
                    Ok(())
                };
            };
            self.position += 1;
            match c {
                '}' if in_braces => return Ok(()),
                '$' => match self.chars.get(self.position) {
                    Some('$') => {
                        self.position += 1;
                        self.out.push('$');
                    }
                    Some('{') => {
                        self.position += 1;
                        if depth >= MAX_INTERPOLATION_DEPTH {
                            return Err(format!(
                                "invalid interpolation: nested more than \
                                 {MAX_INTERPOLATION_DEPTH} levels deep"
                            ));
                        }
                        self.braced(depth + 1)?;
                    }
                    Some(&next) if is_name_start(next) => {
                        let name = self.read_name();
                        self.hole(&name);
                    }
                    _ => {
                        return Err("invalid interpolation: '$' not followed by a name".to_string())
                    }
                },
                _ => self.out.push(c),
            }
        }
    }

    /// After `${`, at nesting `depth`.
    fn braced(&mut self, depth: usize) -> Result<(), String> {
        let name = self.read_name();
        if name.is_empty() {
            return Err("invalid interpolation: '${' not followed by a name".to_string());
        }
        if self.chars.get(self.position) == Some(&':') {
            self.position += 1;
        } else if self.chars.get(self.position) == Some(&'}') {
            self.position += 1;
            self.hole(&name);
            return Ok(());
        }
        let modifier = self.chars.get(self.position).copied();
        self.position += 1;
        // What the word after the modifier wrote, to take back when it is not used.
        let mark = (self.out.len(), self.holes.len(), self.unresolved.len());
        match modifier {
            Some('-') => self.until(true, depth),
            Some('+') => {
                self.until(true, depth)?;
                self.take_back(mark);
                Ok(())
            }
            Some('?') => {
                self.until(true, depth)?;
                self.take_back(mark);
                self.hole(&name);
                Ok(())
            }
            _ => Err(format!("invalid interpolation of ${name}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(text: &str) -> Vec<Declared> {
        match parse(text) {
            Ok(manifest) => manifest.declared,
            Err(error) => panic!("parse failed: {error:?}"),
        }
    }

    /// (section, name, version, span text) per declaration.
    fn summary(text: &str) -> Vec<(String, String, Option<String>, String)> {
        declared(text)
            .into_iter()
            .map(|d| {
                let span_text = text
                    .get(d.span.offset..d.span.offset + d.span.len)
                    .unwrap_or("<span out of range>")
                    .to_string();
                (d.section, d.name, d.version, span_text)
            })
            .collect()
    }

    fn row(
        section: &str,
        name: &str,
        version: &str,
        span: &str,
    ) -> (String, String, Option<String>, String) {
        (
            section.into(),
            name.into(),
            Some(version.into()),
            span.into(),
        )
    }

    #[test]
    fn images_in_file_order_with_spans() {
        let text = "name: app\nservices:\n  web:\n    image: nginx:1.27.4\n    ports: [\"80:80\"]\n  db:\n    image: \"postgres:16@sha256:abc\"\n  cache:\n    image: 'redis'\n  registry:\n    image: localhost:5000/team/app:2\n";
        assert_eq!(
            summary(text),
            vec![
                row("services.web.image", "nginx", "1.27.4", "nginx:1.27.4"),
                row(
                    "services.db.image",
                    "postgres",
                    "16@sha256:abc",
                    "postgres:16@sha256:abc"
                ),
                row("services.cache.image", "redis", "latest", "redis"),
                row(
                    "services.registry.image",
                    "localhost:5000/team/app",
                    "2",
                    "localhost:5000/team/app:2"
                ),
            ]
        );
        let first = &declared(text)[0];
        assert_eq!(first.ecosystem, Ecosystem::Docker);
        assert_eq!(first.requirement, None);
        assert_eq!(first.source, None);
    }

    #[test]
    fn spans_are_byte_offsets_after_non_ascii_text() {
        let text = "# café ☕ crème\nservices:\n  wéb:\n    image: \"ñginx:1\" # ü\n";
        assert_eq!(
            summary(text),
            vec![row("services.wéb.image", "ñginx", "1", "ñginx:1")]
        );
    }

    #[test]
    fn crlf_and_flow_style() {
        let text =
            "services:\r\n  a:\r\n    image: alpine:3.19\r\n  b: {image: debian:12, build: .}\r\n";
        assert_eq!(
            summary(text),
            vec![
                row("services.a.image", "alpine", "3.19", "alpine:3.19"),
                row("services.b.image", "debian", "12", "debian:12"),
            ]
        );
    }

    #[test]
    fn interpolation_with_defaults() {
        let text = "services:\n  a:\n    image: ${IMAGE:-image5:5.5.5}\n  b:\n    image: redis:${TAG-7}\n  c:\n    image: app:1${SUFFIX:+-dev}\n  d:\n    image: ${REG:-${MIRROR:-localhost:5000}}/app:2\n";
        assert_eq!(
            summary(text),
            vec![
                row(
                    "services.a.image",
                    "image5",
                    "5.5.5",
                    "${IMAGE:-image5:5.5.5}"
                ),
                row("services.b.image", "redis", "7", "redis:${TAG-7}"),
                row("services.c.image", "app", "1", "app:1${SUFFIX:+-dev}"),
                row(
                    "services.d.image",
                    "localhost:5000/app",
                    "2",
                    "${REG:-${MIRROR:-localhost:5000}}/app:2"
                ),
            ]
        );
    }

    #[test]
    fn double_dollar_is_a_literal_dollar() {
        let entries = declared("services:\n  a:\n    image: \"weird$$name:1\"\n");
        assert_eq!(entries[0].name, "weird$name");
        assert_eq!(entries[0].version.as_deref(), Some("1"));
        assert_eq!(entries[0].source, None);
    }

    #[test]
    fn unresolved_variables_keep_the_text() {
        let text = "services:\n  a:\n    image: registry.example/${IMAGE3}:3\n  b:\n    image: $REGISTRY/app:${TAG:?tag required}\n  c:\n    image: ${A:-$B}\n";
        let entries = declared(text);
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].name, "registry.example/${IMAGE3}:3");
        assert_eq!(entries[0].version, None);
        assert_eq!(entries[0].source.as_deref(), Some("unresolved: $IMAGE3"));
        assert_eq!(
            text.get(entries[0].span.offset..entries[0].span.offset + entries[0].span.len),
            Some("registry.example/${IMAGE3}:3")
        );
        assert_eq!(
            entries[1].source.as_deref(),
            Some("unresolved: $REGISTRY, $TAG")
        );
        assert_eq!(entries[2].source.as_deref(), Some("unresolved: $B"));
    }

    /// (name, version, source) of each declaration.
    fn resolved(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
        declared(text)
            .into_iter()
            .map(|d| (d.name, d.version, d.source))
            .collect()
    }

    fn some(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn a_known_name_with_an_unknown_tag_or_digest_is_that_image() {
        // As in a Dockerfile (`FROM mongo:${V}`): only the separators written in the text
        // split the reference, and a variable after the name's end leaves the name known.
        let text = "services:\n\
            \x20 a:\n    image: mongo:${TAG}\n\
            \x20 b:\n    image: image3:3.${IMAGE3_VERSION}.3\n\
            \x20 c:\n    image: node:18@${DIGEST}\n\
            \x20 d:\n    image: node:${V:?required}-alpine@$D\n\
            \x20 e:\n    image: localhost:5000/team/app:$V\n\
            \x20 f:\n    image: ${REG:-registry.example}/app:${V-}${W}\n\
            \x20 g:\n    image: app:${V:+$X}${W:-1}\n";
        assert_eq!(
            resolved(text),
            vec![
                ("mongo".into(), None, some("tag unresolved: $TAG")),
                (
                    "image3".into(),
                    None,
                    some("tag unresolved: $IMAGE3_VERSION")
                ),
                (
                    "node".into(),
                    some("18"),
                    some("digest unresolved: $DIGEST")
                ),
                (
                    "node".into(),
                    None,
                    some("tag and digest unresolved: $V, $D")
                ),
                (
                    "localhost:5000/team/app".into(),
                    None,
                    some("tag unresolved: $V")
                ),
                (
                    "registry.example/app".into(),
                    None,
                    some("tag unresolved: $W")
                ),
                // `${V:+$X}` gives nothing and needs nothing: the reference is whole.
                ("app".into(), some("1"), None),
            ]
        );
        // The span is the value as written.
        let entry = &declared(text)[0];
        assert_eq!(
            text.get(entry.span.offset..entry.span.offset + entry.span.len),
            Some("mongo:${TAG}")
        );
    }

    #[test]
    fn a_variable_that_may_change_the_name_leaves_it_unresolved() {
        // Each variable stands where it could add to the name, make a tag of it, or turn the
        // `:` before it into a registry's port; `$$` is a literal `$`, not a variable.
        let images = [
            "mongo${V}",
            "mongo${V}:7",
            "${V}mongo:7",
            "localhost:${V}/app:1",
            "registry.example/${V}/app:1",
            "mongo${V:?set V}@sha256:abc",
            ":${V}",
            "${V:-}",
        ];
        let mut text = String::from("services:\n");
        for (i, image) in images.iter().enumerate() {
            text.push_str(&format!("  s{i}:\n    image: \"{image}\"\n"));
        }
        let got = resolved(&text);
        assert_eq!(got.len(), images.len() - 1, "an empty value is no image");
        for ((name, version, source), image) in got.into_iter().zip(images) {
            assert_eq!(name, image);
            assert_eq!(version, None, "{image}");
            assert_eq!(source.as_deref(), Some("unresolved: $V"), "{image}");
        }
        assert_eq!(
            resolved("services:\n  a:\n    image: \"mo$$ngo:${T}\"\n"),
            vec![("mo$ngo".into(), None, some("tag unresolved: $T"))]
        );
    }

    #[test]
    fn malformed_interpolation_is_unresolved() {
        for image in ["app:${TAG", "app:$", "app:${}", "app:${TAG!x}"] {
            let text = format!("services:\n  a:\n    image: \"{image}\"\n");
            let entries = declared(&text);
            assert_eq!(entries.len(), 1, "{image}");
            assert_eq!(entries[0].name, image);
            assert!(
                entries[0]
                    .source
                    .as_deref()
                    .is_some_and(|s| s.starts_with("unresolved: ")),
                "{image}"
            );
        }
    }

    #[test]
    fn build_only_and_null_services_yield_nothing() {
        let text = "services:\n  app:\n    build: .\n  empty:\n  nulled:\n    image: ~\n  db:\n    image: mongo\n";
        assert_eq!(
            summary(text),
            vec![row("services.db.image", "mongo", "latest", "mongo")]
        );
    }

    #[test]
    fn merge_keys_are_applied() {
        let text = "x-base: &base\n  image: ghcr.io/acme/api:1.2.0\n  restart: always\nservices:\n  api:\n    <<: *base\n  worker:\n    <<: *base\n    image: ghcr.io/acme/worker:2\n  other:\n    <<: [{build: .}, *base]\n";
        assert_eq!(
            summary(text),
            vec![
                row(
                    "services.api.image",
                    "ghcr.io/acme/api",
                    "1.2.0",
                    "ghcr.io/acme/api:1.2.0"
                ),
                row(
                    "services.worker.image",
                    "ghcr.io/acme/worker",
                    "2",
                    "ghcr.io/acme/worker:2"
                ),
                row(
                    "services.other.image",
                    "ghcr.io/acme/api",
                    "1.2.0",
                    "ghcr.io/acme/api:1.2.0"
                ),
            ]
        );
    }

    #[test]
    fn spans_skip_tags_anchors_and_trailing_comments() {
        let text = "x-img: &img \"nginx:1\" # c\nservices:\n  a:\n    image: *img\n  b:\n    image: !!str 'redis:7'  # it''s\n  c:\n    image: !override &c \"it's:1\"\n  d:\n    image: 'o''brien:2'\n";
        assert_eq!(
            summary(text),
            vec![
                // An alias points at the alias: the value is written elsewhere.
                row("services.a.image", "nginx", "1", "*img"),
                row("services.b.image", "redis", "7", "redis:7"),
                row("services.c.image", "it's", "1", "it's:1"),
                row("services.d.image", "o'brien", "2", "o''brien:2"),
            ]
        );
    }

    #[test]
    fn closing_bracket_at_key_indentation_is_accepted() {
        let text = "services:\n  web:\n    healthcheck:\n      test: [\n          \"CMD\",\n      ]\n      interval: 30s\n    environment: {\n      A: b\n    }\n  api:\n    image: \"é/api:1\"\n";
        assert_eq!(
            summary(text),
            vec![row("services.api.image", "é/api", "1", "é/api:1")]
        );
        // Anything else that is misindented stays an error.
        let text = "services:\n  web:\n    image: a\n   ports: [1]\n";
        assert!(parse(text).is_err());
    }

    #[test]
    fn builds_and_extends_name_the_files_they_bring_in() {
        let text = "services:\n\
            \x20 a:\n    build: ./app/\n\
            \x20 b:\n    build: {context: ctx, dockerfile: Other}\n\
            \x20 c:\n    build: ~\n\
            \x20 d:\n    build: {context: null, dockerfile: ~}\n\
            \x20 e:\n    build: https://git.example/app.git\n\
            \x20 f:\n    extends: {file: base.yml, service: x}\n\
            \x20 g:\n    extends: {file: ~, service: x}\n\
            \x20 ~:\n    image: nginx\n";
        let manifest = match parse(text) {
            Ok(manifest) => manifest,
            Err(error) => panic!("{error:?}"),
        };
        let dockerfile = |path: &str| (path.to_string(), ManifestKind::Dockerfile);
        assert_eq!(
            manifest.references,
            vec![
                dockerfile("./app/Dockerfile"),
                dockerfile("ctx/Other"),
                // Null is no path: the defaults apply, as for `build:` with nothing after it.
                dockerfile("./Dockerfile"),
                dockerfile("./Dockerfile"),
                ("base.yml".to_string(), ManifestKind::Compose),
            ]
        );
        // A null key names its service as written.
        assert_eq!(manifest.declared[0].section, "services.~.image");
    }

    #[test]
    fn numeric_looking_values_keep_their_text() {
        let text = "services:\n  1.10:\n    image: 1.10\n";
        let entries = declared(text);
        assert_eq!(entries[0].section, "services.1.10.image");
        assert_eq!(entries[0].name, "1.10");
    }

    #[test]
    fn empty_documents_read_as_nothing() {
        for text in [
            "",
            "\n",
            "# just a comment\n",
            "---\n",
            "~\n",
            "name: x\n",
            "services:\n",
            "services: ~\n",
        ] {
            assert_eq!(declared(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn only_the_first_document_is_read() {
        let text = "services:\n  a:\n    image: alpine\n---\nservices:\n  b:\n    image: debian\n";
        let names: Vec<String> = declared(text).into_iter().map(|d| d.name).collect();
        assert_eq!(names, vec!["alpine"]);
    }

    #[test]
    fn wrong_shapes_are_errors() {
        let cases = [
            ("no a yaml file\n", "top level"),
            ("- a\n- b\n", "top level"),
            ("services:\n  - web\n", "`services`"),
            ("services: web\n", "`services`"),
            ("services:\n  web: nginx\n", "service `web`"),
            (
                "services:\n  web:\n    image: [nginx]\n",
                "`services.web.image`",
            ),
        ];
        for (text, needle) in cases {
            match parse(text) {
                Ok(_) => panic!("{text:?} should fail"),
                Err(error) => {
                    assert!(
                        error.message.contains(needle),
                        "{text:?}: {}",
                        error.message
                    );
                    assert!(error.span.is_some(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn broken_yaml_reports_its_position() {
        let text = "services:\n  web:\n    image: nginx\n  db: [unclosed\n";
        let error = match parse(text) {
            Ok(_) => panic!("should fail"),
            Err(error) => error,
        };
        assert!(
            error.message.starts_with("invalid YAML"),
            "{}",
            error.message
        );
        let span = error.span.unwrap_or_default();
        assert!(
            span.offset >= text.find("[unclosed").unwrap_or(0),
            "{span:?}"
        );
        assert!(span.offset <= text.len());

        // Non-ASCII before the error: the offset is in bytes, on a character boundary.
        let text = "x: \"é\"\ny: \"unterminated\n";
        let error = parse(text)
            .err()
            .unwrap_or_else(|| ParseError::new("no error"));
        let span = error.span.unwrap_or_default();
        assert!(text.is_char_boundary(span.offset), "{span:?}");
        assert!(span.offset >= text.find("y:").unwrap_or(0), "{span:?}");

        let error = parse("a: 1\na: 2\n").err();
        assert!(error.is_some_and(|e| e.message.contains("duplicated key")));
    }

    #[test]
    fn interpolation_unit() {
        type Case<'a> = (&'a str, &'a str, &'a [&'a str], &'a [usize]);
        let cases: [Case<'_>; 12] = [
            ("plain", "plain", &[], &[]),
            ("$$", "$", &[], &[]),
            ("a$$b$$$$", "a$b$$", &[], &[]),
            ("${A:-x}", "x", &[], &[]),
            ("${A-}", "", &[], &[]),
            ("${A:+x}y", "y", &[], &[]),
            ("$A", "", &["$A"], &[0]),
            ("${A}${B:?e}", "", &["$A", "$B"], &[0, 0]),
            ("${A:-${B:+$C}z}", "z", &[], &[]),
            // Holes are offsets in the value, in bytes, wherever the variable stands.
            ("é:${A:-x$B}y$C", "é:xy", &["$B", "$C"], &[4, 5]),
            ("a:${A:+$B}${C?$D}", "a:", &["$C"], &[2]),
            ("$$A:$A", "$A:", &["$A"], &[3]),
        ];
        for (input, value, unresolved, holes) in cases {
            let result = interpolate(input);
            assert_eq!(result.value, value, "{input}");
            assert_eq!(result.unresolved, unresolved, "{input}");
            assert_eq!(result.holes, holes, "{input}");
        }
        // A malformed template leaves no hole.
        assert_eq!(interpolate("a:${B").holes, Vec::<usize>::new());
    }

    #[test]
    fn odd_input_never_panics() {
        let pieces = [
            "services:",
            "\n",
            "  ",
            "a:",
            "image:",
            " ${",
            "}",
            "$$",
            "<<: ",
            "*x",
            "&x ",
            "[",
            "]",
            "{",
            "\"",
            "'",
            "é",
            "- ",
            "---",
            "\r\n",
            "!!str ",
            "? ",
            "|",
            "#",
        ];
        let mut seed = 11u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..14 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let index = (seed >> 33) as usize % pieces.len();
                text.push_str(pieces[index]);
            }
            match parse(&text) {
                Ok(manifest) => {
                    for d in manifest.declared {
                        assert!(
                            text.get(d.span.offset..d.span.offset + d.span.len)
                                .is_some(),
                            "{text:?}"
                        );
                    }
                }
                Err(error) => {
                    if let Some(span) = error.span {
                        assert!(
                            text.get(span.offset..span.offset + span.len).is_some(),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn deep_nesting_and_alias_bombs_are_refused() {
        let text = format!(
            "services:\n  web:\n    x:\n      {}1\n",
            "- ".repeat(50_000)
        );
        let error = match parse(&text) {
            Ok(_) => panic!("deep nesting was read"),
            Err(error) => error,
        };
        assert!(error.message.contains("levels deep"), "{}", error.message);
        let mut text = String::from("x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            let copies = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("x-a{level}: &a{level} {{[{copies}]: {level}}}\n"));
        }
        text.push_str("services:\n  web:\n    image: nginx\n");
        let error = match parse(&text) {
            Ok(_) => panic!("an alias bomb was read"),
            Err(error) => error,
        };
        assert!(
            error.message.contains("aliases expand"),
            "{}",
            error.message
        );
    }

    #[test]
    fn deeply_nested_defaults_are_unresolved_not_a_crash() {
        let image = format!("{}nginx{}", "${A:-".repeat(10_000), "}".repeat(10_000));
        let interpolated = interpolate(&image);
        assert!(interpolated.value.is_empty());
        assert_eq!(
            interpolated.unresolved,
            vec!["invalid interpolation: nested more than 32 levels deep".to_string()]
        );
        let image = format!("{}nginx{}", "${A:-".repeat(32), "}".repeat(32));
        assert_eq!(interpolate(&image).value, "nginx");
    }

    #[test]
    fn many_variables_and_merged_keys_take_linear_time() {
        // Quadratic work on these took minutes; linear work takes milliseconds.
        let names: Vec<String> = (0..50_000).map(|i| format!("$V{i}")).collect();
        let interpolated = interpolate(&names.join("-"));
        assert_eq!(interpolated.unresolved.len(), 50_000);
        assert_eq!(interpolate("$A-$B-$A").unresolved, vec!["$A", "$B"]);

        let mut text = String::from("x-base: &base\n");
        for i in 0..20_000 {
            text.push_str(&format!("  k{i}: v\n"));
        }
        text.push_str("services:\n  web:\n    <<: *base\n");
        for i in 0..20_000 {
            text.push_str(&format!("    j{i}: v\n"));
        }
        text.push_str("    image: nginx:1\n");
        assert_eq!(
            summary(&text),
            vec![row("services.web.image", "nginx", "1", "nginx:1")]
        );
    }
}
