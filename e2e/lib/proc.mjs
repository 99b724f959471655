/**
 * Process helpers for the e2e runs: free ports, child processes in their own process group (so n8n's
 * task runner goes with it), killed by the PID we started, and time limits on everything.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** Every process group this run started, so cleanup can end exactly those. */
const started = new Set();

export function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Start a long-running process (a server). Output goes to `logFile`. Returns a handle with
 * `stop()`, which signals the process group we created (SIGTERM unless told, e.g. PostgreSQL's
 * fast shutdown is SIGINT) and waits for it, then SIGKILLs it.
 */
export function startProcess(command, args, { env, cwd, logFile, name = command } = {}) {
	const log = fs.openSync(logFile, 'a');
	const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', log, log] });
	fs.closeSync(log);
	started.add(child.pid);
	let exited = false;
	let exitCode = null;
	const exitPromise = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			exited = true;
			exitCode = code ?? signal;
			resolve(exitCode);
		}),
	);
	return {
		name,
		pid: child.pid,
		logFile,
		get exited() {
			return exited;
		},
		get exitCode() {
			return exitCode;
		},
		exitPromise,
		async stop(graceMs = 10000, signal = 'SIGTERM') {
			if (!started.has(child.pid)) return;
			signalGroup(child.pid, signal);
			const timer = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout'));
			const how = exited ? 'exited' : await Promise.race([exitPromise, timer]);
			// The group may still hold children (n8n's task runner) after the leader is gone.
			signalGroup(child.pid, 'SIGKILL');
			started.delete(child.pid);
			return how;
		},
	};
}

function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		/* already gone */
	}
}

/** SIGKILL every process group this run started (used on exit and on Ctrl-C). */
export function killAllStarted() {
	for (const pid of started) signalGroup(pid, 'SIGKILL');
	started.clear();
}

/**
 * Run a command to completion with a time limit. Resolves `{code, stdout, stderr, ms}`; a timeout
 * kills the process group and rejects.
 */
export function run(command, args, { env, cwd, timeoutMs = 120000, logFile } = {}) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		started.add(child.pid);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			signalGroup(child.pid, 'SIGKILL');
			reject(new Error(`Timed out after ${timeoutMs} ms: ${command} ${args.join(' ')}\n${tail(stdout + stderr)}`));
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			signalGroup(child.pid, 'SIGKILL'); // any leftover children in its group
			started.delete(child.pid);
			const ms = Date.now() - t0;
			if (logFile) fs.appendFileSync(logFile, `$ ${[command, ...args].join(' ')}  (exit ${code}, ${ms} ms)\n${stdout}${stderr}\n`);
			resolve({ code, stdout, stderr, ms });
		});
	});
}

export function tail(text, lines = 30) {
	return String(text).trimEnd().split('\n').slice(-lines).join('\n');
}

/** Poll `check` until it returns a truthy value, or throw after `timeoutMs`. */
export async function waitFor(what, check, { timeoutMs = 60000, intervalMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value) return value;
		} catch (e) {
			if (e.fatal) throw e;
			lastError = e;
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** Kill what we started when the run is interrupted or ends abnormally. */
export function installCleanup(extra = async () => {}) {
	let done = false;
	const onSignal = async (signal) => {
		if (done) return;
		done = true;
		console.error(`\n${signal}: stopping what this run started...`);
		try {
			await Promise.race([extra(), new Promise((r) => setTimeout(r, 15000))]);
		} finally {
			killAllStarted();
			process.exit(signal === 'SIGINT' ? 130 : 143);
		}
	};
	process.on('SIGINT', () => onSignal('SIGINT'));
	process.on('SIGTERM', () => onSignal('SIGTERM'));
	process.on('exit', () => killAllStarted());
}
