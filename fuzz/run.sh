#!/usr/bin/env bash
# Seeds the corpora, builds the fuzz targets once and runs each for SECONDS (default 600),
# FUZZ_JOBS at a time (default 2, one per core of the usual machine), then prints a table of
# target / seconds / executions / crashes read from libFuzzer's final statistics.
#
# Usage: fuzz/run.sh [SECONDS] [TARGET...]   (no TARGET: all nine)
# Environment: FUZZ_JOBS (parallel runs), FUZZ_MAX_LEN (largest input, default 262144),
# FUZZ_SANITIZER (address, the default, or none), FUZZ_NO_SEED=1 to skip seeding.
#
# libFuzzer stops a run at its first crash, hang (-timeout) or out-of-memory (-rss_limit_mb);
# the input is saved under fuzz/artifacts/<target>/ and the run's log is fuzz/logs/<target>.log.
# The table counts the artifacts each run wrote.
set -euo pipefail

fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$fuzz_dir/.." && pwd)"
all_targets=(cargo_toml cargo_lock package_json package_lock yarn_lock pnpm_lock dockerfile compose policy)

seconds="${1:-600}"
if [[ $# -ge 1 ]]; then shift; fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=("${all_targets[@]}"); fi
jobs="${FUZZ_JOBS:-2}"
max_len="${FUZZ_MAX_LEN:-262144}"
sanitizer="${FUZZ_SANITIZER:-address}"

# cargo-fuzz passes nightly-only flags (-Zsanitizer, -Cpasses=sancov-module); the stable
# toolchain accepts them when told it is building itself.
export RUSTC_BOOTSTRAP=1

cd "$repo"
if [[ "${FUZZ_NO_SEED:-0}" != 1 ]]; then
  "$fuzz_dir/seed.sh"
fi
cargo fuzz build -O --sanitizer "$sanitizer"
# Each run starts a copy of the binary built above rather than `cargo fuzz run`, which would
# rebuild first: sources edited and rebuilt while a long run goes on must not change the
# targets still queued.
built="$fuzz_dir/target/$(rustc -vV | sed -n 's/^host: //p')/release"
bin_dir="$(mktemp -d "$fuzz_dir/target/run.XXXXXX")"
trap 'rm -rf "$bin_dir"' EXIT
for target in "${targets[@]}"; do
  if [[ -f "$built/$target" ]]; then cp "$built/$target" "$bin_dir/"; fi
done

mkdir -p "$fuzz_dir/logs"

# The inputs libFuzzer saved for a crash, a hang or running out of memory (not `slow-unit-*`).
count_findings() {
  find "$1" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) |
    wc -l
}

# Runs one target and writes "target seconds executions crashes" to logs/<target>.result.
run_one() {
  local target="$1" log="$fuzz_dir/logs/$1.log" result="$fuzz_dir/logs/$1.result"
  local artifacts="$fuzz_dir/artifacts/$target" start end executions crashes
  mkdir -p "$artifacts" "$fuzz_dir/corpus/$target"
  local before
  before=$(count_findings "$artifacts")
  start=$(date +%s)
  # The same arguments as `cargo fuzz run -O <target> -- ...` passes. The fuzzer's exit status
  # says whether it found something; the table says it as well.
  "$bin_dir/$target" -artifact_prefix="$artifacts/" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 "$fuzz_dir/corpus/$target" >"$log" 2>&1 || true
  end=$(date +%s)
  executions=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  crashes=$(($(count_findings "$artifacts") - before))
  echo "$target $((end - start)) ${executions:-?} $crashes" >"$result"
  echo "run.sh: $target done: $((end - start)) s, ${executions:-?} executions, $crashes crash(es)" >&2
}

running=0
for target in "${targets[@]}"; do
  if [[ ! -f "$fuzz_dir/fuzz_targets/$target.rs" ]]; then
    echo "run.sh: no such target: $target" >&2
    exit 2
  fi
  rm -f "$fuzz_dir/logs/$target.result"
  echo "run.sh: fuzzing $target for $seconds s (log: fuzz/logs/$target.log)" >&2
  run_one "$target" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

printf '\n%-13s %8s %12s %8s\n' target seconds executions crashes
total_crashes=0
for target in "${targets[@]}"; do
  read -r name secs execs crashes <"$fuzz_dir/logs/$target.result"
  printf '%-13s %8s %12s %8s\n' "$name" "$secs" "$execs" "$crashes"
  total_crashes=$((total_crashes + crashes))
done
if ((total_crashes > 0)); then
  echo "crash inputs are in fuzz/artifacts/<target>/; reproduce with: RUSTC_BOOTSTRAP=1 cargo fuzz run -O <target> <file>" >&2
  exit 1
fi
