#!/usr/bin/env bash
# Sets up the repo on a fresh machine: pnpm (via npm when absent), dependencies from the
# lockfile, the build, and the `autoresearch` command on the PATH. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm 10 with npm"
  npm i -g pnpm@10 >/dev/null
fi
pnpm install --frozen-lockfile
pnpm build
bash scripts/link-cli.sh
