#!/usr/bin/env bash
# `npm run e2e` (after `npm run build`): the built package in the real n8n.
#   bash e2e/run.sh              n8n 2.8.4 on this Node: CLI part + browser part
#   bash e2e/run.sh --latest     the CLI part on the latest n8n 2.41.x, on Node 24 from npm
#   bash e2e/run.sh --cli-only | --trigger-only | --browser-only
# Installs what it needs on first use: e2e/node_modules (npm ci from e2e/package-lock.json),
# Debian chromium (apt-get, as root) for the browser part, e2e/.n8n-latest for --latest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

latest=0
browser=1
for arg in "$@"; do
	case "$arg" in
		--latest) latest=1; browser=0 ;;
		--cli-only|--trigger-only) browser=0 ;;
		--browser-only) ;;
		*) echo "Unknown option $arg (use --latest, --cli-only, --trigger-only or --browser-only)" >&2; exit 2 ;;
	esac
done

started=$SECONDS
# shellcheck source=lib/install.sh
source "$here/lib/install.sh"

if [[ $latest -eq 1 ]]; then
	install_latest
else
	install_pinned
	[[ $browser -eq 1 ]] && install_chromium
fi

step "running the e2e checks"
set +e
timeout --kill-after=30 2400 node "$here/run.mjs" "$@"
status=$?
set -e
echo "e2e wall time: $((SECONDS - started)) s (exit $status)"
exit $status
