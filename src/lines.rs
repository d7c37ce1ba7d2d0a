//! Byte offsets to 1-based line and column numbers, computed once per file.

/// The start offset of every line of one text.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        // Every byte of every manifest passes through here: test eight bytes at a time for a
        // newline (the classic "has a zero byte" test on the word xor newlines), and look at
        // single bytes only in words that hold one.
        const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
        const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
        const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
        let bytes = text.as_bytes();
        let mut chunks = bytes.chunks_exact(8);
        let mut offset = 0;
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_ne_bytes(word) ^ NEWLINES;
            if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
                for (at, &byte) in chunk.iter().enumerate() {
                    if byte == b'\n' {
                        starts.push(offset + at + 1);
                    }
                }
            }
            offset += 8;
        }
        for (at, &byte) in chunks.remainder().iter().enumerate() {
            if byte == b'\n' {
                starts.push(offset + at + 1);
            }
        }
        LineIndex { starts }
    }

    /// 1-based line and column of `offset`; the column counts characters, as editors and
    /// GitHub annotations do. Offsets past the end land on the last line.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset)
            .map(|prefix| prefix.chars().count())
            .unwrap_or(offset - start);
        (line, column + 1)
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
    }
}
