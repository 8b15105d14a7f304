#!/usr/bin/env bash
# Runs the action's source (src/main.ts, its exported run()) under GitHub's own local runner,
# @github/local-action, against a fresh emulator, and checks that it created a token and wrote the targets.
# Used by .ci/run and the CI workflow. local-action is a pinned dev dependency (package.json): `npm ci` installs it,
# nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
emulator_pid=""
trap '[ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null; rm -rf "$work"' EXIT

# A fresh emulator on a free port (node itself, not npm, so that the trap stops the server).
node emulator/cli.ts --port 0 --json > "$work/emulator.json" 2> "$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/emulator.json" ] && break
  sleep 0.1
done
url="$(node -e "console.log(JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8').split('\n')[0]).url)" "$work/emulator.json")"

cat > "$work/.env" <<ENV
INPUT_CLOUDFLARE-API-TOKEN=cf-demo-token
INPUT_ACCOUNT-ID=0123456789abcdef0123456789abcdef
INPUT_TOKEN-NAME=local-action-demo
INPUT_GITHUB-TOKEN=gh-demo-token
INPUT_TARGETS="octo-org/web\nocto-org/web@production"
INPUT_CLOUDFLARE-API-URL=$url/cloudflare/client/v4
INPUT_GITHUB-API-URL=$url/github
ENV
# local-action reads GITHUB_API_URL before it loads .env, and exits 0 even when the action fails: check the log.
export GITHUB_API_URL="$url/github" FORCE_COLOR=0
status=0
node_modules/.bin/local-action run . src/main.ts "$work/.env" > "$work/run.log" 2>&1 || status=$?
fail() { echo "local-action check failed: $1" >&2; sed 's/^::/:: /' "$work/run.log" >&2; exit 1; }
[ "$status" -eq 0 ] || fail "local-action exited $status"
! grep -q '^::error::' "$work/run.log" || fail "the action reported an error"
grep -q 'name=result::created$' "$work/run.log" || fail "no 'result: created' output"
grep -q 'name=targets::.*"status":"created"' "$work/run.log" || fail "no target was written"
echo "local-action: the action created the token and wrote the targets."
