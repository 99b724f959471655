#!/usr/bin/env bash
# `npm run e2e:queue` (after `npm run build`): the built package in n8n's queue mode (e2e/queue.mjs):
# PostgreSQL, Redis, n8n 2.8.4 main + 2 workers + webhook process, the Kizen simulator with one rate
# limit. Installs what it needs on first use: e2e/node_modules (npm ci from e2e/package-lock.json),
# Debian postgresql and redis-server (apt-get, as root). Options go to queue.mjs, e.g.
#   npm run e2e:queue -- --contacts=2000 --batch=200 --rate=50 --burst=10 [--only=webhook|sync]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

started=$SECONDS
# shellcheck source=lib/install.sh
source "$here/lib/install.sh"
install_pinned
install_queue_services

step "running the queue-mode checks"
set +e
# --foreground: Ctrl-C reaches node, which stops what it started (timeout would otherwise put node in
# a process group of its own, out of reach of the terminal's SIGINT). node's own limit (45 min) comes first.
timeout --foreground --kill-after=30 3000 node "$here/queue.mjs" "$@"
status=$?
set -e
echo "e2e:queue wall time: $((SECONDS - started)) s (exit $status)"
exit $status
