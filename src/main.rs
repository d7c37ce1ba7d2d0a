//! The `techpolicy` command: parses arguments (`cli`), calls the library and prints what it
//! returns. Exit statuses are the library's ([`Exit`]): 0 clean, 1 something failed, 2
//! techpolicy could not do its job.

mod cli;

use cli::{CheckArgs, ColorChoice, Command, ExplainArgs, InventoryArgs, OutputPlan, ValidateArgs};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use techpolicy::explain::Explanation;
use techpolicy::policy::{PolicyError, RevisionPolicyError, POLICY_FILE_NAMES};
use techpolicy::report::{github, human, json, markdown, sarif, table, CheckFormat};
use techpolicy::report::{human::Style, InventoryFormat};
use techpolicy::{Exit, Target};

fn main() -> ExitCode {
    let (cli, matches) = cli::parse();
    let exit = match cli.command {
        Command::Check(args) => match args.output_plan(matches.subcommand_matches("check")) {
            Ok(plan) => run_check(&args, &plan),
            Err(message) => trouble(&format!("error: {message}\n")),
        },
        Command::Validate(args) => run_validate(&args),
        Command::Inventory(args) => run_inventory(&args),
        Command::Explain(args) => run_explain(&args),
        Command::Init(args) => run_init(&args.path),
    };
    ExitCode::from(exit as u8)
}

fn run_check(args: &CheckArgs, plan: &OutputPlan) -> Exit {
    let style = terminal_style(args.color.color);
    if let Some(exit) = args.paths.iter().find_map(|path| missing_path(path)) {
        return exit;
    }
    let start = args.paths.first().map_or(Path::new("."), PathBuf::as_path);
    let loaded = match &args.policy_from {
        None => args.policy.find(start).map(|policy| (policy, Vec::new())),
        Some(from) => match args.policy.at_revision(start, from) {
            Ok(loaded) => Ok(loaded),
            Err(RevisionPolicyError::Policy(error)) => Err(error),
            Err(error) => return trouble(&format!("error: {error}\n")),
        },
    };
    let (policy, policy_changes) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return policy_trouble(&error, style),
    };
    let target = match Target::from_paths(&args.paths, Some(&policy.root)) {
        Ok(target) => target,
        Err(message) => return trouble(&format!("error: {message}\n")),
    };
    let mut outcome = match techpolicy::check(&target, &policy, &args.options()) {
        Ok(outcome) => outcome,
        Err(error) => return trouble(&format!("error: {error}\n")),
    };
    outcome.policy_changes = policy_changes;
    let errors: Vec<_> = outcome.policy_errors().cloned().collect();
    if !errors.is_empty() {
        // A policy that contradicts itself on this repository stops the check: it is shown
        // as an invalid policy is, and no report is written.
        let path = policy.path.clone();
        policy_trouble(
            &PolicyError::Invalid {
                path,
                issues: errors,
            },
            style,
        );
        return outcome.exit_code(args.fail_on);
    }
    let human_on_stdout = plan.contains(&(CheckFormat::Human, None));
    if human_on_stdout && !args.quiet {
        let issues = &outcome.policy_issues;
        eprint!(
            "{}",
            human::render_policy_issues(issues, stderr_style(style))
        );
        // Named files that were not read: never skipped silently (JSON lists them itself).
        let skipped = &outcome.scan.skipped;
        eprint!("{}", human::render_skipped(skipped, stderr_style(style)));
    }
    let scan = &outcome.scan;
    let errors = human::render_file_errors(&scan.errors, &scan.sources, stderr_style(style));
    eprint!("{errors}");
    for (format, file) in plan {
        let text = match format {
            CheckFormat::Human if args.quiet && file.is_none() => human::render_summary(&outcome),
            CheckFormat::Human if file.is_some() => human::render_check(&outcome, Style::PLAIN),
            CheckFormat::Human => human::render_check(&outcome, style),
            CheckFormat::Json => json::render_check(&outcome),
            CheckFormat::Sarif => sarif::render_check(&outcome),
            CheckFormat::Github => github::render_check(&outcome),
            CheckFormat::Markdown => markdown::render_check(&outcome),
        };
        match file {
            None => print(&text),
            Some(path) => {
                if let Err(error) = std::fs::write(path, text) {
                    let path = path.display();
                    return trouble(&format!("error: cannot write {path}: {error}\n"));
                }
            }
        }
    }
    let exit = outcome.exit_code(args.fail_on);
    // The process exits next: freeing every dependency of a large monorepo one by one would
    // only delay the exit (a tenth of the run on a 50 MB lockfile).
    std::mem::forget(outcome);
    exit
}

fn run_validate(args: &ValidateArgs) -> Exit {
    let style = terminal_style(ColorChoice::Auto);
    let path = &args.path;
    if let Some(exit) = missing_path(path) {
        return exit;
    }
    let policy = match args.policy.find(path) {
        Ok(policy) => policy,
        // The errors of the policy are what `validate` reports, and what fails it.
        Err(error @ PolicyError::Invalid { .. }) => {
            print(&human::render_policy_error(&error, style));
            return Exit::Failed;
        }
        Err(error) => return policy_trouble(&error, style),
    };
    let target = match Target::from_paths(&[path.to_path_buf()], Some(&policy.root)) {
        Ok(target) => target,
        Err(message) => return trouble(&format!("error: {message}\n")),
    };
    match techpolicy::validate(&target, &policy, args.today.date()) {
        Ok(validation) => {
            print(&human::render_validation(&policy, &validation, style));
            validation.exit_code()
        }
        Err(error) => trouble(&format!("error: {error}\n")),
    }
}

fn run_inventory(args: &InventoryArgs) -> Exit {
    let style = terminal_style(ColorChoice::Auto);
    let path = &args.path;
    if let Some(exit) = missing_path(path) {
        return exit;
    }
    let policy = match args.policy.find(path) {
        Ok(policy) => Some(policy),
        // An inventory needs no policy; one that exists must load.
        Err(PolicyError::NotFound { .. }) => None,
        Err(error) => return policy_trouble(&error, style),
    };
    let root = policy.as_ref().map(|p| p.root.as_path());
    let target = match Target::from_paths(&[path.to_path_buf()], root) {
        Ok(target) => target,
        Err(message) => return trouble(&format!("error: {message}\n")),
    };
    let inventory = techpolicy::inventory(&target, policy.as_ref(), args.cargo.cargo_metadata);
    let no_sources = Default::default();
    let style = stderr_style(style);
    eprint!(
        "{}",
        human::render_file_errors(&inventory.errors, &no_sources, style)
    );
    // A named file that is not read is said so, never dropped in silence (as in `check`).
    if let Some(skipped) = &inventory.skipped {
        eprint!("{}", human::render_skipped(skipped, style));
    }
    print(&match args.format {
        InventoryFormat::Table => table::render_inventory(&inventory),
        InventoryFormat::Json => json::render_inventory(&inventory),
    });
    inventory.exit_code()
}

fn run_explain(args: &ExplainArgs) -> Exit {
    let style = terminal_style(ColorChoice::Auto);
    let policy = match args.policy.find(&args.path) {
        Ok(policy) => policy,
        Err(error) => return policy_trouble(&error, style),
    };
    match techpolicy::explain::explain(&policy, &args.query, args.today.date()) {
        Explanation::Found(text) => {
            print(&text);
            Exit::Clean
        }
        Explanation::NotFound(text) => {
            print(&text);
            Exit::Failed
        }
    }
}

fn run_init(path: &Path) -> Exit {
    if let Some(exit) = missing_path(path) {
        return exit;
    }
    let target = path.join(POLICY_FILE_NAMES[0]);
    let mut candidates = POLICY_FILE_NAMES.iter().map(|name| path.join(name));
    if let Some(existing) = candidates.find(|p| p.exists()) {
        let existing = existing.display();
        return trouble(&format!(
            "error: {existing} already exists; techpolicy init never overwrites a policy\n"
        ));
    }
    let inventory = techpolicy::inventory(&Target::Dir(path.to_path_buf()), None, false);
    let text = techpolicy::init::starter_policy(&inventory, techpolicy::today());
    // `create_new` so that a file appearing meanwhile is not overwritten either.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    if let Err(error) = written {
        return trouble(&format!(
            "error: cannot write {}: {error}\n",
            target.display()
        ));
    }
    let technologies = text.matches("# [[technology]]").count();
    let y = if technologies == 1 { "y" } else { "ies" };
    let target = target.display();
    println!("wrote {target} with {technologies} technolog{y} to classify");
    Exit::Clean
}

fn missing_path(path: &Path) -> Option<Exit> {
    if path.exists() {
        return None;
    }
    Some(trouble(&format!(
        "error: {}: no such file or directory\n",
        path.display()
    )))
}

/// Prints why techpolicy could not do its job, on standard error.
fn trouble(message: &str) -> Exit {
    eprint!("{message}");
    Exit::Trouble
}

/// Prints why there is no usable policy, on standard error.
fn policy_trouble(error: &PolicyError, style: Style) -> Exit {
    trouble(&human::render_policy_error(error, stderr_style(style)))
}

/// Writes to stdout, ignoring a closed pipe (`techpolicy check | head`).
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Colour and links for a terminal unless NO_COLOR is set, or as `--color` says.
fn terminal_style(choice: ColorChoice) -> Style {
    let tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(Style::PLAIN.width);
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    Style {
        color,
        links: tty && color,
        width,
    }
}

fn stderr_style(style: Style) -> Style {
    // `--color always` forces colour on both streams; `auto` follows each stream.
    let tty = std::io::stderr().is_terminal() || !std::io::stdout().is_terminal();
    Style {
        color: style.color && tty,
        links: style.links && std::io::stderr().is_terminal(),
        ..style
    }
}
