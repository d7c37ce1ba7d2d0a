//! What a change to the policy does: the difference between the policy a check applies (from
//! a trusted revision, `--policy-from`) and the one in the working tree, for reviewers to see
//! when a pull request unbans something or grants itself an exception.

use super::{Exception, Policy, TechStatus, UnknownMode};
use serde::Serialize;

/// One change, as a reviewer should read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyChange {
    /// Stable kebab-case kind: `technology-added`, `status-loosened`, `exception-added`, …
    pub code: &'static str,
    pub message: String,
    /// Whether the change allows more than before (what a reviewer must look at first).
    pub loosens: bool,
}

fn change(code: &'static str, loosens: bool, message: String) -> PolicyChange {
    PolicyChange {
        code,
        message,
        loosens,
    }
}

/// The changes from `base` (applied) to `proposed` (the working tree), loosening ones first.
pub fn changes(base: &Policy, proposed: &Policy) -> Vec<PolicyChange> {
    let mut out = Vec::new();
    for technology in &proposed.technologies {
        match base.technologies.iter().find(|t| t.name == technology.name) {
            None => out.push(change(
                "technology-added",
                technology.status == TechStatus::Approved,
                format!(
                    "technology `{}` added as {}",
                    technology.name, technology.status
                ),
            )),
            Some(before) => {
                if technology.status != before.status {
                    let loosens = technology.status < before.status;
                    out.push(change(
                        if loosens {
                            "status-loosened"
                        } else {
                            "status-tightened"
                        },
                        loosens,
                        format!(
                            "`{}`: {} → {}",
                            technology.name, before.status, technology.status
                        ),
                    ));
                }
                let patterns = |t: &super::Technology| {
                    t.matchers
                        .iter()
                        .map(|r| r.text.clone())
                        .collect::<Vec<_>>()
                };
                let (old, new) = (patterns(before), patterns(technology));
                for removed in old.iter().filter(|p| !new.contains(p)) {
                    out.push(change(
                        "match-removed",
                        before.status > TechStatus::Approved,
                        format!("`{}` no longer matches `{removed}`", technology.name),
                    ));
                }
                for added in new.iter().filter(|p| !old.contains(p)) {
                    out.push(change(
                        "match-added",
                        technology.status == TechStatus::Approved,
                        format!("`{}` now also matches `{added}`", technology.name),
                    ));
                }
                if technology.sunset != before.sunset {
                    let later = match (before.sunset, technology.sunset) {
                        (Some(a), Some(b)) => b > a,
                        (Some(_), None) => true,
                        _ => false,
                    };
                    out.push(change(
                        "sunset-changed",
                        later,
                        format!(
                            "`{}`: sunset {} → {}",
                            technology.name,
                            before.sunset.map_or("none".to_string(), |d| d.to_string()),
                            technology
                                .sunset
                                .map_or("none".to_string(), |d| d.to_string())
                        ),
                    ));
                }
            }
        }
    }
    for technology in &base.technologies {
        if !proposed
            .technologies
            .iter()
            .any(|t| t.name == technology.name)
        {
            out.push(change(
                "technology-removed",
                technology.status > TechStatus::Approved,
                format!(
                    "technology `{}` ({}) removed",
                    technology.name, technology.status
                ),
            ));
        }
    }

    let describe = |policy: &Policy, e: &Exception| {
        format!(
            "`{}` under {} until {} (granted by {}, owner: {})",
            policy.technologies[e.technology].name,
            e.paths.join(", "),
            e.expires,
            policy.decisions[e.decision].id,
            e.owner
        )
    };
    let key = |policy: &Policy, e: &Exception| {
        (
            policy.technologies[e.technology].name.clone(),
            policy.decisions[e.decision].id.clone(),
        )
    };
    for exception in &proposed.exceptions {
        let same = base
            .exceptions
            .iter()
            .find(|b| key(base, b) == key(proposed, exception));
        match same {
            None => out.push(change(
                "exception-added",
                true,
                format!("exception added: {}", describe(proposed, exception)),
            )),
            Some(before) => {
                if exception.expires > before.expires {
                    out.push(change(
                        "exception-extended",
                        true,
                        format!(
                            "exception for `{}` extended from {} to {}",
                            proposed.technologies[exception.technology].name,
                            before.expires,
                            exception.expires
                        ),
                    ));
                }
                let widened: Vec<&String> = exception
                    .paths
                    .iter()
                    .filter(|p| !before.paths.contains(p))
                    .collect();
                if !widened.is_empty() {
                    out.push(change(
                        "exception-widened",
                        true,
                        format!(
                            "exception for `{}` now also covers {}",
                            proposed.technologies[exception.technology].name,
                            widened
                                .iter()
                                .map(|p| p.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
        }
    }
    for exception in &base.exceptions {
        if !proposed
            .exceptions
            .iter()
            .any(|p| key(proposed, p) == key(base, exception))
        {
            out.push(change(
                "exception-removed",
                false,
                format!("exception removed: {}", describe(base, exception)),
            ));
        }
    }

    for decision in &proposed.decisions {
        match base.decisions.iter().find(|d| d.id == decision.id) {
            None => out.push(change(
                "decision-added",
                false,
                format!(
                    "decision `{}` added: \"{}\" ({})",
                    decision.id,
                    decision.title,
                    decision.status.as_str()
                ),
            )),
            Some(before) => {
                if before.status != decision.status {
                    out.push(change(
                        "decision-changed",
                        false,
                        format!(
                            "decision `{}`: {} → {}",
                            decision.id,
                            before.status.as_str(),
                            decision.status.as_str()
                        ),
                    ));
                }
                if before.review_by != decision.review_by {
                    out.push(change(
                        "decision-changed",
                        false,
                        format!(
                            "decision `{}`: review by {} → {}",
                            decision.id,
                            before
                                .review_by
                                .map_or("none".to_string(), |d| d.to_string()),
                            decision
                                .review_by
                                .map_or("none".to_string(), |d| d.to_string())
                        ),
                    ));
                }
                if before.title != decision.title {
                    out.push(change(
                        "decision-changed",
                        false,
                        format!("decision `{}` retitled \"{}\"", decision.id, decision.title),
                    ));
                }
            }
        }
    }
    for decision in &base.decisions {
        if !proposed.decisions.iter().any(|d| d.id == decision.id) {
            out.push(change(
                "decision-removed",
                false,
                format!("decision `{}` removed", decision.id),
            ));
        }
    }

    let rank = |mode: UnknownMode| match mode {
        UnknownMode::Deny => 2,
        UnknownMode::Warn => 1,
        UnknownMode::Allow => 0,
    };
    if base.settings.unknown != proposed.settings.unknown {
        out.push(change(
            "settings-changed",
            rank(proposed.settings.unknown) < rank(base.settings.unknown),
            format!(
                "unknown technologies: {:?} → {:?}",
                base.settings.unknown, proposed.settings.unknown
            )
            .to_lowercase(),
        ));
    }
    for glob in proposed
        .settings
        .exclude
        .iter()
        .filter(|g| !base.settings.exclude.contains(g))
    {
        out.push(change(
            "exclude-added",
            true,
            format!("now excludes `{glob}` from every check"),
        ));
    }
    out.sort_by_key(|c| !c.loosens);
    out
}
