#!/usr/bin/env python3
"""techpolicy against hadolint's trusted-registries rule (DL3026) on real Dockerfiles.

Called by `hadolint.sh`, which builds techpolicy and finds hadolint. Python 3.11 standard
library only.

What is compared. hadolint is run once on every Dockerfile with `trustedRegistries` set, and
its DL3026 results are kept. techpolicy is run once (`check FILE... --format json`) with a
policy that approves one technology, "images from a trusted registry", matched by a regex on the
full image name, and `[settings] unknown = "deny"`, so that every image no technology approves is
an error. Both are then reduced to the same key, (file, line, image):

* line: the first line of the instruction. hadolint reports that line; techpolicy reports the
  line of the image word, which is a later line when `FROM --platform=... \\` continues. The
  instruction that holds techpolicy's line is found with a small reader of the Dockerfile syntax
  below (parser directives, continuation lines with comments and blank lines inside, heredoc
  bodies), which only maps lines to instructions and gives their text as written; what is an
  image and what it resolves to comes from the tools (`techpolicy inventory` for techpolicy's
  reading of each reference, to explain the differences).
* image: the reference as written in the file (before any ARG substitution).

hadolint 2.15 applies DL3026 to `FROM`, to `COPY --from=IMAGE` (hadolint PR #1205) and to
`RUN --mount=...,from=IMAGE` (PR #1216). techpolicy reads `FROM` and `COPY --from`. `FROM` is
the main comparison, `COPY --from` a second one with the same rules, and `RUN --mount` is
listed as covered by hadolint only.

Every difference gets a cause; a difference no documented cause explains makes the exit status
1. The causes (see CAUSES) were each checked by hand on the corpus and on small cases.

Timing: one warm-up run of each command, then RUNS alternating runs (techpolicy, hadolint,
techpolicy, ...); medians of wall-clock time and of CPU time (user + system, from wait4), and
the median of the per-pair ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

# The names compared: the Dockerfile names techpolicy reads (hadolint reads any file it is given).
def is_dockerfile_name(name: str) -> bool:
    return (
        name in ("Dockerfile", "Containerfile")
        or name.endswith(".Dockerfile")
        or name.startswith("Dockerfile.")
        or name.endswith(".dockerfile")
        or name.startswith("Containerfile.")
    )


CAUSES = {
    # Either way: what each tool reads.
    "variable-substitution": "the reference is built from variables that have a value in the "
    "file (a global ARG default, or `${V:-default}`); techpolicy judges the value, substituted as "
    "BuildKit does, hadolint the text as written (`$REPO:tag` has no registry, so hadolint takes "
    "it for Docker Hub)",
    "stage-variable": "a reference with a variable that has the shape of earlier stages' names "
    "(`FROM build-${BUILD}` after `FROM ... AS build-a`, the stage-picked-by-ARG pattern): "
    "techpolicy takes it for a stage, hadolint for an image",
    "stage-name": "one tool took the reference for an earlier stage's name, the other for an "
    "image",
    # techpolicy flags, hadolint does not.
    "hadolint-parse-error": "hadolint could not parse the file (DL1000) and reports no other rule "
    "for it; techpolicy reads what it can of any file",
    "localhost-registry": "the first component is `localhost` or `host:port` without a dot: a "
    "registry for Docker (and techpolicy), a Docker Hub path for hadolint, which takes a "
    "registry only when the first component holds a dot",
    # hadolint flags, techpolicy does not.
    "unresolved-variable": "the reference needs a variable with no value in the file; techpolicy "
    "lists it as unresolved and never classifies it, hadolint checks the text as written (a "
    "literal registry in front of the variable, or none: Docker Hub)",
    "registry-alias": "`index.docker.io/...`: techpolicy normalises Docker's legacy alias to "
    "docker.io as Docker does, hadolint compares the host literally",
    "registry-case": "the registry is written with capitals: techpolicy compares lower-cased "
    "names, hadolint compares the host literally",
    "stage-index": "`COPY --from=0`: a stage index for Docker, skipped by techpolicy; hadolint "
    "2.15 checks it as an image named `0` on Docker Hub",
    "run-mount-from": "`RUN --mount=from=IMAGE`: checked by hadolint 2.15, not read by techpolicy",
}


# ---------------------------------------------------------------------------------------------
# A minimal Dockerfile reader: maps lines to instructions, and gives the words as written.
# ---------------------------------------------------------------------------------------------

DIRECTIVE = re.compile(r"^#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$")
HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")


@dataclass
class Instruction:
    command: str  # lower-case
    start: int  # first line, 1-based
    end: int  # last line of the instruction proper (heredoc bodies not included)
    text: str  # continuation lines joined, escapes at line ends removed

    def words(self) -> list[str]:
        return self.text.split()[1:]


def read_instructions(text: str) -> tuple[list[Instruction], str]:
    """The instructions, and the escape character."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [line.rstrip("\r") for line in text.split("\n")]
    escape = "\\"
    i = 0
    # Parser directives: only at the very top, until the first line that is not one.
    while i < len(lines):
        found = DIRECTIVE.match(lines[i])
        if not found:
            break
        if found.group(1).lower() == "escape" and found.group(2) in ("\\", "`"):
            escape = found.group(2)
        i += 1
    out: list[Instruction] = []
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        parts = []
        while True:
            current = lines[i].rstrip(" \t")
            if current.endswith(escape):
                parts.append(current[: -len(escape)])
                i += 1
                # Comment lines and blank lines inside a continuation are skipped.
                while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                    i += 1
                if i >= len(lines):
                    break
                continue
            parts.append(current)
            break
        end = min(i, len(lines) - 1)
        joined = "".join(parts)
        command = joined.split(None, 1)[0].lower() if joined.split() else ""
        instruction = Instruction(command, start + 1, end + 1, joined)
        i += 1
        if command in ("run", "copy", "add"):
            for strip_tabs, _, name in HEREDOC.findall(joined):
                while i < len(lines):
                    body = lines[i].lstrip("\t") if strip_tabs else lines[i]
                    i += 1
                    if body == name:
                        break
        out.append(instruction)
    return out, escape


def from_image(ins: Instruction) -> tuple[str, str | None]:
    """The image word of a FROM (flags skipped) and its stage name."""
    words = [w for w in ins.words() if not w.startswith("--")]
    image = words[0] if words else ""
    alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    return image, alias


def copy_from(ins: Instruction) -> str | None:
    for word in ins.words():
        if word.startswith("--from="):
            return word[len("--from="):]
        if not word.startswith("--"):
            break
    return None


def run_mount_froms(ins: Instruction) -> list[str]:
    froms = []
    for word in ins.words():
        if not word.startswith("--"):
            break
        if word.startswith("--mount="):
            for pair in word[len("--mount="):].split(","):
                key, _, value = pair.partition("=")
                if key == "from" and value:
                    froms.append(value)
    return froms


# ---------------------------------------------------------------------------------------------
# Registries as each tool sees them (for the causes only)
# ---------------------------------------------------------------------------------------------

def docker_registry(image: str) -> str:
    """Docker's rule: the first component is a registry if it has a '.' or ':' or is localhost."""
    first, slash, _ = image.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def hadolint_registry(image: str) -> str | None:
    """language-docker's rule (observed): a registry only when the first component has a '.'."""
    first, slash, _ = image.partition("/")
    if slash and "." in first:
        return first
    return None


# ---------------------------------------------------------------------------------------------
# Running the tools
# ---------------------------------------------------------------------------------------------

# hadolint also reads its settings from HADOLINT_* variables: run both tools without them.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}


def run_timed(command: list[str], cwd: str) -> tuple[float, float, int, bytes]:
    """Wall ms, CPU ms (user + sys of the child), exit status, stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    chunks = []
    assert proc.stdout is not None
    while True:
        chunk = proc.stdout.read(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, (usage.ru_utime + usage.ru_stime) * 1000.0, proc.returncode, b"".join(chunks)


def must(command: list[str], cwd: str) -> bytes:
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(command[:4])} ... exited {done.returncode}\n"
                 + done.stderr.decode(errors="replace")[-2000:])
    return done.stdout


def write_configs(tmp: str, trusted: list[str]) -> tuple[str, str]:
    alternatives = "|".join(re.escape(r) for r in trusted)
    policy = os.path.join(tmp, "trusted-registries.toml")
    with open(policy, "w", encoding="utf-8") as f:
        f.write(
            "# Written by benches/hadolint.sh: images are allowed only from these registries.\n"
            "version = 1\n\n[settings]\nunknown = \"deny\"\n\n"
            "[[technology]]\n"
            "name = \"Images from a trusted registry\"\n"
            "status = \"approved\"\n"
            f"match = ['docker:/^({alternatives})\\//']\n"
        )
    config = os.path.join(tmp, "hadolint.yaml")
    with open(config, "w", encoding="utf-8") as f:
        f.write("trustedRegistries:\n" + "".join(f"  - {r}\n" for r in trusted))
    return policy, config


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------

@dataclass
class Unit:
    """One image reference: a FROM, a COPY --from or a RUN --mount from=."""
    file: str
    kind: str  # FROM | COPY --from | RUN --mount
    line: int  # first line of the instruction
    image: str  # as written
    alias: str | None = None
    platform: bool = False  # FROM --platform=...
    hl: bool = False
    tp: list[dict] = field(default_factory=list)  # techpolicy findings in this instruction
    tp_line: int | None = None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--techpolicy", required=True)
    parser.add_argument("--hadolint", required=True)
    parser.add_argument("--trusted", default="docker.io", help="space-separated registries")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--verbose", action="store_true", help="list every agreement too")
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    trusted = args.trusted.split()
    verbose = args.verbose

    # Files: every Dockerfile of every repository of the corpus, relative to the corpus.
    files = []
    per_repo = Counter()
    for repo in sorted(os.listdir(corpus)):
        top = os.path.join(corpus, repo)
        if not os.path.isdir(top):
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                if is_dockerfile_name(name):
                    files.append(os.path.relpath(os.path.join(dirpath, name), corpus))
                    per_repo[repo] += 1
    if not files:
        sys.exit(f"error: no Dockerfiles under {corpus}")

    with tempfile.TemporaryDirectory(prefix="techpolicy-hadolint-") as tmp:
        policy, config = write_configs(tmp, trusted)
        must([args.techpolicy, "validate", tmp, "--policy", policy], tmp)
        # -c names hadolint's only config (no .hadolint.yaml is looked for); pragmas are off,
        # as techpolicy has none.
        hl_cmd = [args.hadolint, "-c", config, "-f", "json", "--no-fail", "--no-color",
                  "--disable-ignore-pragma", *files]
        tp_cmd = [args.techpolicy, "check", *files, "--policy", policy, "--format", "json",
                  "--fail-on", "never", "--color", "never"]
        hl_out = json.loads(must(hl_cmd, corpus))
        tp_out = json.loads(must(tp_cmd, corpus))

        # Per-file inventory (each file alone): techpolicy's reading of every reference, used
        # to explain differences and to count what techpolicy declares.
        inventory: dict[str, list[dict]] = {}
        for f in files:
            doc = json.loads(must([args.techpolicy, "inventory", f, "--format", "json",
                                   "--policy", policy], corpus))
            inventory[f] = doc["dependencies"]

        # Timing.
        must(tp_cmd, corpus)
        must(hl_cmd, corpus)
        tp_wall, hl_wall, tp_cpu, hl_cpu, ratios = [], [], [], [], []
        for _ in range(args.runs):
            w1, c1, code1, _ = run_timed(tp_cmd, corpus)
            w2, c2, code2, _ = run_timed(hl_cmd, corpus)
            if code1 or code2:
                sys.exit("error: a timed run failed")
            tp_wall.append(w1)
            tp_cpu.append(c1)
            hl_wall.append(w2)
            hl_cpu.append(c2)
            ratios.append(w1 / w2)

    # The reference reading of every file.
    units: dict[tuple[str, int], Unit] = {}
    instructions: dict[str, list[Instruction]] = {}
    backtick_files = set()
    for f in files:
        with open(os.path.join(corpus, f), encoding="utf-8", errors="replace") as fh:
            instructions[f], escape = read_instructions(fh.read())
        if escape == "`":
            backtick_files.add(f)
        for ins in instructions[f]:
            if ins.command == "from":
                image, alias = from_image(ins)
                platform = any(w.startswith("--platform") for w in ins.words())
                units[(f, ins.start)] = Unit(f, "FROM", ins.start, image, alias, platform)
            elif ins.command == "copy" and copy_from(ins) is not None:
                units[(f, ins.start)] = Unit(f, "COPY --from", ins.start, copy_from(ins) or "")
            elif ins.command == "run" and run_mount_froms(ins):
                units[(f, ins.start)] = Unit(f, "RUN --mount", ins.start, ",".join(run_mount_froms(ins)))

    def instruction_at(f: str, line: int) -> Instruction | None:
        for ins in instructions.get(f, []):
            if ins.start <= line <= ins.end:
                return ins
        return None

    unexplained: list[str] = []
    hl_parse_errors = {x["file"] for x in hl_out if x["code"] == "DL1000"}
    for x in hl_out:
        if x["code"] != "DL3026":
            continue
        unit = units.get((x["file"], x["line"]))
        if unit is None:
            unexplained.append(f"hadolint DL3026 at {x['file']}:{x['line']} is on no FROM/COPY/RUN line")
            continue
        unit.hl = True
    # techpolicy reports named files relative to their deepest common directory (the policy is
    # outside the corpus): put that directory back in front.
    common = os.path.commonpath([os.path.dirname(f) for f in files])
    for x in tp_out["findings"]:
        x["file"] = os.path.join(common, x["file"]) if common else x["file"]
        ins = instruction_at(x["file"], x["line"])
        unit = units.get((x["file"], ins.start)) if ins else None
        if unit is None:
            unexplained.append(f"techpolicy finding at {x['file']}:{x['line']} ({x['package']}) is on no FROM/COPY line")
            continue
        unit.tp.append(x)
        unit.tp_line = x["line"]
    if tp_out["errors"]:
        for e in tp_out["errors"]:
            e["file"] = os.path.join(common, e["file"]) if common else e["file"]
            unexplained.append(f"techpolicy could not read {e['file']}: {e['message']}")

    # techpolicy reads every file it is named, wherever it is.
    if tp_out["summary"]["files"] != len(files):
        unexplained.append(
            f"techpolicy read {tp_out['summary']['files']} files of {len(files)} named"
        )

    def inventory_entry(unit: Unit) -> dict | None:
        ins = instruction_at(unit.file, unit.line)
        section = "FROM" if unit.kind == "FROM" else "COPY --from"
        for d in inventory[unit.file]:
            if d["section"] == section and ins and ins.start <= d["line"] <= ins.end:
                return d
        return None

    def earlier_aliases(unit: Unit) -> list[str]:
        return [u.alias for u in units.values()
                if u.file == unit.file and u.kind == "FROM" and u.line < unit.line and u.alias]

    def cause(unit: Unit) -> str | None:
        tp, hl = bool(unit.tp), unit.hl
        if tp == hl:
            return None
        entry = inventory_entry(unit)
        if unit.kind == "RUN --mount":
            return "run-mount-from" if hl else None
        if tp and unit.file in hl_parse_errors:
            return "hadolint-parse-error"
        # Either way: techpolicy judged the substituted value, hadolint the text.
        if "$" in unit.image and entry and not (entry["source"] or "").startswith("unresolved"):
            return "variable-substitution"
        if tp:
            registry = docker_registry(unit.tp[0]["package"])
            if (registry == "localhost" or (":" in registry and "." not in registry)) \
                    and hadolint_registry(unit.image) is None:
                return "localhost-registry"
            if unit.image in earlier_aliases(unit):
                return "stage-name"
            return None
        if entry is None:
            if unit.kind == "COPY --from" and unit.image.isdigit():
                return "stage-index"
            if "$" in unit.image:
                return "stage-variable"
            return "stage-name"
        if (entry["source"] or "").startswith("unresolved"):
            return "unresolved-variable"
        registry = hadolint_registry(unit.image)
        if registry == "index.docker.io":
            return "registry-alias"
        if registry and registry != registry.lower() and registry.lower() in trusted:
            return "registry-case"
        return None

    # Report.
    print(f"corpus: {corpus}")
    print(f"trusted registries: {' '.join(trusted)}")
    print(f"files: {len(files)} (" + ", ".join(f"{r} {n}" for r, n in sorted(per_repo.items())) + ")")
    print(f"  hadolint could not parse {len(hl_parse_errors)} of them (DL1000); "
          f"techpolicy check read {tp_out['summary']['files']}")

    totals = {}
    for kind in ("FROM", "COPY --from", "RUN --mount"):
        selected = [u for u in units.values() if u.kind == kind]
        hl_set = {(u.file, u.line, u.image) for u in selected if u.hl}
        tp_set = {(u.file, u.line, u.image) for u in selected if u.tp}
        both = hl_set & tp_set
        moved = [u for u in selected if u.hl and u.tp and u.tp_line != u.line]
        diffs = defaultdict(list)
        for u in sorted(selected, key=lambda u: (u.file, u.line)):
            if bool(u.tp) != u.hl:
                c = cause(u)
                diffs[c or "UNEXPLAINED"].append(u)
                if c is None:
                    unexplained.append(f"{kind} {u.file}:{u.line} {u.image}: "
                                       f"techpolicy {'flags' if u.tp else 'passes'}, "
                                       f"hadolint {'flags' if u.hl else 'passes'}")
        totals[kind] = (len(selected), len(hl_set), len(tp_set), len(both), diffs, moved)
        print()
        print(f"== {kind}: {len(selected)} instructions")
        if kind != "RUN --mount":
            decl = [d for f in files for d in inventory[f] if d["section"] == kind]
            unresolved = sum(1 for d in decl if (d["source"] or "").startswith("unresolved"))
            # What techpolicy did not declare: scratch, stage names and indexes, stage patterns.
            not_images = Counter()
            for u in selected:
                entry = inventory_entry(u)
                if entry is None:
                    lowered = u.image.lower()
                    if lowered == "scratch":
                        not_images["scratch"] += 1
                    elif lowered in (a.lower() for a in earlier_aliases(u)):
                        not_images["an earlier stage's name"] += 1
                    elif u.image.isdigit():
                        not_images["a stage index"] += 1
                    elif "$" in u.image:
                        not_images["a stage name with a variable"] += 1
                    else:
                        unexplained.append(f"{kind} {u.file}:{u.line} {u.image}: techpolicy declares no image")
                else:
                    # `check` must agree with `inventory` on every reference.
                    expected = entry["status"] is None and not (entry["source"] or "").startswith("unresolved")
                    if expected != bool(u.tp):
                        unexplained.append(f"{kind} {u.file}:{u.line}: check and inventory disagree")
            mapped = {(u.file, d["line"]) for u in selected for d in [inventory_entry(u)] if d}
            for f in files:
                for d in inventory[f]:
                    if d["section"] == kind and (f, d["line"]) not in mapped:
                        unexplained.append(f"{kind} {f}:{d['line']} {d['name']}: declared by techpolicy, "
                                           "not found by the reference reader")
            print(f"  techpolicy declares {len(decl)} images ({unresolved} unresolved); not images: "
                  + (", ".join(f"{n} {what}" for what, n in not_images.most_common()) or "none"))
        print(f"  findings: hadolint DL3026 {len(hl_set)}, techpolicy {len(tp_set)}; "
              f"agreements: {len(both)} flagged by both"
              + (f" ({len(moved)} at a different line: techpolicy points at the image on a continuation line)" if moved else "")
              + f", {len(selected) - len(hl_set | tp_set)} passed by both")
        if both:
            by_registry = Counter(docker_registry(u.tp[0]["package"]) for u in selected if u.hl and u.tp)
            print("  flagged by both, by registry: "
                  + ", ".join(f"{r} {n}" for r, n in by_registry.most_common()))
            if verbose:
                for u in sorted(selected, key=lambda u: (u.file, u.line)):
                    if u.hl and u.tp:
                        print(f"      {u.file}:{u.line} {u.image}")
        if kind == "FROM":
            for label, subset in (
                ("FROM --platform=...", [u for u in selected if u.platform]),
                ("FROM in files with `# escape=`` (backtick)", [u for u in selected if u.file in backtick_files]),
            ):
                why = Counter(cause(u) or "UNEXPLAINED" for u in subset if bool(u.tp) != u.hl)
                print(f"  {label}: {len(subset)}; flagged by both {sum(1 for u in subset if u.hl and u.tp)}, "
                      f"passed by both {sum(1 for u in subset if not u.hl and not u.tp)}, "
                      f"different {sum(why.values())}"
                      + (" (" + ", ".join(f"{c} {n}" for c, n in why.most_common()) + ")" if why else ""))
        for c, us in sorted(diffs.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            who = "techpolicy only" if us[0].tp else "hadolint only"
            print(f"  {c}: {len(us)} ({who})")
            if c in CAUSES:
                print(f"      {CAUSES[c]}")
            for u in us:
                resolved = f" -> {u.tp[0]['package']}" if u.tp and u.tp[0]["package"] != u.image.split(':')[0] else ""
                print(f"      {u.file}:{u.line} {u.image}{resolved}")

    print()
    print(f"== time ({args.runs} alternating runs after one warm-up each; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.2f})")
    print(f"  techpolicy check: median {statistics.median(tp_wall):.1f} ms wall, "
          f"{statistics.median(tp_cpu):.1f} ms CPU")
    print(f"  hadolint:         median {statistics.median(hl_wall):.1f} ms wall, "
          f"{statistics.median(hl_cpu):.1f} ms CPU")
    print(f"  ratio techpolicy/hadolint (median of pairs): {statistics.median(ratios):.4f} "
          f"(hadolint {1 / statistics.median(ratios):.0f}x slower; it runs all its rules and "
          f"ShellCheck on RUN lines, techpolicy only its image checks)")

    print()
    if unexplained:
        print(f"UNEXPLAINED ({len(unexplained)}):")
        for line in unexplained:
            print(f"  {line}")
        return 1
    print("every difference has a documented cause")
    return 0


if __name__ == "__main__":
    sys.exit(main())
