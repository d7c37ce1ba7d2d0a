//! Reading one policy file into spanned, typed entries, collecting every problem on the way.
//!
//! Nothing here looks across entries or files (references, overrides, cycles): that is the
//! loader's job once every layer has been read.

use super::{DecisionStatus, IssueSeverity, PolicyFile, PolicyIssue, TechStatus, UnknownMode};
use crate::manifest::Span;
use jiff::civil::Date;
use std::sync::Arc;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A string value and where it was written.
#[derive(Clone, Debug)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// A date value and where it was written.
#[derive(Clone, Copy, Debug)]
pub struct DateAt {
    pub value: Date,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct RawSettings {
    pub exclude: Vec<Text>,
    pub unknown: Option<(UnknownMode, Span)>,
}

#[derive(Clone, Debug)]
pub struct RawDecision {
    pub id: Text,
    pub title: String,
    pub status: DecisionStatus,
    pub date: Option<Date>,
    pub owner: Option<String>,
    pub url: Option<String>,
    pub path: Option<Text>,
    pub review_by: Option<DateAt>,
    pub superseded_by: Option<Text>,
    pub supersedes: Option<Text>,
}

#[derive(Clone, Debug)]
pub struct RawTechnology {
    pub name: Text,
    pub status: (TechStatus, Span),
    pub decision: Option<Text>,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
    pub sunset: Option<DateAt>,
    pub matches: Vec<Text>,
}

#[derive(Clone, Debug)]
pub struct RawException {
    pub technology: Text,
    pub paths: Vec<Text>,
    pub decision: Text,
    pub owner: String,
    pub expires: DateAt,
    pub reason: Option<String>,
    /// The `[[exception]]` entry as a whole, for messages about it.
    pub span: Span,
}

/// Everything one file says.
#[derive(Clone, Debug, Default)]
pub struct RawLayer {
    pub extends: Vec<Text>,
    pub settings: RawSettings,
    pub decisions: Vec<RawDecision>,
    pub technologies: Vec<RawTechnology>,
    pub exceptions: Vec<RawException>,
}

const TOP_KEYS: &[&str] = &[
    "version",
    "extends",
    "settings",
    "decision",
    "technology",
    "exception",
];
const SETTINGS_KEYS: &[&str] = &["exclude", "unknown"];
const DECISION_KEYS: &[&str] = &[
    "id",
    "title",
    "status",
    "date",
    "owner",
    "url",
    "path",
    "review_by",
    "superseded_by",
    "supersedes",
];
const TECHNOLOGY_KEYS: &[&str] = &[
    "name",
    "status",
    "decision",
    "reason",
    "use_instead",
    "sunset",
    "match",
];
const EXCEPTION_KEYS: &[&str] = &[
    "technology",
    "paths",
    "decision",
    "owner",
    "expires",
    "reason",
];

/// Reads one file. Problems are appended to `issues`; what could be read is returned.
pub fn read(file: &Arc<PolicyFile>, issues: &mut Vec<PolicyIssue>) -> RawLayer {
    let mut reader = Reader { file, issues };
    match DeTable::parse(&file.text) {
        Ok(document) => reader.layer(document.get_ref()),
        Err(error) => {
            reader.error(
                error.span().map(Span::from_range).unwrap_or_default(),
                format!("invalid TOML: {}", error.message().trim()),
                "here",
                None,
            );
            RawLayer::default()
        }
    }
}

type Table<'i> = DeTable<'i>;
type Value<'i> = Spanned<DeValue<'i>>;

struct Reader<'a> {
    file: &'a Arc<PolicyFile>,
    issues: &'a mut Vec<PolicyIssue>,
}

impl Reader<'_> {
    fn error(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.issues.push(PolicyIssue::error(
            "invalid-policy",
            message,
            Some((self.file.clone(), span, label.into())),
            help,
        ));
    }

    /// The typo guard: an unknown key would otherwise silently do nothing (an `expries` that
    /// makes an exception permanent).
    fn unknown_keys(&mut self, table: &Table<'_>, known: &[&str], what: &str) {
        for (key, _) in table.iter() {
            if !known.contains(&key.get_ref().as_ref()) {
                let suggestion = super::closest(key.get_ref(), known)
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

    fn layer(&mut self, document: &Table<'_>) -> RawLayer {
        self.unknown_keys(document, TOP_KEYS, "the policy");
        match get(document, "version") {
            None => self.error(
                Span::new(0, 0),
                "the policy has no `version`",
                "expected `version = 1` at the top",
                Some("add `version = 1` as the first line".into()),
            ),
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
        let extends = self.string_array(document, "extends", None);
        let settings = self.settings(get(document, "settings"));
        let decisions = self
            .array_of_tables(document, "decision")
            .into_iter()
            .filter_map(|(table, span)| self.decision(table, span))
            .collect();
        let technologies = self
            .array_of_tables(document, "technology")
            .into_iter()
            .filter_map(|(table, span)| self.technology(table, span))
            .collect();
        let exceptions = self
            .array_of_tables(document, "exception")
            .into_iter()
            .filter_map(|(table, span)| self.exception(table, span))
            .collect();
        RawLayer {
            extends,
            settings,
            decisions,
            technologies,
            exceptions,
        }
    }

    fn settings(&mut self, value: Option<&Value<'_>>) -> RawSettings {
        let Some(value) = value else {
            return RawSettings::default();
        };
        let Some(table) = value.get_ref().as_table() else {
            self.error(
                span_of(value),
                "`settings` must be a table",
                "expected a table",
                None,
            );
            return RawSettings::default();
        };
        self.unknown_keys(table, SETTINGS_KEYS, "[settings]");
        let exclude = self
            .string_array(table, "exclude", None)
            .into_iter()
            .filter(|glob| match globset::Glob::new(&glob.value) {
                Ok(_) => true,
                Err(e) => {
                    let message = format!("invalid glob `{}`: {}", glob.value, e.kind());
                    self.error(glob.span, message, "invalid glob", None);
                    false
                }
            })
            .collect();
        let unknown = self.optional_choice(table, "unknown", UnknownMode::NAMES);
        RawSettings { exclude, unknown }
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
                format!("expected [[{key}]] entries"),
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

    fn decision(&mut self, table: &Table<'_>, span: Span) -> Option<RawDecision> {
        self.unknown_keys(table, DECISION_KEYS, "[[decision]]");
        let id = self.string(table, "id", Some(span));
        let title = self.string(table, "title", Some(span));
        let status = self.choice(table, "status", DecisionStatus::NAMES, span);
        let date = self.date(table, "date").map(|d| d.value);
        let owner = self.string(table, "owner", None).map(|t| t.value);
        let url = self.string(table, "url", None);
        let path = self.string(table, "path", None);
        if let (Some(_), Some(path)) = (&url, &path) {
            self.error(
                path.span,
                "a decision has either `url` or `path`, not both",
                "second link",
                None,
            );
        }
        let review_by = self.date(table, "review_by");
        let superseded_by = self.string(table, "superseded_by", None);
        let supersedes = self.string(table, "supersedes", None);
        Some(RawDecision {
            id: id?,
            title: title?.value,
            status: status?.0,
            date,
            owner,
            url: url.map(|t| t.value),
            path,
            review_by,
            superseded_by,
            supersedes,
        })
    }

    fn technology(&mut self, table: &Table<'_>, span: Span) -> Option<RawTechnology> {
        self.unknown_keys(table, TECHNOLOGY_KEYS, "[[technology]]");
        let name = self.string(table, "name", Some(span));
        let status = self.choice(table, "status", TechStatus::NAMES, span);
        let decision = self.string(table, "decision", None);
        let reason = self.string(table, "reason", None).map(|t| t.value);
        let use_instead = self.string(table, "use_instead", None).map(|t| t.value);
        let sunset = self.date(table, "sunset");
        let matches = self.string_array(table, "match", Some(span));
        if let Some(value) = get(table, "match") {
            if value.get_ref().as_array().is_some_and(|a| a.is_empty()) {
                self.error(
                    span_of(value),
                    "`match` is empty",
                    "matches nothing",
                    Some("list at least one ECOSYSTEM:NAME entry".into()),
                );
            }
        }
        Some(RawTechnology {
            name: name?,
            status: status?,
            decision,
            reason,
            use_instead,
            sunset,
            matches,
        })
    }

    fn exception(&mut self, table: &Table<'_>, span: Span) -> Option<RawException> {
        self.unknown_keys(table, EXCEPTION_KEYS, "[[exception]]");
        let technology = self.string(table, "technology", Some(span));
        let paths = self.string_array(table, "paths", Some(span));
        let paths: Vec<Text> = paths
            .into_iter()
            .filter(|glob| match globset::Glob::new(&glob.value) {
                Ok(_) => true,
                Err(e) => {
                    let message = format!("invalid glob `{}`: {}", glob.value, e.kind());
                    self.error(glob.span, message, "invalid glob", None);
                    false
                }
            })
            .collect();
        let decision = self.string(table, "decision", Some(span));
        let owner = self.string(table, "owner", Some(span));
        let expires = match get(table, "expires") {
            None => {
                self.error(
                    header_span(span),
                    "an exception must have an `expires` date",
                    "this exception never ends",
                    Some(
                        "exceptions are temporary by definition: add `expires = YYYY-MM-DD`".into(),
                    ),
                );
                None
            }
            Some(_) => self.date(table, "expires"),
        };
        let reason = self.string(table, "reason", None).map(|t| t.value);
        Some(RawException {
            technology: technology?,
            paths,
            decision: decision?,
            owner: owner?.value,
            expires: expires?,
            reason,
            span: header_span(span),
        })
    }

    /// A string value; `required` holds the entry's span for the "missing" message.
    fn string(&mut self, table: &Table<'_>, key: &str, required: Option<Span>) -> Option<Text> {
        let Some(value) = get(table, key) else {
            if let Some(entry) = required {
                self.error(
                    header_span(entry),
                    format!("missing required key `{key}`"),
                    format!("this entry has no `{key}`"),
                    None,
                );
            }
            return None;
        };
        match value.get_ref().as_str() {
            Some(s) if !s.trim().is_empty() => Some(Text {
                value: s.to_string(),
                span: span_of(value),
            }),
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
        }
    }

    fn choice<T: Copy>(
        &mut self,
        table: &Table<'_>,
        key: &str,
        names: &[(&str, T)],
        entry: Span,
    ) -> Option<(T, Span)> {
        if get(table, key).is_none() {
            self.string(table, key, Some(entry));
            return None;
        }
        self.optional_choice(table, key, names)
    }

    fn optional_choice<T: Copy>(
        &mut self,
        table: &Table<'_>,
        key: &str,
        names: &[(&str, T)],
    ) -> Option<(T, Span)> {
        let text = self.string(table, key, None)?;
        match names.iter().find(|(name, _)| *name == text.value) {
            Some((_, value)) => Some((*value, text.span)),
            None => {
                let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                self.error(
                    text.span,
                    format!("unknown {key} `{}`", text.value),
                    format!("expected one of {}", all.join(", ")),
                    None,
                );
                None
            }
        }
    }

    /// A TOML date (`2023-11-20`) or a string holding one.
    fn date(&mut self, table: &Table<'_>, key: &str) -> Option<DateAt> {
        let value = get(table, key)?;
        let parsed = match value.get_ref() {
            DeValue::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
                datetime
                    .date
                    .and_then(|d| Date::new(d.year as i16, d.month as i8, d.day as i8).ok())
            }
            DeValue::String(s) => s.parse::<Date>().ok().filter(|_| s.len() == 10),
            _ => None,
        };
        match parsed {
            Some(date) => Some(DateAt {
                value: date,
                span: span_of(value),
            }),
            None => {
                self.error(
                    span_of(value),
                    format!("`{key}` must be a date"),
                    "expected YYYY-MM-DD",
                    Some(format!("write it as a TOML date: `{key} = 2024-01-31`")),
                );
                None
            }
        }
    }

    /// An array of strings; `required` holds the entry's span for the "missing" message.
    fn string_array(&mut self, table: &Table<'_>, key: &str, required: Option<Span>) -> Vec<Text> {
        let Some(value) = get(table, key) else {
            if let Some(entry) = required {
                self.error(
                    header_span(entry),
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
                Some(s) => out.push(Text {
                    value: s.to_string(),
                    span: span_of(item),
                }),
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

impl PolicyIssue {
    pub(super) fn error(
        code: &'static str,
        message: impl Into<String>,
        at: Option<(Arc<PolicyFile>, Span, String)>,
        help: Option<String>,
    ) -> PolicyIssue {
        PolicyIssue {
            severity: IssueSeverity::Error,
            code,
            message: message.into(),
            at,
            also: Vec::new(),
            help,
        }
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

/// Missing keys are reported at the start of their table, not across all of it.
fn header_span(span: Span) -> Span {
    Span::new(span.offset, 0)
}
