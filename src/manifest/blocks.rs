//! Reading part of a line-structured lockfile (yarn.lock, pnpm-lock.yaml): the entries whose
//! keys name a wanted package, cut out of the text and parsed on their own, with every span
//! mapped back to the whole file.
//!
//! A lockfile read only to resolve the declarations of a few named manifests (the pre-commit
//! path) need not be parsed whole: in a monorepo it runs to megabytes, nearly all of it about
//! other packages. Both formats write one entry per block of lines that starts at a fixed
//! indentation, so the blocks can be chosen by their first line (or, where that line cannot
//! tell, by the whole block) before any parsing. Choosing is conservative: a block whose key
//! cannot be read is kept.

use super::{Lockfile, ParseError, Span};

/// What a line means to the cutting.
pub(crate) enum Line {
    /// The first line of a block.
    Starts(Keep),
    /// A line of the current block (indented deeper, blank, or a comment).
    Continues,
}

/// Whether a block is kept, as far as its first line tells.
pub(crate) enum Keep {
    Yes,
    No,
    /// Decided from the whole block once it ends.
    Maybe,
}

/// Some blocks of a text, and where each piece came from.
pub(crate) struct Kept {
    pub text: String,
    /// (offset in `text`, offset in the original) of each piece, in order.
    pieces: Vec<(usize, usize)>,
}

impl Kept {
    /// The blocks of `text` that `classify` keeps (or, for a block it leaves undecided,
    /// `decide` keeps when given the whole block), with the lines before the first block.
    /// `classify` sees each line without its line end.
    pub fn cut(
        text: &str,
        mut classify: impl FnMut(&str) -> Line,
        mut decide: impl FnMut(&str) -> bool,
    ) -> Kept {
        let mut kept = Kept {
            text: String::with_capacity(text.len() / 8),
            pieces: Vec::new(),
        };
        let mut block = (0, Keep::Yes);
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if let Line::Starts(keep) = classify(line.trim_end_matches(['\n', '\r'])) {
                kept.flush(text, block, offset, &mut decide);
                block = (offset, keep);
            }
            offset += line.len();
        }
        kept.flush(text, block, offset, &mut decide);
        kept
    }

    /// Keeps the block `start..end` of `text` if it is to be kept.
    fn flush(
        &mut self,
        text: &str,
        (start, keep): (usize, Keep),
        end: usize,
        decide: &mut impl FnMut(&str) -> bool,
    ) {
        let block = &text[start..end];
        let keep = match keep {
            Keep::Yes => true,
            Keep::No => false,
            Keep::Maybe => decide(block),
        };
        if !keep || block.is_empty() {
            return;
        }
        // Adjacent kept blocks form one piece.
        let contiguous = self
            .pieces
            .last()
            .is_some_and(|&(at, from)| start - from == self.text.len() - at);
        if !contiguous {
            self.pieces.push((self.text.len(), start));
        }
        self.text.push_str(block);
    }

    /// The offset in the original text of `offset` in the kept text.
    fn original(&self, offset: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|&(at, _)| at <= offset)
            .saturating_sub(1);
        match self.pieces.get(index) {
            Some(&(at, from)) => from + (offset - at),
            None => offset,
        }
    }

    /// Spans of a lockfile parsed from the kept text, made to point into the original.
    pub fn map_back(&self, parsed: Result<Lockfile, ParseError>) -> Result<Lockfile, ParseError> {
        let span = |span: Span| Span::new(self.original(span.offset), span.len);
        match parsed {
            Ok(mut lock) => {
                for package in &mut lock.packages {
                    package.span = span(package.span);
                }
                Ok(lock)
            }
            Err(mut error) => {
                error.span = error.span.map(span);
                Err(error)
            }
        }
    }
}

/// The parts of an entry key, unquoted: `"@s/a@npm:^1, @s/a@npm:^1.2":` has `@s/a@npm:^1`
/// and `@s/a@npm:^1.2`. None when the line is no `key:`.
pub(crate) fn key_parts(key_line: &str) -> Option<Vec<&str>> {
    let key = key_line.trim_end().strip_suffix(':')?;
    // Classic yarn quotes each descriptor, berry the whole key.
    Some(
        key.split(',')
            .map(|part| part.trim().trim_matches(['"', '\'']))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{ManifestKind, Parsed};

    /// Reading part of a real lockfile gives exactly the full reading's entries for the
    /// wanted names (same versions, same spans into the file), and the same workspaces.
    #[test]
    fn a_partial_read_keeps_what_the_wanted_names_need() {
        for (kind, file) in [
            (
                ManifestKind::YarnLock,
                "fixtures/corpus/jestjs__jest/yarn.lock",
            ),
            (
                ManifestKind::YarnLock,
                "fixtures/corpus/vectordotdev__vector/website/yarn.lock",
            ),
            (
                ManifestKind::PnpmLock,
                "fixtures/corpus/vuejs__core/pnpm-lock.yaml",
            ),
            (
                ManifestKind::PnpmLock,
                "fixtures/conformance/lockfile-history/vuejs__core@ca9920c7d708/pnpm-lock.yaml",
            ),
            (
                ManifestKind::PnpmLock,
                "fixtures/conformance/lockfile-history/vuejs__core@37701a88c0a0/pnpm-lock.yaml",
            ),
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let text = std::fs::read_to_string(&path).expect("corpus lockfile");
            let lock = |parsed: Result<Parsed, ParseError>| match parsed {
                Ok(Parsed::Lockfile(lock)) => lock,
                other => panic!("{file}: {other:?}"),
            };
            let full = lock(kind.parse(&text));
            // Every fifth name, so that some packages are left out and some kept.
            let mut names: Vec<&str> = full.packages.iter().map(|p| p.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let wanted: std::collections::HashSet<&str> =
                names.iter().copied().step_by(5).collect();
            let part = lock(kind.parse_for_context(&text, &|name| wanted.contains(name)));
            let summary = |lock: &Lockfile| -> Vec<(String, String, Span)> {
                let mut out: Vec<_> = lock
                    .packages
                    .iter()
                    .filter(|p| wanted.contains(p.name.as_str()))
                    .map(|p| (p.name.clone(), p.version.clone(), p.span))
                    .collect();
                out.sort();
                out
            };
            assert!(!summary(&full).is_empty());
            assert_eq!(summary(&part), summary(&full), "{file}");
            assert!(
                part.packages.len() < full.packages.len(),
                "{file}: nothing left out"
            );
            assert_eq!(part.workspaces, full.workspaces, "{file}");
            assert_eq!(part.importers.len(), full.importers.len(), "{file}");
        }
    }

    #[test]
    fn kept_blocks_map_back_to_their_offsets() {
        let text = "head\nA:\n  a\n\nB:\n  b\r\n  b\nC:\n  c\nD:\n  d";
        let kept = Kept::cut(
            text,
            |line| match line.chars().next() {
                Some('A') => Line::Starts(Keep::Yes),
                Some('B') => Line::Starts(Keep::No),
                Some('C' | 'D') => Line::Starts(Keep::Maybe),
                _ => Line::Continues,
            },
            |block| block.contains('c'),
        );
        assert_eq!(kept.text, "head\nA:\n  a\n\nC:\n  c\n");
        for (at, _) in kept.text.match_indices(|c: char| c.is_ascii_alphabetic()) {
            let original = kept.original(at);
            assert_eq!(
                text[original..].chars().next(),
                kept.text[at..].chars().next()
            );
        }
        assert_eq!(
            kept.original(kept.text.find('C').unwrap_or(0)),
            text.find('C').unwrap_or(1)
        );
    }

    /// Entries a wanted name reaches by another way than their key: a bare alias (yarn names
    /// `other@npm:real` after `real`), a berry resolution of another name, a pnpm project whose
    /// dependency resolves to a package of another name (`jsr:`, overrides).
    #[test]
    fn entries_named_otherwise_than_by_their_key_are_kept() {
        let classic = "# yarn lockfile v1\n\nreal@^1.0.0:\n  version \"1.5.0\"\n\nother@npm:real:\n  version \"2.0.0\"\n\nunrelated@^1:\n  version \"1.0.0\"\n";
        let berry = "__metadata:\n  version: 8\n\n\"foo@npm:^1\":\n  version: 1.0.0\n  resolution: \"bar@npm:1.0.0\"\n\n\"baz@npm:^2\":\n  version: 2.0.0\n  resolution: \"baz@npm:2.0.0\"\n";
        let pnpm = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      '@std/encoding':\n        specifier: jsr:^1.0.0\n        version: '@jsr/std__encoding@1.0.10'\n      other:\n        specifier: ^1.0.0\n        version: 1.0.0\n\npackages:\n\n  '@jsr/std__encoding@1.0.10':\n    resolution: {integrity: sha512-x}\n\n  other@1.0.0:\n    resolution: {integrity: sha512-y}\n\nsnapshots:\n\n  '@jsr/std__encoding@1.0.10': {}\n\n  other@1.0.0: {}\n";
        for (kind, text, name, in_full) in [
            (ManifestKind::YarnLock, classic, "real", 2),
            (ManifestKind::YarnLock, berry, "bar", 1),
            (ManifestKind::PnpmLock, pnpm, "@std/encoding", 1),
        ] {
            let lock = |parsed: Result<Parsed, ParseError>| match parsed {
                Ok(Parsed::Lockfile(lock)) => lock,
                other => panic!("{text}: {other:?}"),
            };
            let full = lock(kind.parse(text));
            let part = lock(kind.parse_for_context(text, &|wanted| wanted == name));
            assert_eq!(full.packages.len(), in_full + 1, "{text}");
            assert!(part.packages.len() < full.packages.len(), "{text}");
            let resolved = |lock: &Lockfile| {
                let mut out: Vec<(String, String)> = lock
                    .packages
                    .iter()
                    .filter(|p| p.name != "unrelated" && p.name != "baz" && p.name != "other")
                    .map(|p| (p.name.clone(), p.version.clone()))
                    .collect();
                out.sort();
                let importers: Vec<(String, String, String)> = lock
                    .importers
                    .iter()
                    .flat_map(|importer| {
                        importer.dependencies.iter().map(|(key, index)| {
                            (
                                importer.path.clone(),
                                key.clone(),
                                lock.packages[*index].name.clone(),
                            )
                        })
                    })
                    .filter(|(_, key, _)| key == name)
                    .collect();
                (out, importers)
            };
            assert_eq!(resolved(&part), resolved(&full), "{text}");
        }
    }

    #[test]
    fn keys_are_split_into_descriptors() {
        assert_eq!(
            key_parts(r#""@s/a@npm:^1, @s/a@npm:^1.2":"#),
            Some(vec!["@s/a@npm:^1", "@s/a@npm:^1.2"])
        );
        assert_eq!(
            key_parts(r#""lodash@^4", "x@1":"#),
            Some(vec!["lodash@^4", "x@1"])
        );
        assert_eq!(key_parts("no-colon"), None);
    }
}
