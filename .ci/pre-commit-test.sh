#!/usr/bin/env bash
# The pre-commit hook with the real client: `pre-commit try-repo` builds techpolicy from this
# repository (language: rust) and runs it on a throwaway repository's staged changes. A change
# that stages a banned dependency must fail with the diagnostic; a clean one must pass.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v pre-commit >/dev/null 2>&1; then
  python3 -m pip install --quiet pre-commit
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
repo="$work/repo"
mkdir -p "$repo"
cd "$repo"
git init -q -b main
git config user.name test
git config user.email test@example.com
git config commit.gpgsign false
cp "$here/policies/example.toml" techpolicy.toml
cat > package.json <<'JSON'
{
  "name": "hook-test",
  "dependencies": {
    "express": "^4.18.2"
  }
}
JSON
git add -A
git commit -q -m "initial"

# A clean change: passes.
sed -i 's/"express": "^4.18.2"/"express": "^4.19.0"/' package.json
git add package.json
if ! pre-commit try-repo "$here" techpolicy > "$work/clean.log" 2>&1; then
  cat "$work/clean.log"
  echo "FAIL: a clean change was blocked"
  exit 1
fi
git commit -q -m "clean change"

# A change that adds a banned dependency: blocked, with the diagnostic.
sed -i 's/"express": "^4.19.0"/"express": "^4.19.0",\n    "mongoose": "^8.0.3"/' package.json
git add package.json
if pre-commit try-repo "$here" techpolicy > "$work/banned.log" 2>&1; then
  cat "$work/banned.log"
  echo "FAIL: a banned dependency was not blocked"
  exit 1
fi
for expected in "package \`mongoose ^8.0.3\` is banned: MongoDB" "use instead: PostgreSQL (jsonb)" "package.json:5:5"; do
  if ! grep -qF "$expected" "$work/banned.log"; then
    cat "$work/banned.log"
    echo "FAIL: the hook output lacks: $expected"
    exit 1
  fi
done

# A commit that touches no manifest does not run the check at all.
echo "notes" > NOTES.md
git add NOTES.md
pre-commit try-repo "$here" techpolicy > "$work/unrelated.log" 2>&1
grep -q "(no files to check)Skipped" "$work/unrelated.log" || { cat "$work/unrelated.log"; echo "FAIL: unrelated change ran the hook"; exit 1; }

echo "pre-commit hook: 3 passed, 0 failed"
