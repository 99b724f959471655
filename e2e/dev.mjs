/**
 * `npm run dev` (via e2e/dev.sh): the Kizen simulator and `n8n start` (n8n 2.8.4 from e2e/) with the
 * built package installed as a community package, a ready credential and the examples, for clicking
 * around at http://127.0.0.1:5678. Ctrl-C stops both.
 *
 *   N8N_PORT (5678), KIZEN_SIM_PORT (5680): ports, on 127.0.0.1
 *   --fresh: start from an empty n8n user folder (e2e/.n8n-dev) instead of keeping your workflows
 */
import fs from 'node:fs';
import path from 'node:path';

import { OWNER, setupOwner } from './browser.mjs';
import { exampleFiles } from './cli.mjs';
import { CREDENTIAL_ID, CREDENTIAL_NAME, E2E_DIR, N8nCli, installPackage, n8nInstall, startServer } from './lib/n8n.mjs';
import { installCleanup, killAllStarted } from './lib/proc.mjs';
import { credentialFor, startKizenSimulator } from './lib/simulator.mjs';

const fresh = process.argv.includes('--fresh');
const n8nPort = Number(process.env.N8N_PORT || 5678);
const simPort = Number(process.env.KIZEN_SIM_PORT || 5680);
const userFolder = path.join(E2E_DIR, '.n8n-dev');
const logFile = path.join(E2E_DIR, 'artifacts', 'dev-n8n.log');

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
	let stopping = false;
	installCleanup(async () => {
		stopping = true;
		if (server) await server.stop();
		await sim.close();
	});

	// The current build, copied where n8n keeps community packages (re-copied at every start).
	fs.mkdirSync(userFolder, { recursive: true });
	installPackage(userFolder);
	const cli = new N8nCli(install, userFolder, { logFile });
	// The credential always points at this simulator (its port may have changed).
	await cli.importCredentials([credentialFor(sim, { id: CREDENTIAL_ID, name: CREDENTIAL_NAME })]);
	if (firstRun) await cli.importWorkflows(exampleFiles());

	console.log(`Starting n8n ${install.version} on http://127.0.0.1:${n8nPort} (log: ${path.relative(process.cwd(), logFile)})...`);
	const started = await startServer(install, userFolder, { port: n8nPort, logFile, timeoutMs: 180000 });
	server = started.server;
	const { url } = started;
	let owner = OWNER;
	const settings = await (await fetch(`${url}/rest/settings`)).json();
	if (settings.data?.userManagement?.showSetupOnFirstLoad) await setupOwner(url);
	else if (!firstRun) owner = { ...OWNER, note: '(set up on the first run)' };

	console.log(`
n8n ${install.version} with n8n-nodes-kizen (community package, types n8n-nodes-kizen.kizen / .kizenApi)
  Open:        ${url}/home/workflows
  Sign in:     ${owner.email} / ${owner.password} ${owner.note ?? ''}
  Credential:  "${CREDENTIAL_NAME}" (Kizen API, id ${CREDENTIAL_ID}) -> ${sim.url}
  Workflows:   ${exampleFiles().map((f) => path.basename(f)).join(', ')}${firstRun ? '' : ' (imported on the first run; --fresh re-imports)'}
Kizen simulator: ${sim.url}  (in memory: records reset when this stops)
  Business ID ${sim.credentials.businessId}, User ID ${sim.credentials.userId}, API key ${sim.credentials.apiKey}
n8n data: ${path.relative(process.cwd(), userFolder)}  (kept between runs; npm run dev -- --fresh to start over)
After changing the node: Ctrl-C, then npm run dev again (it rebuilds and re-copies the package).
Press Ctrl-C to stop n8n and the simulator.`);

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
