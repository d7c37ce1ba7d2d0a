//! `techpolicy explain`: everything the policy says about a technology, a decision or a
//! package, with the file and line each statement comes from.

use crate::manifest::Ecosystem;
use crate::matcher::Candidate;
use crate::policy::{self, Decision, Origin, Policy, Technology};
use jiff::civil::Date;
use std::fmt::Write;

/// What a query found, as text for people.
pub enum Explanation {
    Found(String),
    /// Nothing matched; the text says so and suggests near names.
    NotFound(String),
}

/// Explains `query`: a technology name, a decision id, or a package (`npm:mongoose`,
/// `cargo:openssl@0.10.1`, `docker:node@16-alpine`).
pub fn explain(policy: &Policy, query: &str, today: Date) -> Explanation {
    let query = query.trim();
    let mut out = String::new();
    if let Some(technology) = policy
        .technologies
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(query))
    {
        describe_technology(policy, technology, today, &mut out);
        return Explanation::Found(out);
    }
    if let Some(decision) = policy
        .decisions
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(query))
    {
        describe_decision(policy, decision, today, "", &mut out);
        let governed: Vec<&Technology> = policy
            .technologies
            .iter()
            .filter(|t| {
                t.decision
                    .is_some_and(|i| policy.decisions[i].id == decision.id)
            })
            .collect();
        for technology in governed {
            let _ = writeln!(out);
            describe_technology(policy, technology, today, &mut out);
        }
        return Explanation::Found(out);
    }
    if let Some((ecosystem, name, version)) = parse_package(query) {
        let candidate = Candidate {
            ecosystem,
            name,
            version,
            requirement: None,
        };
        let mut matching: Vec<&Technology> = policy
            .technologies
            .iter()
            .filter(|t| {
                t.matchers
                    .iter()
                    .any(|rule| rule.matcher.matches(&candidate))
            })
            .collect();
        matching.sort_by_key(|t| std::cmp::Reverse(t.status));
        if !matching.is_empty() {
            if matching.len() > 1 {
                let _ = writeln!(
                    out,
                    "{query} is matched by {} technologies; the most restrictive applies\n",
                    matching.len()
                );
            }
            for (index, technology) in matching.into_iter().enumerate() {
                if index > 0 {
                    let _ = writeln!(out);
                }
                describe_technology(policy, technology, today, &mut out);
            }
            return Explanation::Found(out);
        }
        let _ = writeln!(
            out,
            "{query}: no technology in the policy matches it (unknown dependencies are {})",
            match policy.settings.unknown {
                policy::UnknownMode::Allow => "allowed",
                policy::UnknownMode::Warn => "warned about",
                policy::UnknownMode::Deny => "denied",
            }
        );
        return Explanation::NotFound(out);
    }
    let mut names: Vec<&str> = policy
        .technologies
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    names.extend(policy.decisions.iter().map(|d| d.id.as_str()));
    names.extend(
        policy
            .technologies
            .iter()
            .flat_map(|t| t.matchers.iter().map(|r| r.text.as_str())),
    );
    let _ = write!(
        out,
        "no technology, decision or package named `{query}` in the policy"
    );
    match policy::closest(query, &names) {
        Some(near) => {
            let _ = writeln!(out, "; did you mean `{near}`?");
        }
        None => {
            let _ = writeln!(
                out,
                " (a package is written ECOSYSTEM:NAME, e.g. npm:lodash)"
            );
        }
    }
    Explanation::NotFound(out)
}

/// `npm:lodash@4.17.20` → (npm, lodash, Some(4.17.20)); a scope's leading `@` is not a version.
fn parse_package(query: &str) -> Option<(Ecosystem, &str, Option<&str>)> {
    let (ecosystem, rest) = query.split_once(':')?;
    let ecosystem = Ecosystem::parse(ecosystem)?;
    let split_at = rest.get(1..).and_then(|tail| tail.find('@')).map(|i| i + 1);
    Some(match split_at {
        Some(at) => (ecosystem, &rest[..at], Some(&rest[at + 1..])),
        None => (ecosystem, rest, None),
    })
}

fn location(policy: &Policy, origin: Origin) -> String {
    let file = &policy.files[origin.file];
    let line = file.line(origin.span.offset);
    format!("{}:{line}", file.path.display())
}

fn describe_technology(policy: &Policy, technology: &Technology, today: Date, out: &mut String) {
    let _ = writeln!(out, "{}  [{}]", technology.name, technology.status);
    let _ = writeln!(
        out,
        "  defined in:  {}",
        location(policy, technology.origin)
    );
    if let Some(base) = technology.overrides {
        let _ = writeln!(out, "  overrides:   {}", location(policy, base));
    }
    let patterns: Vec<&str> = technology
        .matchers
        .iter()
        .map(|r| r.text.as_str())
        .collect();
    let _ = writeln!(out, "  matches:     {}", patterns.join(", "));
    if let Some(reason) = &technology.reason {
        let _ = writeln!(out, "  reason:      {reason}");
    }
    if let Some(instead) = &technology.use_instead {
        let _ = writeln!(out, "  use instead: {instead}");
    }
    if let Some(sunset) = technology.sunset {
        let days = policy::days_between(today, sunset);
        let when = if days > 0 {
            format!("banned from {sunset}, in {days} days")
        } else {
            format!("banned since {sunset}")
        };
        let _ = writeln!(out, "  sunset:      {when}");
    }
    match technology.decision {
        Some(index) => describe_decision(
            policy,
            &policy.decisions[index],
            today,
            "  decision:    ",
            out,
        ),
        None => {
            let _ = writeln!(out, "  decision:    none recorded");
        }
    }
    let exceptions: Vec<_> = policy
        .exceptions
        .iter()
        .filter(|e| std::ptr::eq(&policy.technologies[e.technology], technology))
        .collect();
    for exception in exceptions {
        let decision = &policy.decisions[exception.decision];
        let days = policy::days_between(today, exception.expires);
        let state = if days >= 0 {
            format!("until {} (in {days} days)", exception.expires)
        } else {
            format!("expired {} ({} days ago)", exception.expires, -days)
        };
        let _ = writeln!(
            out,
            "  exception:   {} {state}, granted by {} to {} ({})",
            exception.paths.join(", "),
            decision.id,
            exception.owner,
            location(policy, exception.origin)
        );
        if let Some(reason) = &exception.reason {
            let _ = writeln!(out, "               {reason}");
        }
    }
}

fn describe_decision(
    policy: &Policy,
    decision: &Decision,
    today: Date,
    prefix: &str,
    out: &mut String,
) {
    let indent = " ".repeat(prefix.chars().count());
    let _ = writeln!(
        out,
        "{prefix}{} \"{}\" ({})",
        decision.id,
        decision.title,
        decision.status.as_str()
    );
    let mut facts = Vec::new();
    if let Some(owner) = &decision.owner {
        facts.push(format!("owner {owner}"));
    }
    if let Some(date) = decision.date {
        facts.push(format!("decided {date}"));
    }
    if let Some(review_by) = decision.review_by {
        let days = policy::days_between(today, review_by);
        facts.push(if days >= 0 {
            format!("review by {review_by} (in {days} days)")
        } else {
            format!("review by {review_by} (overdue by {} days)", -days)
        });
    }
    if let Some(next) = &decision.superseded_by {
        facts.push(format!("superseded by {next}"));
    }
    if let Some(previous) = &decision.supersedes {
        facts.push(format!("supersedes {previous}"));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "{indent}{}", facts.join(", "));
    }
    if let Some(link) = decision.link() {
        let _ = writeln!(out, "{indent}{link}");
    }
    let _ = writeln!(
        out,
        "{indent}defined in {}",
        location(policy, decision.origin)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_queries() {
        assert_eq!(
            parse_package("npm:lodash@4.17.20"),
            Some((Ecosystem::Npm, "lodash", Some("4.17.20")))
        );
        assert_eq!(
            parse_package("npm:@types/node"),
            Some((Ecosystem::Npm, "@types/node", None))
        );
        assert_eq!(
            parse_package("npm:@types/node@20.1.0"),
            Some((Ecosystem::Npm, "@types/node", Some("20.1.0")))
        );
        assert_eq!(
            parse_package("docker:node@16-alpine"),
            Some((Ecosystem::Docker, "node", Some("16-alpine")))
        );
        assert_eq!(parse_package("MongoDB"), None);
    }
}
