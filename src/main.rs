//! The `techpolicy` command: parses arguments, calls the library, prints the result and
//! picks the exit code (0 clean, 1 findings that fail, 2 the tool could not do its job).

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use jiff::civil::Date;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use techpolicy::explain::Explanation;
use techpolicy::git::RevisionReader;
use techpolicy::policy::diff::{self, PolicyChange};
use techpolicy::policy::{
    self, IssueSeverity, LoadOptions, Policy, PolicyError, POLICY_FILE_NAMES,
};
use techpolicy::report::{
    github, human, json, markdown, sarif, table, CheckFormat, InventoryFormat,
};
use techpolicy::{CheckOptions, Target};

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
    /// Let the policy's `extends` and decision `path` entries point outside the repository.
    #[arg(long)]
    allow_outside_root: bool,
}

impl PolicyArgs {
    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            allow_outside_root: self.allow_outside_root,
        }
    }
}

/// When to use colour.
#[derive(clap::Args, Debug)]
struct ColorArgs {
    /// Colour and links in human output: `auto` uses them on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The least severe finding that fails the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// Banned technologies (and expired exceptions) fail; warnings do not.
    Error,
    /// Deprecated technologies and exceptions about to expire fail too.
    Warning,
    /// Report, never fail (exit 0 unless techpolicy could not do its job).
    Never,
}

/// How Cargo workspaces are resolved.
#[derive(clap::Args, Debug)]
struct CargoArgs {
    /// Resolve Cargo workspaces with `cargo metadata --offline --locked` (Cargo's exact
    /// resolution) instead of reading Cargo.lock. Needs cargo and every dependency in the local
    /// Cargo cache (`cargo fetch --locked`); a workspace it cannot resolve is an error (exit 2)
    /// and is read from its Cargo.lock instead.
    #[arg(long)]
    cargo_metadata: bool,
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
        /// A directory to scan, or manifest files (as pre-commit passes them): files are
        /// checked with the lockfiles and workspace roots they need, and only they are reported.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        policy: PolicyArgs,
        /// Output format; repeat with --output to write several reports from one scan
        /// (`--format json --output r.json --format github`). A format without --output
        /// goes to standard output.
        #[arg(long, value_enum, action = clap::ArgAction::Append)]
        format: Vec<CheckFormat>,
        /// Write the preceding --format to FILE.
        #[arg(long, value_name = "FILE", action = clap::ArgAction::Append)]
        output: Vec<PathBuf>,
        #[command(flatten)]
        today: TodayArgs,
        /// Report only findings that did not exist at this git revision (read through git,
        /// without checking it out); the others are counted, not failed.
        #[arg(long, value_name = "REV")]
        new_since: Option<String>,
        /// Check against the policy (and everything it extends) as it was at this git
        /// revision, e.g. a pull request's base, so that the change cannot loosen its own
        /// check; what the working tree's policy would change is reported apart. PATH is
        /// relative to the top of the repository (default: the policy found as usual).
        #[arg(long, value_name = "REV[:PATH]")]
        policy_from: Option<String>,
        /// Which findings make the exit status 1.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
        /// Print only the summary line in human output.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        color: ColorArgs,
        #[command(flatten)]
        cargo: CargoArgs,
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
        #[command(flatten)]
        cargo: CargoArgs,
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
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let code = match cli.command {
        Command::Check {
            paths,
            policy,
            format,
            output,
            today,
            new_since,
            policy_from,
            fail_on,
            quiet,
            color,
            cargo,
        } => {
            let sub = matches.subcommand_matches("check");
            match output_plan(sub, &format, &output) {
                Ok(plan) => {
                    let style = terminal_style(color.color);
                    let options = CheckOptions {
                        today: today.date(),
                        new_since,
                        cargo_metadata: cargo.cargo_metadata,
                    };
                    let request = CheckRequest {
                        paths: &paths,
                        policy: policy.policy.as_deref(),
                        load: policy.load_options(),
                        policy_from: policy_from.as_deref(),
                        plan,
                        options,
                        fail_on,
                        quiet,
                    };
                    run_check(&request, style)
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    2
                }
            }
        }
        Command::Validate {
            path,
            policy,
            today,
        } => run_validate(
            &path,
            policy.policy.as_deref(),
            &policy.load_options(),
            today.date(),
            terminal_style(ColorChoice::Auto),
        ),
        Command::Inventory {
            path,
            policy,
            format,
            cargo,
        } => run_inventory(
            &path,
            policy.policy.as_deref(),
            &policy.load_options(),
            format,
            cargo.cargo_metadata,
            terminal_style(ColorChoice::Auto),
        ),
        Command::Explain {
            query,
            path,
            policy,
            today,
        } => run_explain(
            &query,
            &path,
            policy.policy.as_deref(),
            &policy.load_options(),
            today.date(),
            terminal_style(ColorChoice::Auto),
        ),
        Command::Init { path } => run_init(&path),
    };
    ExitCode::from(code)
}

/// Where each report goes: a file, or standard output (None).
type OutputPlan = Vec<(CheckFormat, Option<PathBuf>)>;

/// Pairs each `--output` with the `--format` before it, in command-line order. Formats without
/// a file go to standard output, and only one may.
fn output_plan(
    matches: Option<&clap::ArgMatches>,
    formats: &[CheckFormat],
    outputs: &[PathBuf],
) -> Result<OutputPlan, String> {
    let indices = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let mut events: Vec<(usize, Result<CheckFormat, &PathBuf>)> = indices("format")
        .into_iter()
        .zip(formats.iter().copied().map(Ok))
        .chain(indices("output").into_iter().zip(outputs.iter().map(Err)))
        .collect();
    events.sort_by_key(|(index, _)| *index);
    let mut plan: OutputPlan = Vec::new();
    for (_, event) in events {
        match event {
            Ok(format) => plan.push((format, None)),
            Err(file) => match plan.last_mut() {
                Some((_, target @ None)) => *target = Some(file.clone()),
                _ => {
                    return Err(format!(
                        "--output {} has no --format before it",
                        file.display()
                    ))
                }
            },
        }
    }
    if plan.is_empty() {
        plan.push((CheckFormat::Human, None));
    }
    if plan.iter().filter(|(_, file)| file.is_none()).count() > 1 {
        return Err(
            "only one --format can go to standard output: give the others an --output FILE".into(),
        );
    }
    Ok(plan)
}

struct CheckRequest<'a> {
    paths: &'a [PathBuf],
    policy: Option<&'a Path>,
    load: LoadOptions,
    policy_from: Option<&'a str>,
    plan: OutputPlan,
    options: CheckOptions,
    fail_on: FailOn,
    quiet: bool,
}

fn run_check(request: &CheckRequest<'_>, style: human::Style) -> u8 {
    for path in request.paths {
        if let Some(code) = missing_path(path) {
            return code;
        }
    }
    let start = request
        .paths
        .first()
        .map_or(Path::new("."), PathBuf::as_path);
    let (policy, policy_changes) = match request.policy_from {
        None => match required_policy(start, request.policy, &request.load, style) {
            Some(policy) => (policy, Vec::new()),
            None => return 2,
        },
        Some(from) => match policy_at_revision(start, request.policy, from, &request.load, style) {
            Some(loaded) => loaded,
            None => return 2,
        },
    };
    let target = match Target::from_paths(request.paths, Some(&policy.root)) {
        Ok(target) => target,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let mut outcome = match techpolicy::check(&target, &policy, &request.options) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    outcome.policy_changes = policy_changes;
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
            plural(errors.len())
        );
        return 2;
    }
    let human_on_stdout = request
        .plan
        .iter()
        .any(|(f, file)| *f == CheckFormat::Human && file.is_none());
    if human_on_stdout && !request.quiet && !outcome.policy_issues.is_empty() {
        eprint!(
            "{}",
            human::render_policy_issues(&outcome.policy_issues, stderr_style(style))
        );
    }
    // Named files that were not read: never skipped silently (JSON lists them itself).
    if human_on_stdout && !request.quiet {
        eprint!(
            "{}",
            human::render_skipped(&outcome.scan.skipped, stderr_style(style))
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
    for (format, file) in &request.plan {
        let text = match format {
            CheckFormat::Human if request.quiet && file.is_none() => {
                human::render_summary(&outcome)
            }
            CheckFormat::Human => human::render_check(
                &outcome,
                if file.is_some() {
                    human::Style::PLAIN
                } else {
                    style
                },
            ),
            CheckFormat::Json => json::render_check(&outcome),
            CheckFormat::Sarif => sarif::render_check(&outcome),
            CheckFormat::Github => github::render_check(&outcome),
            CheckFormat::Markdown => markdown::render_check(&outcome),
        };
        match file {
            None => print(&text),
            Some(path) => {
                if let Err(error) = std::fs::write(path, text) {
                    eprintln!("error: cannot write {}: {error}", path.display());
                    return 2;
                }
            }
        }
    }
    let failing = match request.fail_on {
        FailOn::Error => outcome.summary.errors,
        FailOn::Warning => outcome.summary.errors + outcome.summary.warnings,
        FailOn::Never => 0,
    };
    let code = if !outcome.scan.errors.is_empty() {
        2
    } else {
        u8::from(failing > 0)
    };
    // The process exits next: freeing every dependency of a large monorepo one by one would
    // only delay the exit (a tenth of the run on a 50 MB lockfile).
    std::mem::forget(outcome);
    code
}

fn run_validate(
    path: &Path,
    policy_path: Option<&Path>,
    load: &LoadOptions,
    today: Date,
    style: human::Style,
) -> u8 {
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
    let policy = match policy::load(&found, load) {
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
        cargo_metadata: false,
    };
    let target = match Target::from_paths(&[path.to_path_buf()], Some(&policy.root)) {
        Ok(target) => target,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let issues = match techpolicy::check(&target, &policy, &options) {
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
    load: &LoadOptions,
    format: InventoryFormat,
    cargo_metadata: bool,
    style: human::Style,
) -> u8 {
    if let Some(code) = missing_path(path) {
        return code;
    }
    let policy = match policy_path
        .map(Path::to_path_buf)
        .or_else(|| policy::discover(path))
    {
        Some(found) => match load_policy(&found, load, style) {
            Some(policy) => Some(policy),
            None => return 2,
        },
        None => None,
    };
    let target = match Target::from_paths(
        &[path.to_path_buf()],
        policy.as_ref().map(|p| p.root.as_path()),
    ) {
        Ok(target) => target,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let inventory = techpolicy::inventory(&target, policy.as_ref(), cargo_metadata);
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
    load: &LoadOptions,
    today: Date,
    style: human::Style,
) -> u8 {
    let Some(policy) = required_policy(path, policy_path, load, style) else {
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
    let inventory = techpolicy::inventory(&Target::Dir(path.to_path_buf()), None, false);
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
fn required_policy(
    path: &Path,
    policy_path: Option<&Path>,
    load: &LoadOptions,
    style: human::Style,
) -> Option<Policy> {
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
    load_policy(&found, load, style)
}

/// The policy as it was at a git revision (`--policy-from REV[:PATH]`), and what the working
/// tree's policy would change, or None after printing why it could not be read.
fn policy_at_revision(
    start: &Path,
    policy_path: Option<&Path>,
    from: &str,
    load: &LoadOptions,
    style: human::Style,
) -> Option<(Policy, Vec<PolicyChange>)> {
    let (rev, path) = match from.split_once(':') {
        Some((rev, path)) => (rev, Some(path)),
        None => (from, None),
    };
    let start_dir = if start.is_file() {
        start.parent().unwrap_or(Path::new("."))
    } else {
        start
    };
    let mut reader = match RevisionReader::new(start_dir, rev) {
        Ok(reader) => reader,
        Err(error) => {
            eprintln!("error: --policy-from: {error}");
            return None;
        }
    };
    let working = policy_path
        .map(Path::to_path_buf)
        .or_else(|| policy::discover(start));
    let path = match (path, &working) {
        (Some(path), _) => reader.top().join(path),
        (None, Some(working)) => std::path::absolute(working).unwrap_or_else(|_| working.clone()),
        (None, None) => reader.top().join(POLICY_FILE_NAMES[0]),
    };
    let text = match reader.read_text(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!(
                "error: --policy-from: cannot read {} at {rev}: {error}",
                path.display()
            );
            return None;
        }
    };
    let base = match policy::load_with(&path, &text, &mut reader, load) {
        Ok(policy) => policy,
        Err(error) => {
            eprint!(
                "{}",
                human::render_policy_error(&error, stderr_style(style))
            );
            return None;
        }
    };
    let changes = match working.filter(|w| w.is_file()) {
        None => Vec::new(),
        Some(working) => match policy::load(&working, load) {
            Ok(proposed) => diff::changes(&base, &proposed),
            Err(error) => vec![PolicyChange {
                code: "invalid-working-policy",
                message: format!("the working tree's policy does not load: {error}"),
                loosens: false,
            }],
        },
    };
    Some((base, changes))
}

fn load_policy(path: &Path, load: &LoadOptions, style: human::Style) -> Option<Policy> {
    match policy::load(path, load) {
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

/// Colour and links for a terminal unless NO_COLOR is set, or as `--color` says.
fn terminal_style(choice: ColorChoice) -> human::Style {
    let tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(human::Style::PLAIN.width);
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    human::Style {
        color,
        links: tty && color,
        width,
    }
}

fn stderr_style(style: human::Style) -> human::Style {
    // `--color always` forces colour on both streams; `auto` follows each stream.
    let tty = std::io::stderr().is_terminal() || !std::io::stdout().is_terminal();
    human::Style {
        color: style.color && tty,
        links: style.links && std::io::stderr().is_terminal(),
        ..style
    }
}
