//! Walking a repository and reading its manifests.
//!
//! The walk honours .gitignore and .ignore files (also outside a git repository) and always
//! skips `.git`, `node_modules` and `target`, which hold installed or built copies of
//! dependencies rather than declarations. Hidden directories are walked: `.devcontainer/`
//! and `.github/` hold Dockerfiles too. Every file that cannot be read or parsed becomes a
//! [`FileError`]; the others are still parsed.

use crate::fasthash::FastSet;
use crate::lines::{LineIndex, SourceText};
pub use crate::manifest::FileError;
use crate::manifest::{Ecosystem, ManifestKind, Parsed, Span};
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Directories never descended into, even without a .gitignore.
const ALWAYS_SKIPPED: [&str; 3] = [".git", "node_modules", "target"];

/// Paths to leave out, on top of ignore files: the policy's `exclude` globs, which are
/// relative to the policy's root directory.
#[derive(Clone, Debug)]
pub struct Exclusions {
    pub root: PathBuf,
    pub globs: Vec<String>,
}

impl Exclusions {
    /// The globs that apply to a scan of `scan_root`. A glob that covers the scanned directory
    /// itself is dropped: pointing techpolicy at an excluded tree scans it, as ripgrep
    /// searches a path named on its command line even when it is ignored.
    pub fn filter(&self, scan_root: &Path) -> ExcludeFilter {
        let scan_root =
            std::fs::canonicalize(scan_root).unwrap_or_else(|_| scan_root.to_path_buf());
        let policy_root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let inside = scan_root
            .strip_prefix(&policy_root)
            .ok()
            .map(Path::to_path_buf);
        let mut builder = GlobSetBuilder::new();
        for pattern in &self.globs {
            let Ok(glob) = Glob::new(pattern) else {
                continue;
            };
            let matcher = glob.compile_matcher();
            let covers_scan_root = inside.as_ref().is_some_and(|relative| {
                !relative.as_os_str().is_empty()
                    && (matcher.is_match(relative)
                        || matcher.is_match(relative.join("techpolicy-probe")))
            });
            if !covers_scan_root {
                builder.add(glob);
            }
        }
        ExcludeFilter {
            scan_root,
            policy_root,
            globs: builder.build().unwrap_or_default(),
        }
    }
}

/// The exclusions of one scan, ready to test paths relative to the scanned directory.
#[derive(Clone, Debug)]
pub struct ExcludeFilter {
    scan_root: PathBuf,
    policy_root: PathBuf,
    globs: GlobSet,
}

impl ExcludeFilter {
    pub fn is_excluded(&self, relative: &Path) -> bool {
        match self
            .scan_root
            .join(relative)
            .strip_prefix(&self.policy_root)
        {
            Ok(from_policy) => self.globs.is_match(from_policy),
            Err(_) => false,
        }
    }
}

/// A manifest file as read from disk.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Relative to the scanned root, with `/` separators.
    pub path: String,
    pub kind: ManifestKind,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

impl SourceFile {
    pub fn line_column(&self, span: Span) -> (usize, usize) {
        self.lines.line_column(&self.text, span.offset)
    }
}

/// A manifest that was read and parsed.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    pub source: SourceFile,
    pub parsed: Parsed,
}

/// A file named on the command line that was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Relative to the scanned root, with `/` separators.
    pub file: String,
    pub reason: SkipReason,
}

/// Why a named file was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Its name is none of the manifests techpolicy reads (`README.md`, `notes.txt`).
    NotAManifest,
    /// The policy's `exclude` covers it: skipped on purpose, since pre-commit names every
    /// staged file.
    Excluded,
}

impl SkipReason {
    /// The reason as reports state it.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NotAManifest => "not a manifest techpolicy reads",
            SkipReason::Excluded => "excluded by the policy",
        }
    }
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<ParsedFile>,
    pub errors: Vec<FileError>,
    /// The text of files that failed to parse, for diagnostics that show the line.
    pub failed_sources: Vec<(String, SourceText)>,
}

/// Finds every manifest under `root` (or `root` itself when it is a file) and parses it.
/// Results are sorted by path so that output is the same on every run.
pub fn walk(root: &Path, exclusions: Option<&Exclusions>) -> Walked {
    let (base, paths) = if root.is_file() {
        let base = root.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = root
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let kind = ManifestKind::detect(name);
        (
            base,
            kind.map(|k| vec![Ok((root.to_path_buf(), k))])
                .unwrap_or_default(),
        )
    } else {
        (root.to_path_buf(), find_manifests(root, exclusions))
    };
    let entries = paths
        .into_iter()
        .map(|found| match found {
            Ok((path, kind)) => (relative_path(&base, &path), kind, Source::Path(path)),
            // A walk error is reported under the kind of nothing in particular.
            Err((path, message)) => (
                relative_path(&base, &path),
                ManifestKind::PackageJson,
                Source::Bytes(Err(message)),
            ),
        })
        .collect();
    let filter = exclusions.map(|e| e.filter(&base));
    read_tree(&Disk(&base), entries, References::Follow(filter.as_ref()))
}

/// Where a scan's files come from: the working tree ([`Disk`]) or a git revision
/// (`crate::git::Revision`). Paths are relative to the scanned directory, with `/`.
pub trait Tree {
    /// Whether `relative` is a file there.
    fn is_file(&self, relative: &str) -> bool;
    /// How to get the bytes of each of `files`, in their order.
    fn open(&self, files: Vec<(String, ManifestKind)>) -> Vec<(String, ManifestKind, Source)>;
}

/// The working tree under a directory.
pub struct Disk<'a>(pub &'a Path);

impl Tree for Disk<'_> {
    fn is_file(&self, relative: &str) -> bool {
        self.0.join(relative).is_file()
    }

    fn open(&self, files: Vec<(String, ManifestKind)>) -> Vec<(String, ManifestKind, Source)> {
        files
            .into_iter()
            .map(|(relative, kind)| {
                let path = self.0.join(&relative);
                (relative, kind, Source::Path(path))
            })
            .collect()
    }
}

/// Whether a read follows the references manifests make.
#[derive(Clone, Copy, Debug)]
pub enum References<'a> {
    /// A walk reads what the manifests it found bring into the build, except what `exclude`
    /// leaves out.
    Follow(Option<&'a ExcludeFilter>),
    /// Named files are read with what resolves them only: findings are reported for them
    /// alone, and a file they reference holds none of theirs.
    Ignore,
}

/// The steps every read of a tree takes, whichever tree it is: parse the `listed` files, then
/// (for a walk) the files they reference.
pub fn read_tree(
    tree: &dyn Tree,
    listed: Vec<(String, ManifestKind, Source)>,
    references: References<'_>,
) -> Walked {
    let mut walked = parse_sources(listed, None);
    if let References::Follow(filter) = references {
        follow_references(tree, filter, &mut walked);
    }
    walked
}

/// Reads the files that manifests bring into the build (a compose service's Dockerfile of
/// any name, an `extends` file) when the walk did not already: references inside the scanned
/// directory only, never excluded ones, a few levels deep at most.
fn follow_references(tree: &dyn Tree, filter: Option<&ExcludeFilter>, walked: &mut Walked) {
    let mut seen: std::collections::HashSet<String> = walked
        .files
        .iter()
        .map(|f| f.source.path.clone())
        .chain(walked.errors.iter().map(|e| e.file.clone()))
        .collect();
    let mut start = 0;
    for _ in 0..4 {
        let mut entries = Vec::new();
        for file in &walked.files[start..] {
            let Parsed::Manifest(manifest) = &file.parsed else {
                continue;
            };
            let dir = file.source.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            for (reference, kind) in &manifest.references {
                let Some(relative) = join_relative(dir, reference) else {
                    continue;
                };
                let excluded = filter.is_some_and(|f| f.is_excluded(Path::new(&relative)));
                if excluded
                    || !is_walked_path(&relative)
                    || !tree.is_file(&relative)
                    || !seen.insert(relative.clone())
                {
                    continue;
                }
                entries.push((relative, *kind));
            }
        }
        if entries.is_empty() {
            break;
        }
        start = walked.files.len();
        let more = parse_sources(tree.open(entries), None);
        walked.files.extend(more.files);
        walked.errors.extend(more.errors);
        walked.failed_sources.extend(more.failed_sources);
    }
    walked
        .files
        .sort_by(|a, b| a.source.path.cmp(&b.source.path));
    walked.errors.sort_by(|a, b| a.file.cmp(&b.file));
}

/// `dir/reference` with `.` and `..` resolved, or None when it leaves the scanned directory
/// or is absolute.
fn join_relative(dir: &str, reference: &str) -> Option<String> {
    if reference.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for piece in reference.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Reads the named files (relative to `base` or absolute) plus the files needed to resolve
/// them: the lockfiles (and for Cargo, the workspace roots) of their ecosystem in their
/// directories and above, up to `base`, and the manifests beside a named lockfile. Returns the
/// parse results, the relative paths of the named files that were read (sorted), the only
/// ones findings should be reported for, and the named files that were not read, with why
/// (sorted, each once). Excluded files are skipped even when named: pre-commit names every
/// staged file. Files under the directories the walk always skips are read when named.
///
/// This is the pre-commit path, which must feel instant in a monorepo whose root lockfile
/// runs to megabytes: an npm lockfile read only for context keeps just the entries the named
/// package.json files can resolve to (see [`ManifestKind::parse_for_context`]).
pub fn walk_files(
    base: &Path,
    files: &[PathBuf],
    exclusions: Option<&Exclusions>,
) -> (Walked, Vec<String>, Vec<Skipped>) {
    let filter = exclusions.map(|e| e.filter(base));
    let absolute_base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    let mut requested = Vec::new();
    let mut skipped = Vec::new();
    let mut wanted: std::collections::BTreeMap<String, (PathBuf, ManifestKind)> =
        Default::default();
    for file in files {
        let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
        let relative = relative_path(&absolute_base, &absolute);
        // Never silently: a file given and not read is listed with why.
        let Some(kind) = ManifestKind::detect(&relative) else {
            skipped.push(Skipped {
                file: relative,
                reason: SkipReason::NotAManifest,
            });
            continue;
        };
        // A file under a directory the walk skips (`target/`, `node_modules/`, `.git/`) is
        // read all the same: naming it says it matters, as ripgrep searches an ignored file
        // it is given.
        if filter
            .as_ref()
            .is_some_and(|f| f.is_excluded(Path::new(&relative)))
        {
            skipped.push(Skipped {
                file: relative,
                reason: SkipReason::Excluded,
            });
            continue;
        }
        requested.push(relative.clone());
        wanted.insert(relative.clone(), (absolute.clone(), kind));
        let context = context_names(kind);
        if context.is_empty() {
            continue;
        }
        let mut dir = absolute.parent().map(Path::to_path_buf);
        while let Some(current) = dir {
            for &context in context {
                let candidate = current.join(context);
                if candidate.is_file() {
                    let relative = relative_path(&absolute_base, &candidate);
                    let kind = ManifestKind::detect(&relative).unwrap_or(kind);
                    wanted.entry(relative).or_insert((candidate, kind));
                }
            }
            if current == absolute_base || !current.starts_with(&absolute_base) {
                break;
            }
            dir = current.parent().map(Path::to_path_buf);
        }
    }
    requested.sort();
    requested.dedup();
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    skipped.dedup_by(|a, b| a.file == b.file);
    // Lockfiles read only for context wait for the manifests, whose declarations say what to
    // keep.
    let (mut context_locks, first): (Vec<_>, Vec<_>) = wanted
        .into_iter()
        .map(|(relative, (path, kind))| (relative, kind, Source::Path(path)))
        .partition(|(relative, kind, _)| {
            kind.reads_partially() && requested.binary_search(relative).is_err()
        });
    let mut walked = parse_sources(first, None);
    if !context_locks.is_empty() {
        for ecosystem in Ecosystem::ALL {
            let locks: Vec<_>;
            (locks, context_locks) = context_locks
                .into_iter()
                .partition(|(_, kind, _)| kind.ecosystem() == ecosystem);
            if locks.is_empty() {
                continue;
            }
            let keys = declared_keys(&walked.files, ecosystem);
            let mut more = parse_sources(locks, Some(&keys));
            walked.files.append(&mut more.files);
            walked.errors.append(&mut more.errors);
            walked.failed_sources.append(&mut more.failed_sources);
        }
        walked
            .files
            .sort_by(|a, b| a.source.path.cmp(&b.source.path));
        walked.errors.sort_by(|a, b| a.file.cmp(&b.file));
    }
    (walked, requested, skipped)
}

/// The files that resolve a named file of `kind`, looked for in its directory and each one
/// above it up to the scanned directory: its ecosystem's answer
/// ([`crate::ecosystem::Rules::context_names`]).
fn context_names(kind: ManifestKind) -> &'static [&'static str] {
    kind.ecosystem().rules().context_names(kind)
}

/// The paths a scan of the `named` files (relative to the scanned directory, as
/// [`walk_files`] returns them) reads wherever they lie: the named files, and every path where
/// [`walk_files`] looks for what resolves them. `--new-since` reads these at the revision
/// even under the directories a walk skips, so that a named file under `target/` or
/// `node_modules/` is compared with itself as it was, resolved the same way.
pub fn named_with_context(named: &[String]) -> std::collections::HashSet<String> {
    let mut paths = std::collections::HashSet::new();
    for file in named {
        paths.insert(file.clone());
        let Some(kind) = ManifestKind::detect(file) else {
            continue;
        };
        let context = context_names(kind);
        let mut dir = file.rsplit_once('/').map(|(dir, _)| dir);
        loop {
            for &context in context {
                paths.insert(match dir {
                    Some(dir) => format!("{dir}/{context}"),
                    None => context.to_string(),
                });
            }
            let Some(current) = dir else {
                break;
            };
            dir = current.rsplit_once('/').map(|(parent, _)| parent);
        }
    }
    paths
}

/// What the manifests of `ecosystem` among `files` declare: each dependency's name, and the
/// alias it is installed under when there is one (npm lockfiles key entries by either).
fn declared_keys(files: &[ParsedFile], ecosystem: Ecosystem) -> FastSet<String> {
    files
        .iter()
        .filter(|file| file.source.kind.ecosystem() == ecosystem)
        .filter_map(|file| match &file.parsed {
            Parsed::Manifest(manifest) => Some(&manifest.declared),
            Parsed::Lockfile(_) => None,
        })
        .flatten()
        .flat_map(|declared| std::iter::once(&declared.name).chain(&declared.alias))
        .cloned()
        .collect()
}

/// A file to parse: its relative path, its kind, and its bytes or why they could not be read.
pub type Entry = (String, ManifestKind, Result<Vec<u8>, String>);

/// Parses files already read, without following their references (unit tests build files
/// this way).
pub fn parse_entries(entries: Vec<Entry>) -> Walked {
    parse_sources(
        entries
            .into_iter()
            .map(|(relative, kind, bytes)| (relative, kind, Source::Bytes(bytes)))
            .collect(),
        None,
    )
}

/// Where the bytes of a file to parse come from.
pub enum Source {
    /// Already read (or why they could not be).
    Bytes(Result<Vec<u8>, String>),
    /// To be read from the disk by the thread that parses it, so that reading is parallel too.
    Path(PathBuf),
}

/// Reads and parses every file, on all cores: parsing is most of a scan's work, and files are
/// independent. Results come back sorted by path whatever the threads' order. With `wanted`,
/// the files are lockfiles read only for context (see [`ManifestKind::parse_for_context`]).
fn parse_sources(
    mut entries: Vec<(String, ManifestKind, Source)>,
    wanted: Option<&FastSet<String>>,
) -> Walked {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    // Biggest lockfiles first (a stat each: there are few), then everything else.
    let weights: Vec<u64> = entries
        .iter()
        .map(|(_, kind, source)| match source {
            _ if !kind.is_lockfile() => 0,
            Source::Bytes(Ok(bytes)) => bytes.len() as u64,
            Source::Bytes(Err(_)) => 0,
            Source::Path(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
        })
        .collect();
    let results = parallel_map(&entries, &weights, |(_, kind, source)| {
        let owned;
        let bytes = match source {
            Source::Bytes(Ok(bytes)) => bytes,
            Source::Bytes(Err(message)) => return Err((message.clone(), None)),
            Source::Path(path) => match read(path) {
                Ok(bytes) => {
                    owned = bytes;
                    &owned
                }
                Err(message) => return Err((message, None)),
            },
        };
        parse_bytes(bytes, *kind, wanted)
    });
    let mut walked = Walked::default();
    for ((relative, kind, _), result) in entries.into_iter().zip(results) {
        match result {
            Ok((text, lines, parsed)) => walked.files.push(ParsedFile {
                source: SourceFile {
                    path: relative,
                    kind,
                    text,
                    lines,
                },
                parsed,
            }),
            Err((message, location)) => {
                let (line, column, span, text) = match location {
                    Some((span, text, lines)) => {
                        let (line, column) = lines.line_column(&text, span.offset);
                        (
                            Some(line),
                            Some(column),
                            Some(span),
                            Some(SourceText { text, lines }),
                        )
                    }
                    None => (None, None, None, None),
                };
                if let Some(text) = text {
                    walked.failed_sources.push((relative.clone(), text));
                }
                walked.errors.push(FileError {
                    file: relative,
                    line,
                    column,
                    span,
                    message,
                });
            }
        }
    }
    walked
}

/// `work(item)` for every item, spread over the machine's cores, results in the items' order.
/// Threads take the next item as they finish one, the heaviest first (`weights`: lockfiles by
/// size), so that one large lockfile does not leave the other cores idle at the end. The
/// calling thread works too and takes the heaviest item itself: memory for a big parse then
/// comes from the main heap, which grows in large steps, where a thread's heap grows a page
/// range at a time (a system call each, thousands for a 50 MB lockfile).
fn parallel_map<T: Sync, R: Send>(
    items: &[(String, ManifestKind, T)],
    weights: &[u64],
    work: impl Fn(&(String, ManifestKind, T)) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(&work).collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(weights.get(index).copied().unwrap_or(0)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let run = || {
        let mut out = Vec::new();
        loop {
            let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&index) = order.get(at) else {
                break;
            };
            out.push((index, work(&items[index])));
        }
        out
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        // The first item is claimed before any worker starts, for this thread.
        next.store(1, std::sync::atomic::Ordering::Relaxed);
        let workers: Vec<_> = (1..threads).map(|_| scope.spawn(run)).collect();
        let mut done = vec![(order[0], work(&items[order[0]]))];
        done.extend(run());
        for worker in workers {
            // A parser that panicked is a bug: carry on unwinding as a sequential run would.
            done.extend(
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        done
    });
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// Whether a path found some other way than the walk (a git tree) would have been walked:
/// not under a directory the walk always skips.
pub fn is_walked_path(relative: &str) -> bool {
    let mut components = relative.split('/').collect::<Vec<_>>();
    components.pop();
    !components.iter().any(|c| ALWAYS_SKIPPED.contains(c))
}

type ParseResult =
    Result<(Arc<str>, Arc<LineIndex>, Parsed), (String, Option<(Span, Arc<str>, Arc<LineIndex>)>)>;

/// The largest manifest techpolicy reads. Real lockfiles of very large monorepos reach tens
/// of megabytes; anything far beyond is not a manifest, and reading it whole would cost
/// memory for nothing.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

fn read(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read file: {e}"))?;
    if metadata.is_dir() {
        return Err("this is a directory, not a file".into());
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file is {:.1} MiB, more than the {} MiB techpolicy reads",
            metadata.len() as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))
}

fn parse_bytes(bytes: &[u8], kind: ManifestKind, wanted: Option<&FastSet<String>>) -> ParseResult {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Err((
                format!("file is not valid UTF-8 (byte {})", e.valid_up_to()),
                None,
            ));
        }
    };
    // A byte-order mark is legal in these files but meaningless to the parsers.
    let text: Arc<str> = Arc::from(text.strip_prefix('\u{feff}').unwrap_or(text));
    // A big lockfile is parsed alone while the other files are long done: index its lines on
    // another core meanwhile.
    const LINES_APART: usize = 1024 * 1024;
    let (lines, parsed) = if text.len() >= LINES_APART {
        std::thread::scope(|scope| {
            let lines = scope.spawn(|| Arc::new(LineIndex::new(&text)));
            let parsed = parse_text(&text, kind, wanted);
            let lines = lines
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (lines, parsed)
        })
    } else {
        (
            Arc::new(LineIndex::new(&text)),
            parse_text(&text, kind, wanted),
        )
    };
    match parsed {
        Ok(parsed) => Ok((text, lines, parsed)),
        Err(error) => {
            let location = error.span.map(|span| (span, text.clone(), lines.clone()));
            Err((error.message, location))
        }
    }
}

fn parse_text(
    text: &str,
    kind: ManifestKind,
    wanted: Option<&FastSet<String>>,
) -> Result<Parsed, crate::manifest::ParseError> {
    match wanted {
        Some(wanted) => kind.parse_for_context(text, &|name| wanted.contains(name)),
        None => kind.parse(text),
    }
}

/// A manifest to read, or a walk error (an unreadable directory, a symlink loop).
type Found = Result<(PathBuf, ManifestKind), (PathBuf, String)>;

fn find_manifests(root: &Path, exclusions: Option<&Exclusions>) -> Vec<Found> {
    let found = Mutex::new(Vec::new());
    let filter = exclusions.map(|e| e.filter(root));
    let excluded = move |path: &Path| -> bool {
        match (&filter, path.strip_prefix(root)) {
            (Some(filter), Ok(relative)) => filter.is_excluded(relative),
            _ => false,
        }
    };
    WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| ALWAYS_SKIPPED.contains(&name)))
        })
        .build_parallel()
        .run(|| {
            let found = &found;
            let excluded = excluded.clone();
            Box::new(move |entry| {
                let item = match entry {
                    Ok(entry) => {
                        let name = entry.file_name().to_str().unwrap_or_default();
                        let kind = ManifestKind::detect(&slash_path(root, entry.path(), name));
                        match kind {
                            Some(kind) if !excluded(entry.path()) => {
                                if entry.path().is_file() {
                                    Some(Ok((entry.into_path(), kind)))
                                } else if crate::ecosystem::is_exact_name(name) && entry.depth() > 0
                                {
                                    // A directory or a dangling or looping link by a
                                    // manifest's name: say so rather than skip it silently.
                                    let message = match std::fs::metadata(entry.path()) {
                                        Ok(m) if m.is_dir() => {
                                            "this is a directory, not a file".to_string()
                                        }
                                        Ok(_) => "not a regular file".to_string(),
                                        Err(e) => format!("cannot read file: {e}"),
                                    };
                                    Some(Err((entry.into_path(), message)))
                                } else {
                                    None
                                }
                            }
                            _ => None,
                        }
                    }
                    Err(error) => Some(Err((
                        error_path(&error).unwrap_or_default(),
                        walk_error_message(&error),
                    ))),
                };
                if let (Some(item), Ok(mut found)) = (item, found.lock()) {
                    found.push(item);
                }
                ignore::WalkState::Continue
            })
        });
    found.into_inner().unwrap_or_default()
}

/// `path` relative to `root` with `/` separators, as ecosystems detect files by it (`name`
/// when it is not under `root` or not UTF-8).
fn slash_path<'a>(root: &Path, path: &'a Path, name: &'a str) -> std::borrow::Cow<'a, str> {
    match path.strip_prefix(root).ok().and_then(Path::to_str) {
        Some(relative) if std::path::MAIN_SEPARATOR == '/' => relative.into(),
        Some(relative) => relative.replace(std::path::MAIN_SEPARATOR, "/").into(),
        None => name.into(),
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// The error without the path prefix that `ignore` adds, since the path is reported apart.
fn walk_error_message(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            walk_error_message(err)
        }
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop back to {}", ancestor.display())
        }
        other => other.to_string(),
    }
}

fn relative_path(base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_files_not_read_are_listed_with_why() {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in [
            ("README.md", "# x\n"),
            ("docs/notes.txt", "FROM mongo\n"),
            ("Dockerfile", "FROM mongo\n"),
            ("vendor/Dockerfile", "FROM mongo\n"),
            ("target/Dockerfile", "FROM mongo\n"),
        ] {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, text).expect("write");
        }
        let exclusions = Exclusions {
            root: dir.path().to_path_buf(),
            globs: vec!["vendor/**".to_string()],
        };
        let named: Vec<PathBuf> = [
            "docs/notes.txt",
            "vendor/Dockerfile",
            "Dockerfile",
            "README.md",
            "target/Dockerfile",
            "README.md",
        ]
        .iter()
        .map(|p| dir.path().join(p))
        .collect();
        let (walked, requested, skipped) = walk_files(dir.path(), &named, Some(&exclusions));
        assert_eq!(requested, vec!["Dockerfile", "target/Dockerfile"]);
        assert_eq!(walked.files.len(), 2);
        let skipped: Vec<(&str, SkipReason)> = skipped
            .iter()
            .map(|s| (s.file.as_str(), s.reason))
            .collect();
        assert_eq!(
            skipped,
            vec![
                ("README.md", SkipReason::NotAManifest),
                ("docs/notes.txt", SkipReason::NotAManifest),
                ("vendor/Dockerfile", SkipReason::Excluded),
            ]
        );
    }

    #[test]
    fn named_files_bring_the_paths_that_resolve_them() {
        let named = |files: &[&str]| {
            let files: Vec<String> = files.iter().map(|f| f.to_string()).collect();
            let mut paths: Vec<String> = named_with_context(&files).into_iter().collect();
            paths.sort();
            paths
        };
        assert_eq!(
            named(&["target/docker/Dockerfile", "notes.txt"]),
            vec!["notes.txt", "target/docker/Dockerfile"]
        );
        assert_eq!(
            named(&["a/Cargo.toml"]),
            vec!["Cargo.lock", "Cargo.toml", "a/Cargo.lock", "a/Cargo.toml"]
        );
        let npm = named(&["node_modules/x/yarn.lock"]);
        assert_eq!(npm.len(), 15, "{npm:?}");
        assert!(npm.contains(&"node_modules/x/package.json".to_string()));
        assert!(npm.contains(&"package-lock.json".to_string()));
        assert!(!named(&["package.json"]).contains(&"Cargo.lock".to_string()));
    }

    #[test]
    fn references_stay_inside_the_scanned_directory() {
        assert_eq!(
            join_relative("deploy", "../docker/api.df").as_deref(),
            Some("docker/api.df")
        );
        assert_eq!(
            join_relative("", "./Dockerfile").as_deref(),
            Some("Dockerfile")
        );
        assert_eq!(join_relative("a", "../../etc/passwd"), None);
        assert_eq!(join_relative("a", "/etc/passwd"), None);
    }
}
