#!/usr/bin/env bash
# techpolicy side by side with `cargo deny check bans` on the real Cargo workspaces of the corpus:
# the same banned crates, findings must agree, times compared.
#
#   bash benches/cargo-deny.sh [CORPUS_REPOS_DIR] [RUNS]
#
# CORPUS_REPOS_DIR defaults to ../shared/corpus/repos (next to this repository); RUNS (default
# 9) alternating timed runs of each tool after one warm-up. Needs python3 (standard library),
# cargo, network access to the crate registry (cargo-deny needs `cargo metadata`, which
# downloads every locked crate once), and cargo-deny (installed with `cargo install` if
# missing). What the script does to let Cargo load manifest-only copies is explained in
# benches/cargo_deny.py. Exits 1 if the two tools disagree.
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS="${1:-../shared/corpus/repos}"
RUNS="${2:-9}"
WORK="${TMPDIR:-/tmp}/techpolicy-cargo-deny"

cargo build --release --locked --quiet
if ! cargo deny --version >/dev/null 2>&1; then
  cargo install cargo-deny --locked --quiet
fi
echo "techpolicy: $PWD/target/release/techpolicy"
echo "cargo-deny: $(cargo deny --version)"
python3 benches/cargo_deny.py --techpolicy "$PWD/target/release/techpolicy" --work "$WORK" \
  --runs "$RUNS" "$CORPUS/rust-lang__cargo" "$CORPUS/vectordotdev__vector"
