//! `yarn.lock`: the packages yarn resolved, one [`LockedPackage`] per lockfile entry, and the
//! descriptors (`name@range`, as dependents write them) that lead to each entry.
//!
//! Yarn has written two unrelated formats under this one file name. Classic yarn (1.x) writes
//! its own indentation-based syntax, read here by a small line parser; yarn 2 and later
//! ("berry") write YAML with a `__metadata` entry, read with saphyr. The `__metadata` key is
//! what tells them apart: classic files never have it.
//!
//! Yarn finds the entry for a dependency by its descriptor, so every descriptor of an entry's
//! key goes into [`Lockfile::descriptors`], and the parser links dependencies the same way.
//! Berry lists its workspaces as entries of their own (`name@workspace:path`): they become
//! [`Lockfile::workspaces`], not packages. Classic records no workspaces at all, so a classic
//! lock covers every `package.json` below it.

use crate::manifest::blocks::{key_parts, Keep, Kept, Line};
use crate::manifest::yaml::{self, is_null, lookup, scalar_text, untagged, Positions};
use crate::manifest::{LockedPackage, Lockfile, ParseError, Span};
use saphyr::{MarkedYaml, YamlData};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Reads a `yarn.lock` of either format.
///
/// # Errors
///
/// Classic: a line that is neither `key value`, `key: value` nor `key:`, an unterminated
/// quoted string, tab indentation, an indented line outside any entry or below a line that
/// already has a value. Berry: invalid YAML, or an entry or field of the wrong kind (an entry
/// that is not a mapping, a `version` that is a list, ...). Each error carries the span of the
/// offending line or node. An entry without a `version` is left out rather than refused.
pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
    if is_berry(text) {
        parse_berry(text)
    } else {
        parse_classic(text)
    }
}

/// [`parse`], reading only the entries whose key names a package `wanted` accepts (by a
/// descriptor's name: the alias when there is one), berry's workspace entries and its
/// `__metadata`: what resolving a few named manifests needs. Spans still point into `text`.
///
/// # Errors
///
/// As [`parse`], for the entries read.
pub fn parse_wanted(text: &str, wanted: &dyn Fn(&str) -> bool) -> Result<Lockfile, ParseError> {
    // Both formats start each entry at column 0 with its key; comments and blank lines
    // belong to whatever came before. An entry is kept when a name the parser could give it
    // is wanted: a descriptor's name or the package it aliases, or berry's `resolution`.
    let kept = Kept::cut(
        text,
        |line| match line.bytes().next() {
            None | Some(b' ' | b'\t' | b'#') => Line::Continues,
            Some(_) if line.contains("@workspace:") => Line::Starts(Keep::Yes),
            Some(_)
                if line
                    .trim_start_matches(['"', '\''])
                    .starts_with("__metadata") =>
            {
                Line::Starts(Keep::Yes)
            }
            Some(_) => match key_parts(line) {
                Some(parts) if parts.iter().any(|part| names_wanted(part, wanted)) => {
                    Line::Starts(Keep::Yes)
                }
                Some(_) => Line::Starts(Keep::Maybe),
                // A key that cannot be read keeps its entry.
                None => Line::Starts(Keep::Yes),
            },
        },
        |block| {
            block.lines().any(|line| {
                line.trim_start()
                    .strip_prefix("resolution:")
                    .is_some_and(|value| {
                        names_wanted(value.trim().trim_matches(['"', '\'']), wanted)
                    })
            })
        },
    );
    kept.map_back(parse(&kept.text))
}

/// Whether a descriptor (or locator) names a wanted package: by its name, or, for an alias
/// (`alias@npm:real@^1`, `alias@npm:real`), by the package it stands for.
fn names_wanted(descriptor: &str, wanted: &dyn Fn(&str) -> bool) -> bool {
    let (name, range) = split_descriptor(descriptor);
    wanted(name) || npm_alias_target(range).is_some_and(wanted)
}

/// Berry writes `__metadata:` at column 0 (first, but the order is not relied on). A classic
/// lock cannot hold such a line: its keys are `name@range` and npm names never start with `_`.
fn is_berry(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').split('\n').any(|line| {
        ["__metadata", "\"__metadata\"", "'__metadata'"]
            .iter()
            .any(|key| {
                line.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with(':'))
            })
    })
}

/// One lockfile entry of either format, before dependencies are linked.
struct Entry {
    package: LockedPackage,
    /// The descriptors of the entry's key, as written without quotes.
    descriptors: Vec<String>,
    /// `(name, range)` of each dependency, as the entry lists it.
    wanted: Vec<(String, String)>,
}

/// Lays out the entries as packages, lists their descriptors, and resolves each dependency
/// through `resolve`, which gets the descriptor index, the dependent and the wanted
/// `(name, range)`. When two entries claim the same descriptor the first one wins; yarn never
/// writes that, and one answer has to be picked.
fn link(
    entries: Vec<Entry>,
    resolve: impl Fn(&HashMap<&str, usize>, &LockedPackage, &str, &str) -> Option<usize>,
) -> (Vec<LockedPackage>, Vec<(String, usize)>) {
    let descriptors: Vec<(String, usize)> = entries
        .iter()
        .enumerate()
        .flat_map(|(index, entry)| entry.descriptors.iter().map(move |d| (d.clone(), index)))
        .collect();
    let edges: Vec<Vec<usize>> = {
        let mut by_descriptor: HashMap<&str, usize> = HashMap::with_capacity(descriptors.len());
        for (descriptor, index) in &descriptors {
            by_descriptor.entry(descriptor.as_str()).or_insert(*index);
        }
        entries
            .iter()
            .map(|entry| {
                let mut seen = HashSet::new();
                entry
                    .wanted
                    .iter()
                    .filter_map(|(name, range)| {
                        resolve(&by_descriptor, &entry.package, name, range)
                    })
                    .filter(|&found| seen.insert(found))
                    .collect()
            })
            .collect()
    };
    let packages = entries
        .into_iter()
        .zip(edges)
        .map(|(entry, depends_on)| LockedPackage {
            depends_on,
            ..entry.package
        })
        .collect();
    (packages, descriptors)
}

/// The names of the wanted dependencies, each once, in order.
fn dependency_names(wanted: &[(String, String)]) -> Vec<String> {
    let mut seen = HashSet::new();
    wanted
        .iter()
        .filter(|(name, _)| seen.insert(name.as_str()))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Splits a descriptor or locator (`name@range`, `@scope/name@range`) at the `@` that ends the
/// name: the first one after position 0. Only a scope's `@` can come earlier, and ranges hold
/// more of them (`git+ssh://git@host/...`, `npm:real@^1`), so the last `@` would be wrong.
/// The range is empty when there is no such `@` (`balanced-match`, `@scope/name`).
fn split_descriptor(descriptor: &str) -> (&str, &str) {
    let at = descriptor
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '@')
        .map(|(at, _)| at);
    match at {
        Some(at) => (
            descriptor.get(..at).unwrap_or(descriptor),
            descriptor.get(at + 1..).unwrap_or(""),
        ),
        None => (descriptor, ""),
    }
}

// ---------------------------------------------------------------------------------------------
// Classic (yarn 1)
// ---------------------------------------------------------------------------------------------

/// The dependency sections of a classic entry. Classic locks record no peer dependencies.
const CLASSIC_DEPENDENCY_SECTIONS: [&str; 2] = ["dependencies", "optionalDependencies"];

fn parse_classic(text: &str) -> Result<Lockfile, ParseError> {
    let tree = ClassicTree::read(text)?;
    let entries: Vec<Entry> = tree
        .top
        .iter()
        .filter_map(|&index| tree.nodes.get(index))
        .filter_map(|node| classic_entry(&tree, node))
        .collect();
    // A file with neither the header nor an entry does not say which format it is: it may be
    // a berry file stripped to its header comment, or no lockfile at all.
    let format_version = (tree.has_header || !entries.is_empty()).then_some(1);
    // Classic keeps each dependency's range exactly as the dependent wrote it, and keys its
    // entries by the same text.
    let (packages, descriptors) = link(entries, |by_descriptor, _, name, range| {
        by_descriptor
            .get(format!("{name}@{range}").as_str())
            .copied()
    });
    Ok(Lockfile {
        format_version,
        packages,
        workspaces: vec![String::new()],
        covers_subtree: true,
        importers: Vec::new(),
        descriptors,
    })
}

/// A top-level node with a version is an entry; top-level `key value` lines are settings, not
/// packages, and an entry without a version is not a package either.
fn classic_entry(tree: &ClassicTree, node: &ClassicNode) -> Option<Entry> {
    if node.value.is_some() {
        return None;
    }
    let children: Vec<&ClassicNode> = node
        .children
        .iter()
        .filter_map(|&index| tree.nodes.get(index))
        .collect();
    // Yarn reads the entry into an object, so a repeated field keeps its last value.
    let field = |key: &str| {
        children
            .iter()
            .rev()
            .find(|child| child.value.is_some() && child.keys.iter().any(|k| k == key))
            .and_then(|child| child.value.clone())
    };
    let version = field("version").filter(|version| !version.is_empty())?;
    let name = classic_name(node.keys.first()?);
    if name.is_empty() {
        return None;
    }
    let mut wanted = Vec::new();
    for section in children.iter().filter(|child| {
        child.value.is_none()
            && child
                .keys
                .iter()
                .any(|k| CLASSIC_DEPENDENCY_SECTIONS.contains(&k.as_str()))
    }) {
        for dependency in section.children.iter().filter_map(|&i| tree.nodes.get(i)) {
            if let Some(range) = &dependency.value {
                for dependency_name in &dependency.keys {
                    wanted.push((dependency_name.clone(), range.clone()));
                }
            }
        }
    }
    // `link:` points at a folder of the project; `file:` and everything else is a copy yarn
    // made of something, which is checked like any other package.
    let local = node
        .keys
        .iter()
        .any(|descriptor| split_descriptor(descriptor).1.starts_with("link:"));
    Some(Entry {
        package: LockedPackage {
            name: name.to_owned(),
            version,
            span: node.key_span,
            install_path: String::new(),
            source: field("resolved").filter(|resolved| !resolved.is_empty()),
            local,
            dependencies: dependency_names(&wanted),
            depends_on: Vec::new(),
        },
        descriptors: node.keys.clone(),
        wanted,
    })
}

/// The package a classic descriptor names. Classic records an alias as
/// `alias@npm:real@range` and nothing else about it, so the real package is read from there.
fn classic_name(descriptor: &str) -> &str {
    let (name, range) = split_descriptor(descriptor);
    npm_alias_target(range).unwrap_or(name)
}

/// The real package of an `npm:real@range` alias. `npm:` followed by a range (`npm:^1.0.0`,
/// berry's way of writing a registry range) is no alias, so the target must have a range, a
/// scope, or start like a name does; a bare name (`npm:real`) aliases its latest version.
fn npm_alias_target(range: &str) -> Option<&str> {
    let target = range.strip_prefix("npm:")?;
    let (real, real_range) = split_descriptor(target);
    let names_package = !real_range.is_empty()
        || real.starts_with('@')
        || real.starts_with(|c: char| c.is_ascii_alphabetic());
    (!real.is_empty() && names_package).then_some(real)
}

/// One non-blank, non-comment line: `key value`, `key: value`, or `key1, key2:` opening a
/// block of more indented lines.
struct ClassicNode {
    /// The keys as read (unquoted), usually one; an entry header lists one per descriptor.
    keys: Vec<String>,
    /// From the first key to the last one as written, quotes included, without the `:`.
    key_span: Span,
    value: Option<String>,
    /// Indices into [`ClassicTree::nodes`].
    children: Vec<usize>,
}

/// The lines of a classic lockfile arranged by indentation.
struct ClassicTree {
    nodes: Vec<ClassicNode>,
    /// The column-0 lines, in file order.
    top: Vec<usize>,
    /// The file has the `# yarn lockfile v1` comment.
    has_header: bool,
}

impl ClassicTree {
    fn read(text: &str) -> Result<ClassicTree, ParseError> {
        let mut tree = ClassicTree {
            nodes: Vec::new(),
            top: Vec::new(),
            has_header: false,
        };
        // (indent, node) of the lines that later, more indented lines may belong to.
        let mut open: Vec<(usize, usize)> = Vec::new();
        let start = if text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let mut line_start = start;
        for (number, raw) in text.get(start..).unwrap_or("").split('\n').enumerate() {
            let offset = line_start;
            line_start += raw.len() + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let content = line.trim_start_matches(' ');
            let indent = line.len() - content.len();
            if content.trim().is_empty() {
                continue;
            }
            if let Some(comment) = content.strip_prefix('#') {
                tree.has_header |= comment.trim() == "yarn lockfile v1";
                continue;
            }
            let fail = |message: &str| {
                ParseError::at(
                    format!("line {}: {message}", number + 1),
                    Span::new(offset, line.len()),
                )
            };
            if content.starts_with('\t') {
                return Err(fail("indentation must be spaces, not tabs"));
            }
            let tokens = tokenize(content, offset + indent).map_err(fail)?;
            let Some(node) = shape(tokens) else {
                return Err(fail(
                    "expected `key value`, `key: value`, or keys ending with `:`",
                ));
            };
            while open
                .last()
                .is_some_and(|&(open_indent, _)| open_indent >= indent)
            {
                open.pop();
            }
            let index = tree.nodes.len();
            match open
                .last()
                .and_then(|&(_, parent)| tree.nodes.get_mut(parent))
            {
                None if indent > 0 => return Err(fail("indented line outside of any entry")),
                None => tree.top.push(index),
                Some(parent) if parent.value.is_some() => {
                    return Err(fail("indented below a line that already has a value"));
                }
                Some(parent) => parent.children.push(index),
            }
            tree.nodes.push(node);
            open.push((indent, index));
        }
        Ok(tree)
    }
}

enum Token {
    Text { value: String, range: Range<usize> },
    Colon,
    Comma,
}

/// Splits a line (without its indentation; `offset` is where it starts in the file) into
/// strings, `:` and `,`. Quoted strings are JSON strings, as classic yarn writes them. An
/// unquoted string runs to a blank, a `,`, or a `:` that ends the line or precedes a blank:
/// yarn quotes every string holding `:`, and stopping at any `:` would split a hand-written
/// `git+ssh://...` value. `#` starts a comment only where a token would start, as in yarn
/// (`name@user/repo#branch:` is one key).
fn tokenize(content: &str, offset: usize) -> Result<Vec<Token>, &'static str> {
    let mut tokens = Vec::new();
    let mut rest = content;
    let mut at = offset;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        at += rest.len() - trimmed.len();
        rest = trimmed;
        let Some(first) = rest.chars().next() else {
            break;
        };
        let consumed = match first {
            '#' => break,
            ':' => {
                tokens.push(Token::Colon);
                1
            }
            ',' => {
                tokens.push(Token::Comma);
                1
            }
            '"' => {
                let (value, len) = read_quoted(rest).ok_or("unterminated quoted string")?;
                tokens.push(Token::Text {
                    value,
                    range: at..at + len,
                });
                len
            }
            _ => {
                let len = unquoted_len(rest);
                tokens.push(Token::Text {
                    value: rest.get(..len).unwrap_or("").to_owned(),
                    range: at..at + len,
                });
                len
            }
        };
        rest = rest.get(consumed..).unwrap_or("");
        at += consumed;
    }
    Ok(tokens)
}

/// Byte length of the unquoted string at the start of `text` (at least its first character).
fn unquoted_len(text: &str) -> usize {
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let ends = match c {
            ',' => true,
            ':' => chars.peek().is_none_or(|&(_, next)| next.is_whitespace()),
            _ => c.is_whitespace(),
        };
        if ends && index > 0 {
            return index;
        }
    }
    text.len()
}

/// Reads the JSON string at the start of `text` (which starts with `"`): its value and its
/// length in bytes, quotes included. Escapes JSON does not know are kept as the escaped
/// character; a lone surrogate becomes U+FFFD.
fn read_quoted(text: &str) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Some((value, index + 1)),
            '\\' => {
                let (_, escaped) = chars.next()?;
                match escaped {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    'u' => {
                        let unit = hex4(&mut chars)?;
                        let code = if (0xD800..0xDC00).contains(&unit) {
                            low_surrogate(&mut chars).map_or(0xFFFD, |low| {
                                0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            })
                        } else {
                            unit
                        };
                        value.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                    other => value.push(other),
                }
            }
            other => value.push(other),
        }
    }
    None
}

fn hex4(chars: &mut impl Iterator<Item = (usize, char)>) -> Option<u32> {
    let mut unit = 0;
    for _ in 0..4 {
        unit = unit * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(unit)
}

/// The `\uDC00`-`\uDFFF` escape that completes a surrogate pair, when it comes next.
fn low_surrogate(chars: &mut std::iter::Skip<std::str::CharIndices<'_>>) -> Option<u32> {
    let mut ahead = chars.clone();
    if ahead.next()?.1 != '\\' || ahead.next()?.1 != 'u' {
        return None;
    }
    let low = hex4(&mut ahead).filter(|low| (0xDC00..0xE000).contains(low))?;
    *chars = ahead;
    Some(low)
}

/// The node a line's tokens make: `key [, key]* [:] [value]`, with a `:` or a value (or both).
fn shape(tokens: Vec<Token>) -> Option<ClassicNode> {
    let mut keys = Vec::new();
    let mut key_range: Option<Range<usize>> = None;
    let mut value = None;
    let mut colon = false;
    let mut tokens = tokens.into_iter().peekable();
    loop {
        let Some(Token::Text { value: key, range }) = tokens.next() else {
            return None;
        };
        key_range = Some(key_range.map_or(range.clone(), |first| first.start..range.end));
        keys.push(key);
        if !matches!(tokens.peek(), Some(Token::Comma)) {
            break;
        }
        tokens.next();
    }
    if matches!(tokens.peek(), Some(Token::Colon)) {
        tokens.next();
        colon = true;
    }
    if let Some(Token::Text { value: text, .. }) = tokens.peek() {
        value = Some(text.clone());
        tokens.next();
    }
    if tokens.next().is_some() || (!colon && value.is_none()) {
        return None;
    }
    Some(ClassicNode {
        keys,
        key_span: key_range.map(Span::from_range).unwrap_or_default(),
        value,
        children: Vec::new(),
    })
}

// ---------------------------------------------------------------------------------------------
// Berry (yarn 2+)
// ---------------------------------------------------------------------------------------------

/// The dependency sections of a berry entry that the entry itself resolves. Berry records
/// optional dependencies in `dependencies` (with `dependenciesMeta`); `optionalDependencies`
/// is read in case a file has it. Peer dependencies are left out: yarn satisfies them with
/// whatever the dependent's parent resolved, never by looking up their range.
const BERRY_DEPENDENCY_SECTIONS: [&str; 2] = ["dependencies", "optionalDependencies"];

fn parse_berry(text: &str) -> Result<Lockfile, ParseError> {
    let (read, inserted) = explicit_long_keys(text);
    let positions = Positions::edited(read, &inserted);
    let documents =
        yaml::load(positions.text(), "a yarn.lock").map_err(|fault| positions.error(fault))?;
    let mut lock = Lockfile::default();
    let Some(root) = documents.first().map(untagged) else {
        return Ok(lock);
    };
    if is_null(root) {
        return Ok(lock);
    }
    let YamlData::Mapping(entries_map) = &root.data else {
        return Err(positions.wrong_kind(root, "a yarn.lock must be a mapping at the top level"));
    };
    let mut entries = Vec::new();
    for (key, value) in entries_map {
        let Some(key_text) = scalar_text(key, &positions) else {
            return Err(positions.wrong_kind(key, "entry keys must be strings"));
        };
        if key_text == "__metadata" {
            lock.format_version = metadata_version(value, &positions);
            continue;
        }
        let span = positions.written_span(key);
        if let Some(entry) = berry_entry(&key_text, span, value, &positions, &mut lock.workspaces)?
        {
            entries.push(entry);
        }
    }
    // Each workspace once, in file order; a set rather than a scan of the list per entry,
    // which would take quadratic time on a file of many workspace entries.
    let mut seen = HashSet::new();
    lock.workspaces.retain(|path| seen.insert(path.clone()));
    let (packages, descriptors) = link(entries, |by_descriptor, dependent, name, range| {
        // Recent berry writes ranges as the key does (`npm:^1.0.0`); older files drop the
        // default `npm:` from dependency ranges but keep it in keys. A relative `file:`,
        // `portal:` or `link:` range is keyed with the dependent bound to it.
        let found = |descriptor: &str| by_descriptor.get(descriptor).copied();
        found(&format!("{name}@{range}"))
            .or_else(|| found(&format!("{name}@npm:{range}")))
            .or_else(|| {
                let locator = dependent.source.as_deref()?;
                found(&format!(
                    "{name}@{range}::locator={}",
                    encode_uri_component(locator)
                ))
            })
    });
    lock.packages = packages;
    lock.descriptors = descriptors;
    Ok(lock)
}

/// `__metadata.version`, an integer or a string holding one.
fn metadata_version(metadata: &MarkedYaml<'_>, positions: &Positions<'_>) -> Option<u32> {
    let version = lookup(metadata, "version")?;
    scalar_text(version, positions)?.trim().parse().ok()
}

/// One berry entry: a package (returned), a workspace (its path added to `workspaces`, which
/// the caller rids of repeats), or nothing (no version).
fn berry_entry(
    key: &str,
    span: Span,
    value: &MarkedYaml<'_>,
    positions: &Positions<'_>,
    workspaces: &mut Vec<String>,
) -> Result<Option<Entry>, ParseError> {
    if is_null(value) {
        return Ok(None);
    }
    if !untagged(value).data.is_mapping() {
        return Err(
            positions.wrong_kind(value, &format!("entry `{key}` must be a mapping of fields"))
        );
    }
    // Yarn splits keys the same way (`/ *, */`).
    let descriptors: Vec<String> = key
        .split(',')
        .map(str::trim)
        .filter(|descriptor| !descriptor.is_empty())
        .map(str::to_owned)
        .collect();
    let resolution = field_text(value, "resolution", key, positions)?;
    let Some(locator) = resolution
        .as_deref()
        .or(descriptors.first().map(String::as_str))
    else {
        return Ok(None);
    };
    let (ident, reference) = split_descriptor(locator);
    if let Some(path) = reference.strip_prefix("workspace:") {
        // Only a resolution names the workspace's folder; a descriptor may be `workspace:^`.
        if resolution.is_some() {
            let path = workspace_dir(path);
            workspaces.push(path);
        }
        return Ok(None);
    }
    if descriptors
        .iter()
        .any(|descriptor| split_descriptor(descriptor).1.starts_with("workspace:"))
    {
        return Ok(None);
    }
    let Some(version) =
        field_text(value, "version", key, positions)?.filter(|version| !version.is_empty())
    else {
        return Ok(None);
    };
    // The resolution names the real package, also for an alias (`alias@npm:real@^1` resolves
    // to `real@npm:1.2.3`) and a patch (`name@patch:name@npm%3A1.0.0#...`).
    let name = match resolution {
        Some(_) => ident,
        None => npm_alias_target(reference).unwrap_or(ident),
    };
    if name.is_empty() {
        return Ok(None);
    }
    let mut wanted = Vec::new();
    for section in BERRY_DEPENDENCY_SECTIONS {
        wanted.extend(field_map(value, section, key, positions)?);
    }
    let local = reference.starts_with("link:") || reference.starts_with("portal:");
    Ok(Some(Entry {
        package: LockedPackage {
            name: name.to_owned(),
            version,
            span,
            install_path: String::new(),
            source: resolution,
            local,
            dependencies: dependency_names(&wanted),
            depends_on: Vec::new(),
        },
        descriptors,
        wanted,
    }))
}

/// A workspace's folder relative to the lockfile, as [`Lockfile::workspaces`] holds it.
fn workspace_dir(path: &str) -> String {
    let path = path.trim_start_matches("./").trim_end_matches('/');
    if path == "." {
        String::new()
    } else {
        path.to_owned()
    }
}

/// `encodeURIComponent`, which yarn applies to the locator bound into a relative descriptor.
fn encode_uri_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// A scalar field of an entry; None when it is missing or null.
fn field_text(
    entry: &MarkedYaml<'_>,
    field: &str,
    key: &str,
    positions: &Positions<'_>,
) -> Result<Option<String>, ParseError> {
    let Some(node) = lookup(entry, field) else {
        return Ok(None);
    };
    if is_null(node) {
        return Ok(None);
    }
    match scalar_text(node, positions) {
        Some(text) => Ok(Some(text)),
        None => Err(positions.wrong_kind(
            node,
            &format!("`{field}` of entry `{key}` must be a string"),
        )),
    }
}

/// A `name: range` mapping field of an entry, in order; empty when missing or null.
fn field_map(
    entry: &MarkedYaml<'_>,
    field: &str,
    key: &str,
    positions: &Positions<'_>,
) -> Result<Vec<(String, String)>, ParseError> {
    let Some(node) = lookup(entry, field) else {
        return Ok(Vec::new());
    };
    if is_null(node) {
        return Ok(Vec::new());
    }
    let YamlData::Mapping(map) = &untagged(node).data else {
        return Err(positions.wrong_kind(
            node,
            &format!("`{field}` of entry `{key}` must be a mapping"),
        ));
    };
    let mut pairs = Vec::with_capacity(map.len());
    for (name, range) in map {
        match (scalar_text(name, positions), scalar_text(range, positions)) {
            (Some(name), Some(range)) => pairs.push((name, range)),
            _ => {
                return Err(ParseError::at(
                    format!("`{field}` of entry `{key}` must map names to ranges"),
                    positions.span(range),
                ))
            }
        }
    }
    Ok(pairs)
}

/// The longest key saphyr accepts without YAML's explicit `? key` form: YAML limits implicit
/// keys to 1024 characters, counted from the key's start to its `:`. Bytes are counted here,
/// which is never fewer, so every key over the limit is caught.
const IMPLICIT_KEY_LIMIT: usize = 1000;

/// The file with every over-long implicit top-level key (`"key":` at column 0) rewritten to
/// `? "key"` and a `:` line, and the insertions made, as [`Positions::edited`] takes them.
///
/// Yarn writes an entry key longer than YAML allows for an implicit key as an explicit one
/// (`? key` and `:` on the next line), but older versions wrote it as usual and saphyr refuses
/// that. The rewrite cannot change what such a line means, and positions are mapped back to
/// the file.
fn explicit_long_keys(file: &str) -> (Cow<'_, str>, Vec<(usize, usize)>) {
    let long_key = |line: &str| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let key = line.trim_end().strip_suffix(':')?;
        // A quoted key, or a plain one (which cannot start with YAML's indicators).
        let starts_key =
            line.starts_with(|c: char| matches!(c, '"' | '\'' | '_') || c.is_alphanumeric());
        (starts_key && key.len() > IMPLICIT_KEY_LIMIT).then_some(key.len())
    };
    if !file.split('\n').any(|line| long_key(line).is_some()) {
        return (Cow::Borrowed(file), Vec::new());
    }
    let mut text = String::with_capacity(file.len() + 64);
    let mut inserted = Vec::new();
    for (index, line) in file.split('\n').enumerate() {
        if index > 0 {
            text.push('\n');
        }
        match long_key(line) {
            Some(key_len) => {
                inserted.push((text.len(), 2));
                text.push_str("? ");
                text.push_str(line.get(..key_len).unwrap_or(line));
                inserted.push((text.len(), 1));
                text.push('\n');
                text.push_str(line.get(key_len..).unwrap_or(""));
            }
            None => text.push_str(line),
        }
    }
    (Cow::Owned(text), inserted)
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

    fn error_text(text: &str, error: &ParseError) -> String {
        match error.span {
            Some(span) => span_text(text, span).to_owned(),
            None => panic!("no span: {error:?}"),
        }
    }

    fn nth(lockfile: &Lockfile, index: usize) -> &LockedPackage {
        match lockfile.packages.get(index) {
            Some(package) => package,
            None => panic!("no package #{index}: {:#?}", lockfile.packages),
        }
    }

    /// (name, version, span text) of every package.
    fn summary<'l>(text: &'l str, lockfile: &'l Lockfile) -> Vec<(&'l str, &'l str, &'l str)> {
        lockfile
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), span_text(text, p.span)))
            .collect()
    }

    fn descriptors(lockfile: &Lockfile) -> Vec<(&str, usize)> {
        lockfile
            .descriptors
            .iter()
            .map(|(d, i)| (d.as_str(), *i))
            .collect()
    }

    /// (name of the dependent, names of what it depends on) for every package.
    fn edges(lockfile: &Lockfile) -> Vec<(String, Vec<String>)> {
        lockfile
            .packages
            .iter()
            .map(|p| {
                let targets = p
                    .depends_on
                    .iter()
                    .map(|&i| {
                        let target = nth(lockfile, i);
                        format!("{}@{}", target.name, target.version)
                    })
                    .collect();
                (format!("{}@{}", p.name, p.version), targets)
            })
            .collect()
    }

    // ------------------------------------------------------------------ classic

    const CLASSIC: &str = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.12.13":
  version "7.12.13"
  resolved "https://registry.example/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826b"
  integrity sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZ==
  dependencies:
    "@babel/highlight" "^7.12.13"

"@babel/highlight@^7.12.13":
  version "7.13.10"
  resolved "https://registry.example/@babel/highlight/-/highlight-7.13.10.tgz#a8b2a66f"
  dependencies:
    chalk "^2.0.0"
    js-tokens "^4.0.0"

chalk@^2.0.0:
  version "2.4.2"
  resolved "https://registry.example/chalk/-/chalk-2.4.2.tgz#cd42541"
  optionalDependencies:
    missing-package "^1.0.0"

js-tokens@^4.0.0, js-tokens@~4.0.0:
  version "4.0.0"
"#;

    #[test]
    fn classic_entries_in_file_order_with_spans() {
        let lock = parsed(CLASSIC);
        assert_eq!(lock.format_version, Some(1));
        assert!(lock.covers_subtree);
        assert_eq!(lock.workspaces, [""]);
        assert!(lock.importers.is_empty());
        assert_eq!(
            summary(CLASSIC, &lock),
            [
                (
                    "@babel/code-frame",
                    "7.12.13",
                    r#""@babel/code-frame@^7.0.0", "@babel/code-frame@^7.12.13""#
                ),
                (
                    "@babel/highlight",
                    "7.13.10",
                    r#""@babel/highlight@^7.12.13""#
                ),
                ("chalk", "2.4.2", "chalk@^2.0.0"),
                ("js-tokens", "4.0.0", "js-tokens@^4.0.0, js-tokens@~4.0.0"),
            ]
        );
        let frame = nth(&lock, 0);
        assert_eq!(
            frame.source.as_deref(),
            Some("https://registry.example/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826b")
        );
        assert!(!frame.local);
        assert_eq!(frame.install_path, "");
        assert_eq!(nth(&lock, 3).source, None);
    }

    #[test]
    fn classic_descriptors_as_written_without_quotes() {
        let lock = parsed(CLASSIC);
        assert_eq!(
            descriptors(&lock),
            [
                ("@babel/code-frame@^7.0.0", 0),
                ("@babel/code-frame@^7.12.13", 0),
                ("@babel/highlight@^7.12.13", 1),
                ("chalk@^2.0.0", 2),
                ("js-tokens@^4.0.0", 3),
                ("js-tokens@~4.0.0", 3),
            ]
        );
    }

    #[test]
    fn classic_dependencies_resolve_through_descriptors() {
        let lock = parsed(CLASSIC);
        assert_eq!(nth(&lock, 0).dependencies, ["@babel/highlight"]);
        assert_eq!(nth(&lock, 1).dependencies, ["chalk", "js-tokens"]);
        // Optional dependencies count; one the lock has no entry for is left out of the edges.
        assert_eq!(nth(&lock, 2).dependencies, ["missing-package"]);
        assert_eq!(
            edges(&lock),
            [
                (
                    "@babel/code-frame@7.12.13".to_owned(),
                    vec!["@babel/highlight@7.13.10".to_owned()]
                ),
                (
                    "@babel/highlight@7.13.10".to_owned(),
                    vec!["chalk@2.4.2".to_owned(), "js-tokens@4.0.0".to_owned()]
                ),
                ("chalk@2.4.2".to_owned(), vec![]),
                ("js-tokens@4.0.0".to_owned(), vec![]),
            ]
        );
    }

    #[test]
    fn classic_aliases_name_the_real_package() {
        let text = r#"# yarn lockfile v1

"ansi-regex-cjs@npm:ansi-regex@^5.0.0":
  version "5.0.1"
  resolved "https://registry.example/ansi-regex/-/ansi-regex-5.0.1.tgz#082cb2c8"

ansi-regex@^6.0.0:
  version "6.0.1"

"babel-hvi@npm:@babel/helper-validator-identifier@^7.0.0":
  version "7.22.20"

app-helper@^1.0.0:
  version "1.0.0"
  dependencies:
    ansi-regex-cjs "npm:ansi-regex@^5.0.0"
    babel-hvi "npm:@babel/helper-validator-identifier@^7.0.0"
"#;
        let lock = parsed(text);
        assert_eq!(
            summary(text, &lock),
            [
                (
                    "ansi-regex",
                    "5.0.1",
                    r#""ansi-regex-cjs@npm:ansi-regex@^5.0.0""#
                ),
                ("ansi-regex", "6.0.1", "ansi-regex@^6.0.0"),
                (
                    "@babel/helper-validator-identifier",
                    "7.22.20",
                    r#""babel-hvi@npm:@babel/helper-validator-identifier@^7.0.0""#
                ),
                ("app-helper", "1.0.0", "app-helper@^1.0.0"),
            ]
        );
        assert_eq!(
            descriptors(&lock)[0],
            ("ansi-regex-cjs@npm:ansi-regex@^5.0.0", 0)
        );
        // The dependency is listed by its alias, as it is installed.
        assert_eq!(nth(&lock, 3).dependencies, ["ansi-regex-cjs", "babel-hvi"]);
        assert_eq!(nth(&lock, 3).depends_on, [0, 2]);
    }

    #[test]
    fn classic_names_stop_at_the_first_at_after_a_scope() {
        let text = r#"# yarn lockfile v1

"mine1@git+ssh://git@git.example:team/repo#0a2d2506c1":
  version "1.0.0-alpha.37"
  resolved "git+ssh://git@git.example:team/repo#0a2d2506c1fe299691fc5db53a2097db3bd615bc"

mine2@team/repo#0a2d2506c1:
  version "0.0.1"

"@scope/pkg@https://user@git.example/pkg.git#v1":
  version "2.0.0"

balanced-match:
  version "1.0.2"
"#;
        let lock = parsed(text);
        let names: Vec<(&str, &str, &str)> = summary(text, &lock);
        assert_eq!(
            names,
            [
                (
                    "mine1",
                    "1.0.0-alpha.37",
                    r#""mine1@git+ssh://git@git.example:team/repo#0a2d2506c1""#
                ),
                ("mine2", "0.0.1", "mine2@team/repo#0a2d2506c1"),
                (
                    "@scope/pkg",
                    "2.0.0",
                    r#""@scope/pkg@https://user@git.example/pkg.git#v1""#
                ),
                ("balanced-match", "1.0.2", "balanced-match"),
            ]
        );
        assert_eq!(descriptors(&lock)[3], ("balanced-match", 3));
    }

    #[test]
    fn classic_crlf_comments_and_quoted_keys() {
        let text = "# yarn lockfile v1\r\n\r\n# a comment\r\nconcat-map@0.0.1:\r\n  \"version\" \"0.0.1\"\r\n  # between fields\r\n  \"resolved\" \"https://registry.example/concat-map/-/concat-map-0.0.1.tgz\" # trailing\r\n  \"dependencies\":\r\n    \"buffer-from\" \"^1.0.0\"\r\n\r\nbuffer-from@^1.0.0:\r\n  version: \"1.1.2\"\r\n  resolved: https://registry.example/buffer-from-1.1.2.tgz\r\n";
        let lock = parsed(text);
        assert_eq!(
            summary(text, &lock),
            [
                ("concat-map", "0.0.1", "concat-map@0.0.1"),
                ("buffer-from", "1.1.2", "buffer-from@^1.0.0"),
            ]
        );
        assert_eq!(
            nth(&lock, 0).source.as_deref(),
            Some("https://registry.example/concat-map/-/concat-map-0.0.1.tgz")
        );
        // `key: value` as hand-edited or older files have it; the `:` of the URL stays in it.
        assert_eq!(
            nth(&lock, 1).source.as_deref(),
            Some("https://registry.example/buffer-from-1.1.2.tgz")
        );
        assert_eq!(nth(&lock, 0).depends_on, [1]);
    }

    #[test]
    fn classic_quoted_strings_are_json_strings() {
        let text = "\"we\\u00efrd@^1.0.0\", \"tab\\tname@1\":\n  version \"1.0.0\\u002Dbeta\"\n";
        let lock = parsed(text);
        assert_eq!(nth(&lock, 0).name, "weïrd");
        assert_eq!(nth(&lock, 0).version, "1.0.0-beta");
        assert_eq!(
            descriptors(&lock),
            [("weïrd@^1.0.0", 0), ("tab\tname@1", 0)]
        );
        assert_eq!(lock.format_version, Some(1));
    }

    #[test]
    fn classic_spans_are_byte_offsets_after_non_ascii_text() {
        let text = "# yarn lockfile v1\n# café ☕\n\"ünïcode@^1\":\n  version \"1.0.0\"\n";
        let lock = parsed(text);
        assert_eq!(
            summary(text, &lock),
            [("ünïcode", "1.0.0", "\"ünïcode@^1\"")]
        );
    }

    #[test]
    fn classic_entries_without_a_version_are_left_out() {
        let text = "# yarn lockfile v1\n\nno-version@^1.0.0:\n  resolved \"https://registry.example/x.tgz\"\n\nempty-version@^1:\n  version \"\"\n\nkept@^2:\n  version \"2.0.0\"\n";
        let lock = parsed(text);
        assert_eq!(summary(text, &lock), [("kept", "2.0.0", "kept@^2")]);
        assert_eq!(descriptors(&lock), [("kept@^2", 0)]);
    }

    #[test]
    fn classic_link_entries_are_local() {
        let text = "# yarn lockfile v1\n\n\"etag@link:./deps/etag\":\n  version \"1.8.0\"\n\n\"filedep@file:../filedep\":\n  version \"1.2.0\"\n";
        let lock = parsed(text);
        assert!(nth(&lock, 0).local);
        assert!(!nth(&lock, 1).local);
        assert_eq!(nth(&lock, 1).name, "filedep");
    }

    #[test]
    fn classic_repeated_dependencies_are_listed_once() {
        let text = "a@1:\n  version \"1.0.0\"\n  dependencies:\n    b \"^1\"\n  optionalDependencies:\n    b \"^1\"\n\nb@^1:\n  version \"1.1.0\"\n";
        let lock = parsed(text);
        assert_eq!(nth(&lock, 0).dependencies, ["b"]);
        assert_eq!(nth(&lock, 0).depends_on, [1]);
    }

    #[test]
    fn classic_empty_files() {
        for text in [
            "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n",
            "# yarn lockfile v1\n\n",
            "\u{feff}# yarn lockfile v1\r\n",
        ] {
            let lock = parsed(text);
            assert_eq!(lock.format_version, Some(1), "{text:?}");
            assert!(lock.packages.is_empty());
            assert!(lock.descriptors.is_empty());
            assert!(lock.covers_subtree);
        }
        // Without the header nothing says which format an empty file is.
        for text in [
            "",
            "\n",
            "# This file is generated by running \"yarn install\".\n",
        ] {
            let lock = parsed(text);
            assert_eq!(lock.format_version, None, "{text:?}");
            assert!(lock.packages.is_empty());
        }
    }

    #[test]
    fn classic_byte_order_mark_is_skipped() {
        let text = "\u{feff}a@^1:\n  version \"1.0.0\"\n";
        let lock = parsed(text);
        assert_eq!(summary(text, &lock), [("a", "1.0.0", "a@^1")]);
    }

    #[test]
    fn classic_broken_files_fail_at_the_bad_line() {
        let cases = [
            (
                "a@^1:\n  version \"1.0.0\n",
                "  version \"1.0.0",
                "unterminated",
            ),
            ("  version \"1.0.0\"\n", "  version \"1.0.0\"", "outside"),
            ("a@^1\n  version \"1.0.0\"\n", "a@^1", "expected"),
            (
                "a@^1:\n\tversion \"1.0.0\"\n",
                "\tversion \"1.0.0\"",
                "tabs",
            ),
            (
                "a@^1:\n  version \"1.0.0\"\n    nested \"x\"\n",
                "    nested \"x\"",
                "already has a value",
            ),
            (
                "a@^1:\n  version \"1\" \"2\"\n",
                "  version \"1\" \"2\"",
                "expected",
            ),
            ("a@^1, :\n", "a@^1, :", "expected"),
            ("x\r\ny@1:\r\n", "x", "line 1"),
        ];
        for (text, line, message) in cases {
            let error = failed(text);
            assert_eq!(error_text(text, &error), line, "{text:?}");
            assert!(error.message.contains(message), "{text:?}: {error:?}");
        }
    }

    #[test]
    fn classic_top_level_settings_are_not_packages() {
        let text = "# yarn lockfile v1\nsetting \"x\"\n\na@1:\n  version \"1.0.0\"\n";
        let lock = parsed(text);
        assert_eq!(summary(text, &lock), [("a", "1.0.0", "a@1")]);
    }

    // ------------------------------------------------------------------ berry

    const BERRY: &str = r#"# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"@acme/api@workspace:packages/api":
  version: 0.0.0-use.local
  resolution: "@acme/api@workspace:packages/api"
  dependencies:
    lodash: "npm:^4.17.21"
  languageName: unknown
  linkType: soft

"@babel/code-frame@npm:^7.0.0, @babel/code-frame@npm:^7.12.13":
  version: 7.16.7
  resolution: "@babel/code-frame@npm:7.16.7"
  dependencies:
    "@babel/highlight": "npm:^7.16.7"
  checksum: 10c0/db2f7faa31
  languageName: node
  linkType: hard

"@babel/highlight@npm:^7.16.7":
  version: 7.16.10
  resolution: "@babel/highlight@npm:7.16.10"
  dependencies:
    js-tokens: "npm:^4.0.0"
    missing: "npm:^1.0.0"
  peerDependencies:
    "@babel/core": ^7.0.0
  dependenciesMeta:
    js-tokens:
      optional: true
  languageName: node
  linkType: hard

"acme@workspace:.":
  version: 0.0.0-use.local
  resolution: "acme@workspace:."
  dependencies:
    "@acme/api": "workspace:^"
    "@babel/code-frame": "npm:^7.12.13"
  languageName: unknown
  linkType: soft

"js-tokens@npm:^4.0.0":
  version: 4.0.0
  resolution: "js-tokens@npm:4.0.0"
  languageName: node
  linkType: hard

"lodash@npm:^4.17.0, lodash@npm:^4.17.21":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  languageName: node
  linkType: hard
"#;

    #[test]
    fn berry_packages_in_file_order_with_spans() {
        let lock = parsed(BERRY);
        assert_eq!(lock.format_version, Some(8));
        assert!(!lock.covers_subtree);
        assert_eq!(
            summary(BERRY, &lock),
            [
                (
                    "@babel/code-frame",
                    "7.16.7",
                    r#""@babel/code-frame@npm:^7.0.0, @babel/code-frame@npm:^7.12.13""#
                ),
                (
                    "@babel/highlight",
                    "7.16.10",
                    r#""@babel/highlight@npm:^7.16.7""#
                ),
                ("js-tokens", "4.0.0", r#""js-tokens@npm:^4.0.0""#),
                (
                    "lodash",
                    "4.17.21",
                    r#""lodash@npm:^4.17.0, lodash@npm:^4.17.21""#
                ),
            ]
        );
        let frame = nth(&lock, 0);
        assert_eq!(
            frame.source.as_deref(),
            Some("@babel/code-frame@npm:7.16.7")
        );
        assert!(!frame.local);
        assert_eq!(frame.install_path, "");
    }

    #[test]
    fn berry_workspaces_are_listed_not_packages() {
        let lock = parsed(BERRY);
        assert_eq!(lock.workspaces, ["packages/api", ""]);
        assert!(lock.packages.iter().all(|p| !p.name.starts_with("acme")));
        assert!(lock
            .descriptors
            .iter()
            .all(|(d, _)| !d.contains("workspace:")));
    }

    #[test]
    fn berry_descriptors_and_dependencies() {
        let lock = parsed(BERRY);
        assert_eq!(
            descriptors(&lock),
            [
                ("@babel/code-frame@npm:^7.0.0", 0),
                ("@babel/code-frame@npm:^7.12.13", 0),
                ("@babel/highlight@npm:^7.16.7", 1),
                ("js-tokens@npm:^4.0.0", 2),
                ("lodash@npm:^4.17.0", 3),
                ("lodash@npm:^4.17.21", 3),
            ]
        );
        // Peer dependencies are not the package's own: they are left out.
        assert_eq!(nth(&lock, 1).dependencies, ["js-tokens", "missing"]);
        assert_eq!(
            edges(&lock),
            [
                (
                    "@babel/code-frame@7.16.7".to_owned(),
                    vec!["@babel/highlight@7.16.10".to_owned()]
                ),
                (
                    "@babel/highlight@7.16.10".to_owned(),
                    vec!["js-tokens@4.0.0".to_owned()]
                ),
                ("js-tokens@4.0.0".to_owned(), vec![]),
                ("lodash@4.17.21".to_owned(), vec![]),
            ]
        );
    }

    #[test]
    fn berry_bare_dependency_ranges_get_the_npm_protocol() {
        // Lockfile versions 4 to 6 write dependency ranges without `npm:`, and plain YAML
        // scalars that look like numbers must keep their text.
        let text = "__metadata:\n  version: 4\n\n\"debug@npm:4, debug@npm:^4.1.0\":\n  version: 4.3.3\n  resolution: \"debug@npm:4.3.3\"\n  dependencies:\n    ms: 2.1.2\n    old: 1.10\n\n\"ms@npm:2.1.2\":\n  version: 2.1.2\n  resolution: \"ms@npm:2.1.2\"\n\n\"old@npm:1.10\":\n  version: 1.10\n  resolution: \"old@npm:1.10\"\n";
        let lock = parsed(text);
        assert_eq!(lock.format_version, Some(4));
        assert_eq!(nth(&lock, 0).depends_on, [1, 2]);
        assert_eq!(nth(&lock, 2).version, "1.10");
    }

    #[test]
    fn berry_aliases_name_the_real_package() {
        let text = r#"__metadata:
  version: 8
  cacheKey: 10c0

"ansi-regex-cjs@npm:ansi-regex@^5.0.0":
  version: 5.0.1
  resolution: "ansi-regex@npm:5.0.1"
  languageName: node
  linkType: hard

"babel-hvi@npm:@babel/helper-validator-identifier@^7.0.0":
  version: 7.22.20
  resolution: "@babel/helper-validator-identifier@npm:7.22.20"

"strip@npm:^1.0.0":
  version: 1.0.0
  resolution: "strip@npm:1.0.0"
  dependencies:
    ansi-regex-cjs: "npm:ansi-regex@^5.0.0"
    babel-hvi: "npm:@babel/helper-validator-identifier@^7.0.0"

"mine@workspace:.":
  version: 0.0.0-use.local
  resolution: "mine@workspace:."
"#;
        let lock = parsed(text);
        assert_eq!(
            summary(text, &lock),
            [
                (
                    "ansi-regex",
                    "5.0.1",
                    r#""ansi-regex-cjs@npm:ansi-regex@^5.0.0""#
                ),
                (
                    "@babel/helper-validator-identifier",
                    "7.22.20",
                    r#""babel-hvi@npm:@babel/helper-validator-identifier@^7.0.0""#
                ),
                ("strip", "1.0.0", r#""strip@npm:^1.0.0""#),
            ]
        );
        assert_eq!(nth(&lock, 2).dependencies, ["ansi-regex-cjs", "babel-hvi"]);
        assert_eq!(nth(&lock, 2).depends_on, [0, 1]);
        assert_eq!(lock.workspaces, [""]);
    }

    #[test]
    fn berry_alias_without_resolution_uses_the_descriptor() {
        let text = "__metadata:\n  version: 6\n\n\"cjs@npm:ansi-regex@^5.0.0\":\n  version: 5.0.1\n\n\"plain@npm:^1.0.0\":\n  version: 1.0.0\n";
        let lock = parsed(text);
        assert_eq!(nth(&lock, 0).name, "ansi-regex");
        assert_eq!(nth(&lock, 0).source, None);
        assert_eq!(nth(&lock, 1).name, "plain");
    }

    #[test]
    fn berry_patched_packages_are_kept() {
        let text = r#"__metadata:
  version: 6
  cacheKey: 8

"resolve@npm:^1.22.1":
  version: 1.22.1
  resolution: "resolve@npm:1.22.1"
  languageName: node
  linkType: hard

"resolve@patch:resolve@^1.22.1#~builtin<compat/resolve>, resolve@patch:resolve@npm%3A^1.22.1#~builtin<compat/resolve>":
  version: 1.22.1
  resolution: "resolve@patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::version=1.22.1&hash=c3c19d"
  languageName: node
  linkType: hard

"@types/mdx@patch:@types/mdx@npm:^2.0.0#~/.yarn/patches/mdx.patch":
  version: 2.0.14
  resolution: "@types/mdx@patch:@types/mdx@npm%3A2.0.14#~/.yarn/patches/mdx.patch::version=2.0.14&hash=191f21"
"#;
        let lock = parsed(text);
        assert_eq!(
            summary(text, &lock),
            [
                ("resolve", "1.22.1", r#""resolve@npm:^1.22.1""#),
                (
                    "resolve",
                    "1.22.1",
                    r#""resolve@patch:resolve@^1.22.1#~builtin<compat/resolve>, resolve@patch:resolve@npm%3A^1.22.1#~builtin<compat/resolve>""#
                ),
                (
                    "@types/mdx",
                    "2.0.14",
                    r#""@types/mdx@patch:@types/mdx@npm:^2.0.0#~/.yarn/patches/mdx.patch""#
                ),
            ]
        );
        assert!(lock.packages.iter().all(|p| !p.local));
        assert_eq!(
            descriptors(&lock)[2],
            (
                "resolve@patch:resolve@npm%3A^1.22.1#~builtin<compat/resolve>",
                1
            )
        );
    }

    #[test]
    fn berry_link_and_portal_entries_are_local_and_bound_descriptors_resolve() {
        let text = r#"__metadata:
  version: 10
  cacheKey: 10

"foo@portal:./lib::locator=root%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "foo@portal:./lib::locator=root%40workspace%3A."
  dependencies:
    bar: "link:./bar"
  languageName: node
  linkType: soft

"bar@link:./bar::locator=foo%40portal%3A.%2Flib%3A%3Alocator%3Droot%2540workspace%253A.":
  version: 0.0.0-use.local
  resolution: "bar@link:./bar::locator=foo%40portal%3A.%2Flib%3A%3Alocator%3Droot%2540workspace%253A."
  languageName: node
  linkType: soft

"root@workspace:.":
  version: 0.0.0-use.local
  resolution: "root@workspace:."
  dependencies:
    foo: "portal:./lib"
"#;
        let lock = parsed(text);
        assert_eq!(
            lock.packages
                .iter()
                .map(|p| (p.name.as_str(), p.local))
                .collect::<Vec<_>>(),
            [("foo", true), ("bar", true)]
        );
        assert_eq!(nth(&lock, 0).depends_on, [1]);
        assert_eq!(lock.workspaces, [""]);
    }

    #[test]
    fn berry_metadata_version_forms() {
        let cases = [
            ("__metadata:\n  version: 6\n", Some(6)),
            ("__metadata:\n  version: \"5\"\n  cacheKey: 8\n", Some(5)),
            ("__metadata:\n  cacheKey: 8\n", None),
            ("__metadata:\n  version: 6.5\n", None),
            ("__metadata: {version: 10, cacheKey: 10c0}\n", Some(10)),
            ("\"__metadata\":\n  version: 7\n", Some(7)),
        ];
        for (text, version) in cases {
            let lock = parsed(text);
            assert_eq!(lock.format_version, version, "{text:?}");
            assert!(lock.packages.is_empty());
            assert!(lock.workspaces.is_empty());
            assert!(!lock.covers_subtree);
        }
    }

    #[test]
    fn berry_crlf_quoted_fields_and_non_ascii() {
        let text = "# cafè ☕\r\n__metadata:\r\n  version: 5\r\n\r\n\"ünï@npm:^1.0.0\":\r\n  \"version\": 1.0.0\r\n  \"resolution\": \"ünï@npm:1.0.0\"\r\n  \"dependencies\":\r\n    \"dep\": ^2.0.0\r\n\r\n'dep@npm:^2.0.0' :\r\n  version: 2.0.0\r\n  resolution: dep@npm:2.0.0\r\n";
        let lock = parsed(text);
        assert_eq!(
            summary(text, &lock),
            [
                ("ünï", "1.0.0", "\"ünï@npm:^1.0.0\""),
                ("dep", "2.0.0", "'dep@npm:^2.0.0'"),
            ]
        );
        assert_eq!(nth(&lock, 0).depends_on, [1]);
    }

    #[test]
    fn berry_long_keys() {
        let descriptors_text: Vec<String> = (0..80)
            .map(|i| format!("long-package@npm:^1.0.{i}"))
            .collect();
        let key = descriptors_text.join(", ");
        assert!(key.len() > 1024);
        let entry = "  version: 1.0.80\n  resolution: \"long-package@npm:1.0.80\"\n";
        // As yarn writes such keys today, and as a plain implicit key.
        for text in [
            format!("__metadata:\n  version: 8\n\n? \"{key}\"\n:\n{entry}\n\"b@npm:1\":\n  version: 1.0.0\n"),
            format!("__metadata:\n  version: 8\n\n\"{key}\":\n{entry}\n\"b@npm:1\":\n  version: 1.0.0\n"),
            format!("__metadata:\r\n  version: 8\r\n\r\n\"{key}\":\r\n{entry}\r\n\"ü@npm:1\":\r\n  version: 1.0.0\r\n"),
            format!("__metadata:\n  version: 8\n\n{key}:\n{entry}\n\"b@npm:1\":\n  version: 1.0.0\n"),
        ] {
            let lock = parsed(&text);
            assert_eq!(lock.packages.len(), 2);
            assert_eq!(lock.descriptors.len(), 81);
            let first = nth(&lock, 0);
            assert_eq!(first.name, "long-package");
            let written = span_text(&text, first.span);
            assert_eq!(written.trim_matches('"'), key);
            let second = nth(&lock, 1);
            assert!(span_text(&text, second.span).ends_with("@npm:1\""), "{text}");
        }
    }

    #[test]
    fn berry_entries_without_version_are_left_out() {
        let text = "__metadata:\n  version: 8\n\n\"a@npm:1\":\n  resolution: \"a@npm:1.0.0\"\n\n\"b@npm:1\":\n\n\"c@npm:1\":\n  version: 1.0.0\n  resolution: \"c@npm:1.0.0\"\n";
        let lock = parsed(text);
        assert_eq!(summary(text, &lock), [("c", "1.0.0", "\"c@npm:1\"")]);
        assert_eq!(descriptors(&lock), [("c@npm:1", 0)]);
    }

    #[test]
    fn berry_broken_files_fail_with_a_span() {
        let text = "__metadata:\n  version: 8\n\n\"a@npm:1\":\n  version: [1\n";
        let error = failed(text);
        assert!(error.message.starts_with("invalid YAML"), "{error:?}");
        assert!(error.span.is_some());

        let text = "__metadata:\n  version: 8\n\n\"a@npm:1\": 1.0.0\n";
        let error = failed(text);
        assert!(error.message.contains("must be a mapping"), "{error:?}");
        assert_eq!(error_text(text, &error), "1.0.0");

        let text = "__metadata:\n  version: 8\n\n\"a@npm:1\":\n  version: [1]\n";
        let error = failed(text);
        assert!(error.message.contains("`version`"), "{error:?}");
        assert_eq!(error_text(text, &error), "[1]");

        let text =
            "__metadata:\n  version: 8\n\n\"a@npm:1\":\n  version: 1.0.0\n  dependencies: b\n";
        let error = failed(text);
        assert!(error.message.contains("`dependencies`"), "{error:?}");
        assert_eq!(error_text(text, &error), "b");

        let text = "__metadata:\n  version: 8\n__metadata:\n  version: 9\n";
        assert!(failed(text).message.contains("duplicated key"));
    }

    #[test]
    fn dialects_are_told_apart_by_metadata() {
        assert!(is_berry("# comment\n\n__metadata:\n  version: 6\n"));
        assert!(is_berry("\u{feff}__metadata:\r\n  version: 6\r\n"));
        assert!(is_berry("__metadata :\n"));
        assert!(!is_berry(
            "# yarn lockfile v1\n\n__metadata-x@^1:\n  version \"1\"\n"
        ));
        assert!(!is_berry("  __metadata:\n"));
        // A berry file without `__metadata` has nothing to read either way.
        let lock = parsed("# This file is generated by running \"yarn install\" inside your project.\n# Manual changes might be lost - proceed with caution!\n");
        assert!(lock.packages.is_empty());
    }

    #[test]
    fn helpers() {
        assert_eq!(split_descriptor("@s/a@^1"), ("@s/a", "^1"));
        assert_eq!(split_descriptor("@s/a"), ("@s/a", ""));
        assert_eq!(split_descriptor("a"), ("a", ""));
        assert_eq!(split_descriptor(""), ("", ""));
        assert_eq!(split_descriptor("@"), ("@", ""));
        assert_eq!(split_descriptor("a@"), ("a", ""));
        assert_eq!(classic_name("x@npm:@s/y@^1"), "@s/y");
        assert_eq!(classic_name("x@npm:"), "x");
        assert_eq!(classic_name("x@npm:^1.0.0"), "x");
        assert_eq!(classic_name("x@npm:y"), "y");
        assert_eq!(npm_alias_target("npm:^1.0.0"), None);
        assert_eq!(npm_alias_target("npm:1.0.0"), None);
        assert_eq!(npm_alias_target("npm:y@1"), Some("y"));
        assert_eq!(npm_alias_target("npm:7zip-bin@1"), Some("7zip-bin"));
        assert_eq!(npm_alias_target("npm:@s/y"), Some("@s/y"));
        assert_eq!(npm_alias_target("^1.0.0"), None);
        assert_eq!(
            encode_uri_component("@jest/monorepo@workspace:."),
            "%40jest%2Fmonorepo%40workspace%3A."
        );
        assert_eq!(encode_uri_component("é"), "%C3%A9");
        assert_eq!(workspace_dir("."), "");
        assert_eq!(workspace_dir("./packages/a/"), "packages/a");
        assert_eq!(
            read_quoted("\"\\ud83d\\ude00\""),
            Some(("😀".to_owned(), 14))
        );
        assert_eq!(
            read_quoted("\"\\ud83d x\""),
            Some(("\u{FFFD} x".to_owned(), 10))
        );
        assert_eq!(read_quoted("\"\\u12\""), None);
        assert_eq!(read_quoted("\"a\\"), None);
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let samples = [
            "\"",
            "\"\\",
            ":",
            ",",
            "a,",
            "a, b",
            "@",
            "@:",
            "\"@\":\n  version \"\"",
            "__metadata:",
            "__metadata:\n  - 1",
            "__metadata: [\n",
            "\u{feff}",
            "\r",
            "\r\n",
            "a:\n  b:\n    c:\n      d \"e\"\n  version \"1\"",
            "é:\n  version é\n",
            "__metadata:\n\"é@npm:1\":\n  version: 1\n  resolution: é\n",
            "__metadata:\n? [a]\n: 1\n",
        ];
        for sample in samples {
            let _ = parse(sample);
            for cut in 0..sample.len() {
                if let Some(prefix) = sample.get(..cut) {
                    let _ = parse(prefix);
                }
            }
        }
    }

    #[test]
    fn berry_deep_nesting_is_refused_before_it_can_overflow() {
        let text = format!(
            "__metadata:\n  version: 8\n\"a@npm:1\":\n  x:\n    {}1\n",
            "- ".repeat(50_000)
        );
        assert!(failed(&text).message.contains("levels deep"));
        let text = format!("__metadata:\n  version: 8\n{}x\n", "? ".repeat(50_000));
        let error = failed(&text);
        assert!(error.message.contains("levels deep"), "{}", error.message);
    }
}
