#!/usr/bin/env bash
# Puts the `autoresearch` command on the PATH: a symlink to this checkout's bin in npm's global
# bin directory (where `npm i -g` puts commands, pnpm included), as `npm link` would but without
# npm re-installing this pnpm workspace; else in ~/.local/bin. Safe to run again (setup.sh runs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/packages/autoresearch/bin/autoresearch.js"
by_hand="or call it as: node $target"
on_path() { case ":$PATH:" in *":$1:"*) return 0 ;; *) return 1 ;; esac; }

# (npm's own warnings, e.g. about pnpm's env settings when run through pnpm, are not ours to show)
npm_prefix="$(npm prefix -g 2>/dev/null || true)"
dirs=(${npm_prefix:+"$npm_prefix/bin"} "$HOME/.local/bin")
# a directory already on the PATH first, so the command works in this shell without more steps
candidates=()
for dir in "${dirs[@]}"; do on_path "$dir" && candidates+=("$dir"); done
for dir in "${dirs[@]}"; do on_path "$dir" || candidates+=("$dir"); done
for dir in "${candidates[@]}"; do
  link="$dir/autoresearch"
  if [[ -e "$link" && ! -L "$link" ]]; then
    echo "setup: $link exists and is not a link; left it alone ($by_hand)" >&2
    exit 0
  fi
  { mkdir -p "$dir" && ln -sfn "$target" "$link"; } 2>/dev/null || continue
  if ! on_path "$dir"; then
    echo "setup: linked $link, but $dir is not on your PATH; add it: export PATH=\"$dir:\$PATH\"" >&2
  elif [[ "$(command -v autoresearch)" != "$link" ]]; then
    echo "setup: linked $link, but $(command -v autoresearch) comes first on your PATH; remove it or call $link" >&2
  else
    echo "setup: linked $link -> $target"
  fi
  exit 0
done
echo "setup: cannot write to ${dirs[0]}, so \`autoresearch\` is not on the PATH; run: sudo ln -sfn $target ${dirs[0]}/autoresearch ($by_hand)" >&2
