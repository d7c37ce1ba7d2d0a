//! Byte offsets to 1-based line and column numbers, computed once per file.
//!
//! Every position a report prints goes through here, so no query may cost more than a
//! constant: a span's line is a binary search over line starts, and its column is a count of
//! characters over at most one checkpoint block, never from the start of its line. A file
//! written on one line (a minified lockfile) has hundreds of thousands of spans on that line;
//! counting from the line start made such a file quadratic.

use std::ops::Range;
use std::sync::Arc;

/// Bytes between two checkpoints of the character count. A query counts at most this many
/// bytes twice; the table costs one word per block, only for text that is not ASCII.
const BLOCK: usize = 256;

/// The start offset of every line of one text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters before the start of each `BLOCK`-byte block of the text. Empty when the
    /// text is ASCII: a column is then a difference of offsets.
    chars_before: Vec<usize>,
}

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
fn starts_char(byte: u8) -> bool {
    (byte as i8) >= -0x40
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        // Every byte of every manifest passes through here: memchr finds the newlines with
        // the processor's vector instructions, and std's ASCII test reads a word at a time.
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|newline| newline + 1));
        let chars_before = if text.is_ascii() {
            Vec::new()
        } else {
            // One entry per block start, the end of the text included: an offset at the end
            // of a text whose length is a multiple of BLOCK starts a block of its own.
            let mut before = 0;
            let mut table: Vec<usize> = bytes
                .chunks(BLOCK)
                .map(|block| {
                    let at = before;
                    before += block.iter().filter(|&&b| starts_char(b)).count();
                    at
                })
                .collect();
            table.push(before);
            table
        };
        LineIndex {
            starts,
            chars_before,
        }
    }

    /// Characters in `text[..offset]`, for an offset on a character boundary.
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        if self.chars_before.is_empty() {
            return offset;
        }
        let block = offset / BLOCK;
        let counted = text.as_bytes()[block * BLOCK..offset]
            .iter()
            .filter(|&&b| starts_char(b))
            .count();
        self.chars_before[block] + counted
    }

    /// The 1-based line of `offset`; offsets past the end land on the last line.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    /// The byte range of 1-based line `line` of `text`, without its line break (a `\r` before
    /// the `\n` stays); an empty range at the end for a line past the last.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let Some(&start) = self.starts.get(line.max(1) - 1) else {
            return text.len()..text.len();
        };
        let end = self
            .starts
            .get(line.max(1))
            .map_or(text.len(), |&next| next - 1);
        start.min(text.len())..end.min(text.len())
    }

    /// 1-based line and column of `offset`; the column counts characters, as editors and
    /// GitHub annotations do. Offsets past the end land on the last line.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line(offset);
        let start = self.starts[line - 1];
        let column = if text.is_char_boundary(offset) {
            self.chars_to(text, offset) - self.chars_to(text, start)
        } else {
            // Inside a character: no character count is right; the byte distance is a column.
            offset - start
        };
        (line, column + 1)
    }

    /// Characters in `text[range]`, for a range on character boundaries, in constant time.
    pub fn char_len(&self, text: &str, range: Range<usize>) -> usize {
        let end = range.end.min(text.len());
        let start = range.start.min(end);
        self.chars_to(text, end) - self.chars_to(text, start)
    }
}

/// A file's text with its line index: what a report needs to turn spans into positions and
/// excerpts without reading the file again.
#[derive(Clone, Debug)]
pub struct SourceText {
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

impl SourceText {
    pub fn new(text: Arc<str>) -> SourceText {
        let lines = Arc::new(LineIndex::new(&text));
        SourceText { text, lines }
    }

    /// 1-based line and column of `offset`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        self.lines.line_column(&self.text, offset)
    }

    /// The byte range of 1-based line `line`, without its line break.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        self.lines.line_range(&self.text, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_in_every_position_of_a_word() {
        for length in 0..40 {
            for newline in 0..length {
                let mut text = "x".repeat(length);
                text.replace_range(newline..newline + 1, "\n");
                let index = LineIndex::new(&text);
                assert_eq!(index.starts, [0, newline + 1], "{length} {newline}");
            }
        }
    }

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncdé\r\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(text, 0), (1, 1));
        assert_eq!(index.line_column(text, 1), (1, 2));
        assert_eq!(index.line_column(text, 3), (2, 1));
        assert_eq!(index.line_column(text, 7), (2, 4));
        assert_eq!(index.line_column(text, 9), (3, 1));
        assert_eq!(index.line_column(text, 100), (3, 2));
        assert_eq!(index.line_column("", 0), (1, 1));
        assert_eq!(index.line_range(text, 1), 0..2);
        assert_eq!(index.line_range(text, 2), 3..8);
        assert_eq!(index.line_range(text, 3), 9..10);
        assert_eq!(index.line_range(text, 4), 10..10);
    }

    /// A non-ASCII text whose length is a multiple of the block: the end of the text is
    /// the start of a block past the last one.
    #[test]
    fn the_end_of_a_text_of_whole_blocks() {
        for blocks in 1..4 {
            let text = format!("é{}", "x".repeat(blocks * BLOCK - 2));
            assert_eq!(text.len(), blocks * BLOCK);
            let index = LineIndex::new(&text);
            assert_eq!(index.line_column(&text, text.len()), (1, blocks * BLOCK));
            assert_eq!(index.char_len(&text, 0..text.len()), blocks * BLOCK - 1);
        }
    }

    /// The checkpointed count agrees with counting from the line start, at every offset of
    /// texts that mix one-, two-, three- and four-byte characters across block boundaries.
    #[test]
    fn columns_agree_with_counting_from_the_line_start() {
        let pieces = ["a", "é", "€", "𝄞", "\n", "bc", "\r\n"];
        for seed in 0..20u64 {
            let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let mut text = String::new();
            while text.len() < 3 * BLOCK + 17 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Few newlines, so that lines span several blocks.
                let pick = (state >> 33) as usize % (pieces.len() * 8);
                let piece = pieces.get(pick).copied().unwrap_or("x");
                text.push_str(piece);
            }
            let index = LineIndex::new(&text);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
                let line = text[..offset].matches('\n').count() + 1;
                let column = text[start..offset].chars().count() + 1;
                assert_eq!(
                    index.line_column(&text, offset),
                    (line, column),
                    "seed {seed} offset {offset}"
                );
                assert_eq!(index.char_len(&text, start..offset), column - 1);
            }
        }
    }
}
