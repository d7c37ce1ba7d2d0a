//! Linking manifests to lockfiles: the step that turns what each file says into the list of
//! dependencies a policy is checked against.
//!
//! Which lockfile a manifest resolves through, and which of its entries each declaration
//! resolves to, are its ecosystem's rules ([`crate::ecosystem::Rules::linker`]: Cargo's
//! workspaces in `ecosystem/cargo/resolve.rs`, Node's lookup in `ecosystem/npm/resolve.rs`;
//! images resolve against nothing). This module runs them over a scan and makes the records:
//! one per declaration, with the version it resolved to, and one per lockfile entry.
//! Lockfile packages that no declaration resolves to are the transitive ones, each with the
//! shortest chain of packages that brings it in.

use crate::ecosystem::Ecosystem;
pub use crate::manifest::Dependency;
use crate::manifest::{parent_dir, Declared, Lockfile, Manifest, Parsed, Section};
use crate::scan::ParsedFile;
// The fast hasher under the usual names: these maps are keyed by every lockfile entry.
use crate::fasthash::{FastMap as HashMap, FastSet as HashSet};

impl Dependency {
    /// A lockfile entry of `file` (whose relative path is `path`) as a dependency.
    pub(crate) fn locked(
        file: &ParsedFile,
        path: &std::sync::Arc<str>,
        package: &crate::manifest::LockedPackage,
        direct: bool,
        via: Vec<String>,
    ) -> Dependency {
        let (line, column) = file.source.line_column(package.span);
        Dependency {
            ecosystem: file.source.kind.ecosystem(),
            name: package.name.clone(),
            version: Some(package.version.clone()),
            requirement: None,
            file: path.clone(),
            line,
            column,
            span: package.span,
            direct,
            source: package.source.clone(),
            section: Section::Lockfile,
            lockfile: Some(path.clone()),
            via,
        }
    }
}

/// One ecosystem's way of resolving its manifests against its lockfiles, prepared once for a
/// scan ([`crate::ecosystem::Rules::linker`]).
pub trait Linker {
    /// The declarations of `manifest`, the scan's file number `file`, in file order: each as
    /// it resolves (completed where the ecosystem completes declarations, as Cargo's
    /// `dep.workspace = true` from the workspace root), with the lockfile entry it resolves
    /// to as (the lockfile's file number, the entry's index in its packages).
    fn link(&mut self, file: usize, manifest: &Manifest)
        -> Vec<(Declared, Option<(usize, usize)>)>;
}

/// The [`Linker`] of an ecosystem without lockfiles (images): every declaration stands as
/// written.
pub struct Unlocked;

impl Linker for Unlocked {
    fn link(
        &mut self,
        _file: usize,
        manifest: &Manifest,
    ) -> Vec<(Declared, Option<(usize, usize)>)> {
        manifest
            .declared
            .iter()
            .map(|d| (d.clone(), None))
            .collect()
    }
}

/// The lockfile of each ecosystem in each directory: the one its tools read first when a
/// directory holds several ([`crate::ecosystem::Rules::lockfile_preference`]).
pub struct Lockfiles<'a> {
    files: &'a [ParsedFile],
    /// (directory, ecosystem) → lockfile's file number.
    by_dir: HashMap<(&'a str, Ecosystem), usize>,
}

impl<'a> Lockfiles<'a> {
    pub fn new(files: &'a [ParsedFile]) -> Lockfiles<'a> {
        let mut by_dir: HashMap<(&str, Ecosystem), usize> = HashMap::default();
        for (index, file) in files.iter().enumerate() {
            if !matches!(file.parsed, Parsed::Lockfile(_)) {
                continue;
            }
            let ecosystem = file.source.kind.ecosystem();
            let rank = |path: &str| {
                let preference = ecosystem.rules().lockfile_preference();
                let name = path.rsplit('/').next().unwrap_or(path);
                preference
                    .iter()
                    .position(|n| *n == name)
                    .unwrap_or(preference.len())
            };
            let key = (parent_dir(&file.source.path), ecosystem);
            let prefer = match by_dir.get(&key) {
                None => true,
                Some(&existing) => rank(&file.source.path) < rank(&files[existing].source.path),
            };
            if prefer {
                by_dir.insert(key, index);
            }
        }
        Lockfiles { files, by_dir }
    }

    /// The lockfile of `ecosystem` in `dir`: its file number and contents.
    pub fn in_dir(&self, dir: &str, ecosystem: Ecosystem) -> Option<(usize, &'a Lockfile)> {
        let index = *self.by_dir.get(&(dir, ecosystem))?;
        Some((index, lockfile(self.files, index)?))
    }

    /// Every lockfile of `ecosystem` that some directory resolves through, in no order.
    pub fn of(&self, ecosystem: Ecosystem) -> impl Iterator<Item = (usize, &'a Lockfile)> + '_ {
        self.by_dir
            .iter()
            .filter(move |((_, e), _)| *e == ecosystem)
            .filter_map(|(_, &index)| Some((index, lockfile(self.files, index)?)))
    }
}

fn lockfile(files: &[ParsedFile], index: usize) -> Option<&Lockfile> {
    match &files.get(index)?.parsed {
        Parsed::Lockfile(lockfile) => Some(lockfile),
        Parsed::Manifest(_) => None,
    }
}

/// Resolves every declaration and lockfile entry found in `files`.
pub fn resolve(files: &[ParsedFile]) -> Vec<Dependency> {
    let lockfiles = Lockfiles::new(files);
    // Each ecosystem's linker, prepared when its first manifest comes.
    let mut linkers: HashMap<Ecosystem, Box<dyn Linker + '_>> = HashMap::default();
    // Per file: the lockfile packages some declaration resolved to.
    let mut used: Vec<HashSet<usize>> = vec![HashSet::default(); files.len()];
    let mut out = Vec::new();
    // One shared copy of each path for all the dependencies a file holds.
    let paths: Vec<std::sync::Arc<str>> = files
        .iter()
        .map(|file| std::sync::Arc::from(file.source.path.as_str()))
        .collect();

    for (index, file) in files.iter().enumerate() {
        let Parsed::Manifest(manifest) = &file.parsed else {
            continue;
        };
        let ecosystem = file.source.kind.ecosystem();
        let linker = linkers
            .entry(ecosystem)
            .or_insert_with(|| ecosystem.rules().linker(files, &lockfiles));
        for (declared, resolved) in linker.link(index, manifest) {
            let locked = resolved.and_then(|(lock, package)| {
                let entry = lockfile(files, lock)?.packages.get(package)?;
                used[lock].insert(package);
                Some((lock, entry))
            });
            let (line, column) = file.source.line_column(declared.span);
            let (version, lockfile) = match locked {
                Some((lock, entry)) => (Some(entry.version.clone()), Some(paths[lock].clone())),
                None => (declared.version, None),
            };
            out.push(Dependency {
                ecosystem: declared.ecosystem,
                name: declared.name,
                version,
                requirement: declared.requirement,
                file: paths[index].clone(),
                line,
                column,
                span: declared.span,
                direct: true,
                source: declared.source,
                section: Section::Declared(declared.section),
                lockfile,
                via: Vec::new(),
            });
        }
    }

    for (file_index, file) in files.iter().enumerate() {
        let Parsed::Lockfile(lockfile) = &file.parsed else {
            continue;
        };
        let chains = Chains::new(lockfile, &used[file_index]);
        for (package_index, package) in lockfile.packages.iter().enumerate() {
            // The project's own packages (workspace members) count as direct: nothing
            // pulls them in, and they are not third-party technologies to report.
            let direct = package.local || used[file_index].contains(&package_index);
            let via = if direct {
                Vec::new()
            } else {
                chains.to(package_index)
            };
            out.push(Dependency::locked(
                file,
                &paths[file_index],
                package,
                direct,
                via,
            ));
        }
    }
    out.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    out
}

/// `path` relative to `ancestor` (both `/`-separated, `ancestor` being an ancestor of it).
/// A lockfile's entries by package name. Most names have one entry: those are stored inline,
/// so that indexing a lockfile of half a million packages allocates no list per name (and
/// frees none at the end).
pub(crate) struct NameIndex<'a> {
    names: HashMap<&'a str, Entries>,
}

enum Entries {
    One(usize),
    Many(Vec<usize>),
}

impl<'a> NameIndex<'a> {
    pub(crate) fn new(lockfile: &'a Lockfile) -> NameIndex<'a> {
        let mut names: HashMap<&'a str, Entries> =
            HashMap::with_capacity_and_hasher(lockfile.packages.len(), Default::default());
        for (index, package) in lockfile.packages.iter().enumerate() {
            match names.entry(package.name.as_str()) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(Entries::One(index));
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    let entries = slot.get_mut();
                    match entries {
                        Entries::One(first) => *entries = Entries::Many(vec![*first, index]),
                        Entries::Many(all) => all.push(index),
                    }
                }
            }
        }
        NameIndex { names }
    }

    /// The entries named `name`, in file order; empty when there is none.
    pub(crate) fn get(&self, name: &str) -> &[usize] {
        match self.names.get(name) {
            None => &[],
            Some(Entries::One(index)) => std::slice::from_ref(index),
            Some(Entries::Many(all)) => all,
        }
    }
}

pub(crate) fn relative_to<'a>(path: &'a str, ancestor: &str) -> &'a str {
    if ancestor.is_empty() {
        path
    } else {
        path.strip_prefix(ancestor)
            .map(|rest| rest.trim_start_matches('/'))
            .unwrap_or(path)
    }
}

/// Shortest "introduced by" chains in one lockfile's graph: a breadth-first search from the
/// packages that declarations resolve to (and the project's own packages), so that every
/// package knows the dependent through which it was first reached.
pub(crate) struct Chains<'a> {
    lockfile: &'a Lockfile,
    /// Per package: the package it was reached from, None for the roots and the unreached.
    parent: Vec<Option<usize>>,
    roots: Vec<bool>,
}

impl<'a> Chains<'a> {
    pub(crate) fn new(lockfile: &'a Lockfile, used: &HashSet<usize>) -> Chains<'a> {
        let count = lockfile.packages.len();
        let mut parent = vec![None; count];
        let mut seen = vec![false; count];
        let mut roots = vec![false; count];
        let mut queue = std::collections::VecDeque::new();
        // Sorted so that, among chains of equal length, the same one is chosen on every run.
        let mut starts: Vec<usize> = used.iter().copied().collect();
        starts.sort_unstable();
        starts.extend((0..count).filter(|&i| lockfile.packages[i].local && !used.contains(&i)));
        for start in starts {
            if !seen[start] {
                seen[start] = true;
                roots[start] = true;
                queue.push_back(start);
            }
        }
        while let Some(current) = queue.pop_front() {
            for &next in &lockfile.packages[current].depends_on {
                if next < count && !seen[next] {
                    seen[next] = true;
                    parent[next] = Some(current);
                    queue.push_back(next);
                }
            }
        }
        Chains {
            lockfile,
            parent,
            roots,
        }
    }

    /// Names from the first non-local package on the path down to `package`'s dependent.
    pub(crate) fn to(&self, package: usize) -> Vec<String> {
        let mut chain = Vec::new();
        let mut current = self.parent.get(package).copied().flatten();
        while let Some(index) = current {
            let entry = &self.lockfile.packages[index];
            if !entry.local {
                chain.push(entry.name.clone());
            }
            if self.roots[index] {
                break;
            }
            current = self.parent[index];
        }
        chain.reverse();
        chain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ancestors;

    #[test]
    fn paths() {
        assert_eq!(parent_dir("a/b/package.json"), "a/b");
        assert_eq!(parent_dir("package.json"), "");
        assert_eq!(ancestors("a/b").collect::<Vec<_>>(), vec!["a/b", "a", ""]);
        assert_eq!(ancestors("").collect::<Vec<_>>(), vec![""]);
        assert_eq!(relative_to("a/b", "a"), "b");
        assert_eq!(relative_to("a", "a"), "");
        assert_eq!(relative_to("a/b", ""), "a/b");
    }
}
