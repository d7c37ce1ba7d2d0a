//! The `techpolicy` command: parses arguments, calls the library, prints the result and
//! picks the exit code (0 clean, 1 findings that fail, 2 the tool could not do its job).

use clap::{Parser, Subcommand};
use jiff::civil::Date;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use techpolicy::explain::Explanation;
use techpolicy::policy::{self, IssueSeverity, Policy, PolicyError, POLICY_FILE_NAMES};
use techpolicy::report::{human, json, table, CheckFormat, InventoryFormat};
use techpolicy::CheckOptions;

/// Checks a repository's dependencies and container images against the organisation's
/// technology policy: decisions, approved/deprecated/banned technologies, with reasons,
/// alternatives and links to the decision behind each rule.
#[derive(Parser, Debug)]
#[command(name = "techpolicy", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by the commands that read a policy.
#[derive(clap::Args, Debug)]
struct PolicyArgs {
    /// Policy file. Default: the first of techpolicy.toml, .techpolicy.toml and
    /// .config/techpolicy.toml found in PATH or a parent directory.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

/// The day to compare dates with.
#[derive(clap::Args, Debug)]
struct TodayArgs {
    /// Compare dates (review dates, exception expiry, sunsets) with this day instead of
    /// today: previews what will fail on a future date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
}

impl TodayArgs {
    fn date(&self) -> Date {
        self.today.unwrap_or_else(techpolicy::today)
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan a repository and report every dependency or image the policy restricts.
    ///
    /// Exit status: 0 when nothing fails, 1 when a finding has severity error (a banned
    /// technology), 2 when the policy is invalid or a manifest could not be read or parsed.
    Check {
        /// Directory (or single manifest) to scan.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        policy: PolicyArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        #[command(flatten)]
        today: TodayArgs,
        /// Report only findings that did not exist at this git revision (read through git,
        /// without checking it out); the others are counted, not failed.
        #[arg(long, value_name = "REV")]
        new_since: Option<String>,
    },
    /// Check the policy itself: references, conflicts, overdue reviews, expired and stale
    /// exceptions (the scan of PATH shows which exceptions match nothing).
    ///
    /// Exit status: 0 when there are no errors (warnings may be printed), 1 otherwise, 2 when
    /// no policy could be read.
    Validate {
        /// Repository the policy is checked against.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        today: TodayArgs,
    },
    /// List every dependency and image found, whether the policy names it or not.
    ///
    /// Needs no policy; with one (given or found), shows the technology each entry maps to.
    Inventory {
        /// Directory (or single manifest) to scan.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        policy: PolicyArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
        format: InventoryFormat,
    },
    /// Show what the policy says about a technology, a decision, or a package, and where.
    ///
    /// QUERY is a technology name (`MongoDB`), a decision id (`ADR-0003`) or a package
    /// (`npm:mongoose`, `cargo:openssl@0.10.1`, `docker:node@16`). Exit status 1 when the
    /// policy says nothing about it.
    Explain {
        query: String,
        /// Where to look for the policy (as for `check`).
        #[arg(long, default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        today: TodayArgs,
    },
    /// Write a starter techpolicy.toml listing every technology the repository uses, for a
    /// person to classify. Never overwrites an existing file.
    Init {
        /// Repository to describe; the policy is written at its root.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>()
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = terminal_style();
    let code = match cli.command {
        Command::Check {
            path,
            policy,
            format,
            today,
            new_since,
        } => run_check(
            &path,
            policy.policy.as_deref(),
            format,
            today.date(),
            new_since,
            style,
        ),
        Command::Validate {
            path,
            policy,
            today,
        } => run_validate(&path, policy.policy.as_deref(), today.date(), style),
        Command::Inventory {
            path,
            policy,
            format,
        } => run_inventory(&path, policy.policy.as_deref(), format, style),
        Command::Explain {
            query,
            path,
            policy,
            today,
        } => run_explain(&query, &path, policy.policy.as_deref(), today.date(), style),
        Command::Init { path } => run_init(&path),
    };
    ExitCode::from(code)
}

fn run_check(
    path: &Path,
    policy_path: Option<&Path>,
    format: CheckFormat,
    today: Date,
    new_since: Option<String>,
    style: human::Style,
) -> u8 {
    if let Some(code) = missing_path(path) {
        return code;
    }
    let Some(policy) = required_policy(path, policy_path, style) else {
        return 2;
    };
    let options = CheckOptions { today, new_since };
    let outcome = match techpolicy::check(path, &policy, &options) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    let errors: Vec<_> = outcome.policy_errors().cloned().collect();
    if !errors.is_empty() {
        // A policy that contradicts itself on this repository stops the check.
        eprint!(
            "{}",
            human::render_policy_issues(&errors, stderr_style(style))
        );
        eprintln!(
            "{}: {} error{} in the policy; nothing was checked",
            policy.path.display(),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        return 2;
    }
    if format == CheckFormat::Human && !outcome.policy_issues.is_empty() {
        eprint!(
            "{}",
            human::render_policy_issues(&outcome.policy_issues, stderr_style(style))
        );
    }
    if !outcome.scan.errors.is_empty() {
        eprint!(
            "{}",
            human::render_file_errors(
                &outcome.scan.errors,
                &outcome.scan.sources,
                stderr_style(style)
            )
        );
    }
    let text = match format {
        CheckFormat::Human => human::render_check(&outcome, style),
        CheckFormat::Json => json::render_check(&outcome),
    };
    print(&text);
    outcome.exit_code() as u8
}

fn run_validate(path: &Path, policy_path: Option<&Path>, today: Date, style: human::Style) -> u8 {
    if let Some(code) = missing_path(path) {
        return code;
    }
    let Some(found) = policy_path
        .map(Path::to_path_buf)
        .or_else(|| policy::discover(path))
    else {
        let error = PolicyError::NotFound {
            searched_from: path.to_path_buf(),
        };
        eprint!(
            "{}",
            human::render_policy_error(&error, stderr_style(style))
        );
        return 2;
    };
    let policy = match policy::load(&found) {
        Ok(policy) => policy,
        Err(error @ PolicyError::Invalid { .. }) => {
            print(&human::render_policy_error(&error, style));
            return 1;
        }
        Err(error) => {
            eprint!(
                "{}",
                human::render_policy_error(&error, stderr_style(style))
            );
            return 2;
        }
    };
    let options = CheckOptions {
        today,
        new_since: None,
    };
    let issues = match techpolicy::check(path, &policy, &options) {
        Ok(outcome) => outcome.policy_issues,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    let errors = issues
        .iter()
        .filter(|i| i.severity == IssueSeverity::Error)
        .count();
    let warnings = issues.len() - errors;
    let mut text = human::render_policy_issues(&issues, style);
    text.push_str(&format!(
        "{}: {} decision{}, {} technolog{}, {} exception{} in {} file{}: {errors} error{}, {warnings} warning{}\n",
        policy.path.display(),
        policy.decisions.len(),
        plural(policy.decisions.len()),
        policy.technologies.len(),
        if policy.technologies.len() == 1 { "y" } else { "ies" },
        policy.exceptions.len(),
        plural(policy.exceptions.len()),
        policy.files.len(),
        plural(policy.files.len()),
        plural(errors),
        plural(warnings),
    ));
    print(&text);
    u8::from(errors > 0)
}

fn run_inventory(
    path: &Path,
    policy_path: Option<&Path>,
    format: InventoryFormat,
    style: human::Style,
) -> u8 {
    if let Some(code) = missing_path(path) {
        return code;
    }
    let policy = match policy_path
        .map(Path::to_path_buf)
        .or_else(|| policy::discover(path))
    {
        Some(found) => match load_policy(&found, style) {
            Some(policy) => Some(policy),
            None => return 2,
        },
        None => None,
    };
    let inventory = techpolicy::inventory(path, policy.as_ref());
    if !inventory.errors.is_empty() {
        eprint!(
            "{}",
            human::render_file_errors(&inventory.errors, &Default::default(), stderr_style(style))
        );
    }
    let text = match format {
        InventoryFormat::Table => table::render_inventory(&inventory),
        InventoryFormat::Json => json::render_inventory(&inventory),
    };
    print(&text);
    if inventory.errors.is_empty() {
        0
    } else {
        2
    }
}

fn run_explain(
    query: &str,
    path: &Path,
    policy_path: Option<&Path>,
    today: Date,
    style: human::Style,
) -> u8 {
    let Some(policy) = required_policy(path, policy_path, style) else {
        return 2;
    };
    match techpolicy::explain::explain(&policy, query, today) {
        Explanation::Found(text) => {
            print(&text);
            0
        }
        Explanation::NotFound(text) => {
            print(&text);
            1
        }
    }
}

fn run_init(path: &Path) -> u8 {
    if let Some(code) = missing_path(path) {
        return code;
    }
    let target = path.join(POLICY_FILE_NAMES[0]);
    if let Some(existing) = POLICY_FILE_NAMES
        .iter()
        .map(|name| path.join(name))
        .find(|p| p.exists())
    {
        eprintln!(
            "error: {} already exists; techpolicy init never overwrites a policy",
            existing.display()
        );
        return 2;
    }
    let inventory = techpolicy::inventory(path, None);
    let text = techpolicy::init::starter_policy(&inventory, techpolicy::today());
    // `create_new` so that a file appearing meanwhile is not overwritten either.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    match written {
        Ok(()) => {
            let technologies = text.matches("# [[technology]]").count();
            println!(
                "wrote {} with {technologies} technolog{} to classify",
                target.display(),
                if technologies == 1 { "y" } else { "ies" }
            );
            0
        }
        Err(error) => {
            eprintln!("error: cannot write {}: {error}", target.display());
            2
        }
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

fn missing_path(path: &Path) -> Option<u8> {
    if path.exists() {
        return None;
    }
    eprintln!("error: {}: no such file or directory", path.display());
    Some(2)
}

/// The policy given or discovered, or None after printing why there is none.
fn required_policy(path: &Path, policy_path: Option<&Path>, style: human::Style) -> Option<Policy> {
    let Some(found) = policy_path
        .map(Path::to_path_buf)
        .or_else(|| policy::discover(path))
    else {
        let error = PolicyError::NotFound {
            searched_from: path.to_path_buf(),
        };
        eprint!(
            "{}",
            human::render_policy_error(&error, stderr_style(style))
        );
        return None;
    };
    load_policy(&found, style)
}

fn load_policy(path: &Path, style: human::Style) -> Option<Policy> {
    match policy::load(path) {
        Ok(policy) => Some(policy),
        Err(error) => {
            eprint!(
                "{}",
                human::render_policy_error(&error, stderr_style(style))
            );
            None
        }
    }
}

/// Writes to stdout, ignoring a closed pipe (`techpolicy check | head`).
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Colour and links only for a terminal, and never when NO_COLOR is set.
fn terminal_style() -> human::Style {
    let tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(human::Style::PLAIN.width);
    human::Style {
        color: tty && !no_color,
        links: tty,
        width,
    }
}

fn stderr_style(style: human::Style) -> human::Style {
    let tty = std::io::stderr().is_terminal();
    human::Style {
        color: style.color && tty,
        links: style.links && tty,
        ..style
    }
}
