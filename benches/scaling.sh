#!/usr/bin/env bash
# Builds the release binary and runs the scaling benchmark with it (see benches/README.md,
# "Scaling"). Options go to benches/scaling.py: --only SUBSTRING, --keep DIR, --bin FILE, ...
#   bash benches/scaling.sh [OPTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
exec python3 benches/scaling.py "$@"
