//! Linking manifests to lockfiles: the step that turns what each file says into the list of
//! dependencies a policy is checked against.
//!
//! - Cargo: `dep.workspace = true` takes the workspace root's entry; a member's dependencies
//!   resolve through the Cargo.lock beside its workspace root, using the member's own lock
//!   entry to pick between several versions of one crate. Which root a Cargo.toml belongs to
//!   (if any) is `crate::ecosystem::cargo::workspace`'s business; one no workspace claims resolves
//!   through the Cargo.lock beside it and inherits nothing.
//! - npm: a package.json resolves through the nearest lockfile above it that lists it as its
//!   root or one of its workspaces, following Node's lookup (the nearest `node_modules` up
//!   the tree from the package's directory).
//!
//! Lockfile packages that no declaration resolves to are the transitive ones.

use crate::ecosystem::cargo::workspace::CargoWorkspaces;
use crate::manifest::{
    ancestors, parent_dir, Declared, Ecosystem, Lockfile, Manifest, ManifestKind, Parsed, Span,
};
use crate::scan::ParsedFile;
use serde::Serialize;
// The fast hasher under the usual names: these maps are keyed by every lockfile entry.
use crate::fasthash::{FastMap as HashMap, FastSet as HashSet};

/// One dependency or image, declared in a manifest or locked in a lockfile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    pub name: String,
    /// The resolved version (from the lockfile), or the image tag.
    pub version: Option<String>,
    /// The declared requirement.
    pub requirement: Option<String>,
    /// Relative to the scanned root, with `/`.
    pub file: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub span: Span,
    /// Declared by a manifest of the repository (or, for a lockfile entry, the package such a
    /// declaration resolves to), as opposed to pulled in by another package.
    pub direct: bool,
    /// Where a non-registry dependency comes from (path, git, file, workspace), or why an
    /// image reference could not be resolved.
    pub source: Option<String>,
    /// The table or section that declares it, or `lockfile` for lockfile entries.
    pub section: String,
    /// The lockfile a declaration was resolved through, or that lists this entry.
    pub lockfile: Option<std::sync::Arc<str>>,
    /// For a lockfile entry that no declaration resolves to: the shortest chain of packages
    /// that brings it in, from a direct dependency to the package's dependent (the package
    /// itself is not repeated). Empty for declarations, direct entries, and entries that
    /// nothing in the lockfile's graph reaches.
    pub via: Vec<String>,
}

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
            section: LOCKFILE_SECTION.to_string(),
            lockfile: Some(path.clone()),
            via,
        }
    }

    pub fn is_locked_entry(&self) -> bool {
        self.section == LOCKFILE_SECTION
    }

    /// A declaration of the project's own code (a path or workspace dependency, a file link)
    /// or an image that could not be resolved: nothing a policy can classify.
    pub fn is_own_package(&self) -> bool {
        self.source.as_deref().is_some_and(|source| {
            [
                "path+",
                "file:",
                "link:",
                "workspace:",
                "portal:",
                "unresolved",
            ]
            .iter()
            .any(|prefix| source.starts_with(prefix))
        })
    }
}

pub(crate) const LOCKFILE_SECTION: &str = "lockfile";

/// Resolves every declaration and lockfile entry found in `files`.
pub fn resolve(files: &[ParsedFile]) -> Vec<Dependency> {
    let lockfiles = LockIndex::new(files);
    let workspaces = CargoWorkspaces::new(files);
    // Per file: the lockfile packages some declaration resolved to.
    let mut used: Vec<HashSet<usize>> = vec![HashSet::default(); files.len()];
    let mut out = Vec::new();
    // One shared copy of each path for all the dependencies a file holds.
    let paths: Vec<std::sync::Arc<str>> = files
        .iter()
        .map(|file| std::sync::Arc::from(file.source.path.as_str()))
        .collect();

    // Per workspace root (file index): its `[workspace.dependencies]` by key, built once.
    let mut inherited: HashMap<usize, HashMap<&str, &Declared>> = HashMap::default();
    for (index, file) in files.iter().enumerate() {
        let Parsed::Manifest(manifest) = &file.parsed else {
            continue;
        };
        let dir = parent_dir(&file.source.path);
        let workspace_root = match file.source.kind {
            ManifestKind::CargoToml => workspaces.root_of(index),
            _ => None,
        };
        let lock = match file.source.kind {
            ManifestKind::CargoToml => lockfiles.cargo_lock_for(dir, workspace_root),
            ManifestKind::PackageJson => lockfiles.npm_lock_for(dir),
            _ => None,
        };
        for declared in &manifest.declared {
            let declared = match (declared.workspace_inherited, workspace_root) {
                (true, Some(root)) => {
                    let table =
                        inherited
                            .entry(root)
                            .or_insert_with(|| match &files[root].parsed {
                                Parsed::Manifest(root) => root.workspace_dependency_index(),
                                Parsed::Lockfile(_) => HashMap::default(),
                            });
                    inherit_from_workspace(declared, table)
                }
                _ => declared.clone(),
            };
            let resolved = lock.and_then(|lock| {
                let found = match file.source.kind {
                    ManifestKind::CargoToml => resolve_cargo(&lock, manifest, &declared),
                    _ => resolve_npm(&lock, &declared),
                };
                if let Some(package) = found {
                    used[lock.file].insert(package);
                }
                found.map(|package| (lock, package))
            });
            let (line, column) = file.source.line_column(declared.span);
            let (version, lockfile) = match resolved {
                Some((lock, package)) => (
                    Some(lock.lockfile.packages[package].version.clone()),
                    Some(paths[lock.file].clone()),
                ),
                None => (declared.version.clone(), None),
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
                section: declared.section,
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
fn relative_to<'a>(path: &'a str, ancestor: &str) -> &'a str {
    if ancestor.is_empty() {
        path
    } else {
        path.strip_prefix(ancestor)
            .map(|rest| rest.trim_start_matches('/'))
            .unwrap_or(path)
    }
}

#[cfg(test)]
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Completes `dep.workspace = true` from the workspace root's `[workspace.dependencies]`,
/// which may rename the package and carries the requirement and source.
fn inherit_from_workspace(member: &Declared, root: &HashMap<&str, &Declared>) -> Declared {
    let key = member.alias.as_deref().unwrap_or(&member.name);
    let Some(entry) = root.get(key) else {
        return member.clone();
    };
    Declared {
        name: entry.name.clone(),
        alias: entry.alias.clone(),
        requirement: entry.requirement.clone(),
        source: entry.source.clone(),
        ..member.clone()
    }
}

/// A lockfile chosen for a manifest.
#[derive(Clone, Copy)]
struct LockRef<'a> {
    /// Index of the lockfile in the scanned files.
    file: usize,
    lockfile: &'a Lockfile,
    by_install_path: &'a HashMap<&'a str, usize>,
    by_name: &'a HashMap<&'a str, Vec<usize>>,
    descriptors: &'a HashMap<&'a str, usize>,
    /// npm: the manifest's directory relative to the lockfile's (`""` for the lock's root).
    importer: &'a str,
}

/// Every lockfile, indexed for lookups by directory, install path and package name.
struct LockIndex<'a> {
    files: &'a [ParsedFile],
    /// (directory, ecosystem) → lockfile index in `files`.
    by_dir: HashMap<(&'a str, Ecosystem), usize>,
    by_install_path: HashMap<usize, HashMap<&'a str, usize>>,
    by_name: HashMap<usize, HashMap<&'a str, Vec<usize>>>,
    descriptors: HashMap<usize, HashMap<&'a str, usize>>,
    /// Lockfile index → the workspace directories it lists: a monorepo's lock lists
    /// thousands, and every package.json looks itself up.
    workspaces: HashMap<usize, HashSet<&'a str>>,
}

impl<'a> LockIndex<'a> {
    fn new(files: &'a [ParsedFile]) -> LockIndex<'a> {
        let mut by_dir: HashMap<(&str, Ecosystem), usize> = HashMap::default();
        let mut by_install_path = HashMap::default();
        let mut by_name = HashMap::default();
        let mut descriptors = HashMap::default();
        let mut workspaces = HashMap::default();
        for (index, file) in files.iter().enumerate() {
            let Parsed::Lockfile(lockfile) = &file.parsed else {
                continue;
            };
            workspaces.insert(
                index,
                lockfile.workspaces.iter().map(String::as_str).collect(),
            );
            let key = (parent_dir(&file.source.path), file.source.kind.ecosystem());
            let prefer = match by_dir.get(&key) {
                None => true,
                Some(&existing) => {
                    lock_rank(&file.source.path) < lock_rank(&files[existing].source.path)
                }
            };
            if prefer {
                by_dir.insert(key, index);
            }
            descriptors.insert(
                index,
                lockfile
                    .descriptors
                    .iter()
                    .map(|(d, i)| (d.as_str(), *i))
                    .collect(),
            );
            let mut paths = HashMap::default();
            let mut names: HashMap<&str, Vec<usize>> = HashMap::default();
            for (package_index, package) in lockfile.packages.iter().enumerate() {
                if !package.install_path.is_empty() {
                    paths.insert(package.install_path.as_str(), package_index);
                }
                names
                    .entry(package.name.as_str())
                    .or_default()
                    .push(package_index);
            }
            by_install_path.insert(index, paths);
            by_name.insert(index, names);
        }
        LockIndex {
            files,
            by_dir,
            by_install_path,
            by_name,
            descriptors,
            workspaces,
        }
    }

    fn lock_ref(&self, index: usize, importer: &'a str) -> Option<LockRef<'_>> {
        let Parsed::Lockfile(lockfile) = &self.files[index].parsed else {
            return None;
        };
        Some(LockRef {
            file: index,
            lockfile,
            by_install_path: self.by_install_path.get(&index)?,
            by_name: self.by_name.get(&index)?,
            descriptors: self.descriptors.get(&index)?,
            importer,
        })
    }

    /// The Cargo.lock beside the workspace root (or beside the manifest when it is in no
    /// workspace).
    fn cargo_lock_for(&self, dir: &'a str, workspace_root: Option<usize>) -> Option<LockRef<'_>> {
        let lock_dir = match workspace_root {
            Some(root) => parent_dir(&self.files[root].source.path),
            None => dir,
        };
        let index = *self.by_dir.get(&(lock_dir, Ecosystem::Cargo))?;
        self.lock_ref(index, "")
    }

    /// The nearest npm lockfile at or above `dir` that covers `dir` as its root or one of
    /// its workspaces.
    fn npm_lock_for(&self, dir: &'a str) -> Option<LockRef<'_>> {
        ancestors(dir).find_map(|lock_dir| {
            let index = *self.by_dir.get(&(lock_dir, Ecosystem::Npm))?;
            let Parsed::Lockfile(lockfile) = &self.files[index].parsed else {
                return None;
            };
            let importer = relative_to(dir, lock_dir);
            let listed = self
                .workspaces
                .get(&index)
                .is_some_and(|workspaces| workspaces.contains(importer));
            if lockfile.covers_subtree || listed {
                self.lock_ref(index, importer)
            } else {
                None
            }
        })
    }
}

/// The package an npm declaration resolves to, by the lockfile's own rules: pnpm records each
/// workspace's direct dependencies; yarn keys entries by descriptor (`name@range`); a
/// package-lock follows Node's lookup, `<dir>/node_modules/<key>` from the importer's
/// directory up.
fn resolve_npm(lock: &LockRef<'_>, declared: &Declared) -> Option<usize> {
    let key = declared.alias.as_deref().unwrap_or(&declared.name);
    if !lock.lockfile.importers.is_empty() {
        let importer = lock
            .lockfile
            .importers
            .iter()
            .find(|i| i.path == lock.importer)?;
        return importer
            .dependencies
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, i)| *i);
    }
    if !lock.descriptors.is_empty() {
        // The spec as the package.json writes it: the range, the alias, or the source.
        let spec = match (&declared.alias, &declared.requirement, &declared.source) {
            (Some(_), Some(range), _) => format!("npm:{}@{range}", declared.name),
            (_, Some(range), _) => range.clone(),
            (_, None, Some(source)) => source.clone(),
            (_, None, None) => "*".to_string(),
        };
        // Classic yarn keeps the spec as written; berry prefixes registry ranges with `npm:`.
        let found = [format!("{key}@{spec}"), format!("{key}@npm:{spec}")]
            .iter()
            .find_map(|descriptor| lock.descriptors.get(descriptor.as_str()).copied());
        // Berry rewrites some specs (git shorthands, `resolutions` overrides): a package the
        // lock holds in a single version is still unambiguous.
        return found.or_else(
            || match lock.by_name.get(declared.name.as_str())?.as_slice() {
                [only] => Some(*only),
                _ => None,
            },
        );
    }
    // One buffer for every candidate path: this runs for each npm declaration.
    let mut path = String::new();
    ancestors(lock.importer).find_map(|dir| {
        path.clear();
        if !dir.is_empty() {
            path.push_str(dir);
            path.push('/');
        }
        path.push_str("node_modules/");
        path.push_str(key);
        lock.by_install_path.get(path.as_str()).copied()
    })
}

/// Which npm lockfile a directory's package manager reads when there are several: npm's
/// shrinkwrap before its package-lock, then pnpm's, then yarn's.
fn lock_rank(path: &str) -> usize {
    const ORDER: [&str; 4] = [
        "npm-shrinkwrap.json",
        "package-lock.json",
        "pnpm-lock.yaml",
        "yarn.lock",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    ORDER.iter().position(|n| *n == name).unwrap_or(ORDER.len())
}

/// Cargo: the member's own lock entry names the exact version when the lock holds several;
/// otherwise the crate's single entry, or the highest version meeting the requirement.
fn resolve_cargo(lock: &LockRef<'_>, manifest: &Manifest, declared: &Declared) -> Option<usize> {
    let candidates = lock.by_name.get(declared.name.as_str())?;
    if let [only] = candidates.as_slice() {
        return Some(*only);
    }
    let packages = &lock.lockfile.packages;
    let member = manifest.package_name.as_deref().and_then(|name| {
        lock.by_name
            .get(name)?
            .iter()
            .map(|&i| &packages[i])
            .find(|package| package.local)
    });
    if let Some(member) = member {
        for entry in &member.dependencies {
            let mut words = entry.split_whitespace();
            if words.next() != Some(declared.name.as_str()) {
                continue;
            }
            if let Some(version) = words.next() {
                if let Some(&found) = candidates.iter().find(|&&i| packages[i].version == version) {
                    return Some(found);
                }
            }
        }
    }
    let requirement = declared
        .requirement
        .as_deref()
        .and_then(|r| semver::VersionReq::parse(r).ok());
    candidates
        .iter()
        .filter_map(|&i| Some((semver::Version::parse(&packages[i].version).ok()?, i)))
        .filter(|(version, _)| requirement.as_ref().is_none_or(|req| req.matches(version)))
        .max()
        .map(|(_, i)| i)
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

    #[test]
    fn paths() {
        assert_eq!(parent_dir("a/b/package.json"), "a/b");
        assert_eq!(parent_dir("package.json"), "");
        assert_eq!(ancestors("a/b").collect::<Vec<_>>(), vec!["a/b", "a", ""]);
        assert_eq!(ancestors("").collect::<Vec<_>>(), vec![""]);
        assert_eq!(relative_to("a/b", "a"), "b");
        assert_eq!(relative_to("a", "a"), "");
        assert_eq!(relative_to("a/b", ""), "a/b");
        assert_eq!(join("", "node_modules/x"), "node_modules/x");
        assert_eq!(join("a", "node_modules/x"), "a/node_modules/x");
    }
}
