#!/usr/bin/env bash
# The main job on the embedded default, no API key needed: create a research workspace,
# prepare the data (embedded corpus, cpu profile), run N experiments with the offline search
# agent, then print the results table and write the chart and HTML report.
#
#   bash scripts/demo.sh [dir]      (sets up first: pnpm, dependencies, build)
#
# Environment: DEMO_EXPERIMENTS (default 6, the baseline included), DEMO_BUDGET (training
# seconds per experiment, default the cpu profile's 60), DEMO_TAG (default demo).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/autoresearch-demo-XXXXXX")/research}"
experiments="${DEMO_EXPERIMENTS:-6}"
tag="${DEMO_TAG:-demo}"
budget=()
if [[ -n "${DEMO_BUDGET:-}" ]]; then budget=(--budget "$DEMO_BUDGET"); fi

bash "$root/scripts/setup.sh"

autoresearch() { node "$root/packages/autoresearch/bin/autoresearch.js" "$@"; }

if [[ ! -f "$dir/.autoresearch/profile.json" ]]; then
  autoresearch init "$dir"
fi
autoresearch prepare --dir "$dir"
autoresearch run --dir "$dir" --agent search --tag "$tag" --experiments "$experiments" "${budget[@]}"
echo
autoresearch results --dir "$dir" --tag "$tag"
echo
autoresearch report --dir "$dir" --tag "$tag"
echo
echo "workspace: $dir   (follow a longer run live with: autoresearch dashboard --dir $dir)"
