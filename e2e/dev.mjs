/**
 * `npm run dev:full` (via e2e/dev.sh): the Kizen simulator and `n8n start` (n8n 2.8.4 from e2e/) with
 * the built package installed as a community package, a ready credential and the examples, for
 * clicking around at http://127.0.0.1:5678. Ctrl-C stops both.
 *
 * `npm run dev` (--hot): the same, with hot reload. tsc --watch (what `n8n-node dev --external-n8n`
 * runs) rebuilds dist/ on every save and n8n (development mode, N8N_DEV_RELOAD) reloads the node.
 * n8n loads it from its custom-nodes folder, where nodes are typed `CUSTOM.kizen`, so the examples
 * are imported with that type. The custom folder links to dist/ only: `n8n-node dev` links the whole
 * repository there, and n8n 2.8.4 then loads every `*.node.js` under it, e2e/node_modules included,
 * and exits on the first that is not a node.
 *
 *   N8N_PORT (5678), KIZEN_SIM_PORT (5680): ports, on 127.0.0.1
 *   --fresh: start from an empty n8n user folder (e2e/.n8n-dev, e2e/.n8n-hot) instead of keeping your workflows
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { OWNER, setupOwner } from './browser.mjs';
import { exampleFiles } from './cli.mjs';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	E2E_DIR,
	N8nCli,
	NODE_TYPE,
	PACKAGE_NAME,
	ROOT_DIR,
	installPackage,
	n8nInstall,
	startServer,
} from './lib/n8n.mjs';
import { installCleanup, killAllStarted } from './lib/proc.mjs';
import { credentialFor, startKizenSimulator } from './lib/simulator.mjs';

const fresh = process.argv.includes('--fresh');
const hot = process.argv.includes('--hot');
const n8nPort = Number(process.env.N8N_PORT || 5678);
const simPort = Number(process.env.KIZEN_SIM_PORT || 5680);
const userFolder = path.join(E2E_DIR, hot ? '.n8n-hot' : '.n8n-dev');
const logFile = path.join(E2E_DIR, 'artifacts', hot ? 'dev-hot-n8n.log' : 'dev-n8n.log');
const HOT_NODE_TYPE = NODE_TYPE.replace(`${PACKAGE_NAME}.`, 'CUSTOM.');

/** n8n's custom-nodes folder gets a link to dist/ (n8n watches the link's target for changes). */
function linkForHotReload() {
	const link = path.join(userFolder, '.n8n', 'custom', 'node_modules', PACKAGE_NAME);
	fs.mkdirSync(path.dirname(link), { recursive: true });
	fs.rmSync(link, { recursive: true, force: true });
	fs.symlinkSync(path.join(ROOT_DIR, 'dist'), link, 'dir');
}

/** The examples with the Kizen nodes typed as n8n types custom-folder nodes. */
function hotExampleFiles() {
	const dir = path.join(userFolder, 'examples-hot');
	fs.mkdirSync(dir, { recursive: true });
	return exampleFiles().map((file) => {
		const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
		// n8n-nodes-kizen.kizen → CUSTOM.kizen, n8n-nodes-kizen.kizenTrigger → CUSTOM.kizenTrigger
		for (const node of workflow.nodes) if (node.type.startsWith(`${PACKAGE_NAME}.`)) node.type = node.type.replace(`${PACKAGE_NAME}.`, 'CUSTOM.');
		const copy = path.join(dir, path.basename(file));
		fs.writeFileSync(copy, JSON.stringify(workflow, null, 2));
		return copy;
	});
}

/** tsc --watch on the shipped sources (tsconfig.json), its output in this terminal. */
function watchSources() {
	const tsc = path.join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
	return spawn(process.execPath, [tsc, '--watch', '--preserveWatchOutput'], {
		cwd: ROOT_DIR,
		stdio: ['ignore', 'inherit', 'inherit'],
	});
}

async function main() {
	const install = n8nInstall('pinned');
	if (!install.version) throw new Error('n8n is not installed in e2e/node_modules (e2e/dev.sh installs it)');
	if (fresh) fs.rmSync(userFolder, { recursive: true, force: true });
	const firstRun = !fs.existsSync(path.join(userFolder, '.n8n', 'database.sqlite'));
	fs.mkdirSync(path.dirname(logFile), { recursive: true });

	let sim;
	try {
		sim = await startKizenSimulator({ port: simPort });
	} catch (e) {
		throw new Error(`Cannot start the simulator on 127.0.0.1:${simPort} (${e.code || e.message}); set KIZEN_SIM_PORT`);
	}
	let server;
	let watcher;
	let stopping = false;
	installCleanup(async () => {
		stopping = true;
		watcher?.kill();
		if (server) await server.stop();
		await sim.close();
	});

	fs.mkdirSync(userFolder, { recursive: true });
	// --hot: n8n loads dist/ itself; otherwise the current build is copied where n8n keeps community
	// packages (re-copied at every start).
	if (hot) linkForHotReload();
	else installPackage(userFolder);
	const cli = new N8nCli(install, userFolder, { logFile });
	// The credential always points at this simulator (its port may have changed).
	await cli.importCredentials([credentialFor(sim, { id: CREDENTIAL_ID, name: CREDENTIAL_NAME })]);
	if (firstRun) await cli.importWorkflows(hot ? hotExampleFiles() : exampleFiles());

	console.log(`Starting n8n ${install.version} on http://127.0.0.1:${n8nPort} (log: ${path.relative(process.cwd(), logFile)})...`);
	const started = await startServer(install, userFolder, {
		port: n8nPort,
		logFile,
		timeoutMs: 180000,
		env: hot ? { NODE_ENV: 'development', N8N_DEV_RELOAD: 'true' } : {},
	});
	server = started.server;
	const { url } = started;
	let owner = OWNER;
	const settings = await (await fetch(`${url}/rest/settings`)).json();
	if (settings.data?.userManagement?.showSetupOnFirstLoad) await setupOwner(url);
	else if (!firstRun) owner = { ...OWNER, note: '(set up on the first run)' };

	const script = hot ? 'npm run dev' : 'npm run dev:full';
	console.log(`
n8n ${install.version} with n8n-nodes-kizen (${hot ? `hot reload: types ${HOT_NODE_TYPE} / kizenApi` : 'community package, types n8n-nodes-kizen.kizen / .kizenApi'})
  Open:        ${url}/home/workflows
  Sign in:     ${owner.email} / ${owner.password} ${owner.note ?? ''}
  Credential:  "${CREDENTIAL_NAME}" (Kizen API, id ${CREDENTIAL_ID}) -> ${sim.url}
  Workflows:   ${exampleFiles().map((f) => path.basename(f)).join(', ')}${firstRun ? '' : ' (imported on the first run; --fresh re-imports)'}
Kizen simulator: ${sim.url}  (in memory: records reset when this stops)
  Business ID ${sim.credentials.businessId}, User ID ${sim.credentials.userId}, API key ${sim.credentials.apiKey}
n8n data: ${path.relative(process.cwd(), userFolder)}  (kept between runs; ${script} -- --fresh to start over)
${
	hot
		? 'After changing the node: save; tsc rebuilds dist/ and n8n reloads the node (reopen the node panel).\nNew icons or codex changes need a restart (npm run build copies them).'
		: 'After changing the node: Ctrl-C, then npm run dev:full again (it rebuilds and re-copies the package).'
}
Press Ctrl-C to stop n8n${hot ? ', the watcher' : ''} and the simulator.`);
	if (hot) watcher = watchSources();

	const code = await server.exitPromise;
	if (stopping) return;
	console.error(`n8n exited (${code}); see ${logFile}`);
	await sim.close();
	killAllStarted();
	process.exit(1);
}

main().catch((e) => {
	console.error(e.message || e);
	killAllStarted();
	process.exit(1);
});
