//! `techpolicy init`: a starter policy for a repository, listing every technology it uses for
//! a person to classify. The file is valid as written (everything to decide is commented out),
//! so `techpolicy check` runs from the first minute.

use crate::manifest::Ecosystem;
use crate::outcome::Inventory;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The starter policy text for what `inventory` found.
pub fn starter_policy(inventory: &Inventory, today: jiff::civil::Date) -> String {
    // (ecosystem, name) → the places that declare it.
    let mut used: BTreeMap<(Ecosystem, String), Vec<String>> = BTreeMap::new();
    for entry in &inventory.entries {
        let dependency = &entry.dependency;
        if dependency.is_locked_entry() || dependency.is_own_package() {
            continue;
        }
        used.entry((dependency.ecosystem, dependency.name.clone()))
            .or_default()
            .push(format!("{}:{}", dependency.file, dependency.line));
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# techpolicy policy: the technical strategy of this repository, checked by `techpolicy check`.
# Written by `techpolicy init` on {today}. Classify each technology below as approved,
# deprecated or banned, link it to a decision, and uncomment it.
version = 1

[settings]
# Globs (relative to this file) to skip, on top of .gitignore.
exclude = []
# What to do with direct dependencies that no technology matches: allow, warn, or deny
# (deny turns this policy into an allowlist).
unknown = \"allow\"

# A decision records who decided what, when, and where to read why.
# [[decision]]
# id = \"ADR-0001\"
# title = \"What we decided\"
# status = \"accepted\"          # proposed | accepted | superseded | retired
# date = {today}
# owner = \"team-name\"
# url = \"https://example.com/adr/0001\"
# review_by = {next_year}
",
        next_year = today.checked_add(jiff::Span::new().years(1)).unwrap_or(today),
    );
    if used.is_empty() {
        let _ = writeln!(
            out,
            "# No dependencies or images were found in this repository."
        );
        return out;
    }
    let _ = writeln!(
        out,
        "# Technologies found in this repository ({}):",
        used.len()
    );
    for ((ecosystem, name), places) in &used {
        let shown: Vec<&str> = places.iter().take(3).map(String::as_str).collect();
        let more = if places.len() > 3 {
            format!(" and {} more", places.len() - 3)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "
# {ecosystem}:{name}, used in {}{more}
# [[technology]]
# name = {}
# status = \"approved\"          # approved | deprecated | banned
# decision = \"ADR-0001\"
# reason = \"\"
# use_instead = \"\"
# match = [{}]",
            shown.join(", "),
            toml_string(name),
            toml_string(&format!("{ecosystem}:{name}")),
        );
    }
    out
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
