//! Docker image names and tags: the canonical name Docker pulls (`mongo` is
//! `<default registry>/library/mongo`), the short name it shows, and the version a tag
//! starts with.

/// The registry Docker assumes when a name has none, and its legacy alias.
const DEFAULT_REGISTRY: &str = "docker.io";
const DEFAULT_REGISTRY_ALIAS: &str = "index.docker.io";
const OFFICIAL_NAMESPACE: &str = "library";

/// The fully qualified, lowercase name (`mongo` → `<registry>/library/mongo`).
/// The first path component is a registry when it holds a `.` or a `:` (a port), or is
/// `localhost`, which is Docker's own rule.
pub fn canonical_name(name: &str) -> String {
    let name = name.trim().to_ascii_lowercase();
    let (registry, path) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
            let registry = if first == DEFAULT_REGISTRY_ALIAS {
                DEFAULT_REGISTRY
            } else {
                first
            };
            (registry.to_string(), rest.to_string())
        }
        _ => (DEFAULT_REGISTRY.to_string(), name.clone()),
    };
    if registry == DEFAULT_REGISTRY && !path.contains('/') {
        format!("{registry}/{OFFICIAL_NAMESPACE}/{path}")
    } else {
        format!("{registry}/{path}")
    }
}

/// Whether `name` can be an image's name: the characters of Docker's reference grammar
/// (letters, digits, `.`, `_`, `-`, `/` between components, `:` before a registry's port,
/// brackets around an IPv6 registry address). An unresolved reference is reported as
/// written (`${BASE}`, `$REGISTRY/app:1`, `'unterminated`) and always holds a `$` or a
/// quote: what the build will pull is unknown, so it must not be taken for a Docker Hub
/// image that a glob or a regex happens to match ("unresolved, not guessed").
/// Surrounding blanks are ignored, as [`canonical_name`] ignores them.
pub fn is_image_name(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/:[]".contains(&b))
}

/// The short name Docker shows (`<registry>/library/mongo` → `mongo`).
pub fn familiar_name(canonical: &str) -> String {
    let Some(path) = canonical
        .strip_prefix(DEFAULT_REGISTRY)
        .and_then(|p| p.strip_prefix('/'))
    else {
        return canonical.to_string();
    };
    match path
        .strip_prefix(OFFICIAL_NAMESPACE)
        .and_then(|p| p.strip_prefix('/'))
    {
        Some(official) if !official.contains('/') => official.to_string(),
        _ => path.to_string(),
    }
}

/// The leading numeric version of a tag: `16-alpine` → 16.0.0, `3.9.1-slim` → 3.9.1,
/// `v1.2` → 1.2.0. Tags that do not start with a number (`latest`, `bookworm`, a bare
/// digest) have no version.
pub fn tag_version(tag: &str) -> Option<semver::Version> {
    let tag = tag.split('@').next().unwrap_or_default();
    let tag = tag.strip_prefix('v').unwrap_or(tag);
    let mut parts = [0u64; 3];
    let mut count = 0;
    for piece in tag.split('.') {
        if count == 3 {
            break;
        }
        let digits: &str = &piece[..piece
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(piece.len())];
        if digits.is_empty() {
            break;
        }
        parts[count] = digits.parse().ok()?;
        count += 1;
        if digits.len() != piece.len() {
            break;
        }
    }
    (count > 0).then(|| semver::Version::new(parts[0], parts[1], parts[2]))
}
