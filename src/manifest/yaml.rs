//! A pass over a YAML text's events, before saphyr builds a tree of it, that refuses the two
//! shapes of input that saphyr cannot be trusted with.
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

use saphyr::{Marker, ScanError};
use saphyr_parser::{BufferedInput, Event, Parser};
use std::collections::HashMap;

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

    #[test]
    fn syntax_errors_are_handed_back() {
        assert!(matches!(
            check("a: [\n", "a test file"),
            Err(Fault::Syntax(_))
        ));
    }
}
