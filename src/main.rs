//! The `techpolicy` command: parses arguments, calls the library, prints the result and
//! picks the exit code (0 clean, 1 findings that fail, 2 the tool could not do its job).

use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use techpolicy::policy::{self, Policy, PolicyError};
use techpolicy::report::{human, json, table, CheckFormat, InventoryFormat};

/// Checks a repository's dependencies and container images against the organisation's
/// technology policy: decisions, approved/deprecated/banned technologies, with reasons,
/// alternatives and links to the decision behind each rule.
#[derive(Parser, Debug)]
#[command(name = "techpolicy", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan a repository and report every dependency or image the policy restricts.
    ///
    /// Exit status: 0 when nothing fails, 1 when a banned technology is used, 2 when the
    /// policy is invalid or a manifest could not be read or parsed.
    Check {
        /// Directory (or single manifest) to scan.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Policy file. Default: the first of techpolicy.toml, .techpolicy.toml and
        /// .config/techpolicy.toml found in PATH or a parent directory.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// List every dependency and image found, whether the policy names it or not.
    ///
    /// Needs no policy; with one (given or found), shows the technology each entry maps to.
    Inventory {
        /// Directory (or single manifest) to scan.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Policy file (default: discovered as for `check`, optional here).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
        format: InventoryFormat,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = terminal_style();
    let code = match cli.command {
        Command::Check {
            path,
            policy,
            format,
        } => run_check(&path, policy.as_deref(), format, style),
        Command::Inventory {
            path,
            policy,
            format,
        } => run_inventory(&path, policy.as_deref(), format, style),
    };
    ExitCode::from(code)
}

fn run_check(
    path: &Path,
    policy_path: Option<&Path>,
    format: CheckFormat,
    style: human::Style,
) -> u8 {
    if let Some(code) = missing_path(path) {
        return code;
    }
    let policy_path = match policy_path
        .map(Path::to_path_buf)
        .or_else(|| policy::discover(path))
    {
        Some(found) => found,
        None => {
            let error = PolicyError::NotFound {
                searched_from: path.to_path_buf(),
            };
            eprint!(
                "{}",
                human::render_policy_error(&error, stderr_style(style))
            );
            return 2;
        }
    };
    let policy = match load_policy(&policy_path, style) {
        Some(policy) => policy,
        None => return 2,
    };
    let outcome = techpolicy::check(path, &policy);
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

fn missing_path(path: &Path) -> Option<u8> {
    if path.exists() {
        return None;
    }
    eprintln!("error: {}: no such file or directory", path.display());
    Some(2)
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
