//! How a package.json's declarations resolve: through the nearest lockfile above it that
//! lists it as its root or one of its workspaces, by that lockfile's own rules (pnpm's
//! `importers`, yarn's descriptors, or Node's lookup of the nearest `node_modules` up the
//! tree from the package's directory for a package-lock).

use crate::ecosystem::Ecosystem;
use crate::manifest::{ancestors, parent_dir, Declared, Lockfile, Manifest};
use crate::resolve::{relative_to, Linker, Lockfiles, NameIndex};
use crate::scan::ParsedFile;
// The fast hasher under the usual names: these maps are keyed by every lockfile entry.
use crate::fasthash::{FastMap as HashMap, FastSet as HashSet};

/// npm's [`Linker`] for one scan.
pub(crate) struct NpmLinker<'a> {
    files: &'a [ParsedFile],
    lockfiles: &'a Lockfiles<'a>,
    /// Per lockfile (file number): its lookups.
    indexes: HashMap<usize, LockIndex<'a>>,
}

/// One npm lockfile, indexed for lookups by install path, descriptor and package name.
struct LockIndex<'a> {
    lockfile: &'a Lockfile,
    by_install_path: HashMap<&'a str, usize>,
    by_name: NameIndex<'a>,
    descriptors: HashMap<&'a str, usize>,
    /// The workspace directories it lists: a monorepo's lock lists thousands, and every
    /// package.json looks itself up.
    workspaces: HashSet<&'a str>,
}

impl<'a> LockIndex<'a> {
    fn new(lockfile: &'a Lockfile) -> LockIndex<'a> {
        let mut by_install_path =
            HashMap::with_capacity_and_hasher(lockfile.packages.len(), Default::default());
        for (package_index, package) in lockfile.packages.iter().enumerate() {
            if !package.install_path.is_empty() {
                by_install_path.insert(package.install_path.as_str(), package_index);
            }
        }
        let by_name = NameIndex::new(lockfile);
        LockIndex {
            lockfile,
            by_install_path,
            by_name,
            descriptors: lockfile
                .descriptors
                .iter()
                .map(|(d, i)| (d.as_str(), *i))
                .collect(),
            workspaces: lockfile.workspaces.iter().map(String::as_str).collect(),
        }
    }
}

impl<'a> NpmLinker<'a> {
    pub(crate) fn new(files: &'a [ParsedFile], lockfiles: &'a Lockfiles<'a>) -> NpmLinker<'a> {
        let indexes = lockfiles
            .of(Ecosystem::Npm)
            .map(|(index, lockfile)| (index, LockIndex::new(lockfile)))
            .collect();
        NpmLinker {
            files,
            lockfiles,
            indexes,
        }
    }

    /// The nearest npm lockfile at or above `dir` that covers `dir` as its root or one of
    /// its workspaces: its file number, its lookups, and `dir` relative to its directory
    /// (`""` for the lock's root).
    fn lock_for<'d>(&self, dir: &'d str) -> Option<(usize, &LockIndex<'a>, &'d str)> {
        ancestors(dir).find_map(|lock_dir| {
            let (index, lockfile) = self.lockfiles.in_dir(lock_dir, Ecosystem::Npm)?;
            let lock = self.indexes.get(&index)?;
            let importer = relative_to(dir, lock_dir);
            let listed = lock.workspaces.contains(importer);
            (lockfile.covers_subtree || listed).then_some((index, lock, importer))
        })
    }
}

impl Linker for NpmLinker<'_> {
    fn link(
        &mut self,
        file: usize,
        manifest: &Manifest,
    ) -> Vec<(Declared, Option<(usize, usize)>)> {
        let dir = parent_dir(&self.files[file].source.path);
        let lock = self.lock_for(dir);
        manifest
            .declared
            .iter()
            .map(|declared| {
                let found = lock.and_then(|(index, lock, importer)| {
                    Some((index, resolve(lock, importer, declared)?))
                });
                (declared.clone(), found)
            })
            .collect()
    }
}

/// The package an npm declaration resolves to, by the lockfile's own rules: pnpm records each
/// workspace's direct dependencies; yarn keys entries by descriptor (`name@range`); a
/// package-lock follows Node's lookup, `<dir>/node_modules/<key>` from the importer's
/// directory up.
fn resolve(lock: &LockIndex<'_>, importer: &str, declared: &Declared) -> Option<usize> {
    let key = declared.alias.as_deref().unwrap_or(&declared.name);
    if !lock.lockfile.importers.is_empty() {
        let importer = lock
            .lockfile
            .importers
            .iter()
            .find(|i| i.path == importer)?;
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
        return found.or_else(|| match lock.by_name.get(declared.name.as_str()) {
            [only] => Some(*only),
            _ => None,
        });
    }
    // One buffer for every candidate path: this runs for each npm declaration.
    let mut path = String::new();
    ancestors(importer).find_map(|dir| {
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
