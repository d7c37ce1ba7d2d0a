//! Dockerfile and Containerfile reader: finds the container images a build pulls.
//!
//! The images are the `FROM` bases and the `COPY --from=IMAGE` sources. The file is read the
//! way BuildKit (Docker's builder) reads it, because a simpler line scan gets real files wrong:
//! parser directives (`# escape=` changes the continuation character), continuation lines with
//! comments and blank lines inside them, heredoc bodies (which may contain lines that look like
//! instructions), and `ARG` expansion in `FROM`.
//!
//! The format is forgiving and so is this reader: it never fails. A file with no `FROM` at all,
//! or one Docker would reject (an unterminated heredoc, an invalid `# escape=` value), yields
//! whatever images can still be read from it, possibly none. Docker decides whether the build
//! works; the policy only needs to know which images the file names.
//!
//! [`parse_image_reference`] and [`known_name_declaration`] (a reference whose tag or digest
//! needs a variable with no value) are shared with the compose reader.

use crate::manifest::{Declared, Ecosystem, Manifest, ParseError, Span};
use std::collections::{HashMap, HashSet};

/// How deep `${NAME:-${NAME:-...}}` defaults may nest. Each level is a recursive call, so a long
/// enough line of them would overflow the stack; real files nest one or two levels.
const MAX_EXPANSION_DEPTH: usize = 32;

/// How many bytes of ARG values the expansions of one file may copy in all. Each ARG may use
/// the ones before it twice (`ARG B=$A$A`), so without a bound a few dozen lines double a value
/// into gigabytes. Real files copy a few hundred bytes; past the bound a value is unresolved.
const MAX_EXPANSION_BYTES: usize = 1 << 20;

/// How many characters of stage names the matching of unresolved references against stages
/// (see [`matches_stage_pattern`]) may examine in one file. Each reference is tried against
/// every stage, so thousands of each would take a long time; real files have a handful.
/// Past the bound an unresolved reference is reported as an image, not taken for a stage.
const MAX_STAGE_MATCH_WORK: usize = 1 << 20;

/// An image reference split into its parts, as written (no registry or tag defaults added).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `[registry[:port]/]path`: `mongo`, `bitnami/mongodb`, `localhost:5000/team/app`.
    pub name: String,
    pub tag: Option<String>,
    /// `sha256:...`, without the `@`.
    pub digest: Option<String>,
}

impl ImageRef {
    /// The pinned version as [`Declared::version`] states it: `tag`, `tag@digest`, the digest
    /// alone, or `latest` when the reference has neither (that is what Docker pulls).
    pub fn version(&self) -> String {
        match (&self.tag, &self.digest) {
            (Some(tag), Some(digest)) => format!("{tag}@{digest}"),
            (None, Some(digest)) => digest.clone(),
            (Some(tag), None) => tag.clone(),
            (None, None) => "latest".to_string(),
        }
    }
}

/// Splits `[registry[:port]/]path[:tag][@digest]`.
///
/// The tag is what follows the last `:` after the last `/`, so a registry port
/// (`localhost:5000/app`) is never taken for a tag. Empty parts (`nginx:`, `nginx@`) count as
/// absent. Never fails: odd input gives odd but harmless parts.
pub fn parse_image_reference(reference: &str) -> ImageRef {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, non_empty(digest)),
        None => (reference, None),
    };
    let last_component = rest.rfind('/').map_or(0, |slash| slash + 1);
    let colon = rest
        .get(last_component..)
        .and_then(|component| component.rfind(':'))
        .map(|colon| last_component + colon);
    let (name, tag) = match colon {
        Some(colon) => (
            rest.get(..colon).unwrap_or(rest),
            rest.get(colon + 1..).and_then(non_empty),
        ),
        None => (rest, None),
    };
    ImageRef {
        name: name.to_string(),
        tag,
        digest,
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// Reads a Dockerfile. Never returns `Err` (see the module documentation); the `Result` keeps
/// the signature every manifest reader shares.
pub fn parse(text: &str) -> Result<Manifest, ParseError> {
    let lines = split_lines(text);
    let escape = directive_escape(&lines);
    let instructions = read_instructions(&lines, escape);

    let mut scope = Scope {
        args: HashMap::new(),
        stages: Vec::new(),
        stage_names: HashSet::new(),
        expansion_budget: MAX_EXPANSION_BYTES,
        match_budget: MAX_STAGE_MATCH_WORK,
    };
    let mut seen_from = false;
    let mut declared = Vec::new();

    for instruction in &instructions {
        match instruction.command.as_str() {
            // Only ARGs before the first FROM are visible to FROM lines (Docker's scoping rule);
            // ARGs inside a stage belong to that stage's build steps.
            "arg" if !seen_from => {
                let rest = instruction.text(instruction.args_start..);
                for word in split_arg_words(rest, escape) {
                    declare_global_arg(&mut scope, &word, escape);
                }
            }
            "from" => {
                seen_from = true;
                let words =
                    split_whitespace_delimited(&instruction.logical, instruction.args_start);
                let Some(image) = words.first() else {
                    continue;
                };
                let stage_name = match (words.get(1), words.get(2)) {
                    (Some(as_word), Some(name)) if as_word.text.eq_ignore_ascii_case("as") => {
                        Some(name.text.to_lowercase())
                    }
                    _ => None,
                };
                let reference = Reference {
                    raw: image.text,
                    span: instruction.logical.span(image.range.clone()),
                    section: "FROM",
                };
                if let Some(entry) = reference.resolve(escape, &mut scope) {
                    declared.push(entry);
                }
                // Registered after resolving: `FROM x AS x` names the image x, not itself.
                if let Some(name) = stage_name {
                    if scope.stage_names.insert(name.clone()) {
                        scope.stages.push(name);
                    }
                }
            }
            "copy" => {
                for flag in &instruction.flags {
                    if flag.name != "from" {
                        continue;
                    }
                    let Some(value) = &flag.value else {
                        continue;
                    };
                    let span = instruction.logical.span(flag.value_range.clone());
                    if let Some(entry) = copy_from_image(value, span, &scope) {
                        declared.push(entry);
                    }
                }
            }
            _ => {}
        }
    }

    Ok(Manifest {
        declared,
        ..Manifest::default()
    })
}

/// What the instructions read so far define for the references after them, and how much work
/// is left for expanding and matching references.
struct Scope {
    /// The ARGs before the first FROM.
    args: HashMap<String, ArgValue>,
    /// The stage names (`FROM ... AS name`) so far, lower-cased, each once, in file order
    /// (the order in which [`matches_stage_pattern`] tries them, so that a run out of budget
    /// ends the same way every time).
    stages: Vec<String>,
    /// The same names, to look one up.
    stage_names: HashSet<String>,
    /// Bytes of ARG values expansions may still copy ([`MAX_EXPANSION_BYTES`]).
    expansion_budget: usize,
    /// Characters stage matching may still examine ([`MAX_STAGE_MATCH_WORK`]).
    match_budget: usize,
}

/// One image reference as written in an instruction.
struct Reference<'a> {
    /// The text as the instruction holds it, before ARG expansion (continuations joined).
    raw: &'a str,
    span: Span,
    section: &'static str,
}

impl Reference<'_> {
    /// The declaration this reference makes, or None when it names a stage or `scratch`.
    fn resolve(&self, escape: char, scope: &mut Scope) -> Option<Declared> {
        let expanded = expand_word(self.raw, escape, &scope.args, &mut scope.expansion_budget);
        if expanded.unresolved.is_empty() {
            let value = expanded.value;
            let lowered = value.to_lowercase();
            if value.is_empty() || lowered == "scratch" || scope.stage_names.contains(&lowered) {
                return None;
            }
            return Some(image_declaration(&value, self.span, self.section));
        }
        // A known name whose tag or digest needs a value is still that image: a ban on the
        // name applies whatever the tag will be. Only the version is unknown.
        if let Some(entry) = known_name_declaration(
            &expanded.value,
            &expanded.holes,
            &expanded.unresolved,
            self.span,
            self.section,
        ) {
            return Some(entry);
        }
        if matches_stage_pattern(self.raw, escape, &scope.stages, &mut scope.match_budget) {
            return None;
        }
        // What the build-time values will be is unknown here: report the reference as written
        // and say which variables are missing rather than guessing.
        let mut entry = Declared::new(Ecosystem::Docker, self.raw, self.span);
        entry.section = self.section.to_string();
        entry.source = Some(format!("unresolved: {}", expanded.unresolved.join(", ")));
        Some(entry)
    }
}

/// The declaration of a fully known reference.
fn image_declaration(reference: &str, span: Span, section: &str) -> Declared {
    let image = parse_image_reference(reference);
    let mut entry = Declared::new(Ecosystem::Docker, image.name.clone(), span);
    entry.version = Some(image.version());
    entry.section = section.to_string();
    entry
}

/// What a reference whose name is known says when its tag or digest is not.
#[derive(Debug, PartialEq)]
struct KnownName {
    name: String,
    /// The tag when only the digest is unknown (it is still the tag the reference names);
    /// None when the tag is unknown, or there is none and the digest is unknown.
    version: Option<String>,
    /// `tag`, `digest` or `tag and digest`: what is unknown.
    unknown: &'static str,
}

/// The declaration of a reference whose name is known but whose tag or digest needs a
/// variable with no value, or None when a hole may change the name (see [`known_name`]).
///
/// `value` is the reference with each such variable expanded to nothing, `holes` the byte
/// offsets in `value` where those variables stand (ascending), and `unresolved` the variables
/// (`$NAME`) the source names. The version is the tag when only the digest is unknown, else
/// None; the source says which part is unknown (`tag unresolved: $V`). Shared with the
/// compose reader, whose interpolation marks its holes the same way, so that one reference
/// reads the same in both files.
pub(super) fn known_name_declaration(
    value: &str,
    holes: &[usize],
    unresolved: &[String],
    span: Span,
    section: &str,
) -> Option<Declared> {
    let partial = known_name(value, holes)?;
    let mut entry = Declared::new(Ecosystem::Docker, partial.name, span);
    entry.version = partial.version;
    entry.section = section.to_string();
    entry.source = Some(format!(
        "{} unresolved: {}",
        partial.unknown,
        unresolved.join(", ")
    ));
    Some(entry)
}

/// Splits an expansion with holes the way [`parse_image_reference`] splits a known one, and
/// returns the name when no hole lies in it.
///
/// A hole may stand for any text, so the split uses only the separators written out: the
/// first `@` starts the digest, and a `:` after the last `/` before it starts the tag. A hole
/// in the tag or digest is taken to be part of that tag or digest (a variable there stands
/// for a tag or a digest, not for a `/` that would make the `:` a registry's port). A hole
/// before the separator that ends the name, or at the end of a name with no separator after
/// it (`mongo${SUFFIX}`), may change the name: then nothing is known.
fn known_name(value: &str, holes: &[usize]) -> Option<KnownName> {
    if holes.is_empty() {
        return None;
    }
    let at = value.find('@');
    let rest_end = at.unwrap_or(value.len());
    let rest = value.get(..rest_end)?;
    let last_component = rest.rfind('/').map_or(0, |slash| slash + 1);
    let colon = rest
        .get(last_component..)
        .and_then(|component| component.rfind(':'))
        .map(|colon| last_component + colon);
    let name_end = colon.unwrap_or(rest_end);
    // Holes are ascending: the first one decides whether the name is whole.
    if holes.first().is_some_and(|&hole| hole <= name_end) {
        return None;
    }
    let name = value.get(..name_end).filter(|name| !name.is_empty())?;
    let tag_unknown = colon.is_some() && holes.first().is_some_and(|&hole| hole <= rest_end);
    let digest_unknown = at.is_some() && holes.last().is_some_and(|&hole| hole > rest_end);
    let tag = colon
        .and_then(|colon| value.get(colon + 1..rest_end))
        .filter(|tag| !tag.is_empty());
    let (version, unknown) = match (tag_unknown, digest_unknown) {
        (true, true) => (None, "tag and digest"),
        (true, false) => (None, "tag"),
        (false, _) => (tag.map(str::to_string), "digest"),
    };
    Some(KnownName {
        name: name.to_string(),
        version,
        unknown,
    })
}

/// The image a `COPY --from` value names, or None when it names a stage (by name or index)
/// or `scratch`. BuildKit takes the value literally: no variable is expanded in it (a value
/// with `$` in it fails the build), so the global ARGs are not applied here as they are in
/// `FROM`.
fn copy_from_image(value: &str, span: Span, scope: &Scope) -> Option<Declared> {
    // A number is a stage index (`COPY --from=0`), not an image.
    if value.is_empty() || value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if value.contains('$') {
        let mut entry = Declared::new(Ecosystem::Docker, value, span);
        entry.section = "COPY --from".to_string();
        entry.source = Some("unresolved: COPY --from does not expand variables".to_string());
        return Some(entry);
    }
    let lowered = value.to_lowercase();
    if lowered == "scratch" || scope.stage_names.contains(&lowered) {
        return None;
    }
    Some(image_declaration(value, span, "COPY --from"))
}

/// True when an unresolvable reference has the shape of an earlier stage's name: the common
/// `FROM build-$TARGETOS` pattern, where every platform has its own stage. Reporting those as
/// unresolved images would flag most multi-platform Dockerfiles for nothing. Each variable is
/// taken as "any text"; the reference must have literal text of its own, so a bare `$BASE`
/// (which may be any image) is never taken for a stage, and stage names cannot hold `/`, `:` or
/// `@`, so nothing that looks like a registry path or a tag matches either.
///
/// Every stage examined is charged to `budget` (its length); when the budget runs out the
/// reference is not taken for a stage.
fn matches_stage_pattern(raw: &str, escape: char, stages: &[String], budget: &mut usize) -> bool {
    let Some(pattern) = stage_pattern(raw, escape) else {
        return false;
    };
    if pattern.iter().all(|piece| matches!(piece, Piece::Any)) {
        return false;
    }
    let segments = literal_segments(&pattern);
    for stage in stages {
        let Some(left) = budget.checked_sub(stage.len() + 1) else {
            // Spent: no later reference is compared either.
            *budget = 0;
            return false;
        };
        *budget = left;
        if glob_matches(&segments, stage) {
            return true;
        }
    }
    false
}

#[derive(Debug, PartialEq)]
enum Piece {
    Literal(char),
    Any,
}

/// The reference with every `$NAME` / `${...}` replaced by a wildcard, lower-cased. None when
/// the reference holds quotes or escapes, which stage names never do.
fn stage_pattern(raw: &str, escape: char) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' || c == escape {
            return None;
        }
        if c != '$' {
            pieces.extend(c.to_lowercase().map(Piece::Literal));
            continue;
        }
        if chars.peek() == Some(&'{') {
            let mut depth = 0usize;
            for inner in chars.by_ref() {
                match inner {
                    '{' => depth += 1,
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        } else {
            while chars
                .peek()
                .is_some_and(|next| next.is_alphanumeric() || *next == '_')
            {
                chars.next();
            }
        }
        pieces.push(Piece::Any);
    }
    Some(pieces)
}

/// The literal text between the wildcards of a pattern: `a$Xb$Y` gives `["a", "b", ""]`.
/// Adjacent wildcards are one (`$X$Y` matches what `$X` matches), so no segment but the first
/// and the last is empty: [`glob_matches`] then consumes text with every segment it finds,
/// where thousands of empty ones would each cost a step for every stage.
fn literal_segments(pattern: &[Piece]) -> Vec<String> {
    let mut segments = vec![String::new()];
    for piece in pattern {
        match piece {
            Piece::Any => {
                if segments.len() == 1 || segments.last().is_some_and(|s| !s.is_empty()) {
                    segments.push(String::new());
                }
            }
            Piece::Literal(c) => {
                if let Some(segment) = segments.last_mut() {
                    segment.push(*c);
                }
            }
        }
    }
    segments
}

/// Whether `text` matches the pattern whose literal segments are `segments` (a wildcard
/// between each two). The first segment must start the text and the last end it; the ones
/// between are found leftmost-first, which is enough for patterns whose only wildcard matches
/// any text, and takes linear time where backtracking takes quadratic time.
fn glob_matches(segments: &[String], text: &str) -> bool {
    let (first, rest) = match segments {
        [] => return text.is_empty(),
        [only] => return text == only,
        [first, rest @ ..] => (first, rest),
    };
    let Some((last, middle)) = rest.split_last() else {
        return false;
    };
    let Some(text) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some(mut text) = text.strip_suffix(last.as_str()) else {
        return false;
    };
    for segment in middle {
        // Searching prepares the whole segment first: a segment longer than what is left
        // would cost its length for every stage, however short the stage.
        if segment.len() > text.len() {
            return false;
        }
        match text.find(segment.as_str()) {
            Some(at) => text = text.get(at + segment.len()..).unwrap_or(""),
            None => return false,
        }
    }
    true
}

/// A global ARG's value. `Unknown` stands for "set at build time, if at all": an ARG declared
/// without a default, or one whose default uses such an ARG.
#[derive(Clone, Debug, PartialEq)]
enum ArgValue {
    Known(String),
    Unknown,
}

fn declare_global_arg(scope: &mut Scope, word: &str, escape: char) {
    match word.split_once('=') {
        Some((name, value)) => {
            let expanded = expand_word(value, escape, &scope.args, &mut scope.expansion_budget);
            let value = if expanded.unresolved.is_empty() {
                ArgValue::Known(expanded.value)
            } else {
                ArgValue::Unknown
            };
            scope.args.insert(name.to_string(), value);
        }
        None => {
            // A re-declaration without a value keeps an earlier default.
            scope
                .args
                .entry(word.to_string())
                .or_insert(ArgValue::Unknown);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lines, directives and instructions
// ---------------------------------------------------------------------------------------------

/// One physical line: its text without the line break, and the byte offset where it starts.
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    start: usize,
    text: &'a str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    // A UTF-8 byte order mark is not part of the first instruction (BuildKit drops it too).
    let (mut offset, body) = match text.strip_prefix('\u{feff}') {
        Some(body) => ('\u{feff}'.len_utf8(), body),
        None => (0, text),
    };
    for piece in body.split_inclusive('\n') {
        let content = piece.strip_suffix('\n').unwrap_or(piece);
        let content = content.strip_suffix('\r').unwrap_or(content);
        lines.push(Line {
            start: offset,
            text: content,
        });
        offset += piece.len();
    }
    lines
}

/// The escape character from the parser directives at the top of the file (`\` by default).
///
/// Directives are `# key=value` comments before anything else; the first line that is not one
/// (a blank line, an ordinary comment, an unknown or repeated key) ends them. An escape value
/// other than `\` or a backtick is ignored (Docker rejects the file).
fn directive_escape(lines: &[Line<'_>]) -> char {
    let mut escape = '\\';
    let mut seen: Vec<String> = Vec::new();
    for line in lines {
        let Some((key, value)) = parse_directive(line.text) else {
            break;
        };
        if !matches!(key.as_str(), "escape" | "syntax" | "check") || seen.contains(&key) {
            break;
        }
        if key == "escape" {
            match value {
                "\\" => escape = '\\',
                "`" => escape = '`',
                _ => {}
            }
        }
        seen.push(key);
    }
    escape
}

/// `#` optional-space `key` optional-space `=` optional-space `value`, key lower-cased.
fn parse_directive(line: &str) -> Option<(String, &str)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let key_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if key_len == 0 {
        return None;
    }
    let (key, rest) = rest.split_at_checked(key_len)?;
    let value = rest.trim_start().strip_prefix('=')?.trim();
    if value.is_empty() {
        return None;
    }
    Some((key.to_ascii_lowercase(), value))
}

/// An instruction's text once continuation lines are joined, with where each joined piece
/// came from in the file (so spans point at the file even across joined lines).
#[derive(Debug, Default)]
struct Logical {
    text: String,
    /// (byte index in `text`, byte offset in the file) where each piece starts, ascending.
    /// One entry per physical line rather than one per byte: an instruction of one very long
    /// line or a long continuation would otherwise take eight bytes of offsets per byte.
    pieces: Vec<(usize, usize)>,
}

impl Logical {
    fn push(&mut self, piece: &str, file_offset: usize) {
        self.pieces.push((self.text.len(), file_offset));
        self.text.push_str(piece);
    }

    /// The file offset of the byte at `at` in `text`.
    fn file_offset(&self, at: usize) -> Option<usize> {
        if at >= self.text.len() {
            return None;
        }
        // The last piece starting at or before `at` holds it (an empty piece shares its start
        // with the next one, and the next one is found).
        let index = self.pieces.partition_point(|&(start, _)| start <= at);
        let &(start, file) = self.pieces.get(index.checked_sub(1)?)?;
        Some(file + (at - start))
    }

    fn span(&self, range: std::ops::Range<usize>) -> Span {
        let first = self.file_offset(range.start);
        let last = range
            .end
            .checked_sub(1)
            .and_then(|last| self.file_offset(last));
        match (first, last) {
            (Some(first), Some(last)) if range.end > range.start => {
                Span::from_range(first..last + 1)
            }
            _ => Span::new(first.unwrap_or_default(), 0),
        }
    }
}

#[derive(Debug)]
struct Instruction {
    logical: Logical,
    /// Lower-cased instruction keyword (`from`, `copy`, ...).
    command: String,
    flags: Vec<Flag>,
    /// Byte index in `logical.text` where the arguments start (after the flags).
    args_start: usize,
}

impl Instruction {
    fn text(&self, range: std::ops::RangeFrom<usize>) -> &str {
        self.logical.text.get(range).unwrap_or("")
    }
}

/// A `--name=value` builder flag.
#[derive(Debug)]
struct Flag {
    name: String,
    /// Quotes and escapes removed; None for a bare `--name`.
    value: Option<String>,
    /// Where the value stands in the logical line (inside its quotes, when quoted).
    value_range: std::ops::Range<usize>,
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Removes a trailing escape character (plus trailing blanks after it); true if one was there.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let trimmed = line.trim_end_matches([' ', '\t']);
    match trimmed.strip_suffix(escape) {
        Some(joined) => (joined, true),
        None => (line, false),
    }
}

/// Reads the instructions, joining continuation lines and skipping comments and heredoc bodies.
fn read_instructions(lines: &[Line<'_>], escape: char) -> Vec<Instruction> {
    let mut instructions = Vec::new();
    let mut index = 0;
    while let Some(line) = lines.get(index) {
        index += 1;
        if is_comment(line.text) {
            continue;
        }
        let first = line.text.trim_start();
        let first_start = line.start + (line.text.len() - first.len());
        let (piece, mut continued) = trim_continuation(first, escape);
        if !continued && piece.trim().is_empty() {
            continue;
        }
        let mut logical = Logical::default();
        logical.push(piece, first_start);
        while continued {
            let Some(next) = lines.get(index) else {
                break;
            };
            index += 1;
            // Comment lines and blank lines inside a continuation are dropped; the
            // continuation goes on after them.
            if is_comment(next.text) || next.text.trim().is_empty() {
                continue;
            }
            let (piece, more) = trim_continuation(next.text, escape);
            logical.push(piece, next.start);
            continued = more;
        }

        let instruction = split_instruction(logical);
        if instruction.can_contain_heredoc() && instruction.logical.text.contains("<<") {
            for heredoc in heredocs_in(&instruction.logical.text) {
                // The body runs to its terminator line; a missing terminator (which Docker
                // rejects) takes the rest of the file, so its lines are never read as
                // instructions either.
                while let Some(body_line) = lines.get(index) {
                    index += 1;
                    let candidate = if heredoc.strip_tabs {
                        body_line.text.trim_start_matches('\t')
                    } else {
                        body_line.text
                    };
                    if candidate == heredoc.terminator {
                        break;
                    }
                }
            }
        }
        instructions.push(instruction);
    }
    instructions
}

impl Instruction {
    /// RUN, COPY and ADD (also behind ONBUILD) take heredocs, unless written in JSON form.
    fn can_contain_heredoc(&self) -> bool {
        let (command, args_start) = if self.command == "onbuild" {
            let rest = self.text(self.args_start..);
            let trimmed = rest.trim_start();
            let inner = trimmed
                .split(char::is_whitespace)
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let inner_start = self.args_start + (rest.len() - trimmed.len()) + inner.len();
            (inner, inner_start)
        } else {
            (self.command.clone(), self.args_start)
        };
        if !matches!(command.as_str(), "run" | "copy" | "add") {
            return false;
        }
        !is_json_array(self.text(args_start..))
    }
}

fn is_json_array(args: &str) -> bool {
    let trimmed = args.trim();
    trimmed.starts_with('[') && serde_json::from_str::<Vec<String>>(trimmed).is_ok()
}

/// Splits the keyword and the leading `--flag` words off an instruction.
fn split_instruction(logical: Logical) -> Instruction {
    let text = logical.text.as_str();
    let command_start = text.len() - text.trim_start().len();
    let command_end = text
        .get(command_start..)
        .and_then(|rest| rest.find(char::is_whitespace))
        .map_or(text.len(), |end| command_start + end);
    let command = text
        .get(command_start..command_end)
        .unwrap_or("")
        .to_ascii_lowercase();
    let (flags, args_start) = extract_flags(text, command_end);
    Instruction {
        logical,
        command,
        flags,
        args_start,
    }
}

/// Reads `--name[=value]` words from `start`, the way BuildKit does: flags come first, a bare
/// `--` ends them, quotes inside a flag are removed and `\` escapes the next character.
fn extract_flags(text: &str, start: usize) -> (Vec<Flag>, usize) {
    let mut flags = Vec::new();
    let mut position = start;
    loop {
        let Some(rest) = text.get(position..) else {
            return (flags, text.len());
        };
        let word_start = position + (rest.len() - rest.trim_start().len());
        let Some(word_text) = text.get(word_start..) else {
            return (flags, text.len());
        };
        if !word_text.starts_with("--") {
            return (flags, word_start);
        }
        let (word, raw_end) = read_flag_word(text, word_start);
        if word == "--" {
            return (flags, raw_end);
        }
        if let Some(flag) = flag_from_word(text, word_start, raw_end, &word) {
            flags.push(flag);
        }
        position = raw_end;
    }
}

/// One flag word starting at `start`: its text with quotes and escapes removed, and the byte
/// index where it ends.
fn read_flag_word(text: &str, start: usize) -> (String, usize) {
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.get(start..).unwrap_or("").char_indices();
    while let Some((offset, c)) = chars.next() {
        match quote {
            None if c.is_whitespace() => return (word, start + offset),
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ if c == '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    word.push(escaped);
                }
            }
            _ => word.push(c),
        }
    }
    (word, text.len())
}

fn flag_from_word(text: &str, start: usize, end: usize, word: &str) -> Option<Flag> {
    let body = word.strip_prefix("--")?;
    let (name, value) = match body.split_once('=') {
        Some((name, value)) => (name, Some(value.to_string())),
        None => (body, None),
    };
    // The value's place in the raw text: after the first `=`, without surrounding quotes.
    let raw = text.get(start..end).unwrap_or("");
    let value_range = match raw.find('=') {
        Some(eq) => {
            let mut from = start + eq + 1;
            let mut to = end;
            let raw_value = text.get(from..to).unwrap_or("");
            let quoted = raw_value.len() >= 2
                && ((raw_value.starts_with('"') && raw_value.ends_with('"'))
                    || (raw_value.starts_with('\'') && raw_value.ends_with('\'')));
            if quoted {
                from += 1;
                to -= 1;
            }
            from..to
        }
        None => end..end,
    };
    Some(Flag {
        name: name.to_string(),
        value,
        value_range,
    })
}

/// A whitespace-delimited word of an instruction's arguments.
#[derive(Debug)]
struct Word<'a> {
    text: &'a str,
    range: std::ops::Range<usize>,
}

/// Splits the arguments as BuildKit does for FROM: on blanks, with no quote handling.
fn split_whitespace_delimited(logical: &Logical, start: usize) -> Vec<Word<'_>> {
    let text = logical.text.as_str();
    let is_blank = |c: char| matches!(c, ' ' | '\t' | '\u{0b}' | '\u{0c}' | '\r');
    let mut words = Vec::new();
    let mut word_start: Option<usize> = None;
    for (offset, c) in text.get(start..).unwrap_or("").char_indices() {
        let at = start + offset;
        match (is_blank(c), word_start) {
            (true, Some(from)) => {
                words.push(Word {
                    text: text.get(from..at).unwrap_or(""),
                    range: from..at,
                });
                word_start = None;
            }
            (false, None) => word_start = Some(at),
            _ => {}
        }
    }
    if let Some(from) = word_start {
        words.push(Word {
            text: text.get(from..).unwrap_or(""),
            range: from..text.len(),
        });
    }
    words
}

/// Splits ARG arguments into words on blanks outside quotes, keeping quotes and escapes (they
/// are removed when the value is expanded).
fn split_arg_words(rest: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match quote {
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                continue;
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ => {}
        }
        in_word = true;
        word.push(c);
        // Inside single quotes the escape character is an ordinary one.
        if c == escape && quote != Some('\'') {
            if let Some(escaped) = chars.next() {
                word.push(escaped);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

struct Heredoc {
    terminator: String,
    strip_tabs: bool,
}

/// The heredocs an instruction opens, in order: every word `[n]<<[-]NAME`, with NAME unquoted.
fn heredocs_in(line: &str) -> Vec<Heredoc> {
    split_shell_words(line)
        .iter()
        .filter_map(|word| {
            let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
            let rest = rest.strip_prefix("<<")?;
            let (strip_tabs, rest) = match rest.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, rest),
            };
            if rest.is_empty() || rest.contains('<') {
                return None;
            }
            let terminator = unquote(rest);
            (!terminator.is_empty()).then_some(Heredoc {
                terminator,
                strip_tabs,
            })
        })
        .collect()
}

/// Shell-like word split that keeps quotes and backslashes in the words.
fn split_shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match quote {
            None if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                continue;
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ => {}
        }
        word.push(c);
        if c == '\\' && quote != Some('\'') {
            if let Some(escaped) = chars.next() {
                word.push(escaped);
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Removes shell quoting: `"EOF"`, `'EOF'`, `E"O"F` and `\E` all give `EOF`.
fn unquote(text: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            Some('\'') => out.push(c),
            _ if c == '\\' => {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Variable expansion (BuildKit's shell-word rules)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
struct Expanded {
    value: String,
    /// What kept the word from being resolved: `$NAME` for a variable with no known value and
    /// no default, or a description of a malformed or unsupported expansion.
    unresolved: Vec<String>,
    /// Where in `value` a variable with no known value stands (byte offsets, ascending; the
    /// variable counts as empty text there), so that a caller can tell which parts of an
    /// image reference are known. Empty when the word failed to expand (then `value` is
    /// empty too and `unresolved` says why).
    holes: Vec<usize>,
}

/// Expands a word as BuildKit does for FROM: quotes removed, the escape character escaping the
/// next character, `$NAME` and `${NAME}` with the `-`, `:-`, `+`, `:+`, `?`, `:?` modifiers.
///
/// Variables with no known value are taken as unset, which is what they are unless a build
/// argument sets them: that makes defaults and alternatives deterministic, and only a value that
/// is really needed (no default) makes the word unresolved.
///
/// The values of variables it copies are charged to `budget` (see [`MAX_EXPANSION_BYTES`]);
/// a word whose expansion needs more than is left is unresolved.
fn expand_word(
    word: &str,
    escape: char,
    args: &HashMap<String, ArgValue>,
    budget: &mut usize,
) -> Expanded {
    let mut lexer = Lexer {
        chars: word.chars().collect(),
        position: 0,
        escape,
        args,
        budget,
        depth: 0,
        out: String::new(),
        holes: Vec::new(),
        unresolved: Vec::new(),
    };
    match lexer.process_until(None) {
        Ok(()) => {
            // A set to drop repeats: a word can name many thousands of variables.
            let mut seen = HashSet::new();
            let unresolved = lexer
                .unresolved
                .into_iter()
                .filter(|item| seen.insert(item.clone()))
                .collect();
            Expanded {
                value: lexer.out,
                unresolved,
                holes: lexer.holes,
            }
        }
        Err(problem) => Expanded {
            value: String::new(),
            unresolved: vec![problem],
            holes: Vec::new(),
        },
    }
}

/// Expands one word into one output buffer. A `${NAME:-word}` whose word turns out unused is
/// cut off the end of the buffer again, rather than built apart and copied in: each level of
/// nesting would otherwise copy its text once more.
struct Lexer<'a> {
    chars: Vec<char>,
    position: usize,
    escape: char,
    args: &'a HashMap<String, ArgValue>,
    /// Bytes of variable values that may still be copied.
    budget: &'a mut usize,
    /// How many `${NAME<modifier>word}` the lexer is inside.
    depth: usize,
    /// The expansion so far.
    out: String,
    /// Offsets in `out` of the variables with no known value (see [`Expanded::holes`]).
    holes: Vec<usize>,
    unresolved: Vec<String>,
}

/// How far the lexer's output went, to return to when a word turns out unused.
#[derive(Clone, Copy)]
struct Mark {
    out: usize,
    holes: usize,
    unresolved: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.position += 1;
        }
        c
    }

    fn mark(&self) -> Mark {
        Mark {
            out: self.out.len(),
            holes: self.holes.len(),
            unresolved: self.unresolved.len(),
        }
    }

    /// Drops what was expanded since `mark`: a word that is not used counts for nothing, not
    /// even the variables it could not resolve.
    fn discard_since(&mut self, mark: Mark) {
        self.out.truncate(mark.out);
        self.holes.truncate(mark.holes);
        self.unresolved.truncate(mark.unresolved);
    }

    /// Reads to `stop` (consumed) or to the end of the word when `stop` is None.
    fn process_until(&mut self, stop: Option<char>) -> Result<(), String> {
        loop {
            let Some(c) = self.peek() else {
                return match stop {
                    Some(stop) => Err(format!("missing '{stop}'")),
                    None => Ok(()),
                };
            };
            if Some(c) == stop {
                self.position += 1;
                return Ok(());
            }
            match c {
                '$' => {
                    self.position += 1;
                    self.dollar()?;
                }
                '\'' => {
                    self.position += 1;
                    loop {
                        match self.next() {
                            Some('\'') => break,
                            Some(inner) => self.out.push(inner),
                            None => return Err("missing closing single quote".to_string()),
                        }
                    }
                }
                '"' => {
                    self.position += 1;
                    self.double_quoted()?;
                }
                _ if c == self.escape => {
                    self.position += 1;
                    // A lone escape at the very end is dropped.
                    if let Some(escaped) = self.next() {
                        self.out.push(escaped);
                    }
                }
                _ => {
                    self.position += 1;
                    self.out.push(c);
                }
            }
        }
    }

    fn double_quoted(&mut self) -> Result<(), String> {
        loop {
            match self.next() {
                None => return Err("missing closing double quote".to_string()),
                Some('"') => return Ok(()),
                Some('$') => self.dollar()?,
                Some(c) if c == self.escape => match self.peek() {
                    Some(next) if next == '"' || next == '$' || next == self.escape => {
                        self.position += 1;
                        self.out.push(next);
                    }
                    None => {}
                    Some(_) => self.out.push(c),
                },
                Some(c) => self.out.push(c),
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            while let Some(c) = self.peek().filter(|c| c.is_ascii_digit()) {
                name.push(c);
                self.position += 1;
            }
            return name;
        }
        while let Some(c) = self.peek().filter(|c| c.is_alphanumeric() || *c == '_') {
            name.push(c);
            self.position += 1;
        }
        name
    }

    /// After a `$`.
    fn dollar(&mut self) -> Result<(), String> {
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                self.out.push('$');
                return Ok(());
            }
            return self.lookup(&name);
        }
        self.position += 1;
        let name = self.name();
        if name.is_empty() {
            return Err("bad substitution '${'".to_string());
        }
        let colon = self.peek() == Some(':');
        if colon {
            self.position += 1;
        }
        match self.next() {
            Some('}') if !colon => self.lookup(&name),
            Some(modifier @ ('-' | '+' | '?')) => {
                if self.depth >= MAX_EXPANSION_DEPTH {
                    return Err(format!(
                        "expansions nested more than {MAX_EXPANSION_DEPTH} levels deep"
                    ));
                }
                // The word is expanded in place, and cut off again if it is not used.
                let mark = self.mark();
                self.depth += 1;
                let word = self.process_until(Some('}'));
                self.depth -= 1;
                word?;
                // Borrowed, not copied: only the branches that use the value pay for a copy.
                let args = self.args;
                let set = match args.get(&name) {
                    Some(ArgValue::Known(value)) if !(colon && value.is_empty()) => Some(value),
                    _ => None,
                };
                match (modifier, set) {
                    ('-', Some(value)) | ('?', Some(value)) => {
                        self.discard_since(mark);
                        self.charge(value)
                    }
                    ('-', None) | ('+', Some(_)) => Ok(()),
                    ('?', None) => {
                        self.discard_since(mark);
                        self.missing(&name);
                        Ok(())
                    }
                    _ => {
                        self.discard_since(mark);
                        Ok(())
                    }
                }
            }
            None => Err("missing '}'".to_string()),
            // `${NAME#pattern}`, `${NAME%pattern}`, `${NAME/a/b}` and the like: not evaluated.
            _ => Err(format!("unsupported expansion of ${name}")),
        }
    }

    fn lookup(&mut self, name: &str) -> Result<(), String> {
        let args = self.args;
        match args.get(name) {
            Some(ArgValue::Known(value)) => self.charge(value),
            _ => {
                self.missing(name);
                Ok(())
            }
        }
    }

    /// A variable with no known value: empty text here, and a hole where it stands.
    fn missing(&mut self, name: &str) {
        self.unresolved.push(format!("${name}"));
        self.holes.push(self.out.len());
    }

    /// Appends a variable's value, paid for from the budget.
    fn charge(&mut self, value: &str) -> Result<(), String> {
        match self.budget.checked_sub(value.len()) {
            Some(left) => {
                *self.budget = left;
                self.out.push_str(value);
                Ok(())
            }
            None => Err(format!(
                "variable expansion copies more than {MAX_EXPANSION_BYTES} bytes"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(text: &str) -> Vec<Declared> {
        match parse(text) {
            Ok(manifest) => manifest.declared,
            Err(error) => panic!("parse failed: {error}"),
        }
    }

    /// (section, name, version, span text) for each declaration, checking spans are in range.
    fn summary(text: &str) -> Vec<(String, String, Option<String>, String)> {
        images(text)
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
    fn image_reference_parts() {
        let cases: [(&str, &str, Option<&str>, Option<&str>); 12] = [
            ("mongo", "mongo", None, None),
            ("mongo:7.0", "mongo", Some("7.0"), None),
            ("bitnami/mongodb:7", "bitnami/mongodb", Some("7"), None),
            (
                "localhost:5000/team/app",
                "localhost:5000/team/app",
                None,
                None,
            ),
            (
                "localhost:5000/team/app:1.2",
                "localhost:5000/team/app",
                Some("1.2"),
                None,
            ),
            ("nginx@sha256:abc", "nginx", None, Some("sha256:abc")),
            (
                "nginx:1.27@sha256:abc",
                "nginx",
                Some("1.27"),
                Some("sha256:abc"),
            ),
            (
                "registry:5000/a@sha256:abc",
                "registry:5000/a",
                None,
                Some("sha256:abc"),
            ),
            ("", "", None, None),
            (":", "", None, None),
            ("@", "", None, None),
            ("a:/b:", "a:/b", None, None),
        ];
        for (input, name, tag, digest) in cases {
            let parsed = parse_image_reference(input);
            assert_eq!(parsed.name, name, "{input}");
            assert_eq!(parsed.tag.as_deref(), tag, "{input}");
            assert_eq!(parsed.digest.as_deref(), digest, "{input}");
        }
        assert_eq!(parse_image_reference("nginx").version(), "latest");
        assert_eq!(
            parse_image_reference("nginx:1@sha256:x").version(),
            "1@sha256:x"
        );
        assert_eq!(
            parse_image_reference("nginx@sha256:x").version(),
            "sha256:x"
        );
        for odd in ["@@", "::", "/", "//:", ":@:", "a@b@c", "é:ü@ß", "\u{0}"] {
            let _ = parse_image_reference(odd).version();
        }
    }

    #[test]
    fn simple_from_with_span() {
        let text = "FROM nginx:1.27.4\nRUN echo hi\n";
        assert_eq!(
            summary(text),
            vec![row("FROM", "nginx", "1.27.4", "nginx:1.27.4")]
        );
        let d = &images(text)[0];
        assert_eq!(d.ecosystem, Ecosystem::Docker);
        assert_eq!(d.requirement, None);
        assert_eq!(d.source, None);
    }

    #[test]
    fn untagged_and_digest() {
        let text = "FROM nginx\nFROM nginx@sha256:5a27\nFROM nginx:1@sha256:5a27\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "nginx", "latest", "nginx"),
                row("FROM", "nginx", "sha256:5a27", "nginx@sha256:5a27"),
                row("FROM", "nginx", "1@sha256:5a27", "nginx:1@sha256:5a27"),
            ]
        );
    }

    #[test]
    fn registry_with_port() {
        let text = "FROM localhost:5000/team/app:2.1 AS app\n";
        assert_eq!(
            summary(text),
            vec![row(
                "FROM",
                "localhost:5000/team/app",
                "2.1",
                "localhost:5000/team/app:2.1"
            )]
        );
    }

    #[test]
    fn lowercase_instructions() {
        let text = "from alpine:3.19 as base\nfrom base\nFrOm debian:12\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "alpine", "3.19", "alpine:3.19"),
                row("FROM", "debian", "12", "debian:12"),
            ]
        );
    }

    #[test]
    fn stages_and_scratch_yield_nothing() {
        let text =
            "FROM golang:1.22 AS Build\nFROM build AS test\nFROM scratch\nFROM BUILD\nFROM test\n";
        assert_eq!(
            summary(text),
            vec![row("FROM", "golang", "1.22", "golang:1.22")]
        );
    }

    #[test]
    fn a_stage_name_used_before_it_is_defined_is_an_image() {
        let text = "FROM app\nFROM alpine AS app\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "app", "latest", "app"),
                row("FROM", "alpine", "latest", "alpine"),
            ]
        );
    }

    #[test]
    fn platform_flag_is_skipped() {
        let text = "FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\nFROM --platform=linux/amd64 alpine\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "golang", "1.22-alpine", "golang:1.22-alpine"),
                row("FROM", "alpine", "latest", "alpine"),
            ]
        );
    }

    #[test]
    fn continuation_lines_with_comments_and_blank_lines() {
        let text = "FROM \\\n# a comment inside\n\n    debian:12 \\\n  AS base\nRUN echo \\\n  FROM nope\n";
        assert_eq!(
            summary(text),
            vec![row("FROM", "debian", "12", "debian:12")]
        );
    }

    #[test]
    fn span_across_a_continuation_covers_the_file_text() {
        let text = "FROM debian:\\\n12\n";
        let d = &images(text)[0];
        assert_eq!(d.name, "debian");
        assert_eq!(d.version.as_deref(), Some("12"));
        assert_eq!(
            text.get(d.span.offset..d.span.offset + d.span.len),
            Some("debian:\\\n12")
        );
    }

    #[test]
    fn escape_directive_backtick() {
        let text = "# escape=`\nFROM `\n    mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\\nFROM alpine\n";
        assert_eq!(
            summary(text),
            vec![
                row(
                    "FROM",
                    "mcr.microsoft.com/windows/servercore",
                    "ltsc2022",
                    "mcr.microsoft.com/windows/servercore:ltsc2022"
                ),
                row("FROM", "alpine", "latest", "alpine"),
            ]
        );
    }

    #[test]
    fn escape_directive_with_syntax_and_case() {
        let text = "# syntax=docker/dockerfile:1\n#ESCAPE = `\n\nFROM `\nubuntu\n";
        assert_eq!(
            summary(text),
            vec![row("FROM", "ubuntu", "latest", "ubuntu")]
        );
    }

    #[test]
    fn escape_directive_after_a_comment_is_ignored() {
        // The backslash stays the escape character, so the first line continues.
        let text = "# hello\n# escape=`\nFROM \\\nubuntu\n";
        assert_eq!(
            summary(text),
            vec![row("FROM", "ubuntu", "latest", "ubuntu")]
        );
        let text = "\n# escape=`\nFROM `\nubuntu\n";
        // Backtick is not an escape here: "FROM `" is its own instruction and "ubuntu" another.
        assert_eq!(summary(text), vec![row("FROM", "`", "latest", "`")]);
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let text = "FROM alpine\nRUN <<EOF\nFROM evil\nEOF\nCOPY <<-\"END\" /x\n\tFROM evil2\n\tEND\nRUN <<'A' cat - <<B\nFROM evil3\nA\nFROM evil4\nB\nFROM debian\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "alpine", "latest", "alpine"),
                row("FROM", "debian", "latest", "debian"),
            ]
        );
    }

    #[test]
    fn heredoc_only_for_run_copy_add() {
        let text = "FROM alpine\nLABEL x=<<EOF\nFROM debian\nEOF\n";
        let names: Vec<String> = images(text).into_iter().map(|d| d.name).collect();
        assert_eq!(names, vec!["alpine", "debian"]);
        // JSON form does not open a heredoc.
        let text = "FROM alpine\nRUN [\"sh\", \"<<EOF\"]\nFROM debian\nEOF\n";
        let names: Vec<String> = images(text).into_iter().map(|d| d.name).collect();
        assert_eq!(names, vec!["alpine", "debian"]);
    }

    #[test]
    fn unterminated_heredoc_swallows_the_rest() {
        let text = "FROM alpine\nRUN <<EOF\nFROM evil\n";
        let names: Vec<String> = images(text).into_iter().map(|d| d.name).collect();
        assert_eq!(names, vec!["alpine"]);
    }

    #[test]
    fn global_args_expand_in_from() {
        let text = "ARG NGINX=nginx:1.27.4\nARG UBUNTU=\"ubuntu:latest\" TAG=3.19 EMPTY=\nARG REG\nFROM ${NGINX}\nFROM $UBUNTU\nFROM alpine:$TAG\nFROM alpine:${REG:-3.20}\nFROM alpine:${EMPTY:-3.21}\nFROM alpine:${EMPTY-x}3.22\nFROM alpine:${TAG:+3.23}\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "nginx", "1.27.4", "${NGINX}"),
                row("FROM", "ubuntu", "latest", "$UBUNTU"),
                row("FROM", "alpine", "3.19", "alpine:$TAG"),
                row("FROM", "alpine", "3.20", "alpine:${REG:-3.20}"),
                row("FROM", "alpine", "3.21", "alpine:${EMPTY:-3.21}"),
                row("FROM", "alpine", "3.22", "alpine:${EMPTY-x}3.22"),
                row("FROM", "alpine", "3.23", "alpine:${TAG:+3.23}"),
            ]
        );
    }

    #[test]
    fn arg_values_use_earlier_args() {
        let text = "ARG V=12\nARG BASE=debian:${V}-slim\nFROM $BASE\n";
        assert_eq!(
            summary(text),
            vec![row("FROM", "debian", "12-slim", "$BASE")]
        );
    }

    #[test]
    fn stage_args_do_not_reach_from() {
        let text = "FROM alpine\nARG IMG=debian\nFROM $IMG\n";
        let entries = images(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].name, "$IMG");
        assert_eq!(entries[1].source.as_deref(), Some("unresolved: $IMG"));
    }

    #[test]
    fn unresolvable_variable_is_reported_as_written() {
        let text =
            "ARG VERSION\nFROM ${REGISTRY}/app:${VERSION:?required}\nFROM ${BASE}\nFROM node:${VERSION}-alpine\n";
        let entries = images(text);
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].name, "${REGISTRY}/app:${VERSION:?required}");
        assert_eq!(entries[0].version, None);
        assert_eq!(entries[0].requirement, None);
        assert_eq!(
            entries[0].source.as_deref(),
            Some("unresolved: $REGISTRY, $VERSION")
        );
        assert_eq!(
            text.get(entries[0].span.offset..entries[0].span.offset + entries[0].span.len),
            Some("${REGISTRY}/app:${VERSION:?required}")
        );
        assert_eq!(entries[1].name, "${BASE}");
        assert_eq!(entries[1].source.as_deref(), Some("unresolved: $BASE"));
        // Only the tag needs a value: the name is known (see the next tests).
        assert_eq!(entries[2].name, "node");
        assert_eq!(entries[2].version, None);
        assert_eq!(
            entries[2].source.as_deref(),
            Some("tag unresolved: $VERSION")
        );
        assert_eq!(
            text.get(entries[2].span.offset..entries[2].span.offset + entries[2].span.len),
            Some("node:${VERSION}-alpine")
        );
    }

    #[test]
    fn adjacent_wildcards_are_one() {
        let segments = |raw: &str| literal_segments(&stage_pattern(raw, '\\').expect("a pattern"));
        assert_eq!(segments("x${A}${B}$C"), vec!["x", ""]);
        assert_eq!(segments("${A}${B}x"), vec!["", "x"]);
        assert_eq!(segments("a${A}${B}b${C}$D.c"), vec!["a", "b", ".c"]);
        assert_eq!(segments("ab"), vec!["ab"]);
    }

    #[test]
    fn stage_patterns_match_like_wildcards() {
        let matches = |raw: &str, stage: &str| {
            let pattern = stage_pattern(raw, '\\').expect("a pattern");
            glob_matches(&literal_segments(&pattern), stage)
        };
        assert!(matches("build-$OS", "build-linux"));
        assert!(matches("build-$OS", "build-"));
        assert!(matches("${A}-x-${B}", "a-x-b"));
        assert!(matches("a${A}a", "aa"));
        assert!(matches("a${A}b${B}a", "abba"));
        assert!(matches("a${A}b${B}a", "aba"));
        assert!(!matches("a${A}b${B}a", "aab"));
        assert!(!matches("build-$OS", "built-linux"));
        assert!(!matches("$OS-build", "linux-buil"));
        assert!(!matches("ab${A}ba", "aba"));
    }

    #[test]
    fn deeply_nested_defaults_are_unresolved_not_a_crash() {
        let text = format!(
            "FROM {}alpine{}\n",
            "${A:-".repeat(20_000),
            "}".repeat(20_000)
        );
        let entries = images(&text);
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0].source.as_deref(),
            Some("unresolved: expansions nested more than 32 levels deep")
        );
        let text = format!("FROM {}alpine{}\n", "${A:-".repeat(32), "}".repeat(32));
        assert_eq!(images(&text)[0].name, "alpine");
    }

    #[test]
    fn doubling_args_stop_at_the_expansion_budget() {
        let chain = |lines: usize| {
            let mut text = String::from("ARG A0=xxxxxxxxxxxxxxxx\n");
            for i in 1..lines {
                text.push_str(&format!("ARG A{i}=$A{prev}$A{prev}\n", prev = i - 1));
            }
            text
        };
        // A short chain is expanded as usual.
        let entries = images(&format!("{}FROM alpine:$A5\n", chain(6)));
        assert_eq!(
            entries[0].version.as_deref(),
            Some("x".repeat(16 << 5).as_str())
        );
        // Each ARG is twice the one before: 2^64 bytes by the last line without a bound. The
        // ARGs past the budget are unknown, as if set at build time.
        let entries = images(&format!("{}FROM alpine:$A59\n", chain(60)));
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].name, "alpine");
        assert_eq!(entries[0].version, None);
        assert_eq!(entries[0].source.as_deref(), Some("tag unresolved: $A59"));
    }

    #[test]
    fn many_variables_stages_and_long_names_take_linear_time() {
        // Each of these took minutes with quadratic work.
        let names: Vec<String> = (0..50_000).map(|i| format!("$V{i}")).collect();
        let entries = images(&format!("FROM {}\n", names.join("-")));
        let unresolved = entries[0].source.as_deref().unwrap_or_default();
        assert_eq!(unresolved.matches('$').count(), 50_000);

        let long = "a".repeat(100_000);
        let text = format!("FROM alpine AS {long}c\nFROM ${{X}}{long}b\n");
        assert_eq!(images(&text).len(), 2);

        let mut text = String::new();
        for i in 0..30_000 {
            text.push_str(&format!("FROM alpine AS stage{i}\n"));
        }
        for i in 0..3_000 {
            text.push_str(&format!("FROM ${{X}}q{i}\n"));
        }
        assert_eq!(images(&text).len(), 33_000);
    }

    #[test]
    fn patterns_with_long_or_many_pieces_take_linear_time_against_many_stages() {
        // Each stage was compared with every piece of the pattern: a segment of 100,000
        // characters was prepared for a search once per stage, and 50,000 adjacent variables
        // made 50,000 empty segments tried once per stage (seconds each, minutes in a debug
        // build).
        let stages = |prefix: &str, suffix: &str| {
            let mut text = String::new();
            for i in 0..30_000 {
                text.push_str(&format!("FROM alpine AS {prefix}{i}{suffix}\n"));
            }
            text
        };
        let text = format!(
            "{}FROM ${{X}}q${{Y}}{}${{Z}}\n",
            stages("q", ""),
            "a".repeat(100_000)
        );
        assert_eq!(images(&text).len(), 30_001);
        let text = format!(
            "{}FROM x{}q${{B}}z\n",
            stages("x", "z"),
            "${A}".repeat(50_000)
        );
        assert_eq!(images(&text).len(), 30_001);
    }

    #[test]
    fn long_lines_and_continuations_keep_their_spans() {
        // One offset per piece, not per byte: spans still point into the file.
        let mut text = String::from("FROM \\\n");
        for _ in 0..10_000 {
            text.push_str("  # a comment\n\n");
        }
        text.push_str("  mon\\\ngo:\\\n7 AS db\n");
        let entries = images(&text);
        assert_eq!(entries.len(), 1);
        let d = &entries[0];
        assert_eq!(
            (d.name.as_str(), d.version.as_deref()),
            ("mongo", Some("7"))
        );
        assert_eq!(
            text.get(d.span.offset..d.span.offset + d.span.len),
            Some("mon\\\ngo:\\\n7")
        );
        let text = format!(
            "FROM alpine\nRUN {}\nFROM debian:12\n",
            "x".repeat(1_000_000)
        );
        assert_eq!(
            images(&text)[1].span.offset,
            text.len() - "debian:12\n".len()
        );
    }

    #[test]
    fn escaped_dollar_is_literal() {
        let text = "FROM a\\$b\n";
        assert_eq!(images(text)[0].name, "a$b");
        let text = "# escape=`\nFROM a`$b\n";
        assert_eq!(images(text)[0].name, "a$b");
    }

    #[test]
    fn malformed_expansion_is_unresolved() {
        let entries = images("FROM alpine:${TAG\nFROM alpine:${TAG%%-*}\n");
        assert_eq!(entries.len(), 2);
        assert!(entries.iter().all(|d| d.version.is_none()
            && d.source
                .as_deref()
                .is_some_and(|s| s.starts_with("unresolved: "))));
    }

    #[test]
    fn unresolved_reference_to_per_platform_stages_is_a_stage() {
        let text = "FROM alpine AS build-linux\nFROM alpine AS build-windows\nFROM build-$TARGETOS\nFROM $IMAGE\n";
        let names: Vec<String> = images(text).into_iter().map(|d| d.name).collect();
        assert_eq!(names, vec!["alpine", "alpine", "$IMAGE"]);
    }

    #[test]
    fn copy_from_image() {
        let text = "FROM golang:1.22 AS build\nCOPY --from=build /a /b\nCOPY --from=0 /a /b\nCOPY --chown=1:1 --from=nginx:1.27 /etc/nginx /etc/nginx\nCOPY --from=\"Build\" /a /b\nCOPY --from=scratch /a /b\nADD --from=ignored:1 /a /b\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "golang", "1.22", "golang:1.22"),
                row("COPY --from", "nginx", "1.27", "nginx:1.27"),
            ]
        );
    }

    #[test]
    fn copy_from_takes_its_value_literally() {
        // BuildKit expands no variable in `--from`, not even a global ARG with a default: the
        // value is the text written, which with a `$` in it is no image and no stage.
        let text = "ARG TOOLS=busybox:1.36\nARG OS=linux\nFROM alpine AS build-linux\nCOPY --from=$TOOLS /bin/sh /sh\nCOPY --from=\"${TOOLS}\" /a /b\nCOPY --from=build-$OS /a /b\nCOPY --from=build-linux /a /b\n";
        let entries = images(text);
        let got: Vec<(&str, &str, Option<&str>, Option<&str>)> = entries
            .iter()
            .map(|d| {
                (
                    d.section.as_str(),
                    d.name.as_str(),
                    d.version.as_deref(),
                    d.source.as_deref(),
                )
            })
            .collect();
        let unresolved = Some("unresolved: COPY --from does not expand variables");
        assert_eq!(
            got,
            vec![
                ("FROM", "alpine", Some("latest"), None),
                ("COPY --from", "$TOOLS", None, unresolved),
                ("COPY --from", "${TOOLS}", None, unresolved),
                ("COPY --from", "build-$OS", None, unresolved),
            ]
        );
        assert_eq!(
            text.get(entries[1].span.offset..entries[1].span.offset + entries[1].span.len),
            Some("$TOOLS")
        );
        assert_eq!(
            text.get(entries[2].span.offset..entries[2].span.offset + entries[2].span.len),
            Some("${TOOLS}")
        );
    }

    /// (name, version, source) of each declaration.
    fn resolved(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
        images(text)
            .into_iter()
            .map(|d| (d.name, d.version, d.source))
            .collect()
    }

    fn some(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn a_known_name_with_an_unknown_tag_or_digest_is_that_image() {
        let text = "ARG V\nARG TARGET=x86_64-unknown-linux-musl\nARG CROSS_DIGEST\n\
            FROM mongo:${V}\n\
            FROM registry.example/cross-rs/${TARGET}@${CROSS_DIGEST}\n\
            FROM node:18@$D\n\
            FROM node:${V}-alpine@$D\n\
            FROM localhost:5000/team/app:$V\n\
            FROM mongo:${V:?required}\n";
        assert_eq!(
            resolved(text),
            vec![
                ("mongo".into(), None, some("tag unresolved: $V")),
                (
                    "registry.example/cross-rs/x86_64-unknown-linux-musl".into(),
                    None,
                    some("digest unresolved: $CROSS_DIGEST")
                ),
                ("node".into(), some("18"), some("digest unresolved: $D")),
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
                ("mongo".into(), None, some("tag unresolved: $V")),
            ]
        );
    }

    #[test]
    fn a_variable_that_may_change_the_name_leaves_it_unresolved() {
        // Each variable stands where it could add to the name, make a tag of it (`:7`), or
        // turn the `:` before it into a registry's port (`localhost:${PORT}/app`).
        let text = "ARG V\n\
            FROM mongo${V}\n\
            FROM mongo${V}:7\n\
            FROM ${V}mongo:7\n\
            FROM localhost:${V}/app:1\n\
            FROM registry.example/${V}/app:1\n\
            FROM mongo${V}@sha256:abc\n\
            FROM :${V}\n";
        for (name, version, source) in resolved(text) {
            assert!(name.contains('$'), "{name}");
            assert_eq!(version, None, "{name}");
            assert_eq!(source.as_deref(), Some("unresolved: $V"), "{name}");
        }
        assert_eq!(images(text).len(), 7);
    }

    #[test]
    fn unused_defaults_leave_no_hole() {
        // A word that is not used counts for nothing, a used one with what it could not
        // resolve.
        let expand = |word: &str| {
            let mut args = HashMap::new();
            args.insert("SET".to_string(), ArgValue::Known("x".to_string()));
            let mut budget = MAX_EXPANSION_BYTES;
            expand_word(word, '\\', &args, &mut budget)
        };
        let e = expand("a:${SET:-$NO}b");
        assert_eq!((e.value.as_str(), e.holes.len()), ("a:xb", 0));
        let e = expand("a:${NO:-$NO2}b");
        assert_eq!((e.value.as_str(), e.holes.as_slice()), ("a:b", &[2][..]));
        assert_eq!(e.unresolved, vec!["$NO2"]);
        let e = expand("a:${NO:+$NO2}b${SET:+$NO3}");
        assert_eq!((e.value.as_str(), e.holes.as_slice()), ("a:b", &[3][..]));
        assert_eq!(e.unresolved, vec!["$NO3"]);
        let e = expand("\"a$NO\"'$NO'b");
        assert_eq!((e.value.as_str(), e.holes.as_slice()), ("a$NOb", &[1][..]));
    }

    #[test]
    fn crlf_line_endings() {
        let text = "# escape=`\r\nFROM `\r\n  alpine:3.19 AS a\r\nRUN <<EOF\r\nFROM evil\r\nEOF\r\nFROM debian:12\r\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "alpine", "3.19", "alpine:3.19"),
                row("FROM", "debian", "12", "debian:12"),
            ]
        );
    }

    #[test]
    fn byte_order_mark_and_non_ascii() {
        let text = "\u{feff}FROM alpine\nLABEL é=ü\nFROM debian:12\n";
        assert_eq!(
            summary(text),
            vec![
                row("FROM", "alpine", "latest", "alpine"),
                row("FROM", "debian", "12", "debian:12"),
            ]
        );
    }

    #[test]
    fn no_from_is_an_empty_manifest() {
        for text in [
            "",
            "\n\n",
            "# only a comment\n",
            "RUN yarn install --production\n",
            "\u{0}\u{1}\u{ffff}FROM",
            "FROM",
            "FROM --platform=x",
            "\\",
            "`",
        ] {
            let manifest = parse(text);
            assert!(manifest.is_ok(), "{text:?}");
        }
        assert!(images("RUN yarn install --production\n").is_empty());
    }

    #[test]
    fn odd_input_never_panics() {
        let pieces = [
            "FROM ",
            "\\",
            "`",
            "\n",
            "\r\n",
            "<<",
            "<<-",
            "\"",
            "'",
            "${",
            "}",
            "$",
            ":-",
            "ARG ",
            "A=",
            "COPY --from=",
            "é",
            "\t",
            "# escape=`\n",
            "AS ",
            "EOF",
            "\u{feff}",
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let index = (seed >> 33) as usize % pieces.len();
                text.push_str(pieces[index]);
            }
            let manifest = parse(&text);
            for d in manifest.map(|m| m.declared).unwrap_or_default() {
                assert!(d.span.offset + d.span.len <= text.len(), "{text:?}");
                assert!(
                    text.get(d.span.offset..d.span.offset + d.span.len)
                        .is_some(),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn directive_parsing() {
        assert_eq!(
            parse_directive("# escape=`"),
            Some(("escape".to_string(), "`"))
        );
        assert_eq!(
            parse_directive("#Syntax = docker/dockerfile:1  "),
            Some(("syntax".to_string(), "docker/dockerfile:1"))
        );
        assert_eq!(parse_directive("# a comment"), None);
        assert_eq!(parse_directive("# key="), None);
        assert_eq!(parse_directive("#=x"), None);
    }
}
