#!/usr/bin/env python3
"""Deterministic generator of synthetic monorepos for benchmarking `techpolicy check`.

Usage:
    python3 benches/generate.py --size large --out /tmp/tp-bench/large [--seed 42]
    python3 benches/generate.py --size big --out /tmp/tp-bench/big

Sizes (`large` is the reference; `medium` and `small` are 1/10 and 1/100 of it):

    size    package.json  Cargo.toml  Dockerfiles  package-lock.json  Cargo.lock pkgs  other files
    large   ~6,000        ~1,000      ~600         ~8 MB (v3)         ~4,000           ~105,000
    medium  ~600          ~100        ~60          ~0.8 MB            ~400             ~10,500
    small   ~60           ~10         ~6           ~80 KB             ~40              ~1,050
    big     1             0           0            ~52 MB (v3)        0                0

Every tree also holds git-ignored `node_modules/` and `target/` directories (listed in its
`.gitignore`) full of manifests that a scan must skip, and a `techpolicy.toml` whose policy
produces findings of every kind (banned, deprecated, an exception, approved technologies).

The output depends only on the size and the seed: the same command writes byte-identical
trees on every run (Python's `random.Random` is seeded; nothing reads the clock). Registry
host names are `.example` placeholders throughout.

Python 3.11 standard library only. Next to the tree, `<out>.stats.json` records what was
written (file counts, manifest bytes) and lets `run.sh` reuse a tree that is already there.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import sys

GENERATOR_VERSION = 1

SCALE = {"large": 1.0, "medium": 0.1, "small": 0.01}

NPM_REGISTRY = "https://registry.npm.example"
CARGO_SOURCE = "registry+https://index.cargo.example/"

# Real-looking names the policy talks about; the rest of the pool is made up.
NPM_NOTABLE = [
    ("lodash", ["4.17.21", "4.17.15"]),
    ("mongoose", ["8.0.3", "6.12.0"]),
    ("mongodb", ["6.3.0"]),
    ("request", ["2.88.2"]),
    ("moment", ["2.29.4"]),
    ("react", ["18.2.0"]),
    ("react-dom", ["18.2.0"]),
    ("express", ["4.18.2"]),
    ("@types/lodash", ["4.14.202"]),
    ("@types/node", ["20.11.5"]),
    ("typescript", ["5.3.3"]),
    ("left-pad", ["1.3.0"]),
    ("axios", ["1.6.5"]),
    ("jest", ["29.7.0"]),
    ("webpack", ["5.89.0"]),
]
CARGO_NOTABLE = [
    ("serde", "1.0.195"),
    ("serde_json", "1.0.111"),
    ("tokio", "1.35.1"),
    ("openssl", "0.10.62"),
    ("openssl-sys", "0.9.98"),
    ("mongodb", "2.8.0"),
    ("serde_yaml", "0.9.30"),
    ("structopt", "0.3.26"),
    ("clap", "4.4.18"),
    ("regex", "1.10.2"),
    ("anyhow", "1.0.79"),
]
IMAGES = [
    ("node", ["20-alpine", "18.19.0-bookworm-slim", "16-alpine", "14.21.3"]),
    ("python", ["3.12-slim", "3.11.7"]),
    ("golang", ["1.22", "1.21-alpine"]),
    ("rust", ["1.75-slim"]),
    ("debian", ["bookworm-slim"]),
    ("ubuntu", ["22.04", "20.04"]),
    ("mongo", ["7.0", "6.0"]),
    ("bitnami/mongodb", ["7.0"]),
    ("redis", ["7-alpine"]),
    ("postgres", ["16.1", "15-alpine"]),
    ("nginx", ["1.25-alpine"]),
    ("registry.example:5000/platform/base", ["2024.01"]),
    ("gcr.example/distroless/static", ["nonroot"]),
]

WORDS = (
    "alpha beta gamma delta async stream parse format color chalk glob path fs http net url "
    "query cache store queue event emit log debug trace time date uuid hash crypto buffer "
    "string array object map set tree graph node edge plugin core util utils helper kit "
    "config env yaml toml json xml csv schema valid type types build bundle pack lint test "
    "mock spy assert expect watch serve proxy router route client server socket worker "
    "thread pool retry limit rate auth token session cookie form upload image media audio "
    "video pdf zip tar gzip brotli cli args prompt table text wrap slug case camel snake "
    "kebab deep merge clone equal diff patch semver range version"
).split()
SCOPES = ["@acme", "@infra", "@ui", "@data", "@tools", "@babel", "@types", "@aws-sdk", "@vue"]
LICENSES = ["MIT", "ISC", "Apache-2.0", "BSD-3-Clause", "MIT OR Apache-2.0"]


class Writer:
    """Writes files under a root and keeps the statistics the benchmark reports."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0
        self.manifests = 0
        self.manifest_bytes = 0
        self.ignored_files = 0
        self._dirs: set[str] = set()

    def write(self, relative: str, text: str, manifest: bool = False, ignored: bool = False) -> None:
        path = os.path.join(self.root, relative)
        directory = os.path.dirname(path)
        if directory not in self._dirs:
            os.makedirs(directory, exist_ok=True)
            self._dirs.add(directory)
        data = text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)
        if ignored:
            self.ignored_files += 1
        elif manifest:
            self.manifests += 1
            self.manifest_bytes += len(data)


def integrity(rng: random.Random) -> str:
    return "sha512-" + base64.b64encode(rng.randbytes(64)).decode("ascii")


def checksum(rng: random.Random) -> str:
    return rng.randbytes(32).hex()


def version(rng: random.Random) -> str:
    return f"{rng.choice([0, 1, 1, 2, 3, 4, 5, 7])}.{rng.randrange(30)}.{rng.randrange(20)}"


def tarball(name: str, ver: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return f"{NPM_REGISTRY}/{name}/-/{base}-{ver}.tgz"


def npm_pool(rng: random.Random, count: int) -> list[tuple[str, list[str]]]:
    """Third-party npm packages: (name, versions), the first version being the hoisted one."""
    pool = [(name, list(versions)) for name, versions in NPM_NOTABLE]
    seen = {name for name, _ in pool}
    while len(pool) < count:
        words = rng.sample(WORDS, rng.choice([1, 2, 2, 3]))
        name = "-".join(words)
        if rng.random() < 0.25:
            name = f"{rng.choice(SCOPES)}/{name}"
        if name in seen:
            name = f"{name}-{len(pool)}"
        seen.add(name)
        versions = [version(rng)]
        if rng.random() < 0.25:
            versions.append(version(rng))
        pool.append((name, versions))
    return pool


def cargo_pool(rng: random.Random, count: int) -> list[tuple[str, list[str]]]:
    pool = [(name, [ver]) for name, ver in CARGO_NOTABLE]
    seen = {name for name, _ in pool}
    while len(pool) < count:
        name = "_".join(rng.sample(WORDS, rng.choice([1, 2, 2]))).replace("-", "_")
        if rng.random() < 0.5:
            name = name.replace("_", "-")
        if name in seen:
            name = f"{name}-{len(pool)}"
        seen.add(name)
        versions = [version(rng)]
        if rng.random() < 0.1:
            versions.append(version(rng))
        pool.append((name, versions))
    return pool


def weighted_pick(rng: random.Random, pool: list, k: int, notable: int) -> list:
    """k distinct items, the notable head of the pool a little more likely than the rest."""
    chosen: dict[int, None] = {}
    while len(chosen) < min(k, len(pool)):
        if rng.random() < 0.08:
            index = rng.randrange(notable)
        else:
            index = rng.randrange(len(pool))
        chosen[index] = None
    return [pool[i] for i in chosen]


def source_file(rng: random.Random, language: str, index: int) -> str:
    lines = []
    if language == "ts":
        lines.append(f'import {{ {rng.choice(WORDS)} }} from "./{rng.choice(WORDS)}";')
        for n in range(rng.randrange(3, 12)):
            lines.append(f"export function {rng.choice(WORDS)}{index}_{n}(x: number): number {{")
            lines.append(f"  return x * {rng.randrange(100)} + {rng.randrange(100)};")
            lines.append("}")
    elif language == "rs":
        lines.append(f"//! {rng.choice(WORDS)} {rng.choice(WORDS)} support.")
        for n in range(rng.randrange(3, 12)):
            lines.append(f"pub fn {rng.choice(WORDS)}_{index}_{n}(x: u64) -> u64 {{")
            lines.append(f"    x.wrapping_mul({rng.randrange(100)})")
            lines.append("}")
    else:
        lines.append(f"# {rng.choice(WORDS).title()} {rng.choice(WORDS)}")
        for _ in range(rng.randrange(2, 8)):
            lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 14))) + ".")
    return "\n".join(lines) + "\n"


POLICY = """\
# Benchmark policy: a realistic mix of decisions, restricted and approved technologies, an
# exception and globs with version requirements, so that every kind of finding occurs.
version = 1

[settings]
exclude = ["docs/generated/**"]

[[decision]]
id = "ADR-0003"
title = "PostgreSQL is our document store; no new MongoDB"
status = "accepted"
date = 2023-11-20
owner = "data-platform"
url = "https://adr.example/0003"

[[decision]]
id = "ADR-0007"
title = "Supported runtimes and base images"
status = "accepted"
date = 2024-02-01
owner = "platform"
url = "https://adr.example/0007"

[[decision]]
id = "ADR-0011"
title = "Legacy billing keeps MongoDB until its migration"
status = "accepted"
date = 2024-05-14
owner = "billing"
url = "https://adr.example/0011"

[[decision]]
id = "ADR-0012"
title = "HTTP clients and date libraries"
status = "accepted"
date = 2024-06-03
owner = "frontend-platform"
url = "https://adr.example/0012"

[[technology]]
name = "MongoDB"
status = "banned"
decision = "ADR-0003"
reason = "Two document stores double the on-call load."
use_instead = "PostgreSQL (jsonb)"
match = ["npm:mongodb", "npm:mongoose", "cargo:mongodb", "docker:mongo", "docker:bitnami/mongodb"]

[[technology]]
name = "Node.js before 18"
status = "deprecated"
decision = "ADR-0007"
reason = "Node 16 and older are out of security support."
use_instead = "node:20"
match = ["docker:node@<18"]

[[technology]]
name = "lodash before 4.17.21"
status = "deprecated"
decision = "ADR-0012"
match = ["npm:lodash@<4.17.21", "npm:@types/lodash*"]

[[technology]]
name = "request"
status = "banned"
decision = "ADR-0012"
reason = "Unmaintained since 2020."
use_instead = "the fetch API or axios"
match = ["npm:request", "npm:left-pad"]

[[technology]]
name = "Moment.js"
status = "deprecated"
decision = "ADR-0012"
reason = "In maintenance mode; large bundles."
use_instead = "Temporal or date-fns"
sunset = 2031-01-01
match = ["npm:moment"]

[[technology]]
name = "OpenSSL bindings"
status = "deprecated"
decision = "ADR-0007"
reason = "Native OpenSSL ties builds to the system library and its CVE cadence."
use_instead = "rustls"
match = ["cargo:openssl", "cargo:openssl-sys"]

[[technology]]
name = "Unmaintained YAML and argument crates"
status = "banned"
decision = "ADR-0007"
match = ["cargo:serde_yaml", "cargo:structopt", "cargo:/^serde[-_]yml$/"]

[[technology]]
name = "Ubuntu before 22.04"
status = "deprecated"
decision = "ADR-0007"
match = ["docker:ubuntu@<22"]

[[technology]]
name = "Approved web stack"
status = "approved"
decision = "ADR-0012"
match = ["npm:react", "npm:react-dom", "npm:express", "npm:axios", "npm:@acme/*", "npm:@types/node"]

[[technology]]
name = "Approved Rust crates"
status = "approved"
decision = "ADR-0007"
match = ["cargo:serde", "cargo:serde_json", "cargo:serde_derive", "cargo:tokio*", "cargo:clap@>=4", "cargo:regex", "cargo:anyhow"]

[[technology]]
name = "Approved base images"
status = "approved"
decision = "ADR-0007"
match = ["docker:node@>=18", "docker:python@>=3.11", "docker:debian", "docker:gcr.example/distroless/*"]

[[exception]]
technology = "MongoDB"
paths = ["services/legacy-*/**"]
decision = "ADR-0011"
owner = "billing"
expires = 2031-06-30
reason = "BILL-1234: migration to PostgreSQL"
"""


def generate_monorepo(out: str, size: str, seed: int) -> dict:
    scale = SCALE[size]
    rng = random.Random(f"{seed}:{size}")
    w = Writer(out)
    n_packages = max(3, round(6000 * scale))
    n_crates = max(2, round(1000 * scale))
    n_dockerfiles = max(2, round(600 * scale))
    n_lock_names = max(20, round(5000 * scale))
    n_cargo_registry = max(20, round(3000 * scale))
    n_other = max(20, round(105000 * scale))

    w.write("techpolicy.toml", POLICY)
    w.write(".gitignore", "node_modules/\ntarget/\ndist/\n*.log\n")
    w.write("README.md", f"# Synthetic monorepo ({size}, seed {seed})\n")

    # ---- npm: workspaces, one package-lock.json (v3) at the root --------------------------
    pool = npm_pool(rng, n_lock_names)
    notable = len(NPM_NOTABLE)
    hoisted = {name: versions[0] for name, versions in pool}
    lock_packages: dict[str, dict] = {}
    root_dev = {"typescript": "^5.3.3", "jest": "^29.7.0", "webpack": "^5.89.0"}
    workspace_dirs = [f"packages/pkg-{i:04d}" for i in range(1, n_packages)]
    lock_packages[""] = {
        "name": "monorepo",
        "version": "0.0.0",
        "license": "UNLICENSED",
        "workspaces": ["packages/*"],
        "devDependencies": root_dev,
    }
    ws_deps: dict[str, dict[str, str]] = {}
    nested: list[tuple[str, str, str]] = []  # (install dir, name, version)
    for index, directory in enumerate(workspace_dirs, start=1):
        deps = {}
        for name, versions in weighted_pick(rng, pool, rng.randrange(4, 14), notable):
            ver = versions[0]
            if len(versions) > 1 and rng.random() < 0.3:
                # This workspace needs the other version: npm nests it under the workspace.
                ver = versions[1]
                nested.append((directory, name, ver))
            deps[name] = ("^" if rng.random() < 0.8 else "~") + ver
        if index > 1 and rng.random() < 0.3:
            deps[f"@mono/pkg-{rng.randrange(1, index):04d}"] = "^1.0.0"
        ws_deps[directory] = deps
    for directory in workspace_dirs:
        name = "@mono/" + directory.rsplit("/", 1)[-1]
        lock_packages[f"node_modules/{name}"] = {"resolved": directory, "link": True}

    def lock_entry(name: str, ver: str) -> dict:
        entry: dict = {
            "version": ver,
            "resolved": tarball(name, ver),
            "integrity": integrity(rng),
        }
        if rng.random() < 0.3:
            entry["dev"] = True
        deps = {}
        for dep_name, dep_versions in rng.sample(pool, rng.randrange(0, 6)):
            if dep_name != name:
                deps[dep_name] = "^" + dep_versions[0]
        if deps:
            entry["dependencies"] = deps
        if rng.random() < 0.1:
            entry["peerDependencies"] = {rng.choice(pool)[0]: "*"}
        entry["license"] = rng.choice(LICENSES)
        if rng.random() < 0.3:
            entry["engines"] = {"node": ">=" + str(rng.choice([8, 12, 14, 16, 18]))}
        if rng.random() < 0.05:
            entry["funding"] = {"url": f"https://funding.example/{name.strip('@')}"}
        return entry

    for name, versions in pool:
        lock_packages[f"node_modules/{name}"] = lock_entry(name, hoisted[name])
        for other in versions[1:]:
            # Another package needs the second version: nested under a random dependent.
            parent = rng.choice(pool)[0]
            if parent != name:
                lock_packages[f"node_modules/{parent}/node_modules/{name}"] = lock_entry(name, other)
    for directory, name, ver in nested:
        lock_packages[f"{directory}/node_modules/{name}"] = lock_entry(name, ver)
    for directory in workspace_dirs:
        lock_packages[directory] = {
            "name": "@mono/" + directory.rsplit("/", 1)[-1],
            "version": "1.0.0",
            "dependencies": ws_deps[directory],
        }
    lock = {
        "name": "monorepo",
        "version": "0.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": lock_packages,
    }
    w.write("package-lock.json", json.dumps(lock, indent=2) + "\n", manifest=True)
    w.write(
        "package.json",
        json.dumps(
            {
                "name": "monorepo",
                "version": "0.0.0",
                "private": True,
                "workspaces": ["packages/*"],
                "devDependencies": root_dev,
            },
            indent=2,
        )
        + "\n",
        manifest=True,
    )
    for directory in workspace_dirs:
        manifest = {
            "name": "@mono/" + directory.rsplit("/", 1)[-1],
            "version": "1.0.0",
            "private": True,
            "main": "dist/index.js",
            "scripts": {"build": "tsc -p .", "test": "jest"},
            "dependencies": ws_deps[directory],
        }
        if rng.random() < 0.4:
            manifest["devDependencies"] = {"@types/node": "^20.11.5", "typescript": "^5.3.3"}
        w.write(f"{directory}/package.json", json.dumps(manifest, indent=2) + "\n", manifest=True)

    # ---- Cargo: a workspace with one Cargo.lock (v4) ----------------------------------------
    cpool = cargo_pool(rng, n_cargo_registry)
    cnotable = len(CARGO_NOTABLE)
    members = [f"crate-{i:04d}" for i in range(1, n_crates)]
    workspace_deps = cpool[:cnotable] + cpool[cnotable : cnotable + 20]
    root_toml = ["[workspace]", 'members = ["crates/*"]', 'resolver = "2"', "", "[workspace.dependencies]"]
    for name, versions in workspace_deps:
        root_toml.append(f'{name} = "{versions[0]}"')
    w.write("Cargo.toml", "\n".join(root_toml) + "\n", manifest=True)
    lock_entries: list[tuple[str, str, bool, list[str]]] = []  # name, version, local, deps
    duplicated = {name for name, versions in cpool if len(versions) > 1}

    def dep_string(name: str, ver: str) -> str:
        return f"{name} {ver}" if name in duplicated else name

    for index, member in enumerate(members):
        lines = ["[package]", f'name = "{member}"', 'version = "0.1.0"', 'edition = "2021"', ""]
        lines.append("[dependencies]")
        deps = []
        for name, versions in weighted_pick(rng, cpool, rng.randrange(3, 9), cnotable):
            if (name, versions) in workspace_deps and rng.random() < 0.6:
                lines.append(f"{name} = {{ workspace = true }}")
            elif rng.random() < 0.2:
                lines.append(f'{name} = {{ version = "{versions[-1]}", features = ["std"] }}')
            else:
                lines.append(f'{name} = "{versions[-1]}"')
            deps.append(dep_string(name, versions[-1]))
        if index > 0 and rng.random() < 0.3:
            other = members[rng.randrange(index)]
            lines.append(f'{other} = {{ path = "../{other}" }}')
            deps.append(other)
        lines.append("")
        lines.append("[dev-dependencies]")
        lines.append('anyhow = "1.0.79"')
        deps.append("anyhow")
        w.write(f"crates/{member}/Cargo.toml", "\n".join(lines) + "\n", manifest=True)
        lock_entries.append((member, "0.1.0", True, sorted(set(deps))))
    for name, versions in cpool:
        for ver in versions:
            deps = sorted({dep_string(n, v[0]) for n, v in rng.sample(cpool, rng.randrange(0, 5)) if n != name})
            lock_entries.append((name, ver, False, deps))
    lock_entries.sort(key=lambda e: (e[0], e[1]))
    cargo_lock = [
        "# This file is automatically @generated by Cargo.",
        "# It is not intended for manual editing.",
        "version = 4",
    ]
    for name, ver, local, deps in lock_entries:
        cargo_lock += ["", "[[package]]", f'name = "{name}"', f'version = "{ver}"']
        if not local:
            cargo_lock.append(f'source = "{CARGO_SOURCE}"')
            cargo_lock.append(f'checksum = "{checksum(rng)}"')
        if deps:
            cargo_lock.append("dependencies = [")
            cargo_lock += [f' "{d}",' for d in deps]
            cargo_lock.append("]")
    w.write("Cargo.lock", "\n".join(cargo_lock) + "\n", manifest=True)

    # ---- Docker: Dockerfiles (a few named variants) and some compose files ------------------
    for index in range(n_dockerfiles):
        legacy = index % 50 == 7
        service = f"services/{'legacy-' if legacy else 'svc-'}{index:03d}"
        variant = index % 10
        path = {8: f"{service}/Dockerfile.dev", 9: f"{service}/app.Dockerfile"}.get(variant, f"{service}/Dockerfile")
        stages = []
        builder, builder_tags = rng.choice(IMAGES[:4])
        stages.append(f"FROM {builder}:{rng.choice(builder_tags)} AS build")
        stages += ["WORKDIR /src", "COPY . .", "RUN make build \\", "    && make test", ""]
        image, tags = (IMAGES[6] if legacy else rng.choice(IMAGES))
        stages.append("ARG BASE_TAG=latest")
        stages.append(f"FROM {image}:{rng.choice(tags)}")
        stages += ["COPY --from=build /src/out /app", 'ENTRYPOINT ["/app/run"]']
        w.write(path, "# Generated service image.\n" + "\n".join(stages) + "\n", manifest=True)
        if index % 10 == 0:
            db, db_tags = rng.choice([IMAGES[6], IMAGES[9], IMAGES[8]])
            compose = [
                "services:",
                "  app:",
                "    build:",
                "      context: .",
                "    ports:",
                '      - "8080:8080"',
                "  db:",
                f"    image: {db}:{rng.choice(db_tags)}",
                "  cache:",
                f'    image: "redis:7-alpine"',
            ]
            w.write(f"{service}/compose.yaml", "\n".join(compose) + "\n", manifest=True)

    # ---- Everything else: sources, tests, docs ----------------------------------------------
    crate_dirs = [f"crates/{m}" for m in members]
    for index in range(n_other):
        kind = index % 20
        if kind < 14 and workspace_dirs:
            directory = workspace_dirs[index % len(workspace_dirs)]
            sub = ["src", "src/lib", "test"][index % 3]
            w.write(f"{directory}/{sub}/file{index}.ts", source_file(rng, "ts", index))
        elif kind < 18 and crate_dirs:
            directory = crate_dirs[index % len(crate_dirs)]
            w.write(f"{directory}/src/m{index}.rs", source_file(rng, "rs", index))
        else:
            w.write(f"docs/section{index % 97:02d}/page{index}.md", source_file(rng, "md", index))

    # ---- Ignored trees: installed and built copies full of manifests ------------------------
    n_ignored = max(10, round(8000 * scale))
    for index in range(n_ignored):
        name, versions = pool[index % len(pool)]
        body = json.dumps({"name": name, "version": versions[0], "dependencies": {"mongoose": "^8.0.3"}}, indent=2)
        w.write(f"node_modules/{name}/package.json", body + "\n", ignored=True)
        w.write(f"node_modules/{name}/index.js", "module.exports = {};\n", ignored=True)
        if index % 20 == 0:
            w.write(f"node_modules/{name}/Dockerfile", "FROM mongo:4\n", ignored=True)
    for index, directory in enumerate(workspace_dirs[: max(1, len(workspace_dirs) // 10)]):
        w.write(f"{directory}/node_modules/request/package.json", '{"name": "request", "version": "2.88.2"}\n', ignored=True)
    for index in range(max(5, round(2000 * scale))):
        name, versions = cpool[index % len(cpool)]
        w.write(
            f"target/package/{name}-{versions[0]}/Cargo.toml",
            f'[package]\nname = "{name}"\nversion = "{versions[0]}"\n\n[dependencies]\nmongodb = "2"\n',
            ignored=True,
        )
        w.write(f"target/debug/build/{name}-{index:x}/output", "cargo:rerun-if-changed=build.rs\n", ignored=True)

    return {
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "files": w.files,
        "bytes": w.bytes,
        "manifests": w.manifests,
        "manifest_bytes": w.manifest_bytes,
        "ignored_files": w.ignored_files,
        "package_lock_bytes": os.path.getsize(os.path.join(out, "package-lock.json")),
        "cargo_lock_packages": len(lock_entries),
    }


def generate_big_lock(out: str, seed: int, target_bytes: int = 52 * 1024 * 1024) -> dict:
    """One package.json and a package-lock.json (v3) of about `target_bytes`."""
    rng = random.Random(f"{seed}:big")
    w = Writer(out)
    w.write("techpolicy.toml", POLICY)
    pool = npm_pool(rng, 60000)
    direct = {name: "^" + versions[0] for name, versions in pool[:400]}
    packages: dict[str, dict] = {
        "": {"name": "big-app", "version": "1.0.0", "dependencies": direct},
    }
    parts = []
    size = 0
    header = json.dumps({"name": "big-app", "version": "1.0.0", "lockfileVersion": 3, "requires": True}, indent=2)
    # Entries are serialised one by one so that the size can be watched as it grows.
    index = 0
    while size < target_bytes:
        name, versions = pool[index % len(pool)]
        round_ = index // len(pool)
        key = f"node_modules/{name}" if round_ == 0 else f"node_modules/{pool[(index * 7 + round_) % len(pool)][0]}/node_modules/{name}"
        ver = versions[round_ % len(versions)]
        deps = {n: "^" + v[0] for n, v in rng.sample(pool, rng.randrange(0, 6)) if n != name}
        entry = {"version": ver, "resolved": tarball(name, ver), "integrity": integrity(rng)}
        if deps:
            entry["dependencies"] = deps
        entry["license"] = rng.choice(LICENSES)
        if key in packages:
            index += 1
            continue
        packages[key] = entry
        text = "    " + json.dumps(key) + ": " + json.dumps(entry, indent=2).replace("\n", "\n    ")
        parts.append(text)
        size += len(text) + 2
        index += 1
    root_entry = "    " + json.dumps("") + ": " + json.dumps(packages[""], indent=2).replace("\n", "\n    ")
    body = header[:-2] + ',\n  "packages": {\n' + ",\n".join([root_entry] + parts) + "\n  }\n}\n"
    w.write("package-lock.json", body, manifest=True)
    w.write("package.json", json.dumps({"name": "big-app", "version": "1.0.0", "dependencies": direct}, indent=2) + "\n", manifest=True)
    return {
        "generator_version": GENERATOR_VERSION,
        "size": "big",
        "seed": seed,
        "files": w.files,
        "bytes": w.bytes,
        "manifests": w.manifests,
        "manifest_bytes": w.manifest_bytes,
        "ignored_files": 0,
        "package_lock_bytes": len(body.encode("utf-8")),
        "lock_entries": len(packages) - 1,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=[*SCALE, "big"], required=True)
    parser.add_argument("--out", required=True, help="directory to create (replaced if present)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    stats_path = out + ".stats.json"
    if os.path.exists(stats_path):
        os.remove(stats_path)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    if args.size == "big":
        stats = generate_big_lock(out, args.seed)
    else:
        stats = generate_monorepo(out, args.size, args.seed)
    # Written last: its presence means the tree is complete.
    with open(stats_path, "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=2)
        f.write("\n")
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
