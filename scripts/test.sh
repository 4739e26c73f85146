#!/usr/bin/env bash
# The README's test command: set up, type-check every package and example, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm typecheck
pnpm test
