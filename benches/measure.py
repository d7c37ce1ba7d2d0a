#!/usr/bin/env python3
"""Times `techpolicy check` against ripgrep on the generated trees; called by `run.sh`.

Method: one warm-up run of each command, then PAIRS alternating runs (techpolicy, rg,
techpolicy, rg, ...), so that both see the same machine load. Reported: the median of each
command's times and the median of the per-pair ratios techpolicy/rg. Peak memory comes from
one more run under `/usr/bin/time -v`. Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

MANIFEST_GLOBS = [
    "Cargo.toml", "Cargo.lock", "package.json", "package-lock.json", "npm-shrinkwrap.json",
    "yarn.lock", "pnpm-lock.yaml", "Dockerfile", "*.Dockerfile", "Dockerfile.*", "Containerfile",
    "Containerfile.*", "*.dockerfile",
    "compose.yaml", "compose.yml", "docker-compose*.yml", "docker-compose*.yaml",
]


def run_once(command: list[str], cwd: str | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0, done.returncode


def checked(command: list[str], cwd: str | None, allowed: tuple[int, ...]) -> float:
    elapsed, code = run_once(command, cwd)
    if code not in allowed:
        sys.exit(f"{' '.join(command)} (in {cwd or '.'}) exited {code}, expected {allowed}")
    return elapsed


def peak_rss_mb(command: list[str], cwd: str | None = None) -> float:
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return int(found.group(1)) / 1024.0 if found else float("nan")


def pairs(a: list[str], b: list[str], count: int, cwd: str | None = None) -> tuple[float, float, float]:
    """Median of a, median of b, median of the per-pair ratios a/b (after one warm-up each)."""
    checked(a, cwd, (0, 1))
    checked(b, cwd, (0, 1))
    times_a, times_b, ratios = [], [], []
    for _ in range(count):
        ta = checked(a, cwd, (0, 1))
        tb = checked(b, cwd, (0, 1))
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def alone(command: list[str], count: int, cwd: str | None = None) -> float:
    checked(command, cwd, (0, 1))
    return statistics.median(checked(command, cwd, (0, 1)) for _ in range(count))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench-dir", required=True)
    parser.add_argument("--techpolicy", required=True)
    parser.add_argument("--rg", required=True)
    parser.add_argument("--pairs", type=int, default=9)
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--results", required=True)
    args = parser.parse_args()

    rows = []
    for size in args.sizes.split(","):
        tree = os.path.join(args.bench_dir, size)
        with open(tree + ".stats.json", encoding="utf-8") as f:
            stats = json.load(f)
        tp = [args.techpolicy, "check", tree, "--format", "json"]
        rg = [args.rg, "--count-matches", ".", "--no-require-git"]
        for glob in MANIFEST_GLOBS:
            rg += ["-g", glob]
        rg.append(tree)
        tp_ms, rg_ms, ratio = pairs(tp, rg, args.pairs)
        rss = peak_rss_mb(tp)
        rows.append((size, stats, tp_ms, rg_ms, ratio, rss))
        print(f"{size}: techpolicy {tp_ms:.1f} ms, rg {rg_ms:.1f} ms, ratio {ratio:.2f}, {rss:.1f} MB", flush=True)

    extra = []
    big = os.path.join(args.bench_dir, "big")
    if os.path.exists(big + ".stats.json"):
        with open(big + ".stats.json", encoding="utf-8") as f:
            big_stats = json.load(f)
        mb = big_stats["package_lock_bytes"] / 1e6
        what = f"one package-lock.json of {mb:.1f} MB ({big_stats['lock_entries']:,} entries) and its package.json"
        for form, label in (("json", "`check big/ --format json`"), ("human", "`check big/` (human output, the default)")):
            command = [args.techpolicy, "check", big, "--format", form]
            ms = alone(command, args.pairs)
            rss = peak_rss_mb(command)
            extra.append((f"{label}: {what}", ms, rss))
            print(f"big lock, {form}: {ms:.1f} ms, {rss:.1f} MB", flush=True)
    large = os.path.join(args.bench_dir, "large")
    member = os.path.join(large, "packages", "pkg-0001")
    if os.path.isdir(member):
        # As the pre-commit hook runs it: the staged file named, human output.
        command = [args.techpolicy, "check", "package.json"]
        ms = alone(command, args.pairs, cwd=member)
        rss = peak_rss_mb(command, cwd=member)
        extra.append(("`check package.json` in large/packages/pkg-0001, as the pre-commit hook runs it "
                      "(the 8 MB root package-lock.json is read, only the entries it resolves to are kept)", ms, rss))
        print(f"pre-commit: {ms:.1f} ms, {rss:.1f} MB", flush=True)
    for relative, why in (
        ("crates/crate-0001/Cargo.toml", "with the root Cargo.toml and the Cargo.lock of 4,300 packages"),
        ("services/legacy-007/Dockerfile", "no lockfile needed"),
    ):
        path = os.path.join(large, relative)
        if os.path.isfile(path):
            directory, name = os.path.split(path)
            command = [args.techpolicy, "check", name]
            ms = alone(command, args.pairs, cwd=directory)
            rss = peak_rss_mb(command, cwd=directory)
            extra.append((f"`check {name}` in large/{os.path.dirname(relative)} ({why})", ms, rss))
            print(f"pre-commit {name}: {ms:.1f} ms, {rss:.1f} MB", flush=True)

    lines = [
        "| size | manifest bytes | files (manifests) | techpolicy ms | rg ms | ratio (median of pairs) | ms per manifest MB | techpolicy peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, stats, tp_ms, rg_ms, ratio, rss in rows:
        per_mb = tp_ms / (stats["manifest_bytes"] / 1e6)
        lines.append(
            f"| {size} | {stats['manifest_bytes']:,} | {stats['files']:,} ({stats['manifests']:,}) "
            f"| {tp_ms:.1f} | {rg_ms:.1f} | {ratio:.2f} | {per_mb:.1f} | {rss:.1f} |"
        )
    if extra:
        lines += ["", "| extra | techpolicy ms | techpolicy peak RSS MB |", "| --- | ---: | ---: |"]
        lines += [f"| {what} | {ms:.1f} | {rss:.1f} |" for what, ms, rss in extra]
    table = "\n".join(lines)
    print()
    print(table)
    machine = f"{os.cpu_count()} cores; {args.pairs} alternating pairs after one warm-up each; medians"
    load = os.getloadavg()
    with open(args.results, "w", encoding="utf-8") as f:
        f.write("# Benchmark results\n\n")
        f.write(f"Written by `benches/run.sh` ({machine}; load average at the end {load[0]:.2f}).\n\n")
        f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
