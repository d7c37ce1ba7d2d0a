//! The policy file: discovery, reading with a span on every value, and validation.
//!
//! Loading happens in two steps, as cargo-deny does it: the TOML is parsed into a spanned
//! tree, then every table is checked by hand so that *all* problems (unknown keys, wrong types,
//! dangling decision references, bad globs, regexes and requirements) are collected and
//! reported together, each pointing at its line.

use crate::manifest::Span;
use crate::matcher::Matcher;
use globset::Glob;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The names a policy file may have, searched in this order in each directory walking up
/// from the scanned path.
pub const POLICY_FILE_NAMES: [&str; 3] = [
    "techpolicy.toml",
    ".techpolicy.toml",
    ".config/techpolicy.toml",
];

/// A validated policy.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The policy file as given or found.
    pub path: PathBuf,
    /// The directory the policy's relative globs and paths are relative to: the directory
    /// holding the policy (for `.config/techpolicy.toml`, the directory above `.config`).
    pub root: PathBuf,
    pub source: Arc<str>,
    pub settings: Settings,
    pub decisions: Vec<Decision>,
    pub technologies: Vec<Technology>,
}

#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Globs relative to the policy root, skipped on top of .gitignore (validated here,
    /// compiled by the walk, which knows what is being scanned).
    pub exclude: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionStatus {
    Proposed,
    Accepted,
    Superseded,
    Retired,
}

impl DecisionStatus {
    const NAMES: [(&'static str, DecisionStatus); 4] = [
        ("proposed", DecisionStatus::Proposed),
        ("accepted", DecisionStatus::Accepted),
        ("superseded", DecisionStatus::Superseded),
        ("retired", DecisionStatus::Retired),
    ];
}

#[derive(Clone, Debug)]
pub struct Decision {
    pub id: String,
    pub title: String,
    pub status: DecisionStatus,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub owner: Option<String>,
    pub url: Option<String>,
    /// A decision record in the repository, relative to the policy root.
    pub path: Option<String>,
    pub span: Span,
}

impl Decision {
    /// Where to read the decision: its URL, else its record's path.
    pub fn link(&self) -> Option<&str> {
        self.url.as_deref().or(self.path.as_deref())
    }
}

/// How a technology is classified. Ordered by how strongly it restricts use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TechStatus {
    Approved,
    Deprecated,
    Banned,
}

impl TechStatus {
    const NAMES: [(&'static str, TechStatus); 3] = [
        ("approved", TechStatus::Approved),
        ("deprecated", TechStatus::Deprecated),
        ("banned", TechStatus::Banned),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TechStatus::Approved => "approved",
            TechStatus::Deprecated => "deprecated",
            TechStatus::Banned => "banned",
        }
    }
}

impl fmt::Display for TechStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Technology {
    pub name: String,
    pub status: TechStatus,
    /// Index into `Policy::decisions`.
    pub decision: Option<usize>,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
    pub matchers: Vec<MatchRule>,
    pub span: Span,
}

/// One `match` entry with where it was written.
#[derive(Clone, Debug)]
pub struct MatchRule {
    pub text: String,
    pub matcher: Matcher,
    pub span: Span,
}

/// One problem in a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyIssue {
    pub message: String,
    pub span: Option<Span>,
    /// Short text under the underlined span.
    pub label: String,
    pub help: Option<String>,
}

/// Why no usable policy could be had.
#[derive(Debug)]
pub enum PolicyError {
    /// No policy file in the scanned directory or any parent.
    NotFound { searched_from: PathBuf },
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file was read but is not a valid policy: every problem found.
    Invalid {
        path: PathBuf,
        source: Arc<str>,
        issues: Vec<PolicyIssue>,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::NotFound { searched_from } => write!(
                f,
                "no policy file found in {} or any parent directory (looked for {})",
                searched_from.display(),
                POLICY_FILE_NAMES.join(", ")
            ),
            PolicyError::Unreadable { path, error } => {
                write!(f, "cannot read policy {}: {error}", path.display())
            }
            PolicyError::Invalid { path, issues, .. } => {
                write!(f, "policy {} has {} error(s)", path.display(), issues.len())
            }
        }
    }
}

impl std::error::Error for PolicyError {}

/// Finds the policy for a scan of `start`: the first of [`POLICY_FILE_NAMES`] in `start` or
/// its nearest ancestor that has one.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let first = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    first.ancestors().find_map(|dir| {
        POLICY_FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Reads and validates a policy file.
pub fn load(path: &Path) -> Result<Policy, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|error| PolicyError::Unreadable {
        path: path.to_path_buf(),
        error,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let root = policy_root(path);
    parse(text, path, &root)
}

/// The directory a policy speaks for.
fn policy_root(path: &Path) -> PathBuf {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.file_name().is_some_and(|name| name == ".config") {
        dir.parent().map(Path::to_path_buf).unwrap_or(dir)
    } else {
        dir
    }
}

/// Validates policy text. `path` names the file in diagnostics; `root` anchors its globs.
pub fn parse(text: &str, path: &Path, root: &Path) -> Result<Policy, PolicyError> {
    let mut checker = Checker::default();
    let policy = match DeTable::parse(text) {
        Ok(document) => checker.policy(document.get_ref(), path, root, text),
        Err(error) => {
            checker.issues.push(PolicyIssue {
                message: format!("invalid TOML: {}", error.message().trim()),
                span: error.span().map(Span::from_range),
                label: "here".into(),
                help: None,
            });
            None
        }
    };
    // In file order, as a reader fixes them.
    checker
        .issues
        .sort_by_key(|issue| issue.span.map(|span| span.offset));
    match policy {
        Some(policy) if checker.issues.is_empty() => Ok(policy),
        _ => Err(PolicyError::Invalid {
            path: path.to_path_buf(),
            source: Arc::from(text),
            issues: checker.issues,
        }),
    }
}

type Table<'i> = DeTable<'i>;
type Value<'i> = Spanned<DeValue<'i>>;

/// Collects every problem while walking the spanned document.
#[derive(Default)]
struct Checker {
    issues: Vec<PolicyIssue>,
}

impl Checker {
    fn error(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.issues.push(PolicyIssue {
            message: message.into(),
            span: Some(span),
            label: label.into(),
            help,
        });
    }

    /// Reports keys of `table` that are not in `known` (the typo guard: an unknown key would
    /// otherwise silently do nothing).
    fn unknown_keys(&mut self, table: &Table<'_>, known: &[&str], what: &str) {
        for (key, _) in table.iter() {
            if !known.contains(&key.get_ref().as_ref()) {
                let suggestion = closest(key.get_ref(), known)
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                self.error(
                    Span::from_range(key.span()),
                    format!("unknown key `{}` in {what}", key.get_ref()),
                    "unknown key",
                    Some(format!("{suggestion}known keys: {}", known.join(", "))),
                );
            }
        }
    }

    fn policy(
        &mut self,
        document: &Table<'_>,
        path: &Path,
        root: &Path,
        text: &str,
    ) -> Option<Policy> {
        self.unknown_keys(
            document,
            &["version", "settings", "decision", "technology"],
            "the policy",
        );

        match get(document, "version") {
            None => self.issues.push(PolicyIssue {
                message: "the policy has no `version`".into(),
                span: Some(Span::new(0, 0)),
                label: "expected `version = 1` at the top".into(),
                help: Some("add `version = 1` as the first line".into()),
            }),
            Some(value) => match value.get_ref() {
                DeValue::Integer(i) if i.as_str() == "1" => {}
                _ => self.error(
                    span_of(value),
                    "unsupported policy version",
                    "expected 1",
                    Some("this techpolicy reads `version = 1`".into()),
                ),
            },
        }

        let settings = self.settings(get(document, "settings"));
        let decisions: Vec<Decision> = self
            .array_of_tables(document, "decision")
            .into_iter()
            .filter_map(|(table, span)| self.decision(table, span))
            .collect();
        let mut seen = HashMap::new();
        for decision in &decisions {
            if let Some(first) = seen.insert(decision.id.clone(), decision.span) {
                self.error(
                    decision.span,
                    format!("decision `{}` is defined twice", decision.id),
                    "second definition",
                    Some(format!("the first definition is at byte {}", first.offset)),
                );
            }
        }
        let technologies: Vec<Technology> = self
            .array_of_tables(document, "technology")
            .into_iter()
            .filter_map(|(table, span)| self.technology(table, span, &decisions))
            .collect();
        let mut seen = HashMap::new();
        for technology in &technologies {
            if seen
                .insert(technology.name.clone(), technology.span)
                .is_some()
            {
                self.error(
                    technology.span,
                    format!("technology `{}` is defined twice", technology.name),
                    "second definition",
                    Some("give each technology a unique name".into()),
                );
            }
        }
        Some(Policy {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
            source: Arc::from(text),
            settings: settings.unwrap_or_default(),
            decisions,
            technologies,
        })
    }

    fn settings(&mut self, value: Option<&Value<'_>>) -> Option<Settings> {
        let value = value?;
        let Some(table) = value.get_ref().as_table() else {
            self.error(
                span_of(value),
                "`settings` must be a table",
                "expected a table",
                None,
            );
            return None;
        };
        self.unknown_keys(table, &["exclude"], "[settings]");
        let mut settings = Settings::default();
        for (glob, span) in self.string_array(table, "exclude", false, span_of(value)) {
            match Glob::new(&glob) {
                Ok(_) => settings.exclude.push(glob),
                Err(e) => self.error(
                    span,
                    format!("invalid glob `{glob}`: {}", e.kind()),
                    "invalid glob",
                    None,
                ),
            }
        }
        Some(settings)
    }

    fn array_of_tables<'a, 'i>(
        &mut self,
        document: &'a Table<'i>,
        key: &str,
    ) -> Vec<(&'a Table<'i>, Span)> {
        let Some(value) = get(document, key) else {
            return Vec::new();
        };
        let Some(array) = value.get_ref().as_array() else {
            self.error(
                span_of(value),
                format!("`{key}` must be an array of tables"),
                "expected [[{key}]] entries",
                Some(format!("write each entry under a `[[{key}]]` header")),
            );
            return Vec::new();
        };
        array
            .iter()
            .filter_map(|item| match item.get_ref().as_table() {
                Some(table) => Some((table, span_of(item))),
                None => {
                    self.error(
                        span_of(item),
                        format!("each `{key}` must be a table"),
                        "not a table",
                        None,
                    );
                    None
                }
            })
            .collect()
    }

    fn decision(&mut self, table: &Table<'_>, span: Span) -> Option<Decision> {
        self.unknown_keys(
            table,
            &["id", "title", "status", "date", "owner", "url", "path"],
            "[[decision]]",
        );
        let id = self.string(table, "id", true, span);
        let title = self.string(table, "title", true, span);
        let status = self.choice(table, "status", &DecisionStatus::NAMES, span);
        let date = self.date(table, "date");
        let owner = self.string(table, "owner", false, span).map(|(s, _)| s);
        let url = self.string(table, "url", false, span);
        let path = self.string(table, "path", false, span);
        if let (Some(_), Some((_, path_span))) = (&url, &path) {
            self.error(
                *path_span,
                "a decision has either `url` or `path`, not both",
                "second link",
                None,
            );
        }
        let (id, id_span) = id?;
        Some(Decision {
            id,
            title: title?.0,
            status: status?,
            date,
            owner,
            url: url.map(|(s, _)| s),
            path: path.map(|(s, _)| s),
            span: id_span,
        })
    }

    fn technology(
        &mut self,
        table: &Table<'_>,
        span: Span,
        decisions: &[Decision],
    ) -> Option<Technology> {
        self.unknown_keys(
            table,
            &[
                "name",
                "status",
                "decision",
                "reason",
                "use_instead",
                "match",
            ],
            "[[technology]]",
        );
        let name = self.string(table, "name", true, span);
        let status = self.choice(table, "status", &TechStatus::NAMES, span);
        let decision = match self.string(table, "decision", false, span) {
            None => None,
            Some((id, id_span)) => match decisions.iter().position(|d| d.id == id) {
                Some(index) => Some(index),
                None => {
                    let known: Vec<&str> = decisions.iter().map(|d| d.id.as_str()).collect();
                    let help = match closest(&id, &known) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None if known.is_empty() => "add a [[decision]] with this id".to_string(),
                        None => format!("known decisions: {}", known.join(", ")),
                    };
                    self.error(
                        id_span,
                        format!("decision `{id}` is not defined"),
                        "no such decision",
                        Some(help),
                    );
                    // Keep going: the rest of the entry may hold more problems to report.
                    None
                }
            },
        };
        let reason = self.string(table, "reason", false, span).map(|(s, _)| s);
        let use_instead = self
            .string(table, "use_instead", false, span)
            .map(|(s, _)| s);
        let patterns = self.string_array(table, "match", true, span);
        if patterns.is_empty()
            && get(table, "match")
                .is_some_and(|v| v.get_ref().as_array().is_some_and(|a| a.is_empty()))
        {
            self.error(
                span_of(get(table, "match")?),
                "`match` is empty",
                "matches nothing",
                Some("list at least one ECOSYSTEM:NAME entry".into()),
            );
        }
        let mut matchers = Vec::new();
        for (text, text_span) in patterns {
            match Matcher::parse(&text) {
                Ok(matcher) => matchers.push(MatchRule {
                    text,
                    matcher,
                    span: text_span,
                }),
                Err(e) => self.error(text_span, e.message, "invalid match entry", e.help),
            }
        }
        let (name, name_span) = name?;
        Some(Technology {
            name,
            status: status?,
            decision,
            reason,
            use_instead,
            matchers,
            span: name_span,
        })
    }

    fn string(
        &mut self,
        table: &Table<'_>,
        key: &str,
        required: bool,
        table_span: Span,
    ) -> Option<(String, Span)> {
        match get(table, key) {
            None => {
                if required {
                    self.error(
                        header_span(table_span),
                        format!("missing required key `{key}`"),
                        format!("this entry has no `{key}`"),
                        None,
                    );
                }
                None
            }
            Some(value) => match value.get_ref().as_str() {
                Some(s) if !s.trim().is_empty() => Some((s.to_string(), span_of(value))),
                Some(_) => {
                    self.error(
                        span_of(value),
                        format!("`{key}` is empty"),
                        "empty string",
                        None,
                    );
                    None
                }
                None => {
                    self.error(
                        span_of(value),
                        format!(
                            "`{key}` must be a string, found {}",
                            value.get_ref().type_str()
                        ),
                        "expected a string",
                        None,
                    );
                    None
                }
            },
        }
    }

    fn choice<T: Copy>(
        &mut self,
        table: &Table<'_>,
        key: &str,
        names: &[(&str, T)],
        table_span: Span,
    ) -> Option<T> {
        let (text, span) = self.string(table, key, true, table_span)?;
        match names.iter().find(|(name, _)| *name == text) {
            Some((_, value)) => Some(*value),
            None => {
                let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                self.error(
                    span,
                    format!("unknown {key} `{text}`"),
                    format!("expected one of {}", all.join(", ")),
                    None,
                );
                None
            }
        }
    }

    /// A TOML date (`2023-11-20`) or a string holding one.
    fn date(&mut self, table: &Table<'_>, key: &str) -> Option<String> {
        let value = get(table, key)?;
        let text = match value.get_ref() {
            DeValue::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
                datetime.date.map(|d| d.to_string())
            }
            DeValue::String(s) if is_iso_date(s) => Some(s.to_string()),
            _ => None,
        };
        if text.is_none() {
            self.error(
                span_of(value),
                format!("`{key}` must be a date"),
                "expected YYYY-MM-DD",
                Some(format!("write it as a TOML date: `{key} = 2024-01-31`")),
            );
        }
        text
    }

    fn string_array(
        &mut self,
        table: &Table<'_>,
        key: &str,
        required: bool,
        table_span: Span,
    ) -> Vec<(String, Span)> {
        let Some(value) = get(table, key) else {
            if required {
                self.error(
                    header_span(table_span),
                    format!("missing required key `{key}`"),
                    format!("this entry has no `{key}`"),
                    None,
                );
            }
            return Vec::new();
        };
        let Some(array) = value.get_ref().as_array() else {
            self.error(
                span_of(value),
                format!("`{key}` must be an array of strings"),
                "expected [\"...\"]",
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in array.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push((s.to_string(), span_of(item))),
                None => self.error(
                    span_of(item),
                    format!("`{key}` entries must be strings"),
                    "expected a string",
                    None,
                ),
            }
        }
        out
    }
}

fn get<'a, 'i>(table: &'a Table<'i>, key: &str) -> Option<&'a Value<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

fn span_of<T>(value: &Spanned<T>) -> Span {
    Span::from_range(value.span())
}

/// Missing keys are reported on the first line of their table, not across all of it.
fn header_span(span: Span) -> Span {
    Span::new(span.offset, 0)
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

/// The known name nearest to a misspelt one, when it is near enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(text: &str) -> Vec<PolicyIssue> {
        match parse(text, Path::new("techpolicy.toml"), Path::new(".")) {
            Ok(_) => Vec::new(),
            Err(PolicyError::Invalid { issues, .. }) => issues,
            Err(other) => panic!("{other}"),
        }
    }

    fn spanned_text<'a>(text: &'a str, issue: &PolicyIssue) -> &'a str {
        let span = issue.span.expect("span");
        &text[span.offset..span.offset + span.len]
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let text = r#"version = 1
colour = "blue"

[[decision]]
id = "ADR-1"
title = "t"
status = "acepted"

[[technology]]
name = "MongoDB"
status = "banned"
decision = "ADR-2"
match = ["npm:mongodb"]

[[technology]]
name = "X"
status = "deprecated"
reson = "typo"
match = ["npm:[a", "pip:x", "npm:lodash@<<1", "npm:/(/"]
"#;
        let found = issues(text);
        let messages: Vec<(&str, &str)> = found
            .iter()
            .map(|i| (i.message.as_str(), spanned_text(text, i)))
            .collect();
        assert_eq!(messages.len(), 8, "{messages:#?}");
        assert!(messages.contains(&("unknown key `colour` in the policy", "colour")));
        assert!(messages.contains(&("unknown status `acepted`", "\"acepted\"")));
        assert!(messages.contains(&("decision `ADR-2` is not defined", "\"ADR-2\"")));
        assert!(messages.contains(&("unknown key `reson` in [[technology]]", "reson")));
        assert!(found.iter().any(|i| i
            .help
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean `reason`"))));
        assert!(messages.iter().any(|(_, span)| *span == "\"npm:[a\""));
        assert!(messages.iter().any(|(_, span)| *span == "\"pip:x\""));
        assert!(messages
            .iter()
            .any(|(_, span)| *span == "\"npm:lodash@<<1\""));
        assert!(messages.iter().any(|(_, span)| *span == "\"npm:/(/\""));
    }

    #[test]
    fn the_documented_example_is_valid() {
        let text = include_str!("../policies/example.toml");
        let policy = parse(text, Path::new("example.toml"), Path::new(".")).expect("valid");
        assert_eq!(policy.decisions.len(), 1);
        assert_eq!(policy.technologies.len(), 3);
        assert_eq!(policy.decisions[0].date.as_deref(), Some("2023-11-20"));
        assert_eq!(policy.technologies[0].decision, Some(0));
        assert_eq!(policy.technologies[2].decision, None);
        assert_eq!(policy.settings.exclude, vec!["fixtures/**".to_string()]);
    }

    #[test]
    fn wrong_types_missing_keys_and_duplicates() {
        let text = r#"version = 2
settings = 3

[[decision]]
id = "A"
title = "a"
status = "accepted"
date = "last week"

[[decision]]
id = "A"
title = "again"
status = "accepted"

[[technology]]
status = "banned"
match = "npm:x"
"#;
        let found = issues(text);
        let messages: Vec<&str> = found.iter().map(|i| i.message.as_str()).collect();
        assert!(
            messages.contains(&"unsupported policy version"),
            "{messages:?}"
        );
        assert!(messages.contains(&"`settings` must be a table"));
        assert!(messages.contains(&"`date` must be a date"));
        assert!(messages.contains(&"decision `A` is defined twice"));
        assert!(messages.contains(&"missing required key `name`"));
        assert!(messages.contains(&"`match` must be an array of strings"));
    }

    #[test]
    fn invalid_toml_points_at_the_error() {
        let found = issues("version = 1\n[[technology]\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("invalid TOML"));
        assert!(found[0].span.is_some());
    }

    #[test]
    fn typo_suggestions() {
        assert_eq!(
            closest("use-instead", &["reason", "use_instead"]),
            Some("use_instead")
        );
        assert_eq!(closest("xyz", &["reason", "use_instead"]), None);
    }
}
