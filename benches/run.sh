#!/usr/bin/env bash
# Benchmarks `techpolicy check` against ripgrep on synthetic monorepos.
#
#   bash benches/run.sh [BENCH_DIR] [PAIRS]
#
# BENCH_DIR (default: $TMPDIR/techpolicy-bench) receives the generated trees small, medium,
# large and big (a lone 50 MB package-lock.json); trees already there from the same generator
# version and seed are reused. PAIRS (default 9) is the number of alternating
# techpolicy/ripgrep runs per size, after one warm-up run of each. The table is printed and
# written to benches/RESULTS.md.
#
# Needs python3 (standard library), cargo, ripgrep (installed with `cargo install` if missing) and
# GNU time (installed with apt-get if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR="${1:-${TMPDIR:-/tmp}/techpolicy-bench}"
PAIRS="${2:-9}"
SEED=42
mkdir -p "$BENCH_DIR"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"

# Trees: regenerate only what is missing or was made by another generator version or seed.
version="$(python3 -c 'import sys; sys.path.insert(0, "benches"); import generate; print(generate.GENERATOR_VERSION)')"
for size in small medium large big; do
  stats="$BENCH_DIR/$size.stats.json"
  if [ -f "$stats" ] && python3 - "$stats" "$version" "$SEED" <<'EOF'
import json, sys
stats = json.load(open(sys.argv[1]))
sys.exit(0 if (stats["generator_version"], stats["seed"]) == (int(sys.argv[2]), int(sys.argv[3])) else 1)
EOF
  then
    echo "reusing $BENCH_DIR/$size"
  else
    echo "generating $BENCH_DIR/$size"
    python3 benches/generate.py --size "$size" --out "$BENCH_DIR/$size" --seed "$SEED" >/dev/null
  fi
done

cargo build --release --locked --quiet
TECHPOLICY="$PWD/target/release/techpolicy"

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if ! command -v rg >/dev/null 2>&1; then
  cargo install ripgrep --locked --quiet || apt_install ripgrep
fi
if [ ! -x /usr/bin/time ]; then
  apt_install time
fi
RG="$(command -v rg)"
echo "techpolicy: $TECHPOLICY"
echo "ripgrep:    $RG ($("$RG" --version | sed -n 1p))"

python3 benches/measure.py --bench-dir "$BENCH_DIR" --techpolicy "$TECHPOLICY" --rg "$RG" \
  --pairs "$PAIRS" --results benches/RESULTS.md
