//! A JSON tree with byte spans for keys, and a fast reader for the common case.
//!
//! `package.json` and `package-lock.json` are read into this tree. Lockfiles of large
//! monorepos run to tens of megabytes, and a general-purpose parser that keeps every token's
//! range and comments costs several times more than the rest of a scan. [`parse_strict`]
//! reads plain RFC 8259 JSON quickly, borrowing strings from the text when they hold no
//! escape; it gives up (returns None) on anything else, and the caller then parses with
//! jsonc-parser, whose diagnostics and leniencies stay those of the format, and converts its
//! tree with [`from_jsonc`]. So the fast reader never decides whether a file is valid: it only
//! accepts a subset of what the slow path accepts, with the same values.

use jsonc_parser::ast::{ObjectPropName, Value as JsoncValue};
use jsonc_parser::common::Ranged;
use std::borrow::Cow;

/// A JSON value. Numbers keep their text, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Boolean(bool),
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Object<'a>),
}

/// The properties of an object in file order, repeated keys included.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object<'a> {
    pub properties: Vec<Property<'a>>,
}

/// One `"key": value` pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Property<'a> {
    /// The key, unescaped.
    pub name: Cow<'a, str>,
    /// Byte range of the key in the parsed text, quotes included.
    pub name_range: std::ops::Range<usize>,
    pub value: Value<'a>,
}

impl<'a> Value<'a> {
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&'a str> {
        match self {
            Value::Number(text) => Some(text),
            _ => None,
        }
    }
}

/// Converts jsonc-parser's tree (the slow path) into ours.
pub fn from_jsonc(value: JsoncValue<'_>) -> Value<'_> {
    match value {
        JsoncValue::NullKeyword(_) => Value::Null,
        JsoncValue::BooleanLit(lit) => Value::Boolean(lit.value),
        JsoncValue::NumberLit(lit) => Value::Number(lit.value),
        JsoncValue::StringLit(lit) => Value::String(lit.value),
        JsoncValue::Array(array) => {
            Value::Array(array.elements.into_iter().map(from_jsonc).collect())
        }
        JsoncValue::Object(object) => Value::Object(Object {
            properties: object
                .properties
                .into_iter()
                .map(|prop| {
                    let range = prop.name.range();
                    let name = match prop.name {
                        ObjectPropName::String(lit) => lit.value,
                        ObjectPropName::Word(word) => Cow::Borrowed(word.value),
                    };
                    Property {
                        name,
                        name_range: range.start..range.end,
                        value: from_jsonc(prop.value),
                    }
                })
                .collect(),
        }),
    }
}

/// What a reader does with the properties of the objects found at `path` (keys from the top
/// level down): each property whose key `keep` accepts is handed to `take` as soon as it is
/// read, with the ordinal of the object it belongs to (0 for the first object found at
/// `path`, 1 for a repeated key's next one...), in document order; the others' values are
/// read past, checked but not built. Such objects come back empty.
///
/// A lockfile's `packages` object holds a hundred thousand entries: handing each over as it is
/// read lets the caller turn it into what it needs and free it while it is still in the cache,
/// instead of building the whole tree first; and a lockfile read only to resolve a few
/// declarations need not build the other entries at all.
pub struct Hook<'h, 'a> {
    pub path: &'h [&'h str],
    pub keep: &'h dyn Fn(&str) -> bool,
    pub take: &'h mut dyn FnMut(usize, Property<'a>),
    /// Objects found at `path` so far.
    found: usize,
}

impl<'h, 'a> Hook<'h, 'a> {
    pub fn new(
        path: &'h [&'h str],
        keep: &'h dyn Fn(&str) -> bool,
        take: &'h mut dyn FnMut(usize, Property<'a>),
    ) -> Hook<'h, 'a> {
        Hook {
            path,
            keep,
            take,
            found: 0,
        }
    }

    /// How many objects were found at `path`: the last one's ordinal is one less. A reader
    /// that gave up part way keeps its count, so that a second reading's objects have new
    /// ordinals.
    pub fn found(&self) -> usize {
        self.found
    }

    /// Does to a tree built some other way (the full parser's) what the reader does while
    /// reading: the same properties reach `take` in the same order.
    pub fn apply(&mut self, object: &mut Object<'a>) {
        self.apply_at(object, 0);
    }

    fn apply_at(&mut self, object: &mut Object<'a>, matched: usize) {
        if matched == self.path.len() {
            let ordinal = self.found;
            self.found += 1;
            for property in std::mem::take(&mut object.properties) {
                if (self.keep)(&property.name) {
                    (self.take)(ordinal, property);
                }
            }
            return;
        }
        for property in &mut object.properties {
            if property.name == self.path[matched] {
                if let Value::Object(child) = &mut property.value {
                    self.apply_at(child, matched + 1);
                }
            }
        }
    }
}

/// Reads `text` when it is one JSON object and nothing else, in strict RFC 8259 syntax, nested
/// at most `max_depth` arrays and objects deep. None for anything else (including valid JSON
/// this reader chooses not to handle, such as escaped surrogates): the caller falls back to
/// the full parser. With a `hook`, hands over what it asks for (see [`Hook`]); when the reader
/// gives up, the hook may have seen part of the text.
pub fn parse_strict<'a>(
    text: &'a str,
    max_depth: usize,
    hook: Option<&mut Hook<'_, 'a>>,
) -> Option<Object<'a>> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        max_depth,
    };
    reader.skip_whitespace();
    if reader.peek()? != b'{' {
        return None;
    }
    let object = reader.object(1, hook.map(|hook| (hook, 0)))?;
    reader.skip_whitespace();
    (reader.at == reader.bytes.len()).then_some(object)
}

/// The bytes that end a run of plain string content: the closing quote, a backslash, and the
/// control characters strict JSON forbids in strings. One table lookup per byte: strings are
/// most of a lockfile.
static STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The first byte of `bytes` that ends a run of plain string content (see [`STRING_STOP`]).
/// Eight bytes at a time: a word holds such a byte when one of its bytes is a quote, a
/// backslash or below 0x20 (the classic tests for a zero byte, on the word xor the quote and
/// the backslash, and on the word minus 0x20), and the lowest flagged byte is exact.
fn string_stop(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    const QUOTES: u64 = u64::from_le_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_le_bytes([b'\\'; 8]);
    const SPACES: u64 = u64::from_le_bytes([0x20; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let quote = word ^ QUOTES;
        let backslash = word ^ BACKSLASHES;
        let flagged = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | word.wrapping_sub(SPACES) & !word)
            & HIGHS;
        if flagged != 0 {
            return Some(offset + (flagged.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| STRING_STOP[usize::from(b)])
        .map(|at| offset + at)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    max_depth: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// `hook` with how many keys of its path lead to this value, when all so far did.
    fn value(
        &mut self,
        depth: usize,
        hook: Option<(&mut Hook<'_, 'a>, usize)>,
    ) -> Option<Value<'a>> {
        match self.peek()? {
            b'{' => self.object(depth + 1, hook).map(Value::Object),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.literal("true", Value::Boolean(true)),
            b'f' => self.literal("false", Value::Boolean(false)),
            b'n' => self.literal("null", Value::Null),
            _ => self.number(),
        }
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Option<Value<'a>> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    /// `{` at the current position; `depth` counts this object.
    fn object(
        &mut self,
        depth: usize,
        mut hook: Option<(&mut Hook<'_, 'a>, usize)>,
    ) -> Option<Object<'a>> {
        if depth > self.max_depth {
            return None;
        }
        // The object the hook asks for: its properties go to the hook, not into the tree.
        let ordinal = match &mut hook {
            Some((hook, matched)) if *matched == hook.path.len() => {
                hook.found += 1;
                Some(hook.found - 1)
            }
            _ => None,
        };
        self.expect(b'{')?;
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(Object {
                properties: Vec::new(),
            });
        }
        // Lockfile entries have five to eight keys: room for them up front saves a regrowth.
        let mut properties = Vec::with_capacity(8);
        loop {
            self.skip_whitespace();
            let start = self.at;
            let name = self.string()?;
            let name_range = start..self.at;
            self.skip_whitespace();
            self.expect(b':')?;
            self.skip_whitespace();
            let value = match (&mut hook, ordinal) {
                (Some((hook, _)), Some(ordinal)) => {
                    if (hook.keep)(&name) {
                        let value = self.value(depth, None)?;
                        (hook.take)(
                            ordinal,
                            Property {
                                name,
                                name_range,
                                value,
                            },
                        );
                    } else {
                        self.skip_value(depth)?;
                    }
                    self.skip_whitespace();
                    match self.peek()? {
                        b',' => {
                            self.at += 1;
                            continue;
                        }
                        b'}' => {
                            self.at += 1;
                            return Some(Object { properties });
                        }
                        _ => return None,
                    }
                }
                (Some((hook, matched)), None) if hook.path.get(*matched) == Some(&&*name) => {
                    let next = *matched + 1;
                    self.value(depth, Some((&mut **hook, next)))?
                }
                _ => self.value(depth, None)?,
            };
            properties.push(Property {
                name,
                name_range,
                value,
            });
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(Object { properties });
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value<'a>> {
        if depth > self.max_depth {
            return None;
        }
        self.expect(b'[')?;
        let mut elements = Vec::new();
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(Value::Array(elements));
        }
        loop {
            self.skip_whitespace();
            elements.push(self.value(depth, None)?);
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(Value::Array(elements));
                }
                _ => return None,
            }
        }
    }

    /// Reads past the value at the current position, accepting what [`Reader::value`] accepts,
    /// without building it.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        let (open, close) = match self.peek()? {
            b'{' => (b'{', b'}'),
            b'[' => (b'[', b']'),
            b'"' => return self.string().map(drop),
            b't' => return self.literal("true", Value::Null).map(drop),
            b'f' => return self.literal("false", Value::Null).map(drop),
            b'n' => return self.literal("null", Value::Null).map(drop),
            _ => return self.number().map(drop),
        };
        if depth + 1 > self.max_depth {
            return None;
        }
        self.at += 1;
        self.skip_whitespace();
        if self.peek()? == close {
            self.at += 1;
            return Some(());
        }
        loop {
            self.skip_whitespace();
            if open == b'{' {
                self.string()?;
                self.skip_whitespace();
                self.expect(b':')?;
                self.skip_whitespace();
            }
            self.skip_value(depth + 1)?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                byte if byte == close => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string at the current position, borrowed from the text when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?;
        let start = self.at;
        let rest = self.bytes.get(start..)?;
        let end = string_stop(rest)?;
        match rest[end] {
            b'"' => {
                self.at = start + end + 1;
                // Quotes are ASCII, so both ends are character boundaries.
                self.text.get(start..start + end).map(Cow::Borrowed)
            }
            b'\\' => self.escaped_string(start),
            // A raw control character: not strict JSON; the full parser decides.
            _ => None,
        }
    }

    fn escaped_string(&mut self, start: usize) -> Option<Cow<'a, str>> {
        let mut out = String::new();
        let mut at = start;
        loop {
            let rest = self.bytes.get(at..)?;
            let run = string_stop(rest)?;
            out.push_str(self.text.get(at..at + run)?);
            at += run;
            match self.bytes[at] {
                b'"' => {
                    self.at = at + 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let escape = *self.bytes.get(at + 1)?;
                    at += 2;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.text.get(at..at + 4)?;
                            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                                return None;
                            }
                            at += 4;
                            // Surrogates (pairs or lone) are left to the full parser.
                            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                        }
                        _ => return None,
                    });
                }
                _ => return None,
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<Value<'a>> {
        let start = self.at;
        let digits = |reader: &mut Reader<'a>| {
            let from = reader.at;
            while reader.peek().is_some_and(|b| b.is_ascii_digit()) {
                reader.at += 1;
            }
            reader.at > from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        self.text.get(start..self.at).map(Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

    fn slow(text: &str) -> Option<Value<'_>> {
        let parsed =
            parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default()).ok()?;
        parsed.value.map(from_jsonc)
    }

    #[test]
    fn agrees_with_jsonc_parser() {
        let samples = [
            r#"{}"#,
            r#" { "a" : 1 , "b": [true, false, null, -0.5e+3, 10], "c": {"d": "x\"y\\z\/\u00e9\n"} } "#,
            r#"{"a": 1, "a": 2, "": ""}"#,
            r#"{"ключ": "значение", "emoji": "\u2603 ☃"}"#,
            r#"{"nested": [[[{}]]], "empty": [], "s": "tab\there"}"#,
        ];
        for text in samples {
            let fast = parse_strict(text, 256, None).map(Value::Object);
            assert_eq!(fast, slow(text), "{text}");
        }
    }

    /// A hook changes nothing else: the same texts are accepted and refused, and the
    /// properties handed over are the full tree's, in order, with their objects' ordinals.
    #[test]
    fn hooks_see_what_a_full_read_builds() {
        let texts = [
            r#"{"packages": {"": {"a": 1}, "node_modules/x": {"v": [1, {"b": "\u00e9"}]}, "node_modules/y": "s"}}"#,
            r#"{"packages": {"node_modules/x": {"v": [1, 2,]}}}"#,
            r#"{"packages": {"node_modules/x": {"v": 01}}}"#,
            r#"{"packages": {"node_modules/x": {"v" 1}}}"#,
            r#"{"packages": {"node_modules/x": [[[[]]]]}}"#,
            r#"{"packages": {"node_modules/x": "\ud83d\ude00"}}"#,
            r#"{"packages": {"node_modules/x": tru}}"#,
            r#"{"packages": {"a": {"node_modules/x": 1}}, "other": {"node_modules/x": 1}}"#,
            r#"{"packages": {"a": {"b": "c"}, "a": null}, "packages": {"d": 1}, "packages": 2}"#,
            r#"{"packages": {"node_modules/x": {}, "a": []}} x"#,
        ];
        let keep = |key: &str| !key.starts_with("node_modules/");
        for text in texts {
            let full = parse_strict(text, 5, None);
            let mut taken = Vec::new();
            let mut take = |ordinal: usize, property: Property<'static>| {
                taken.push((ordinal, property));
            };
            let mut hook = Hook::new(&["packages"], &keep, &mut take);
            let hooked = parse_strict(text, 5, Some(&mut hook));
            let found = hook.found();
            assert_eq!(full.is_some(), hooked.is_some(), "{text}");
            let (Some(full), Some(hooked)) = (full, hooked) else {
                continue;
            };
            let mut expected = Vec::new();
            let mut emptied = full.clone();
            let mut ordinal = 0;
            for property in &mut emptied.properties {
                if property.name != "packages" {
                    continue;
                }
                if let Value::Object(packages) = &mut property.value {
                    for entry in std::mem::take(&mut packages.properties) {
                        if keep(&entry.name) {
                            expected.push((ordinal, entry));
                        }
                    }
                    ordinal += 1;
                }
            }
            assert_eq!(taken, expected, "{text}");
            assert_eq!(found, ordinal, "{text}");
            assert_eq!(hooked, emptied, "{text}");
            // The same through `apply`, as the full parser's path does.
            let mut again = Vec::new();
            let mut take = |ordinal: usize, property: Property<'static>| {
                again.push((ordinal, property));
            };
            let mut hook = Hook::new(&["packages"], &keep, &mut take);
            let mut tree = full.clone();
            hook.apply(&mut tree);
            assert_eq!(tree, emptied, "{text}");
            assert_eq!(again, expected, "{text}");
        }
    }

    #[test]
    fn string_stops_are_found_eight_bytes_at_a_time() {
        // Every byte value in every position of runs up to three words long, after a prefix of
        // plain bytes of every kind (high bytes included: a borrow must not flag them).
        let plain: Vec<u8> = (0x20u8..=0xff)
            .filter(|b| !STRING_STOP[usize::from(*b)])
            .collect();
        for length in 0..24 {
            for at in 0..=length {
                for stop in 0..=255u8 {
                    let mut bytes: Vec<u8> = (0..length)
                        .map(|i| plain[(i * 37 + at) % plain.len()])
                        .collect();
                    if at < length {
                        bytes[at] = stop;
                    }
                    let expected = bytes.iter().position(|&b| STRING_STOP[usize::from(b)]);
                    assert_eq!(string_stop(&bytes), expected, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn key_ranges_include_the_quotes() {
        let text = r#"{ "a\nb": 1, "c": 2 }"#;
        let Some(object) = parse_strict(text, 256, None) else {
            panic!("not parsed");
        };
        let ranges: Vec<_> = object
            .properties
            .iter()
            .map(|p| &text[p.name_range.clone()])
            .collect();
        assert_eq!(ranges, [r#""a\nb""#, r#""c""#]);
        assert_eq!(object.properties[0].name, "a\nb");
    }

    #[test]
    fn leaves_everything_else_to_the_full_parser() {
        for text in [
            "",
            "[]",
            "\"text\"",
            "{} {}",
            "{\"a\": 01}",
            "{\"a\": 1.}",
            "{\"a\": .5}",
            "{\"a\": +1}",
            "{\"a\": 1,}",
            "{\"a\" 1}",
            "{a: 1}",
            "{\"a\": 'b'}",
            "{\"a\": \"\u{1}\"}",
            "{\"a\": \"\\ud83d\\ude00\"}",
            "{\"a\": \"\\x\"}",
            "{\"a\": tru}",
            "{\"a\": 1 // comment\n}",
            "{\u{a0}}",
            "{\"a\": [[[]]]}",
        ] {
            let depth_limited = text.contains("[[[");
            let limit = if depth_limited { 3 } else { 256 };
            assert_eq!(parse_strict(text, limit, None), None, "{text:?}");
        }
    }
}
