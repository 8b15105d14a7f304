#!/usr/bin/env bash
# Runs the action's source (src/main.ts, its exported run()) under GitHub's own local runner,
# @github/local-action, against the emulator, and checks that it created a token and wrote the targets.
# Used by .ci/run and the CI workflow.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${EMULATOR_PORT:-8787}"
work="$(mktemp -d)"
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

npm run --silent emulator -- --port "$port" > "$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 50); do
  if node -e "fetch('http://127.0.0.1:$port/').then(() => process.exit(0), () => process.exit(1))"; then break; fi
  sleep 0.2
done

cat > "$work/.env" <<ENV
INPUT_CLOUDFLARE-API-TOKEN=cf-demo-token
INPUT_ACCOUNT-ID=0123456789abcdef0123456789abcdef
INPUT_TOKEN-NAME=local-action-demo
INPUT_GITHUB-TOKEN=gh-demo-token
INPUT_TARGETS="octo-org/web\nocto-org/web@production"
INPUT_CLOUDFLARE-API-URL=http://127.0.0.1:$port/cloudflare/client/v4
INPUT_GITHUB-API-URL=http://127.0.0.1:$port/github
ENV
# local-action reads GITHUB_API_URL before it loads .env, and exits 0 even when the action fails: check the log.
export GITHUB_API_URL="http://127.0.0.1:$port/github" FORCE_COLOR=0
status=0
npx --yes @github/local-action@7 run . src/main.ts "$work/.env" > "$work/run.log" 2>&1 || status=$?
fail() { echo "local-action check failed: $1" >&2; sed 's/^::/:: /' "$work/run.log" >&2; exit 1; }
[ "$status" -eq 0 ] || fail "local-action exited $status"
! grep -q '^::error::' "$work/run.log" || fail "the action reported an error"
grep -q 'name=result::created$' "$work/run.log" || fail "no 'result: created' output"
grep -q 'name=targets::.*"status":"created"' "$work/run.log" || fail "no target was written"
echo "local-action: the action created the token and wrote the targets."
