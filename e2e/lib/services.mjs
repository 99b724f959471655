/**
 * PostgreSQL and Redis for n8n's queue mode, from the Debian packages (e2e/run.sh --queue installs
 * them with apt-get if absent): each a fresh instance in a temp folder, on 127.0.0.1 at a free port,
 * started as a child process in its own process group and stopped by that PID.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { E2E_DIR } from './n8n.mjs';
import { freePort, run, startProcess, tail, waitFor } from './proc.mjs';

/** n8n's own PostgreSQL client (`pg`, a dependency of n8n 2.8.4 in e2e/node_modules). */
const requireFromN8n = createRequire(path.join(E2E_DIR, 'node_modules', 'n8n', 'package.json'));

/** The newest PostgreSQL the Debian packages installed (`/usr/lib/postgresql/<major>/bin`). */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
	if (majors.length === 0) throw new Error(`No PostgreSQL under ${root}: install the Debian package postgresql (e2e/run.sh --queue does)`);
	majors.sort((a, b) => Number(b) - Number(a));
	return path.join(root, majors[0], 'bin');
}

/**
 * initdb and postgres refuse to run as root: as root, run them as the `postgres` user the Debian
 * package creates (`setpriv` execs, so the PID we start is postgres itself).
 */
function asPostgresUser(command, args) {
	if (process.getuid() !== 0) return [command, args];
	const id = (flag) => execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim();
	return ['setpriv', ['--reuid', id('-u'), '--regid', id('-g'), '--clear-groups', '--', command, ...args]];
}

/**
 * A throwaway PostgreSQL cluster in its own temp folder (owned by the user it runs as; trust
 * authentication, loopback only, durability off), deleted by `stop()`.
 * Resolves `{port, database, user, stop(), query(sql, params)}`.
 */
export async function startPostgres({ logFile, database = 'n8n' }) {
	const bin = postgresBinDir();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizen-e2e-postgres-'));
	if (process.getuid() === 0) execFileSync('chown', ['postgres:postgres', dir]);
	const data = path.join(dir, 'data');
	const [initCmd, initArgs] = asPostgresUser(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
	const init = await run(initCmd, initArgs, { timeoutMs: 120000, logFile });
	if (init.code !== 0) throw new Error(`initdb exited ${init.code}:\n${tail(init.stdout + init.stderr)}`);

	const port = await freePort();
	const settings = {
		listen_addresses: '127.0.0.1',
		unix_socket_directories: dir,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		max_connections: '100',
	};
	const [cmd, args] = asPostgresUser(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]);
	const server = startProcess(cmd, args, { logFile, name: 'postgres' });
	const { Client } = requireFromN8n('pg');
	const connect = async (db) => {
		const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: db });
		await client.connect();
		return client;
	};
	try {
		await waitFor(
			`PostgreSQL on 127.0.0.1:${port}`,
			async () => {
				if (server.exited) throw Object.assign(new Error(`postgres exited (${server.exitCode}):\n${tail(fs.readFileSync(logFile, 'utf8'))}`), { fatal: true });
				const client = await connect('postgres');
				await client.end();
				return true;
			},
			{ timeoutMs: 60000, intervalMs: 250 },
		);
		const admin = await connect('postgres');
		await admin.query(`CREATE DATABASE ${database}`);
		await admin.end();
	} catch (e) {
		await server.stop(10000, 'SIGINT');
		fs.rmSync(dir, { recursive: true, force: true });
		throw e;
	}
	let client;
	return {
		port,
		database,
		user: 'postgres',
		server,
		/** One connection for the run's own reads (executions). */
		async query(sql, params) {
			client ??= await connect(database);
			return (await client.query(sql, params)).rows;
		},
		async stop() {
			await client?.end().catch(() => {});
			client = undefined;
			// SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every session to end).
			const how = await server.stop(15000, 'SIGINT');
			if (!process.env.E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
			return how;
		},
	};
}

/** A Redis server with nothing saved to disk. Resolves `{port, stop()}`. */
export async function startRedis({ dir, logFile }) {
	fs.mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const server = startProcess(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
		{ logFile, name: 'redis-server' },
	);
	try {
		await waitFor(
			`Redis on 127.0.0.1:${port}`,
			async () => {
				if (server.exited) throw Object.assign(new Error(`redis-server exited (${server.exitCode}):\n${tail(fs.readFileSync(logFile, 'utf8'))}`), { fatal: true });
				return (await redisPing(port)) === '+PONG';
			},
			{ timeoutMs: 30000, intervalMs: 200 },
		);
	} catch (e) {
		await server.stop();
		throw e;
	}
	return { port, server, stop: () => server.stop() };
}

/** One PING over Redis's text protocol. */
function redisPing(port) {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(2000, () => socket.destroy(new Error('no answer')));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d;
			if (answer.includes('\r\n')) {
				socket.end();
				resolve(answer.trim());
			}
		});
		socket.on('error', reject);
	});
}
