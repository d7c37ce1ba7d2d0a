#!/usr/bin/env python3
"""`techpolicy check` side by side with `cargo deny check bans` on real Cargo workspaces.

Called by `cargo-deny.sh`. For each repository of the corpus given on the command line:

1. techpolicy checks the repository as it is (manifests only: it needs nothing else), with a
   policy that bans a set of crates (some at every version, some below a version).
2. cargo-deny needs `cargo metadata`, which needs what the corpus does not hold, so it runs on
   a copy prepared for Cargo:
   - every package gets empty source files where Cargo looks for its targets;
   - the corpus writes the default registry's source as a `.example` placeholder: it is put
     back to the source this repository's own Cargo.lock names (so this script never spells
     a registry host);
   - git dependencies cannot be fetched here (this machine reaches package registries only):
     each git package is replaced by a local stand-in with the same name and version whose
     dependencies are exactly the edges its Cargo.lock entry records (pinned with `=version`),
     so the graph Cargo builds is the lock's graph. The script checks that the resolved
     registry packages are the original Cargo.lock's, name for name and version for version.
   cargo-deny runs with `all-features` (what a Cargo.lock records: every optional dependency
   of every feature) and every target (no `targets` filter), like techpolicy, which reads the
   lockfile.
3. Findings must agree: the set of banned (crate, version) pairs each tool reports. The time
   of each (warm, alternating runs, medians) is printed with their ratio.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import tomllib

# Banned crates: (name, version requirement or None, reason). The same list becomes cargo-deny's
# `[bans] deny` and techpolicy's banned technologies.
BANS = [
    ("openssl", None, "use rustls"),
    ("openssl-sys", None, "use rustls"),
    ("native-tls", None, "use rustls"),
    ("lazy_static", None, "use std::sync::LazyLock"),
    ("winapi", None, "use windows-sys"),
    ("git2", None, "use gix"),
    ("libgit2-sys", None, "use gix"),
    ("curl-sys", None, "use an HTTP client written in Rust"),
    ("serde_yaml", None, "archived upstream"),
    ("base64", "<0.21", "the old engine API"),
    ("rand", "<0.9", "the old RNG API"),
    ("sha1", "<0.11", "the old digest API"),
]


def deny_toml() -> str:
    entries = []
    for name, requirement, reason in BANS:
        version = f', version = "{requirement}"' if requirement else ""
        entries.append(f'  {{ name = "{name}"{version}, reason = "{reason}" }},')
    return "\n".join([
        "[graph]",
        "all-features = true",
        "",
        "[bans]",
        'multiple-versions = "allow"',
        'wildcards = "allow"',
        "deny = [",
        *entries,
        "]",
        "",
    ])


def techpolicy_toml() -> str:
    lines = [
        "version = 1",
        "",
        "[[decision]]",
        'id = "ADR-1"',
        'title = "Crates we do not use"',
        'status = "accepted"',
        'url = "https://adr.example/1"',
        "",
    ]
    for name, requirement, reason in BANS:
        spec = f"cargo:{name}" + (f"@{requirement}" if requirement else "")
        lines += [
            "[[technology]]",
            f'name = "{name}{" " + requirement if requirement else ""}"',
            'status = "banned"',
            'decision = "ADR-1"',
            f'reason = "{reason}"',
            f'match = ["{spec}"]',
            "",
        ]
    return "\n".join(lines)


def touch(path: str) -> None:
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").close()


def manifest_dirs(root: str):
    """Every directory below `root` that holds a Cargo.toml (build output and stand-ins aside)."""
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("target", ".git", "node_modules", "git-standins")]
        if "Cargo.toml" in files:
            yield directory


def manifests(root: str):
    """(directory, parsed Cargo.toml) below `root`; deliberately broken test manifests, which
    are no workspace's members, are left out."""
    for directory in manifest_dirs(root):
        try:
            with open(os.path.join(directory, "Cargo.toml"), "rb") as f:
                yield directory, tomllib.load(f)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue


def stub_targets(root: str) -> None:
    """Empty source files wherever Cargo will look for a package's targets."""
    defaults = {"bin": "src/bin/{}.rs", "test": "tests/{}.rs", "bench": "benches/{}.rs",
                "example": "examples/{}.rs"}
    for directory, manifest in manifests(root):
        package = manifest.get("package")
        if not isinstance(package, dict):
            continue
        lib = manifest.get("lib", {})
        if "path" in lib:
            touch(os.path.join(directory, lib["path"]))
        for kind, default in defaults.items():
            for target in manifest.get(kind, []):
                touch(os.path.join(directory, target.get("path") or default.format(target.get("name", "x"))))
        if "path" not in lib and not any(
            os.path.exists(os.path.join(directory, p)) for p in ("src/lib.rs", "src/main.rs")
        ):
            touch(os.path.join(directory, "src/lib.rs"))
        if isinstance(package.get("build"), str):
            touch(os.path.join(directory, package["build"]))


def lock_packages(lock: dict) -> list[dict]:
    return lock.get("package", [])


def requested_features(root: str, names: set[str]) -> dict[str, set[str]]:
    """Features the workspace asks of each git package: in dependency entries and as
    `name/feature` in `[features]`."""
    wanted: dict[str, set[str]] = {name: set() for name in names}

    def from_tables(tables: dict) -> None:
        for key, spec in tables.items():
            if isinstance(spec, dict):
                name = spec.get("package", key)
                if name in wanted:
                    wanted[name].update(spec.get("features", []))

    for _, manifest in manifests(root):
        sections = [manifest, manifest.get("workspace", {})]
        sections += list(manifest.get("target", {}).values())
        for section in sections:
            for table in ("dependencies", "dev-dependencies", "build-dependencies"):
                from_tables(section.get(table, {}))
        for values in manifest.get("features", {}).values():
            for value in values:
                found = re.fullmatch(r"([A-Za-z0-9_-]+)\??/(.+)", value)
                if found and found.group(1) in wanted:
                    wanted[found.group(1)].add(found.group(2))
    return wanted


def stand_in_git_packages(root: str, lock: dict, extra: set[tuple[str, str]]) -> int:
    """Replaces git dependencies by local stand-ins carrying their Cargo.lock edges.

    A stand-in cannot know which features its original enables on its dependencies, so a
    package reached only through such a feature would drop out of the graph: `extra` are
    those packages, which the first stand-in then depends on directly."""
    packages = lock_packages(lock)
    git = [p for p in packages if p.get("source", "").startswith("git+")]
    if not git:
        return 0
    versions: dict[str, list[str]] = {}
    for p in packages:
        versions.setdefault(p["name"], []).append(p["version"])
    git_names = {p["name"] for p in git}
    features = requested_features(root, git_names)
    for p in git:
        lines = ["[package]", f'name = "{p["name"]}"', f'version = "{p["version"]}"',
                 'edition = "2021"', "", "[features]", "default = []"]
        lines += [f'"{feature}" = []' for feature in sorted(features[p["name"]])]
        lines += ["", "[dependencies]"]
        edges = list(p.get("dependencies", []))
        if p is git[0]:
            edges += [f"{name} {version}" for name, version in sorted(extra)]
        for dependency in edges:
            words = dependency.split(" ")
            name = words[0]
            version = words[1] if len(words) > 1 else versions[name][0]
            key = f"{name}-{version}".replace(".", "_").replace("+", "_")
            if name in git_names:
                lines.append(f'{key} = {{ package = "{name}", path = "../{name}" }}')
            else:
                lines.append(f'{key} = {{ package = "{name}", version = "={version}", default-features = false }}')
        directory = os.path.join(root, "git-standins", p["name"])
        os.makedirs(os.path.join(directory, "src"), exist_ok=True)
        touch(os.path.join(directory, "src", "lib.rs"))
        with open(os.path.join(directory, "Cargo.toml"), "w") as f:
            f.write("\n".join(lines) + "\n")
    # Point every git dependency of the workspace's manifests (inline tables on one line) at
    # its stand-in: `git` and its `branch`/`rev`/`tag` give way to a `path`.
    entry = re.compile(r'^(\s*"?([A-Za-z0-9_-]+)"?\s*=\s*\{)([^}\n]*\bgit\s*=[^}\n]*)\}', re.M)
    git_keys = re.compile(r'\s*\b(?:git|branch|rev|tag)\s*=\s*"[^"]*"\s*,?')
    for directory in manifest_dirs(root):
        path = os.path.join(directory, "Cargo.toml")
        text = open(path, encoding="utf-8", errors="replace").read()
        relative = os.path.relpath(os.path.join(root, "git-standins"), directory)

        def replace(found: re.Match) -> str:
            rest = git_keys.sub(" ", found.group(3)).strip().strip(",").strip()
            rest = f", {rest}" if rest else ""
            return f'{found.group(1)} path = "{relative}/{found.group(2)}"{rest} }}'

        changed = entry.sub(replace, text)
        if changed != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(changed)
    return len(git)


def registry_source() -> str:
    """The default registry's source as this repository's own Cargo.lock writes it."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "Cargo.lock"), encoding="utf-8") as f:
        found = re.search(r'source = "(registry\+[^"]+)"', f.read())
    if not found:
        sys.exit("no registry source in this repository's Cargo.lock")
    return found.group(1)


def prepare(source: str, work: str) -> str:
    """A copy of `source` that `cargo metadata` can load; returns its path."""
    copy = os.path.join(work, os.path.basename(source.rstrip("/")))
    if os.path.exists(copy):
        shutil.rmtree(copy)
    shutil.copytree(source, copy, symlinks=True)
    stub_targets(copy)
    lock_path = os.path.join(copy, "Cargo.lock")
    with open(lock_path, encoding="utf-8") as f:
        original_text = f.read()
    text = re.sub(r'registry\+https://[a-z0-9.-]*\.example/?', registry_source(), original_text)
    with open(lock_path, "w", encoding="utf-8") as f:
        f.write(text)
    original = tomllib.loads(text)

    def registry_set(lock: dict) -> set[tuple[str, str]]:
        return {(p["name"], p["version"]) for p in lock_packages(lock)
                if p.get("source", "").startswith("registry+")}

    # Stand-ins until Cargo resolves exactly the locked registry packages (a few rounds: a
    # package added back may itself have been reached through a feature).
    extra: set[tuple[str, str]] = set()
    for _ in range(5):
        with open(lock_path, "w", encoding="utf-8") as f:
            f.write(text)
        stand_ins = stand_in_git_packages(copy, original, extra)
        command = ["cargo", "metadata", "--format-version", "1", "--manifest-path",
                   os.path.join(copy, "Cargo.toml")]
        if not stand_ins:
            command.insert(2, "--locked")
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit(f"cargo metadata failed in {copy}:\n{done.stderr[-3000:]}")
        with open(lock_path, "rb") as f:
            resolved = tomllib.load(f)
        missing = registry_set(original) - registry_set(resolved)
        new = registry_set(resolved) - registry_set(original)
        if new:
            sys.exit(f"{copy}: Cargo resolved packages the Cargo.lock does not hold: {sorted(new)[:10]}")
        if not missing:
            break
        extra |= missing
    else:
        sys.exit(f"{copy}: Cargo leaves out locked packages: {sorted(missing)[:10]}")
    # Every locked crate, downloaded now, so that the timed runs stay off the network.
    done = subprocess.run(["cargo", "fetch", "--locked", "--manifest-path", os.path.join(copy, "Cargo.toml")],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"cargo fetch failed in {copy}:\n{done.stderr[-3000:]}")
    print(f"  prepared {copy}: {stand_ins} git packages stood in"
          + (f" ({len(extra)} packages reached through their features added to them)" if extra else "")
          + f", {len(registry_set(resolved))} registry packages as locked")
    return copy


def deny_command(copy: str, config: str) -> list[str]:
    # Every member is a root (`--workspace`), as every member's manifest is for techpolicy;
    # `--frozen`: the copy is prepared, and timings should not include the network.
    return ["cargo", "deny", "--manifest-path", os.path.join(copy, "Cargo.toml"), "--workspace",
            "--all-features", "--frozen", "--config", config, "--format", "json", "check", "bans"]


def deny_findings(copy: str, config: str) -> set[tuple[str, str]]:
    done = subprocess.run(
        deny_command(copy, config),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    found = set()
    for line in done.stderr.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        fields = message.get("fields", {})
        if message.get("type") == "diagnostic" and fields.get("code") == "banned":
            for graph in fields.get("graphs", []):
                krate = graph["Krate"]
                found.add((krate["name"], krate["version"]))
    if not found and done.returncode != 0:
        sys.exit(f"cargo deny failed:\n{done.stderr[-3000:]}")
    return found


def workspace_files(copy: str) -> set[str]:
    """The workspace's Cargo.lock and its members' manifests, relative to the root: the files
    whose findings belong to the graph cargo-deny sees (the corpus also holds test fixtures
    with manifests of their own)."""
    done = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1",
         "--manifest-path", os.path.join(copy, "Cargo.toml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True,
    )
    metadata = json.loads(done.stdout)
    files = {"Cargo.lock", "Cargo.toml"}
    for package in metadata["packages"]:
        files.add(os.path.relpath(package["manifest_path"], copy).replace(os.sep, "/"))
    return files


def techpolicy_findings(binary: str, repo: str, policy: str, files: set[str]) -> set[tuple[str, str]]:
    done = subprocess.run([binary, "check", repo, "--policy", policy, "--format", "json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # 2 with findings: the corpus holds deliberately broken test manifests, reported apart.
    if done.returncode not in (0, 1, 2) or not done.stdout:
        sys.exit(f"techpolicy failed ({done.returncode}):\n{done.stderr[-3000:]}")
    document = json.loads(done.stdout)
    found = set()
    for finding in document["findings"]:
        if finding["status"] == "banned" and finding["ecosystem"] == "cargo" and finding["file"] in files:
            found.add((finding["package"], finding["version"]))
    return found


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--techpolicy", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("repos", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    config = os.path.join(args.work, "deny.toml")
    policy = os.path.join(args.work, "techpolicy.toml")
    with open(config, "w") as f:
        f.write(deny_toml())
    with open(policy, "w") as f:
        f.write(techpolicy_toml())
    rows = []
    agreed = True
    for repo in args.repos:
        name = os.path.basename(repo.rstrip("/"))
        print(f"{name}:")
        copy = prepare(repo, args.work)
        deny = deny_findings(copy, config)
        ours = techpolicy_findings(args.techpolicy, repo, policy, workspace_files(copy))
        if deny != ours:
            agreed = False
            print(f"  DISAGREE: only cargo-deny {sorted(deny - ours)}, only techpolicy {sorted(ours - deny)}")
        else:
            print(f"  agree on {len(deny)} banned crate versions: "
                  + ", ".join(f"{n} {v}" for n, v in sorted(deny)))
        deny_run = deny_command(copy, config)
        ours_command = [args.techpolicy, "check", repo, "--policy", policy, "--format", "json"]
        timed(deny_run)
        timed(ours_command)
        deny_times, ours_times = [], []
        for _ in range(args.runs):
            ours_times.append(timed(ours_command))
            deny_times.append(timed(deny_run))
        manifest_count = sum(1 for d, _, files in os.walk(repo) for f in files if f in ("Cargo.toml", "Cargo.lock"))
        rows.append((name, manifest_count, len(deny), len(ours), "yes" if deny == ours else "NO",
                     statistics.median(ours_times), statistics.median(deny_times)))
    print()
    print("| repository | Cargo.toml + Cargo.lock files | banned (cargo-deny) | banned (techpolicy) "
          "| agree | techpolicy ms | cargo-deny ms | ratio |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    for name, manifests, deny, ours, agree, ours_ms, deny_ms in rows:
        print(f"| {name} | {manifests} | {deny} | {ours} | {agree} | {ours_ms:.1f} | {deny_ms:.1f} "
              f"| {ours_ms / deny_ms:.2f} |")
    if not agreed:
        sys.exit(1)


if __name__ == "__main__":
    main()
