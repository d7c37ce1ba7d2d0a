use super::*;

fn issues(text: &str) -> Vec<PolicyIssue> {
    match parse(text, Path::new("techpolicy.toml")) {
        Ok(_) => Vec::new(),
        Err(PolicyError::Invalid { issues, .. }) => issues,
        Err(other) => panic!("{other}"),
    }
}

/// (message, the text under the primary span) of each issue.
fn located(issues: &[PolicyIssue]) -> Vec<(String, String)> {
    issues
        .iter()
        .map(|issue| {
            let (file, span, _) = issue.at.as_ref().expect("located");
            let text = file
                .text
                .get(span.offset..span.offset + span.len)
                .unwrap_or_default();
            (issue.message.clone(), text.to_string())
        })
        .collect()
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
    let messages = located(&found);
    assert_eq!(messages.len(), 8, "{messages:#?}");
    let has = |m: &str, t: &str| messages.contains(&(m.to_string(), t.to_string()));
    assert!(has("unknown key `colour` in the policy", "colour"));
    assert!(has("unknown status `acepted`", "\"acepted\""));
    assert!(has("decision `ADR-2` is not defined", "\"ADR-2\""));
    assert!(has("unknown key `reson` in [[technology]]", "reson"));
    assert!(found.iter().any(|i| i
        .help
        .as_deref()
        .is_some_and(|h| h.starts_with("did you mean `reason`"))));
    for entry in [
        "\"npm:[a\"",
        "\"pip:x\"",
        "\"npm:lodash@<<1\"",
        "\"npm:/(/\"",
    ] {
        assert!(messages.iter().any(|(_, span)| span == entry), "{entry}");
    }
    // Reported in file order.
    let offsets: Vec<usize> = found
        .iter()
        .map(|i| i.at.as_ref().expect("at").1.offset)
        .collect();
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn the_documented_example_is_valid() {
    let policy = parse(
        include_str!("../../policies/example.toml"),
        Path::new("example.toml"),
    )
    .expect("valid");
    assert_eq!(policy.decisions.len(), 1);
    assert_eq!(policy.technologies.len(), 3);
    assert_eq!(
        policy.decisions[0].date,
        Some(jiff::civil::date(2023, 11, 20))
    );
    assert_eq!(policy.technologies[0].decision, Some(0));
    assert_eq!(policy.technologies[2].decision, None);
    assert_eq!(policy.settings.exclude, vec!["fixtures/**".to_string()]);
    assert_eq!(policy.settings.unknown, UnknownMode::Allow);
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
    let messages: Vec<String> = issues(text).into_iter().map(|i| i.message).collect();
    for expected in [
        "unsupported policy version",
        "`settings` must be a table",
        "`date` must be a date",
        "decision `A` is defined twice",
        "missing required key `name`",
        "`match` must be an array of strings",
    ] {
        assert!(
            messages.iter().any(|m| m == expected),
            "{expected}: {messages:?}"
        );
    }
}

#[test]
fn invalid_toml_points_at_the_error() {
    let found = issues("version = 1\n[[technology]\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].message.starts_with("invalid TOML"));
    assert!(found[0].at.is_some());
}

#[test]
fn decision_process_fields_and_references() {
    let text = r#"version = 1

[[decision]]
id = "ADR-1"
title = "old"
status = "superseded"
superseded_by = "ADR-2"
review_by = 2024-01-01

[[decision]]
id = "ADR-2"
title = "new"
status = "accepted"
supersedes = "ADR-1"
path = "docs/adr/0002-does-not-exist.md"

[[decision]]
id = "ADR-3"
title = "dangling"
status = "proposed"
superseded_by = "ADR-9"

[[technology]]
name = "Old thing"
status = "deprecated"
decision = "ADR-1"
match = ["npm:old"]

[[technology]]
name = "Approved thing"
status = "approved"
sunset = 2030-01-01
match = ["npm:old", "npm:fine"]

[[exception]]
technology = "Old thing"
paths = ["legacy/**"]
decision = "ADR-2"
owner = "team"

[[exception]]
technology = "Missing"
paths = ["x/**"]
decision = "ADR-2"
owner = "team"
expries = 2030-01-01
expires = 2030-01-01
"#;
    let found = issues(text);
    let codes: Vec<&str> = found.iter().map(|i| i.code).collect();
    for code in [
        "missing-decision-record",
        "unknown-decision",
        "stale-decision",
        "sunset-not-deprecated",
        "conflicting-status",
        "invalid-policy", // the exception without `expires`, and `expries`
        "unknown-technology",
    ] {
        assert!(codes.contains(&code), "{code}: {found:#?}");
    }
    let stale = found
        .iter()
        .find(|i| i.code == "stale-decision")
        .expect("stale");
    assert_eq!(
        stale.help.as_deref(),
        Some("point it at `ADR-2`, which superseded `ADR-1`")
    );
    assert_eq!(stale.also.len(), 1, "both lines are shown");
    let conflict = found
        .iter()
        .find(|i| i.code == "conflicting-status")
        .expect("conflict");
    assert_eq!(conflict.also.len(), 1);
    assert!(found
        .iter()
        .any(|i| i.message == "an exception must have an `expires` date"));
    assert!(found
        .iter()
        .any(|i| i.message == "unknown key `expries` in [[exception]]"));
}

#[test]
fn date_warnings_name_owner_and_delay() {
    let text = r#"version = 1
[[decision]]
id = "ADR-7"
title = "t"
status = "accepted"
owner = "platform"
review_by = 2026-01-01

[[technology]]
name = "T"
status = "banned"
decision = "ADR-7"
match = ["npm:t"]

[[exception]]
technology = "T"
paths = ["**"]
decision = "ADR-7"
owner = "team-a"
expires = 2026-02-01
"#;
    let policy = parse(text, Path::new("techpolicy.toml")).expect("valid");
    let warnings = policy.date_warnings(jiff::civil::date(2026, 1, 11));
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        warnings[0].message,
        "decision `ADR-7` was due for review on 2026-01-01 (10 days ago; owner: platform)"
    );
    let warnings = policy.date_warnings(jiff::civil::date(2026, 2, 2));
    assert_eq!(warnings.len(), 2);
    assert!(warnings[1].message.contains("expired on 2026-02-01"));
    assert!(policy
        .date_warnings(jiff::civil::date(2025, 12, 31))
        .is_empty());
}

#[test]
fn typo_suggestions() {
    assert_eq!(
        closest("use-instead", &["reason", "use_instead"]),
        Some("use_instead")
    );
    assert_eq!(closest("xyz", &["reason", "use_instead"]), None);
}
