//! SARIF 2.1.0, the format code scanning services read (GitHub code scanning among them): one
//! rule per restricted technology, one result per finding at its line, and fingerprints that
//! keep an alert the same alert when unrelated edits move its line.
//!
//! Paths are relative to the top of the repository (the scan's `repo_prefix` in front), as code
//! hosts resolve them against their checkout; `%SRCROOT%` names that base. No
//! `originalUriBaseIds` entry gives it an absolute URI: the only one known here is a path on
//! the machine that ran the check, which means nothing where the report is read and would make
//! the output differ between machines.

use super::{is_web_url, link_target};
use crate::evaluate::{Finding, Severity};
use crate::outcome::CheckOutcome;
use crate::policy::{IssueSeverity, PolicyIssue, TechStatus};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The schema's own identifier, which SARIF consumers recognise.
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The rule of dependencies that no technology in the policy names (allowlist mode).
pub const UNKNOWN_RULE_ID: &str = "unknown-technology";

/// The key of the one partial fingerprint; the suffix changes if its recipe ever must.
pub const FINGERPRINT_KEY: &str = "techpolicy/v1";

/// The base every artifact URI is relative to: the top of the repository's work tree.
const SRCROOT: &str = "%SRCROOT%";

/// `techpolicy check --format sarif`: one run, pretty-printed, with a trailing newline.
pub fn render_check(outcome: &CheckOutcome) -> String {
    let rules = Rules::new(&outcome.findings);
    let mut occurrences: HashMap<u64, usize> = HashMap::new();
    let results: Vec<Value> = outcome
        .findings
        .iter()
        .map(|finding| {
            let identity = fingerprint(finding, &super::repo_path(outcome, &finding.file));
            // Two declarations of one package in one file (two compose services on the same
            // image) share an identity: number them in file order, which a moved line keeps.
            let occurrence = occurrences.entry(identity).or_insert(0);
            *occurrence += 1;
            result(outcome, finding, &rules, identity, *occurrence)
        })
        .collect();

    let mut driver = Map::new();
    driver.insert("name".into(), json!("techpolicy"));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("rules".into(), Value::Array(rules.descriptors()));

    let document = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [invocation(outcome)],
            // Finding columns count characters, not UTF-16 code units.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The rules of one report: each technology with findings, plus the unknown rule, with ids
/// that are unique and stable while the technologies' names stay the same.
struct Rules<'a> {
    /// In `tool.driver.rules` order: technologies by name, then unknown.
    entries: Vec<Rule<'a>>,
    index: HashMap<Option<&'a str>, usize>,
}

struct Rule<'a> {
    id: String,
    /// The first finding of the rule, which carries what the policy says of the technology.
    example: &'a Finding,
    ecosystems: Vec<&'static str>,
    /// The highest severity of the rule's findings as their status gives it, before any
    /// exception lowers it: the rule's default level.
    level: Severity,
}

impl<'a> Rules<'a> {
    fn new(findings: &'a [Finding]) -> Rules<'a> {
        let mut by_technology: BTreeMap<Option<&'a str>, Vec<&'a Finding>> = BTreeMap::new();
        for finding in findings {
            by_technology
                .entry(finding.technology.as_deref())
                .or_default()
                .push(finding);
        }
        // By name as people sort (`lodash` beside `MongoDB`), the unknown rule last.
        let mut groups: Vec<(Option<&'a str>, Vec<&'a Finding>)> =
            by_technology.into_iter().collect();
        groups.sort_by_key(|(technology, _)| {
            (
                technology.is_none(),
                technology.map(str::to_lowercase),
                *technology,
            )
        });

        let mut used: HashSet<String> = HashSet::from([UNKNOWN_RULE_ID.to_string()]);
        let mut entries = Vec::new();
        let mut index = HashMap::new();
        for (technology, group) in groups {
            let id = match technology {
                None => UNKNOWN_RULE_ID.to_string(),
                Some(name) => unique(slug(name), &mut used),
            };
            let mut ecosystems: Vec<&'static str> =
                group.iter().map(|f| f.ecosystem.as_str()).collect();
            ecosystems.sort_unstable();
            ecosystems.dedup();
            let level = group
                .iter()
                .map(|f| match &f.exception {
                    Some(_) => default_severity(f),
                    None => f.severity,
                })
                .max()
                .unwrap_or(Severity::Warning);
            index.insert(technology, entries.len());
            entries.push(Rule {
                id,
                example: group[0],
                ecosystems,
                level,
            });
        }
        Rules { entries, index }
    }

    fn of(&self, finding: &Finding) -> (usize, &Rule<'a>) {
        let index = self.index[&finding.technology.as_deref()];
        (index, &self.entries[index])
    }

    fn descriptors(&self) -> Vec<Value> {
        self.entries.iter().map(Rule::descriptor).collect()
    }
}

/// The severity a finding would have without its exception: what the technology's status
/// means, as the rule's default.
fn default_severity(finding: &Finding) -> Severity {
    match finding.status {
        TechStatus::Banned => Severity::Error,
        _ => Severity::Warning,
    }
}

impl Rule<'_> {
    fn descriptor(&self) -> Value {
        let f = self.example;
        let mut rule = Map::new();
        rule.insert("id".into(), json!(self.id));
        let Some(technology) = &f.technology else {
            rule.insert("name".into(), json!("UnknownTechnology"));
            rule.insert(
                "shortDescription".into(),
                json!({ "text": "Dependency on a technology the policy does not classify" }),
            );
            rule.insert(
                "fullDescription".into(),
                json!({ "text": "The policy lists technologies as approved, deprecated or banned; this direct dependency or image belongs to none of them, and the policy's `unknown` setting reports such dependencies." }),
            );
            let help = "Classify it in the policy: add it to an approved technology, or deprecate or ban it.";
            rule.insert("help".into(), json!({ "text": help, "markdown": help }));
            rule.insert(
                "defaultConfiguration".into(),
                json!({ "level": level(self.level) }),
            );
            rule.insert("properties".into(), json!({ "tags": self.tags() }));
            return Value::Object(rule);
        };
        rule.insert("name".into(), json!(pascal_case(technology)));
        rule.insert(
            "shortDescription".into(),
            json!({ "text": format!("{technology} is {}", f.status) }),
        );
        rule.insert(
            "fullDescription".into(),
            json!({ "text": full_description(technology, f) }),
        );
        if let Some(url) = f
            .decision
            .as_ref()
            .and_then(|d| d.url.as_deref())
            .filter(|u| is_web_url(u))
        {
            rule.insert("helpUri".into(), json!(url));
        }
        rule.insert(
            "help".into(),
            json!({ "text": help_text(technology, f), "markdown": help_markdown(technology, f) }),
        );
        rule.insert(
            "defaultConfiguration".into(),
            json!({ "level": level(self.level) }),
        );
        rule.insert("properties".into(), json!({ "tags": self.tags() }));
        Value::Object(rule)
    }

    fn tags(&self) -> Vec<&str> {
        let mut tags = vec!["techpolicy", "dependencies", self.example.status.as_str()];
        tags.extend(&self.ecosystems);
        tags
    }
}

/// One sentence per fact: the status and decision, the reason, the alternative.
fn full_description(technology: &str, f: &Finding) -> String {
    let mut text = format!("{technology} is {}", f.status);
    if let Some(decision) = &f.decision {
        text.push_str(&format!(
            " by decision {} ({})",
            decision.id, decision.title
        ));
    }
    text.push('.');
    if let Some(sunset) = &f.sunset {
        text.push_str(&format!(" It is banned from {sunset}."));
    }
    if let Some(reason) = &f.reason {
        text.push(' ');
        text.push_str(reason);
    }
    if let Some(instead) = &f.use_instead {
        text.push_str(&format!(" Use {instead} instead."));
    }
    text
}

fn help_text(technology: &str, f: &Finding) -> String {
    let mut lines = vec![format!(
        "{technology} is {} by the technology policy.",
        f.status
    )];
    if let Some(sunset) = &f.sunset {
        lines.push(format!("Banned from: {sunset}"));
    }
    if let Some(reason) = &f.reason {
        lines.push(format!("Why: {reason}"));
    }
    if let Some(instead) = &f.use_instead {
        lines.push(format!("Use instead: {instead}"));
    }
    if let Some(decision) = &f.decision {
        let mut line = format!("Decision: {} \"{}\"", decision.id, decision.title);
        if let Some(owner) = &decision.owner {
            line.push_str(&format!(" (owner: {owner})"));
        }
        lines.push(line);
        if let Some(url) = &decision.url {
            lines.push(format!("See: {url}"));
        }
    }
    lines.join("\n")
}

fn help_markdown(technology: &str, f: &Finding) -> String {
    let mut paragraphs = vec![format!(
        "**{}** is **{}** by the technology policy.",
        markdown_text(technology),
        f.status
    )];
    if let Some(sunset) = &f.sunset {
        paragraphs.push(format!("**Banned from:** {sunset}"));
    }
    if let Some(reason) = &f.reason {
        paragraphs.push(format!("**Why:** {}", markdown_text(reason)));
    }
    if let Some(instead) = &f.use_instead {
        paragraphs.push(format!("**Use instead:** {}", markdown_text(instead)));
    }
    if let Some(decision) = &f.decision {
        let title = format!(
            "{}: {}",
            markdown_text(&decision.id),
            markdown_text(&decision.title)
        );
        let mut line = match decision.url.as_deref() {
            Some(url) if is_web_url(url) => {
                format!("**Decision:** [{title}]({})", link_target(url))
            }
            Some(path) => format!("**Decision:** {title} (`{}`)", path.replace('`', "'")),
            None => format!("**Decision:** {title}"),
        };
        if let Some(owner) = &decision.owner {
            line.push_str(&format!(", owned by `{}`", owner.replace('`', "'")));
        }
        paragraphs.push(line);
    }
    paragraphs.join("\n\n")
}

fn result(
    outcome: &CheckOutcome,
    f: &Finding,
    rules: &Rules<'_>,
    identity: u64,
    occurrence: usize,
) -> Value {
    let (rule_index, rule) = rules.of(f);
    let uri = super::repo_path(outcome, &f.file);
    let source = outcome.scan.sources.get(&f.file);
    let mut region = Map::new();
    region.insert("startLine".into(), json!(f.line.max(1)));
    region.insert("startColumn".into(), json!(f.column.max(1)));
    if let Some(end) = super::end_column(source, f) {
        region.insert("endColumn".into(), json!(end));
    }
    json!({
        "ruleId": rule.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": escape_message(&message(f)) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": encode_uri_path(&uri), "uriBaseId": SRCROOT },
                "region": region,
            }
        }],
        "partialFingerprints": {
            FINGERPRINT_KEY: format!("{identity:016x}:{occurrence}"),
        },
        "properties": properties(f),
    })
}

/// The finding's sentence, then what a reader needs to act on it, one fact a line.
fn message(f: &Finding) -> String {
    let mut lines = vec![f.message.clone()];
    if let Some(reason) = &f.reason {
        lines.push(format!("Why: {reason}"));
    }
    if let Some(instead) = &f.use_instead {
        lines.push(format!("Use instead: {instead}"));
    }
    if !f.via.is_empty() {
        lines.push(format!("Introduced by {}", f.via.join(" → ")));
    }
    match (&f.decision, &f.technology) {
        (Some(decision), _) => {
            lines.push(format!("Decision: {} \"{}\"", decision.id, decision.title));
        }
        (None, None) => lines.push(
            "Classify it in the policy: add it to an approved technology, or deprecate or ban it."
                .to_string(),
        ),
        (None, Some(_)) => {}
    }
    lines.join("\n")
}

/// What a SARIF consumer can filter or script on, beyond the message.
fn properties(f: &Finding) -> Value {
    let mut bag = Map::new();
    if let Some(technology) = &f.technology {
        bag.insert("technology".into(), json!(technology));
    }
    bag.insert("status".into(), json!(f.status));
    bag.insert("ecosystem".into(), json!(f.ecosystem.as_str()));
    bag.insert("package".into(), json!(f.package));
    if let Some(version) = &f.version {
        bag.insert("version".into(), json!(version));
    }
    if let Some(requirement) = &f.requirement {
        bag.insert("requirement".into(), json!(requirement));
    }
    bag.insert("direct".into(), json!(f.direct));
    if !f.via.is_empty() {
        bag.insert("via".into(), json!(f.via));
    }
    if let Some(decision) = &f.decision {
        let mut d = Map::new();
        d.insert("id".into(), json!(decision.id));
        d.insert("title".into(), json!(decision.title));
        if let Some(url) = &decision.url {
            d.insert("url".into(), json!(url));
        }
        if let Some(owner) = &decision.owner {
            d.insert("owner".into(), json!(owner));
        }
        bag.insert("decision".into(), Value::Object(d));
    }
    if let Some(instead) = &f.use_instead {
        bag.insert("useInstead".into(), json!(instead));
    }
    if let Some(sunset) = &f.sunset {
        bag.insert("sunset".into(), json!(sunset));
    }
    // An exception is reported, not suppressed: a suppressed result disappears from code
    // scanning's default view, and the permission is temporary. The level says how much it
    // matters (note while valid, warning when it expires soon, error once expired).
    if let Some(exception) = &f.exception {
        bag.insert(
            "exception".into(),
            json!({
                "decision": exception.decision,
                "owner": exception.owner,
                "expires": exception.expires,
                "active": exception.active,
            }),
        );
    }
    if let Some(policy) = &f.policy {
        bag.insert("policy".into(), json!(policy));
    }
    Value::Object(bag)
}

/// Whether techpolicy did its whole job, and what got in its way: files it could not read
/// (execution) and the policy's own problems (configuration).
fn invocation(outcome: &CheckOutcome) -> Value {
    let execution: Vec<Value> = outcome
        .scan
        .errors
        .iter()
        .map(|error| {
            let mut region = Map::new();
            if let Some(line) = error.line {
                region.insert("startLine".into(), json!(line.max(1)));
                if let Some(column) = error.column {
                    region.insert("startColumn".into(), json!(column.max(1)));
                }
            }
            let mut physical = Map::new();
            physical.insert(
                "artifactLocation".into(),
                json!({
                    "uri": encode_uri_path(&super::repo_path(outcome, &error.file)),
                    "uriBaseId": SRCROOT,
                }),
            );
            if !region.is_empty() {
                physical.insert("region".into(), Value::Object(region));
            }
            json!({
                "level": "error",
                "message": { "text": escape_message(&format!("cannot parse {}: {}", error.file, error.message)) },
                "descriptor": { "id": crate::diagnostics::UNREADABLE_FILE },
                "locations": [{ "physicalLocation": physical }],
            })
        })
        .collect();
    let configuration: Vec<Value> = outcome
        .policy_issues
        .iter()
        .map(|issue| policy_notification(outcome, issue))
        .collect();
    let mut invocation = Map::new();
    invocation.insert(
        "executionSuccessful".into(),
        json!(outcome.scan.errors.is_empty() && outcome.policy_errors().next().is_none()),
    );
    if !execution.is_empty() {
        invocation.insert("toolExecutionNotifications".into(), json!(execution));
    }
    if !configuration.is_empty() {
        invocation.insert(
            "toolConfigurationNotifications".into(),
            json!(configuration),
        );
    }
    Value::Object(invocation)
}

fn policy_notification(outcome: &CheckOutcome, issue: &PolicyIssue) -> Value {
    let mut text = issue.message.clone();
    if let Some(help) = &issue.help {
        text.push('\n');
        text.push_str(help);
    }
    let mut notification = Map::new();
    notification.insert(
        "level".into(),
        json!(match issue.severity {
            IssueSeverity::Error => "error",
            IssueSeverity::Warning => "warning",
        }),
    );
    notification.insert("message".into(), json!({ "text": escape_message(&text) }));
    notification.insert("descriptor".into(), json!({ "id": issue.code }));
    if let Some(path) = super::policy_location(outcome, issue).and_then(Result::ok) {
        let mut physical = Map::new();
        physical.insert(
            "artifactLocation".into(),
            json!({ "uri": encode_uri_path(&path), "uriBaseId": SRCROOT }),
        );
        if let Some(line) = issue.line() {
            physical.insert("region".into(), json!({ "startLine": line.max(1) }));
        }
        notification.insert(
            "locations".into(),
            json!([{ "physicalLocation": Value::Object(physical) }]),
        );
    }
    Value::Object(notification)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// What makes a result the same alert from one commit to the next: the technology, the
/// package and the repository-relative file, never the line. FNV-1a, 64 bits: small, fixed
/// forever, and enough to tell a repository's findings apart.
fn fingerprint(f: &Finding, repo_file: &str) -> u64 {
    let technology = f.technology.as_deref().unwrap_or("unknown");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in [technology, &f.package, repo_file].iter().enumerate() {
        if i > 0 {
            // A separator that cannot occur in names, so that ("ab", "c") ≠ ("a", "bc").
            hash = fnv1a(hash, &[0]);
        }
        hash = fnv1a(hash, part.as_bytes());
    }
    hash
}

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// A relative path as a URI reference: every byte outside RFC 3986's unreserved set, the
/// sub-delimiters, `@` and `/` percent-encoded (spaces, `%`, `#`, `?`, non-ASCII). `:` is
/// encoded too, so that a first segment such as `c:x` cannot read as a scheme.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// SARIF plain-text messages read `[text](target)` as a link: brackets meant literally are
/// escaped, as the specification asks.
fn escape_message(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]")
}

/// Text from the policy inside help markdown: characters that would start emphasis, code, a
/// link or raw HTML are escaped.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `MongoDB` → `mongodb`, `Node.js before 18` → `node-js-before-18`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "technology".to_string()
    } else {
        out
    }
}

/// `slug`, or `slug-2`, `slug-3`… when another technology's name gave the same one.
fn unique(slug: String, used: &mut HashSet<String>) -> String {
    let mut candidate = slug.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{slug}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// `Node.js before 18` → `NodeJsBefore18`; the case inside words is kept (`MongoDB`).
fn pascal_case(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() {
        "Technology".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_and_names() {
        assert_eq!(slug("MongoDB"), "mongodb");
        assert_eq!(slug("Node.js before 18"), "node-js-before-18");
        assert_eq!(slug("  C++ / C#  "), "c-c");
        assert_eq!(slug("日本"), "technology");
        let mut used = HashSet::from([UNKNOWN_RULE_ID.to_string()]);
        assert_eq!(unique(slug("C++"), &mut used), "c");
        assert_eq!(unique(slug("C#"), &mut used), "c-2");
        assert_eq!(
            unique(slug("Unknown technology"), &mut used),
            "unknown-technology-2"
        );
        assert_eq!(pascal_case("Node.js before 18"), "NodeJsBefore18");
        assert_eq!(pascal_case("MongoDB"), "MongoDB");
        assert_eq!(pascal_case("OpenSSL bindings"), "OpenSSLBindings");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            encode_uri_path("services/my api/package.json"),
            "services/my%20api/package.json"
        );
        assert_eq!(encode_uri_path("a%b#c?d"), "a%25b%23c%3Fd");
        assert_eq!(encode_uri_path("c:x/é"), "c%3Ax/%C3%A9");
        assert_eq!(encode_uri_path("@scope/pkg-1.0_x~"), "@scope/pkg-1.0_x~");
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // The published FNV-1a 64-bit test vectors.
        assert_eq!(fnv1a(0xcbf2_9ce4_8422_2325, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(0xcbf2_9ce4_8422_2325, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            fnv1a(0xcbf2_9ce4_8422_2325, b"foobar"),
            0x8594_4171_f739_67e8
        );
    }

    #[test]
    fn brackets_in_messages_are_literal() {
        assert_eq!(escape_message("a [b](c)"), "a \\[b\\](c)");
    }
}
