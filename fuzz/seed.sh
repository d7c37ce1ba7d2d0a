#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs: every file of the repository's fixtures/ and
# policies/ and of the shared corpus that a target parses, chosen by file name (as the scanner
# chooses a parser) or, for test data named otherwise, by the folder it sits in.
#
# Seeds are named by the SHA-1 of their content, as libFuzzer names its own corpus entries, so
# the same file found twice is kept once and re-running the script adds only what is new.
# Files over 1 MB are skipped: they slow every mutation round and add little coverage.
#
# Usage: fuzz/seed.sh [SHARED_CORPUS_DIR]
# The shared corpus defaults to ../shared/corpus beside the repository, then /work/shared/corpus.
set -euo pipefail

fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$fuzz_dir/.." && pwd)"
max_bytes=$((1024 * 1024))

sources=("$repo/fixtures" "$repo/policies")
if [[ $# -ge 1 ]]; then
  sources+=("$1")
elif [[ -d "$repo/../shared/corpus" ]]; then
  sources+=("$(cd "$repo/../shared/corpus" && pwd)")
elif [[ -d /work/shared/corpus ]]; then
  sources+=(/work/shared/corpus)
else
  echo "seed.sh: no shared corpus found; seeding from the repository alone" >&2
fi
sources+=("$repo/techpolicy.toml")

# The target for one file, or nothing. Names first (the same rules as ManifestKind::detect),
# then the test-data folders of the shared corpus whose files have descriptive names.
target_for() {
  local path="$1" name="${1##*/}"
  case "$name" in
    Cargo.toml) echo cargo_toml; return ;;
    Cargo.lock) echo cargo_lock; return ;;
    package.json) echo package_json; return ;;
    package-lock.json | npm-shrinkwrap.json) echo package_lock; return ;;
    pnpm-lock.yaml) echo pnpm_lock; return ;;
    yarn.lock) echo yarn_lock; return ;;
    Dockerfile | Containerfile | *.Dockerfile | Dockerfile.* | *.dockerfile | Containerfile.*)
      echo dockerfile; return ;;
    compose.yaml | compose.yml | docker-compose*.yml | docker-compose*.yaml) echo compose; return ;;
    techpolicy.toml | .techpolicy.toml) echo policy; return ;;
  esac
  case "$path" in
    */policies/*.toml | */fixtures/layered/*.toml) echo policy ;;
    */cargotoml/testdata/*) echo cargo_toml ;;
    */cargolock/testdata/*) echo cargo_lock ;;
    */packagejson/testdata/*) echo package_json ;;
    */packagelockjson/testdata/*) echo package_lock ;;
    */pnpmlock/testdata/*) echo pnpm_lock ;;
    */yarnlock/testdata/*) echo yarn_lock ;;
    */dockerbaseimage/testdata/*) echo dockerfile ;;
    */dockercomposeimage/testdata/*.yml | */dockercomposeimage/testdata/*.yaml) echo compose ;;
  esac
}

declare -A added=()
while IFS= read -r -d '' file; do
  target="$(target_for "$file")"
  [[ -n "$target" ]] || continue
  size=$(stat -c %s "$file")
  ((size <= max_bytes)) || continue
  dir="$fuzz_dir/corpus/$target"
  mkdir -p "$dir"
  hash="$(sha1sum "$file" | cut -d' ' -f1)"
  if [[ ! -e "$dir/$hash" ]]; then
    cp "$file" "$dir/$hash"
    added[$target]=$((${added[$target]:-0} + 1))
  fi
done < <(find "${sources[@]}" -type f -not -path '*/target/*' -not -path '*/.git/*' -print0)

for target in cargo_toml cargo_lock package_json package_lock yarn_lock pnpm_lock dockerfile compose policy; do
  mkdir -p "$fuzz_dir/corpus/$target"
  total=$(find "$fuzz_dir/corpus/$target" -type f | wc -l)
  printf '%-13s %5d seeds (%d new)\n' "$target" "$total" "${added[$target]:-0}"
done
