//! The command line: clap's definitions of every subcommand and flag, and the pairing of
//! `check`'s `--format` and `--output` flags into an output plan. The doc comments here are
//! the `--help` text.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use techpolicy::policy::diff::PolicyChange;
use techpolicy::policy::{self, LoadOptions, Policy, PolicyError, RevisionPolicyError};
use techpolicy::report::{CheckFormat, InventoryFormat};
use techpolicy::{CheckOptions, FailOn};

/// Checks a repository's dependencies and container images against the organisation's
/// technology policy: decisions, approved/deprecated/banned technologies, with reasons,
/// alternatives and links to the decision behind each rule.
#[derive(Parser, Debug)]
#[command(name = "techpolicy", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by the commands that read a policy.
#[derive(clap::Args, Debug)]
pub struct PolicyArgs {
    /// Policy file. Default: the first of techpolicy.toml, .techpolicy.toml and
    /// .config/techpolicy.toml found in PATH or a parent directory.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Let the policy's `extends` and decision `path` entries point outside the repository.
    #[arg(long)]
    pub allow_outside_root: bool,
}

impl PolicyArgs {
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            allow_outside_root: self.allow_outside_root,
        }
    }

    /// The policy for a scan of `start`: `--policy`, else the one discovered from `start`.
    pub fn find(&self, start: &Path) -> Result<Policy, PolicyError> {
        policy::find(start, self.policy.as_deref(), &self.load_options())
    }

    /// The policy as it was at `--policy-from REV[:PATH]`, and what the working tree's
    /// policy would change in it.
    pub fn at_revision(
        &self,
        start: &Path,
        from: &str,
    ) -> Result<(Policy, Vec<PolicyChange>), RevisionPolicyError> {
        policy::at_revision(start, self.policy.as_deref(), from, &self.load_options())
    }
}

/// When to use colour.
#[derive(clap::Args, Debug)]
pub struct ColorArgs {
    /// Colour and links in human output: `auto` uses them on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How Cargo workspaces are resolved.
#[derive(clap::Args, Debug)]
pub struct CargoArgs {
    /// Resolve Cargo workspaces with `cargo metadata --offline --locked` (Cargo's exact
    /// resolution) instead of reading Cargo.lock. Needs cargo and every dependency in the local
    /// Cargo cache (`cargo fetch --locked`); a workspace it cannot resolve is an error (exit 2)
    /// and is read from its Cargo.lock instead.
    #[arg(long)]
    pub cargo_metadata: bool,
}

/// The day to compare dates with.
#[derive(clap::Args, Debug)]
pub struct TodayArgs {
    /// Compare dates (review dates, exception expiry, sunsets) with this day instead of
    /// today: previews what will fail on a future date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

impl TodayArgs {
    pub fn date(&self) -> Date {
        self.today.unwrap_or_else(techpolicy::today)
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a repository and report every dependency or image the policy restricts.
    ///
    /// Exit status: 0 when nothing fails, 1 when a finding has severity error (a banned
    /// technology), 2 when the policy is invalid or a manifest could not be read or parsed.
    Check(CheckArgs),
    /// Check the policy itself: references, conflicts, overdue reviews, expired and stale
    /// exceptions (the scan of PATH shows which exceptions match nothing).
    ///
    /// Exit status: 0 when there are no errors (warnings may be printed), 1 otherwise, 2 when
    /// no policy could be read.
    Validate(ValidateArgs),
    /// List every dependency and image found, whether the policy names it or not.
    ///
    /// Needs no policy; with one (given or found), shows the technology each entry maps to.
    Inventory(InventoryArgs),
    /// Show what the policy says about a technology, a decision, or a package, and where.
    ///
    /// QUERY is a technology name (`MongoDB`), a decision id (`ADR-0003`) or a package
    /// (`npm:mongoose`, `cargo:openssl@0.10.1`, `docker:node@16`). Exit status 1 when the
    /// policy says nothing about it.
    Explain(ExplainArgs),
    /// Write a starter techpolicy.toml listing every technology the repository uses, for a
    /// person to classify. Never overwrites an existing file.
    Init(InitArgs),
}

// The argument structs carry no doc comment of their own: clap would take it as the
// subcommand's description, which the variant's doc comment above gives.

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// A directory to scan, or manifest files (as pre-commit passes them): files are
    /// checked with the lockfiles and workspace roots they need, and only they are reported.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format; repeat with --output to write several reports from one scan
    /// (`--format json --output r.json --format github`). A format without --output
    /// goes to standard output.
    #[arg(long, value_enum, action = clap::ArgAction::Append)]
    pub format: Vec<CheckFormat>,
    /// Write the preceding --format to FILE.
    #[arg(long, value_name = "FILE", action = clap::ArgAction::Append)]
    pub output: Vec<PathBuf>,
    #[command(flatten)]
    pub today: TodayArgs,
    /// Report only findings that did not exist at this git revision (read through git,
    /// without checking it out); the others are counted, not failed. At the revision, Cargo
    /// workspaces are read from Cargo.lock even with --cargo-metadata (cargo cannot run on a
    /// revision that is not checked out).
    #[arg(long, value_name = "REV")]
    pub new_since: Option<String>,
    /// Check against the policy (and everything it extends) as it was at this git
    /// revision, e.g. a pull request's base, so that the change cannot loosen its own
    /// check; what the working tree's policy would change is reported apart. PATH is
    /// relative to the top of the repository (default: the policy found as usual).
    #[arg(long, value_name = "REV[:PATH]")]
    pub policy_from: Option<String>,
    /// Which findings make the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Print only the summary line in human output.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub color: ColorArgs,
    #[command(flatten)]
    pub cargo: CargoArgs,
}

/// Where each report goes: a file, or standard output (None).
pub type OutputPlan = Vec<(CheckFormat, Option<PathBuf>)>;

impl CheckArgs {
    /// Pairs each `--output` with the `--format` before it, in command-line order. Formats
    /// without a file go to standard output, and only one may.
    pub fn output_plan(&self, matches: Option<&clap::ArgMatches>) -> Result<OutputPlan, String> {
        let (formats, outputs) = (&self.format, &self.output);
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
                "only one --format can go to standard output: give the others an --output FILE"
                    .into(),
            );
        }
        Ok(plan)
    }

    pub fn options(&self) -> CheckOptions {
        CheckOptions {
            today: self.today.date(),
            new_since: self.new_since.clone(),
            cargo_metadata: self.cargo.cargo_metadata,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// Repository the policy is checked against.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub today: TodayArgs,
}

#[derive(clap::Args, Debug)]
pub struct InventoryArgs {
    /// Directory (or single manifest) to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,
    #[command(flatten)]
    pub cargo: CargoArgs,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    pub query: String,
    /// Where to look for the policy (as for `check`).
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub today: TodayArgs,
}

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// Repository to describe; the policy is written at its root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>()
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

/// The parsed command line, with clap's matches: `check` needs the order of its flags, which
/// the derived structs do not keep. Exits with clap's message (and status) when it does not
/// parse.
pub fn parse() -> (Cli, clap::ArgMatches) {
    let matches = Cli::command().get_matches();
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => (cli, matches),
        Err(error) => error.exit(),
    }
}
