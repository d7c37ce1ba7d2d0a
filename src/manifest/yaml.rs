//! YAML read through saphyr, with every position a byte offset in the file: what the compose,
//! pnpm and yarn berry readers share.
//!
//! * [`load`] refuses what saphyr's loader cannot be trusted with (below), then loads.
//! * [`Positions`] turns saphyr's positions, which count characters in the text it read, into
//!   byte spans of the file, through a character index built once; readers that rewrite the
//!   text before loading it (compose, yarn) record their insertions there, so that spans still
//!   point into the file.
//! * [`untagged`], [`scalar_text`], [`lookup`], [`entries`]... read the tree the way every
//!   reader wants: tags looked through, scalars as written; [`Positions::wrong_kind`] names a
//!   node of the wrong shape in an error.
//!
//! The pass over the text's events in [`check`], before saphyr builds a tree of it, refuses
//! the two shapes of input that saphyr cannot be trusted with:
//!
//! * Deep nesting. saphyr's loader recurses once per level of nesting, so a few thousand
//!   levels (`- - - - ...` on one line, `? ? ? ...`, or indentation) overflow the stack and
//!   abort the process instead of failing. Its scanner caps flow nesting (`[[[`) at 255
//!   levels, which is already too deep for a small thread stack, and nothing caps block
//!   nesting. The event parser underneath is a state machine with its own stack, so counting
//!   levels over its events is safe at any depth.
//! * Alias expansion. The loader copies an anchor's subtree for every alias to it. saphyr
//!   bounds the copies against "billion laughs" files, but counts a mapping's keys as one node
//!   each however large they are, so anchors nested through complex keys
//!   (`&b {[*a, *a, *a]: 1}`) still expand exponentially in time and memory. Here every node
//!   of an anchor's subtree counts, keys included.
//!
//! The manifests read with saphyr (compose files, pnpm and yarn berry lockfiles) nest a handful
//! of levels and use aliases sparingly, if at all, so the limits are far from real files.

use crate::manifest::{ParseError, Span};
use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, ScanError, YamlData};
use saphyr_parser::{BufferedInput, Event, Parser};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// The deepest nesting accepted. Real files nest under ten levels; this is far enough from
/// that and leaves saphyr's recursion a small fraction of even a 2 MiB thread stack.
pub const MAX_DEPTH: usize = 128;

/// The most nodes that aliases may add to a file in all, as copies of their anchors (saphyr's
/// own default budget, counted here with keys).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Why [`check`] would not let a text go to saphyr's loader.
#[derive(Debug)]
pub enum Fault {
    /// The text is not YAML; loading it fails with the same error, so callers report this one
    /// as they report a load error.
    Syntax(ScanError),
    /// The text is YAML that is refused: why, and where (saphyr's marker, which counts
    /// characters).
    Refused { message: String, at: Marker },
}

/// Reads the events of `text` (as saphyr's loader reads them) and refuses nesting deeper than
/// [`MAX_DEPTH`] and aliases that expand to more than [`MAX_ALIAS_NODES`] nodes. `what` names
/// the kind of file in the message (`a compose file`).
///
/// # Errors
///
/// [`Fault::Syntax`] at the first syntax error, [`Fault::Refused`] at the first event that
/// goes past a limit.
pub fn check(text: &str, what: &str) -> Result<(), Fault> {
    // The same input type as `LoadableYamlNode::load_from_str`, so that positions and errors
    // are those of the load.
    let mut parser = Parser::new(BufferedInput::new(text.chars()));
    // Nodes counted so far in each open collection, innermost last, with its anchor.
    let mut open: Vec<(usize, usize)> = Vec::new();
    // Subtree size of every anchored node.
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut alias_nodes = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(Fault::Syntax)?;
        // The size of a node this event completes, and its anchor.
        let finished = match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() >= MAX_DEPTH {
                    return Err(Fault::Refused {
                        message: format!(
                            "YAML nested more than {MAX_DEPTH} levels deep; {what} never nests \
                             this deep, and reading it could exhaust the stack"
                        ),
                        at: span.start,
                    });
                }
                open.push((1, anchor));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => open.pop(),
            Event::Scalar(_, _, anchor, _) => Some((1, anchor)),
            Event::Alias(id) => {
                // An unknown anchor is a syntax error the parser has already reported.
                let size = anchors.get(&id).copied().unwrap_or(1);
                alias_nodes = alias_nodes.saturating_add(size);
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(Fault::Refused {
                        message: format!(
                            "YAML aliases expand to more than {MAX_ALIAS_NODES} nodes; {what} \
                             has no use for that many copies"
                        ),
                        at: span.start,
                    });
                }
                Some((size, 0))
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => None,
        };
        if let Some((size, anchor)) = finished {
            // Anchor ids start at 1; 0 means none.
            if anchor > 0 {
                anchors.insert(anchor, size);
            }
            if let Some((parent, _)) = open.last_mut() {
                *parent = parent.saturating_add(size);
            }
        }
    }
    Ok(())
}

/// [`check`], then saphyr's loader: every YAML document of `text`. `what` names the kind of
/// file in a refusal (`a compose file`).
///
/// # Errors
///
/// As [`check`]; [`Fault::Syntax`] also for what only the loader sees (a duplicated key).
pub fn load(text: &str, what: &str) -> Result<Vec<MarkedYaml<'static>>, Fault> {
    check(text, what)?;
    MarkedYaml::load_from_str(text).map_err(Fault::Syntax)
}

// ---------------------------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------------------------

/// Converts saphyr's positions, which count characters in the text it read, to byte offsets
/// in the file.
///
/// The text saphyr reads may be the file with pieces inserted (compose indents misplaced
/// closing brackets, yarn makes over-long keys explicit); every span handed out is mapped
/// back through those insertions. Every query costs a lookup in the character index or a
/// binary search over the insertions, never a count from the start of a line or the file.
pub struct Positions<'t> {
    /// The text saphyr reads.
    text: Cow<'t, str>,
    /// Byte offset in `text` of each character; None when `text` is ASCII (then they are equal).
    char_starts: Option<Vec<usize>>,
    /// Every piece inserted into the file, in order of position.
    inserted: Vec<Insertion>,
}

/// A piece of `text` that is not in the file.
struct Insertion {
    /// Byte offset in `text`.
    at: usize,
    len: usize,
    /// Bytes inserted before this piece: what [`Positions::original`] subtracts past it, so
    /// that no query adds up the pieces one by one.
    before: usize,
}

impl<'t> Positions<'t> {
    /// Positions in `file`, read as it is.
    pub fn new(file: &'t str) -> Positions<'t> {
        Positions::edited(Cow::Borrowed(file), &[])
    }

    /// Positions in `text`, which is the file with pieces inserted: `inserted` holds their
    /// (byte offset in `text`, length), in order, none inside another.
    pub fn edited(text: Cow<'t, str>, inserted: &[(usize, usize)]) -> Positions<'t> {
        let mut positions = Positions {
            text,
            char_starts: None,
            inserted: Vec::new(),
        };
        positions.index(inserted.iter().copied());
        positions
    }

    /// (Re)builds the character index and the running totals of the insertions.
    fn index(&mut self, inserted: impl Iterator<Item = (usize, usize)>) {
        let mut before = 0;
        self.inserted = inserted
            .map(|(at, len)| {
                let insertion = Insertion { at, len, before };
                before += len;
                insertion
            })
            .collect();
        self.char_starts =
            (!self.text.is_ascii()).then(|| self.text.char_indices().map(|(i, _)| i).collect());
    }

    /// Inserts `piece` into the text at byte offset `at` (not inside another inserted piece);
    /// nothing when `at` is not on a character boundary. The whole index is rebuilt: callers
    /// insert a bounded number of times, each before reading the text again anyway.
    pub fn insert(&mut self, at: usize, piece: &str) {
        if !self.text.is_char_boundary(at) {
            return;
        }
        self.text.to_mut().insert_str(at, piece);
        let mut inserted: Vec<(usize, usize)> = self
            .inserted
            .iter()
            .map(|i| (if i.at >= at { i.at + piece.len() } else { i.at }, i.len))
            .collect();
        inserted.push((at, piece.len()));
        inserted.sort_unstable();
        self.index(inserted.into_iter());
    }

    /// The text saphyr reads.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte offset in the text of a character index.
    pub fn byte(&self, char_index: usize) -> usize {
        match &self.char_starts {
            None => char_index.min(self.text.len()),
            Some(starts) => starts.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    /// The length of the character at `offset`, 0 at the end of the text.
    fn char_len_at(&self, offset: usize) -> usize {
        self.text
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8)
    }

    /// A byte offset in the text as one in the file; inside an inserted piece, where the
    /// piece stands in the file.
    fn original(&self, at: usize) -> usize {
        let count = self.inserted.partition_point(|insertion| insertion.at < at);
        let shift = match count
            .checked_sub(1)
            .and_then(|last| self.inserted.get(last))
        {
            Some(last) => last.before + last.len.min(at - last.at),
            None => 0,
        };
        // Saturating: insertions that break the rule of [`Positions::edited`] give a wrong
        // offset, not a panic.
        at.saturating_sub(shift)
    }

    /// A byte range of the text as a span of the file.
    fn file_span(&self, range: Range<usize>) -> Span {
        let start = self.original(range.start);
        Span::from_range(start..self.original(range.end).max(start))
    }

    /// The character at a character index (a marker's), as a span of the file: where an
    /// error points.
    pub fn char_span(&self, char_index: usize) -> Span {
        let at = self.byte(char_index);
        self.file_span(at..at + self.char_len_at(at))
    }

    /// A fault of [`check`] or [`load`] as a parse error of the file: the message, and for a
    /// syntax error saphyr's line and column (which count in the text it read).
    pub fn error(&self, fault: Fault) -> ParseError {
        match fault {
            Fault::Syntax(error) => {
                let marker = error.marker();
                ParseError::at(
                    format!(
                        "invalid YAML: {} (line {}, column {})",
                        error.info(),
                        marker.line(),
                        marker.col() + 1
                    ),
                    self.char_span(marker.index()),
                )
            }
            Fault::Refused { message, at } => ParseError::at(message, self.char_span(at.index())),
        }
    }

    /// An error at `node`, which is not what `expected` says it must be: `expected, found a
    /// sequence`.
    pub fn wrong_kind(&self, node: &MarkedYaml<'_>, expected: &str) -> ParseError {
        ParseError::at(format!("{expected}, found {}", kind(node)), self.span(node))
    }

    /// The bytes saphyr gives a node, tags and anchors included; a flow collection's without
    /// its closing bracket.
    fn range(&self, node: &MarkedYaml<'_>) -> Range<usize> {
        let start = self.byte(node.span.start.index());
        start..self.byte(node.span.end.index()).max(start)
    }

    /// Where a node is written, tags and anchors included: what an error about its shape
    /// points at.
    pub fn span(&self, node: &MarkedYaml<'_>) -> Span {
        let Range { start, end } = self.range(node);
        // saphyr ends a flow collection where its closing bracket starts; the bracket belongs
        // to it.
        let closer = match self.text.get(start..).and_then(|rest| rest.chars().next()) {
            Some('[') => Some(']'),
            Some('{') => Some('}'),
            _ => None,
        };
        let closed = closer.is_some_and(|closer| {
            self.text
                .get(end..)
                .is_some_and(|rest| rest.starts_with(closer))
        });
        self.file_span(start..if closed { end + 1 } else { end })
    }

    /// Where a scalar is written after any tag or anchor, and whether it is quoted (the range
    /// then holds the quotes). Quoted scalars are measured here because saphyr's end marker
    /// for them can run on over trailing blanks and a comment; plain ones are trimmed.
    fn scalar_range(&self, node: &MarkedYaml<'_>) -> (Range<usize>, bool) {
        let Range { mut start, end } = self.range(node);
        loop {
            let rest = self.text.get(start..end).unwrap_or("");
            if !(rest.starts_with('!') || rest.starts_with('&')) {
                break;
            }
            let property = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let after = rest.get(property..).unwrap_or("");
            start += property + (after.len() - after.trim_start().len());
        }
        let rest = self.text.get(start..).unwrap_or("");
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        match quote.and_then(|quote| closing_quote(rest, quote)) {
            Some(close) => (start..start + close + 1, true),
            None => {
                let written = self.text.get(start..end.max(start)).unwrap_or("");
                (start..start + written.trim_end().len(), false)
            }
        }
    }

    /// The bytes of the text that hold a scalar's value: after any tag or anchor, inside the
    /// quotes of a quoted scalar, so that the text there is the value when it has no escapes.
    fn value_range(&self, node: &MarkedYaml<'_>) -> Range<usize> {
        match self.scalar_range(node) {
            (range, true) => range.start + 1..range.end - 1,
            (range, false) => range,
        }
    }

    /// Where a scalar's value is written in the file: after any tag or anchor, inside the
    /// quotes of a quoted scalar (pnpm quotes scoped names and keys with peers), so that the
    /// span text is the value itself when it has no escapes.
    pub fn value_span(&self, node: &MarkedYaml<'_>) -> Span {
        self.file_span(self.value_range(node))
    }

    /// Where a scalar is written in the file after any tag or anchor, quotes included.
    pub fn written_span(&self, node: &MarkedYaml<'_>) -> Span {
        self.file_span(self.scalar_range(node).0)
    }
}

/// The byte index in `text` (which starts with the opening `quote`) of the closing quote.
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((index, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            // In single quotes a doubled quote stands for one quote.
            if quote == '\'' && chars.peek().is_some_and(|&(_, next)| next == '\'') {
                chars.next();
                continue;
            }
            return Some(index);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

/// Looks through tags: custom ones (`!reset`, `!override` in Compose override files) and
/// core ones (`!!str`), which lockfile writers never write but which must not hide a value.
/// A tagged node keeps the span; the node inside has none of its own.
pub fn untagged<'a, 'i>(node: &'a MarkedYaml<'i>) -> &'a MarkedYaml<'i> {
    let mut node = node;
    while let YamlData::Tagged(_, inner) = &node.data {
        node = inner;
    }
    node
}

/// Null (`~`, `null`, or nothing written), or a value saphyr could not read.
pub fn is_null(node: &MarkedYaml<'_>) -> bool {
    matches!(
        untagged(node).data,
        YamlData::Value(Scalar::Null) | YamlData::BadValue
    )
}

/// What a node is, for an error that found it where something else belongs.
pub fn kind(node: &MarkedYaml<'_>) -> &'static str {
    match &untagged(node).data {
        YamlData::Sequence(_) => "a sequence",
        YamlData::Mapping(_) => "a mapping",
        YamlData::Value(Scalar::String(_)) | YamlData::Representation(..) => "a string",
        YamlData::Value(Scalar::Integer(_) | Scalar::FloatingPoint(_)) => "a number",
        YamlData::Value(Scalar::Boolean(_)) => "a boolean",
        YamlData::Value(Scalar::Null) | YamlData::BadValue => "nothing",
        YamlData::Alias(_) => "an alias",
        YamlData::Tagged(..) => "a tagged value",
    }
}

/// A scalar as text: strings as they are, other scalars (`1.10`, `true`) as written in the
/// file, since YAML's number reading would turn a version `1.10` (or `lockfileVersion: 5.10`)
/// into `1.1`. None for null and for collections.
pub fn scalar_text(node: &MarkedYaml<'_>, positions: &Positions<'_>) -> Option<String> {
    match &untagged(node).data {
        YamlData::Value(Scalar::String(value)) => Some(value.to_string()),
        YamlData::Representation(value, ..) => Some(value.to_string()),
        YamlData::Value(Scalar::Null) => None,
        YamlData::Value(scalar) => match (written(node, positions), scalar) {
            (Some(written), _) => Some(written.to_string()),
            (None, Scalar::Boolean(value)) => Some(value.to_string()),
            (None, Scalar::Integer(value)) => Some(value.to_string()),
            (None, Scalar::FloatingPoint(value)) => Some(value.to_string()),
            (None, _) => None,
        },
        _ => None,
    }
}

/// A scalar's value as written in the file, trimmed; None when nothing is written.
pub fn written<'p>(node: &MarkedYaml<'_>, positions: &'p Positions<'_>) -> Option<&'p str> {
    positions
        .text
        .get(positions.value_range(node))
        .map(str::trim)
        .filter(|written| !written.is_empty())
}

/// Whether a node is the string `key`.
pub fn key_is(node: &MarkedYaml<'_>, key: &str) -> bool {
    matches!(&untagged(node).data, YamlData::Value(Scalar::String(text)) if text == key)
}

/// The value under `key` in a mapping, tags kept (the tagged node has the span); None for any
/// other node.
pub fn lookup<'a, 'i>(mapping: &'a MarkedYaml<'i>, key: &str) -> Option<&'a MarkedYaml<'i>> {
    entries(mapping)
        .find(|(candidate, _)| key_is(candidate, key))
        .map(|(_, value)| value)
}

/// A mapping's entries in file order; nothing for any other node.
pub fn entries<'a, 'i>(
    node: &'a MarkedYaml<'i>,
) -> impl Iterator<Item = (&'a MarkedYaml<'i>, &'a MarkedYaml<'i>)> {
    let map = match &untagged(node).data {
        YamlData::Mapping(map) => Some(map),
        _ => None,
    };
    map.into_iter().flat_map(|map| map.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        match check(text, "a test file") {
            Err(Fault::Refused { message, .. }) => message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn ordinary_yaml_passes() {
        let text = "a: &x {b: [1, 2, {c: d}]}\ne: *x\nf:\n  - g\n  - h: i\n";
        assert!(check(text, "a test file").is_ok());
        assert!(check("", "a test file").is_ok());
    }

    #[test]
    fn nesting_is_bounded_in_every_form() {
        let limit = "- ".repeat(MAX_DEPTH);
        assert!(check(&format!("{limit}x\n"), "a test file").is_ok());
        let over = "- ".repeat(MAX_DEPTH + 1);
        assert!(refused(&format!("{over}x\n")).contains("levels deep"));
        assert!(refused(&format!("{}x\n", "? ".repeat(MAX_DEPTH + 1))).contains("levels deep"));
        let flow = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
        assert!(refused(&flow).contains("levels deep"));
        let mut indented = String::new();
        for depth in 0..=MAX_DEPTH {
            indented.push_str(&" ".repeat(depth));
            indented.push_str("a:\n");
        }
        indented.push_str(&" ".repeat(MAX_DEPTH + 1));
        indented.push_str("b\n");
        assert!(refused(&indented).contains("levels deep"));
        // Far deeper than any stack could hold when loaded recursively.
        let deep = "- ".repeat(100_000);
        assert!(refused(&deep).contains("levels deep"));
    }

    #[test]
    fn alias_expansion_is_bounded_with_keys_counted() {
        // Each level's key holds ten copies of the level before: 10^7 nodes from 8 lines.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            let copies = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} {{[{copies}]: {level}}}\n"));
        }
        assert!(refused(&text).contains("aliases expand"));
    }

    /// The first document's top-level mapping, loaded.
    fn root(text: &str) -> MarkedYaml<'static> {
        match load(text, "a test file") {
            Ok(mut documents) if !documents.is_empty() => documents.swap_remove(0),
            other => panic!("{text:?} did not load: {other:?}"),
        }
    }

    fn value<'a>(root: &'a MarkedYaml<'static>, key: &str) -> &'a MarkedYaml<'static> {
        match lookup(root, key) {
            Some(node) => node,
            None => panic!("no {key}"),
        }
    }

    fn span_text(text: &str, span: Span) -> &str {
        text.get(span.offset..span.offset + span.len)
            .unwrap_or("<span out of range>")
    }

    #[test]
    fn scalars_read_as_written_past_tags_and_anchors() {
        let text =
            "a: &x 1.10\nb: !!int 5 # c\nc: !t &y 'it''s' # c\nd: ~\ne: \"é\"\nf: [1]\ng: true\n";
        let root = root(text);
        let positions = Positions::new(text);
        let read = |key: &str| scalar_text(value(&root, key), &positions);
        assert_eq!(read("a").as_deref(), Some("1.10"));
        assert_eq!(read("b").as_deref(), Some("5"));
        assert_eq!(read("c").as_deref(), Some("it's"));
        assert_eq!(read("d"), None);
        assert_eq!(read("e").as_deref(), Some("é"));
        assert_eq!(read("f"), None);
        assert_eq!(read("g").as_deref(), Some("true"));
        assert_eq!(written(value(&root, "d"), &positions), Some("~"));
        let spans = |key: &str| {
            let node = value(&root, key);
            (
                span_text(text, positions.span(node)),
                span_text(text, positions.value_span(node)),
                span_text(text, positions.written_span(node)),
            )
        };
        assert_eq!(spans("a"), ("&x 1.10", "1.10", "1.10"));
        assert_eq!(spans("c").1, "it''s");
        assert_eq!(spans("c").2, "'it''s'");
        assert_eq!(spans("e"), ("\"é\"", "é", "\"é\""));
        // A flow collection's span holds its closing bracket.
        assert_eq!(spans("f").0, "[1]");
        assert_eq!(kind(value(&root, "f")), "a sequence");
        assert!(is_null(value(&root, "d")));
        assert!(entries(value(&root, "a")).next().is_none());
        assert!(lookup(value(&root, "f"), "1").is_none());
    }

    #[test]
    fn insertions_map_back_to_the_file() {
        let file = "a: [\n  1,\n]\nb: é\n";
        let mut positions = Positions::new(file);
        let at = file.find(']').unwrap_or(0);
        positions.insert(at, " ");
        positions.insert(at, " ");
        assert_eq!(positions.text(), "a: [\n  1,\n  ]\nb: é\n");
        let root = root(positions.text());
        let b = value(&root, "b");
        assert_eq!(span_text(file, positions.value_span(b)), "é");
        assert_eq!(
            span_text(file, positions.span(value(&root, "a"))),
            "[\n  1,\n]"
        );
        // Inside an inserted piece is where the piece stands in the file.
        assert_eq!(positions.file_span(at + 1..at + 3), Span::new(at, 1));
        assert_eq!(positions.char_span(usize::MAX), Span::new(file.len(), 0));
        // Not on a character boundary: nothing is inserted.
        let before = positions.text().to_string();
        positions.insert(before.len() - 2, "x");
        assert_eq!(positions.text(), before);
    }

    #[test]
    fn insertion_lookup_matches_counting_them() {
        // Pieces of several lengths, some adjacent; every offset maps as adding up the pieces
        // before it does.
        let pieces = [(0, 2), (2, 1), (5, 3), (12, 1), (13, 2), (20, 1)];
        let text = "x".repeat(30);
        let positions = Positions::edited(Cow::Borrowed(&text), &pieces);
        for at in 0..=text.len() {
            let mut shift = 0;
            for &(position, len) in &pieces {
                if position < at {
                    shift += len.min(at - position);
                }
            }
            assert_eq!(positions.original(at), at - shift, "{at}");
        }
    }

    #[test]
    fn errors_point_into_the_file() {
        let file = "é: 1\nb: [\n";
        let positions = Positions::new(file);
        let error = match load(file, "a test file") {
            Err(fault) => positions.error(fault),
            Ok(_) => panic!("loaded"),
        };
        let message = &error.message;
        assert!(message.starts_with("invalid YAML: "), "{message}");
        assert!(message.contains("(line 3, column 1)"), "{message}");
        let span = error.span.unwrap_or_default();
        assert!(file.is_char_boundary(span.offset), "{span:?}");
        let deep = format!("{}1\n", "- ".repeat(MAX_DEPTH + 1));
        let error = match load(&deep, "a test file") {
            Err(fault) => Positions::new(&deep).error(fault),
            Ok(_) => panic!("loaded"),
        };
        let message = &error.message;
        assert!(message.contains("a test file"), "{message}");
        assert!(load("a: 1\na: 2\n", "a test file").is_err());
    }

    #[test]
    fn syntax_errors_are_handed_back() {
        assert!(matches!(
            check("a: [\n", "a test file"),
            Err(Fault::Syntax(_))
        ));
    }
}
