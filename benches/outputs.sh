#!/usr/bin/env bash
# Writes `check --format json` and `inventory --format json` of every repository in the shared
# corpus and of fixtures/ into OUT, one file per tree and command, with the exit status: run it
# with the binary before a change and after it, then `diff -r BEFORE AFTER`. A refactor or a
# speed-up must leave every byte alone.
#   bash benches/outputs.sh path/to/techpolicy OUT [CORPUS]
set -euo pipefail
bin=$(realpath "$1")
out=$2
corpus=${3:-$(dirname "$0")/../../shared/corpus/repos}
root=$(cd "$(dirname "$0")/.." && pwd)
policy=$root/policies/example.toml
mkdir -p "$out"
run() { # name dir
  local name=$1 dir=$2 status
  status=0
  (cd "$dir" && "$bin" check . --policy "$policy" --today 2026-12-01 --format json) \
    >"$out/$name.check.json" 2>"$out/$name.check.stderr" || status=$?
  echo "exit $status" >>"$out/$name.check.stderr"
  status=0
  (cd "$dir" && "$bin" inventory . --format json) \
    >"$out/$name.inventory.json" 2>"$out/$name.inventory.stderr" || status=$?
  echo "exit $status" >>"$out/$name.inventory.stderr"
}
for dir in "$corpus"/*/; do
  run "repos-$(basename "$dir")" "$dir"
done
for dir in "$root"/fixtures/*/ "$root"/fixtures/corpus/*/; do
  name=$(realpath --relative-to="$root" "$dir" | tr / -)
  run "$name" "$dir"
done
# Each fixture tree with its own policy too, where it has one.
for policy_file in "$root"/fixtures/*/techpolicy.toml; do
  dir=$(dirname "$policy_file")
  name=$(realpath --relative-to="$root" "$dir" | tr / -)
  status=0
  (cd "$dir" && "$bin" check . --today 2026-12-01 --format json) \
    >"$out/$name.own-policy.json" 2>"$out/$name.own-policy.stderr" || status=$?
  echo "exit $status" >>"$out/$name.own-policy.stderr"
done
echo "$(ls "$out" | wc -l) files in $out"
