#!/usr/bin/env bash
# The pre-commit hook with the real client. `pre-commit try-repo` builds techpolicy from this
# repository (language: rust) and runs it on a throwaway repository's staged change that adds a
# banned dependency: it must fail with the diagnostic. Then the hook is installed as a user
# would (`.pre-commit-config.yaml` + `pre-commit install`) and real commits are made: the banned
# one is refused, a clean one goes through, one that touches no manifest skips the hook.
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

fail() {
  cat "$1"
  echo "FAIL: $2"
  exit 1
}
add_mongoose() {
  sed -i 's/"express": "\([^"]*\)"/"express": "\1",\n    "mongoose": "^8.0.3"/' package.json
}
expect_diagnostic() {
  for expected in "package \`mongoose ^8.0.3\` is banned: MongoDB" "use instead: PostgreSQL (jsonb)" "package.json:5:5"; do
    grep -qF "$expected" "$1" || fail "$1" "the hook output lacks: $expected"
  done
}

# 1. try-repo on a staged change that adds a banned dependency.
add_mongoose
git add package.json
if pre-commit try-repo "$here" techpolicy > "$work/try-repo.log" 2>&1; then
  fail "$work/try-repo.log" "try-repo did not block a banned dependency"
fi
expect_diagnostic "$work/try-repo.log"
git reset -q
git checkout -q -- package.json

# 2. Installed as a user installs it, with real commits.
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $here
    rev: $(git -C "$here" rev-parse HEAD)
    hooks:
      - id: techpolicy
YAML
git add .pre-commit-config.yaml
git commit -q --no-verify -m "use the hook"
pre-commit install >/dev/null

add_mongoose
git add package.json
if git commit -q -m "add mongoose" > "$work/banned.log" 2>&1; then
  fail "$work/banned.log" "a commit adding a banned dependency went through"
fi
expect_diagnostic "$work/banned.log"
git reset -q
git checkout -q -- package.json

sed -i 's/"express": "^4.18.2"/"express": "^4.19.0"/' package.json
git add package.json
git commit -q -m "clean change" > "$work/clean.log" 2>&1 || fail "$work/clean.log" "a clean change was blocked"

echo "notes" > NOTES.md
git add NOTES.md
git commit -m "notes" > "$work/unrelated.log" 2>&1 || fail "$work/unrelated.log" "an unrelated commit was blocked"
grep -q "(no files to check)Skipped" "$work/unrelated.log" || fail "$work/unrelated.log" "an unrelated commit ran the check"

echo "pre-commit hook: 4 passed, 0 failed"
