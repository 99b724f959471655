#!/usr/bin/env bash
# `npm run dev:full` (after `npm run build`): the Kizen simulator + n8n 2.8.4 (from e2e/) with this
# package, a ready credential and the examples, at http://127.0.0.1:5678. Ctrl-C stops both.
# `npm run dev` adds --hot: tsc --watch, and n8n reloads the node on every save (dev.mjs).
#   bash e2e/dev.sh [--hot] [--fresh]      N8N_PORT / KIZEN_SIM_PORT change the ports
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
# shellcheck source=lib/install.sh
source "$here/lib/install.sh"
install_pinned
exec node "$here/dev.mjs" "$@"
