//! How a Cargo.toml's declarations resolve: `dep.workspace = true` takes the workspace
//! root's entry, and a member's dependencies resolve through the Cargo.lock beside its
//! workspace root, using the member's own lock entry to pick between several versions of one
//! crate. Which root a Cargo.toml belongs to (if any) is [`super::workspace`]'s business; one
//! no workspace claims resolves through the Cargo.lock beside it and inherits nothing.

use super::workspace::{dependency_index, CargoWorkspaces};
use crate::ecosystem::Ecosystem;
use crate::manifest::{parent_dir, Declared, Lockfile, Manifest, Parsed};
use crate::resolve::{Linker, Lockfiles, NameIndex};
use crate::scan::ParsedFile;
// The fast hasher under the usual names: these maps are keyed by every lockfile entry.
use crate::fasthash::FastMap as HashMap;

/// Cargo's [`Linker`] for one scan.
pub(crate) struct CargoLinker<'a> {
    files: &'a [ParsedFile],
    lockfiles: &'a Lockfiles<'a>,
    workspaces: CargoWorkspaces,
    /// Per Cargo.lock (file number): its entries by crate name.
    by_name: HashMap<usize, NameIndex<'a>>,
    /// Per workspace root (file number): its `[workspace.dependencies]` by key, built once.
    inherited: HashMap<usize, HashMap<&'a str, &'a Declared>>,
}

impl<'a> CargoLinker<'a> {
    pub(crate) fn new(files: &'a [ParsedFile], lockfiles: &'a Lockfiles<'a>) -> CargoLinker<'a> {
        let by_name = lockfiles
            .of(Ecosystem::Cargo)
            .map(|(index, lockfile)| (index, NameIndex::new(lockfile)))
            .collect();
        CargoLinker {
            files,
            lockfiles,
            workspaces: CargoWorkspaces::new(files),
            by_name,
            inherited: HashMap::default(),
        }
    }
}

impl Linker for CargoLinker<'_> {
    fn link(
        &mut self,
        file: usize,
        manifest: &Manifest,
    ) -> Vec<(Declared, Option<(usize, usize)>)> {
        let files = self.files;
        let root = self.workspaces.root_of(file);
        // The Cargo.lock beside the workspace root (or beside the manifest when it is in no
        // workspace).
        let lock_dir = parent_dir(&files[root.unwrap_or(file)].source.path);
        let lock = self
            .lockfiles
            .in_dir(lock_dir, Ecosystem::Cargo)
            .and_then(|(index, lockfile)| Some((index, lockfile, self.by_name.get(&index)?)));
        manifest
            .declared
            .iter()
            .map(|declared| {
                let declared = match (declared.workspace_inherited, root) {
                    (true, Some(root)) => {
                        let table = self.inherited.entry(root).or_insert_with(|| {
                            match &files[root].parsed {
                                Parsed::Manifest(root) => dependency_index(root),
                                Parsed::Lockfile(_) => HashMap::default(),
                            }
                        });
                        inherit_from_workspace(declared, table)
                    }
                    _ => declared.clone(),
                };
                let found = lock.and_then(|(index, lockfile, by_name)| {
                    let package = resolve(lockfile, by_name, manifest, &declared)?;
                    Some((index, package))
                });
                (declared, found)
            })
            .collect()
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

/// The lock entry `declared` resolves to: the member's own lock entry names the exact
/// version when the lock holds several; otherwise the crate's single entry, or the highest
/// version meeting the requirement.
fn resolve(
    lockfile: &Lockfile,
    by_name: &NameIndex<'_>,
    manifest: &Manifest,
    declared: &Declared,
) -> Option<usize> {
    let candidates = by_name.get(declared.name.as_str());
    if candidates.is_empty() {
        return None;
    }
    if let [only] = candidates {
        return Some(*only);
    }
    let packages = &lockfile.packages;
    let member = manifest.package_name.as_deref().and_then(|name| {
        by_name
            .get(name)
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
