//! Reading manifests as they were at a git revision, without checking it out, for
//! `check --new-since REV`: a [`Revision`] is the tree a scan reads, listed with `git ls-tree`
//! and read in one `git cat-file --batch` process; and policy files at a revision, for
//! `--policy-from`.

use crate::manifest::ManifestKind;
use crate::scan::{self, ExcludeFilter, References, Source, Walked};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a revision could not be read.
#[derive(Debug)]
pub struct GitError {
    pub message: String,
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GitError {}

fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(dir);
    command
}

fn run(mut command: Command, what: &str) -> Result<Vec<u8>, GitError> {
    let output = command.output().map_err(|e| GitError {
        message: format!("cannot run git to {what}: {e}"),
    })?;
    if !output.status.success() {
        return Err(GitError {
            message: format!(
                "git could not {what}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    Ok(output.stdout)
}

/// A directory inside a git work tree as it was at a commit: the [`scan::Tree`] that
/// `--new-since` reads, listed once with `git ls-tree` and read through `git cat-file`.
pub struct Revision {
    dir: PathBuf,
    commit: String,
    /// Every file of the directory at the commit, relative to it.
    files: HashSet<String>,
}

impl Revision {
    /// `dir` at `rev`.
    pub fn open(dir: &Path, rev: &str) -> Result<Revision, GitError> {
        let mut verify = git(dir);
        verify
            .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
            .arg(format!("{rev}^{{commit}}"));
        let commit = run(verify, &format!("find revision `{rev}`"))?;
        let commit = String::from_utf8_lossy(&commit).trim().to_string();
        if commit.is_empty() {
            return Err(GitError {
                message: format!("`{rev}` is not a commit in this repository"),
            });
        }
        let mut list = git(dir);
        // Paths come out relative to `dir`, which is what findings use.
        list.args(["ls-tree", "-r", "-z", "--name-only", &commit, "--", "."]);
        let listing = run(list, "list the files of the revision")?;
        let files = listing
            .split(|b| *b == 0)
            .filter_map(|p| std::str::from_utf8(p).ok())
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        Ok(Revision {
            dir: dir.to_path_buf(),
            commit,
            files,
        })
    }
}

impl scan::Tree for Revision {
    fn is_file(&self, relative: &str) -> bool {
        self.files.contains(relative)
    }

    /// One `git cat-file` process reads them all; when git itself fails, every file is
    /// unreadable with its message.
    fn open(&self, files: Vec<(String, ManifestKind)>) -> Vec<(String, ManifestKind, Source)> {
        if files.is_empty() {
            return Vec::new();
        }
        let contents = match read_blobs(
            &self.dir,
            &self.commit,
            files.iter().map(|(p, _)| p.as_str()),
        ) {
            Ok(contents) => contents,
            Err(error) => vec![Err(error.message); files.len()],
        };
        // A short answer from git leaves the files it did not reach unreadable.
        let contents = contents.into_iter().chain(std::iter::repeat_with(|| {
            Err("git stopped answering".to_string())
        }));
        files
            .into_iter()
            .zip(contents)
            .map(|((path, kind), bytes)| (path, kind, Source::Bytes(bytes)))
            .collect()
    }
}

/// The manifests under `dir` (a directory inside a git work tree) as they were at `rev`,
/// read and parsed by [`scan::read_tree`] as the working tree is, paths relative to `dir`.
///
/// The revision is listed as a walk lists the working tree, and the references its manifests
/// make are followed, except for `named` files (relative to `dir`, when files were named):
/// those, and what resolves them, are read wherever they lie, as [`scan::walk_files`] reads
/// them in the working tree. A named file under `target/` or `node_modules/` left out here
/// would make all its findings look new.
pub fn read_at(
    dir: &Path,
    rev: &str,
    exclusions: Option<&ExcludeFilter>,
    named: Option<&[String]>,
) -> Result<Walked, GitError> {
    let revision = Revision::open(dir, rev)?;
    let read_anyway = named.map(scan::named_with_context).unwrap_or_default();
    let mut listed: Vec<(String, ManifestKind)> = Vec::new();
    for path in &revision.files {
        let Some(kind) = ManifestKind::detect(path) else {
            continue;
        };
        let walked = scan::is_walked_path(path)
            && !exclusions.is_some_and(|e| e.is_excluded(Path::new(path)));
        if !walked && !read_anyway.contains(path) {
            continue;
        }
        listed.push((path.clone(), kind));
    }
    // Sorted, so that git reads the files in one order on every run.
    listed.sort();
    let references = match named {
        Some(_) => References::Ignore,
        None => References::Follow(exclusions),
    };
    let listed = scan::Tree::open(&revision, listed);
    Ok(scan::read_tree(&revision, listed, references))
}

/// Reads `paths` (relative to `dir`) at `commit` through one `git cat-file --batch`.
fn read_blobs<'a>(
    dir: &Path,
    commit: &str,
    paths: impl Iterator<Item = &'a str>,
) -> Result<Vec<Result<Vec<u8>, String>>, GitError> {
    let mut child = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| GitError {
            message: format!("cannot run git to read files: {e}"),
        })?;
    let mut stdin = child.stdin.take().ok_or_else(|| GitError {
        message: "cannot write to git".into(),
    })?;
    let stdout = child.stdout.take().ok_or_else(|| GitError {
        message: "cannot read from git".into(),
    })?;
    // `./` makes the path relative to `dir` rather than to the top of the repository.
    let requests: Vec<String> = paths.map(|p| format!("{commit}:./{p}\n")).collect();
    let count = requests.len();
    let writer = std::thread::spawn(move || {
        for request in requests {
            if stdin.write_all(request.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut reader = BufReader::new(stdout);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut header = String::new();
        if reader.read_line(&mut header).map_err(io_error)? == 0 {
            break;
        }
        // `<oid> blob <size>`, or `<object> missing`.
        let mut fields = header.split_whitespace();
        let (_, kind, size) = (fields.next(), fields.next(), fields.next());
        match (kind, size.and_then(|s| s.parse::<usize>().ok())) {
            (Some("blob"), Some(size)) => {
                let mut bytes = vec![0; size];
                reader.read_exact(&mut bytes).map_err(io_error)?;
                let mut newline = [0u8; 1];
                reader.read_exact(&mut newline).map_err(io_error)?;
                out.push(Ok(bytes));
            }
            _ => out.push(Err(format!("cannot read at {commit}: {}", header.trim()))),
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

fn io_error(error: std::io::Error) -> GitError {
    GitError {
        message: format!("cannot read from git: {error}"),
    }
}

/// Policy files as they were at a revision (`--policy-from`), for a policy that a pull
/// request cannot loosen: paths are read relative to the work tree's top.
pub struct RevisionReader {
    top: std::path::PathBuf,
    rev: String,
}

impl RevisionReader {
    /// A reader of `rev` in the repository holding `dir`.
    pub fn new(dir: &Path, rev: &str) -> Result<RevisionReader, GitError> {
        let mut command = git(dir);
        command.args(["rev-parse", "--show-toplevel"]);
        let top = run(command, "find the repository")?;
        let top = std::path::PathBuf::from(String::from_utf8_lossy(&top).trim());
        let mut verify = git(&top);
        verify
            .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
            .arg(format!("{rev}^{{commit}}"));
        let commit = run(verify, &format!("find revision `{rev}`"))?;
        let commit = String::from_utf8_lossy(&commit).trim().to_string();
        if commit.is_empty() {
            return Err(GitError {
                message: format!("`{rev}` is not a commit in this repository"),
            });
        }
        Ok(RevisionReader { top, rev: commit })
    }

    /// The top of the work tree: `--policy-from REV:PATH` paths are relative to it.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// `path` as a revision path (`REV:relative/path`), when it lies in the work tree.
    fn object(&self, path: &Path) -> Option<String> {
        let absolute = std::path::absolute(path).ok()?;
        let mut parts: Vec<String> = Vec::new();
        for component in absolute.strip_prefix(&self.top).ok()?.components() {
            match component {
                std::path::Component::ParentDir => {
                    parts.pop()?;
                }
                std::path::Component::Normal(part) => {
                    parts.push(part.to_string_lossy().into_owned())
                }
                _ => {}
            }
        }
        Some(format!("{}:{}", self.rev, parts.join("/")))
    }

    /// The text of `path` at the revision.
    pub fn read_text(&self, path: &Path) -> std::io::Result<String> {
        let object = self.object(path).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} is outside the repository", path.display()),
            )
        })?;
        let mut command = git(&self.top);
        command.args(["cat-file", "blob", &object]);
        let bytes = run(command, &format!("read {object}"))
            .map_err(|e| std::io::Error::other(e.message))?;
        String::from_utf8(bytes)
            .map(|text| {
                text.strip_prefix('\u{feff}')
                    .map(str::to_string)
                    .unwrap_or(text)
            })
            .map_err(|_| std::io::Error::other(format!("{object} is not valid UTF-8")))
    }
}

impl crate::policy::PolicyReader for RevisionReader {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        self.read_text(path)
    }

    fn exists(&self, path: &Path) -> bool {
        let Some(object) = self.object(path) else {
            return false;
        };
        git(&self.top)
            .args(["cat-file", "-e", &object])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}
