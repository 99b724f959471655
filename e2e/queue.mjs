/**
 * `npm run e2e:queue` (via e2e/queue.sh): the package in n8n's queue mode on this machine.
 *
 * Starts on 127.0.0.1, each on a free port: PostgreSQL and Redis (lib/services.mjs), the Kizen
 * simulator in this process with one rate limit for everyone, and n8n 2.8.4 as a main process, two
 * workers and a webhook process (EXECUTIONS_MODE=queue, DB_TYPE=postgresdb, one encryption key),
 * each with its own user folder holding the package as a community package. Then:
 *  - webhook example: examples/webhook-contact-sync.json answers through the webhook process while
 *    a worker upserts (created, updated, and the 422 of an invalid email);
 *  - sync: a parent workflow sends N contacts in batches to a child workflow's production webhook,
 *    so each batch is its own queued execution; both workers run Kizen nodes at once against the
 *    one rate limit. Checked from the simulator's records and request log, the executions' saved
 *    results, and each worker's own log (which worker started which execution).
 * Prints one line per check, the figures, and "N passed, N failed"; stops everything it started.
 *
 *   node e2e/queue.mjs [--contacts=20000] [--batch=1000] [--rate=50] [--burst=10] [--latency=20]
 *                      [--workers=2] [--only=webhook|sync]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

import { Checks } from './lib/check.mjs';
import { ARTIFACTS_DIR, CREDENTIAL_ID, CREDENTIAL_NAME, E2E_DIR, N8nCli, ROOT_DIR, createUserFolder, n8nInstall, startServer } from './lib/n8n.mjs';
import { freePort, installCleanup, killAllStarted, waitFor } from './lib/proc.mjs';
import { BATCH_PATH, BATCH_WORKFLOW_ID, SYNC_PATH, SYNC_WORKFLOW_ID, batchWorkflow, syncWorkflow } from './lib/queue-workflows.mjs';
import { startPostgres, startRedis } from './lib/services.mjs';
import { credentialFor, findRecord, startKizenSimulator } from './lib/simulator.mjs';

const { values: opts } = parseArgs({
	options: {
		contacts: { type: 'string', default: process.env.E2E_QUEUE_CONTACTS ?? '20000' },
		batch: { type: 'string', default: process.env.E2E_QUEUE_BATCH ?? '1000' },
		rate: { type: 'string', default: process.env.E2E_QUEUE_RATE ?? '50' },
		burst: { type: 'string', default: process.env.E2E_QUEUE_BURST ?? '10' },
		latency: { type: 'string', default: process.env.E2E_QUEUE_LATENCY_MS ?? '20' },
		workers: { type: 'string', default: '2' },
		only: { type: 'string' },
	},
});
const CONTACTS = Number(opts.contacts);
const BATCH = Number(opts.batch);
const RATE = { perSecond: Number(opts.rate), burst: Number(opts.burst) };
const WORKERS = Number(opts.workers);
/** Added to every simulator answer, as in `npm run bench`: concurrency only matters with latency. */
const LATENCY_MS = Number(opts.latency);
const BATCHES = Math.ceil(CONTACTS / BATCH);
/** The whole run's limit: a hung step fails the run instead of holding the machine. */
const RUN_LIMIT_MS = Number(process.env.E2E_QUEUE_TIMEOUT_MS || 45 * 60 * 1000);
/** How long the sync may take: twice what the rate limit allows, plus start-up. */
const SYNC_LIMIT_MS = Math.max(5 * 60 * 1000, (2 * CONTACTS * 1000) / RATE.perSecond + 3 * 60 * 1000);

/** Thresholds of the sync's checks (see e2e/README.md, "Queue mode"). */
const NEAR_LIMIT = 0.8; // combined accepted requests per second, as a share of the limit
const MIN_OVERLAP = 0.5; // share of the sync's duration during which every worker sent requests
const MIN_WORKER_SHARE = (2 / 3) * (1 / WORKERS); // each worker's share of the accepted requests while all ran: 1/3 of 2
const MIN_CPU_SHARE = (1 / 2) * (1 / WORKERS); // each worker's share of the workers' CPU time during the sync: 1/4 of 2

const EXAMPLE_WEBHOOK = path.join(ROOT_DIR, 'examples', 'webhook-contact-sync.json');
const EXAMPLE_WEBHOOK_ID = 'kizen-example-webhook';
const CONTACTS_OBJECT = 'client_client';
const EMAIL_DOMAIN = 'queue-sync.example.com';
const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled']);

const requireFromN8n = createRequire(path.join(E2E_DIR, 'node_modules', 'n8n', 'package.json'));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const pct = (x) => `${(100 * x).toFixed(0)}%`;

/** The contacts to sync: `contact-00042@queue-sync.example.com`, named after their number. */
function sourceContacts(n) {
	return Array.from({ length: n }, (_, i) => {
		const k = String(i).padStart(5, '0');
		return { email: `contact-${k}@${EMAIL_DOMAIN}`, first_name: `Queue${k}`, last_name: `Contact ${k}` };
	});
}
const contactIndex = (email) => {
	const m = /^contact-(\d+)@queue-sync\.example\.com$/i.exec(String(email ?? ''));
	return m ? Number(m[1]) : -1;
};

async function postJson(url, body) {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, json, text };
}

/** CPU seconds a process has used so far (user + system, from /proc; its children not included). */
function cpuSeconds(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		// utime + stime, in clock ticks (100 per second on Linux: getconf CLK_TCK).
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return null;
	}
}

/** Execution id → which worker's log says "Worker started execution <id>". */
function executionsByWorker(workers) {
	const owner = new Map();
	const duplicates = [];
	for (const w of workers) {
		const log = fs.readFileSync(w.logFile, 'utf8');
		for (const m of log.matchAll(/Worker started execution (\d+) \(job/g)) {
			const id = m[1];
			if (owner.has(id) && owner.get(id) !== w.name) duplicates.push(id);
			owner.set(id, w.name);
		}
	}
	return { owner, duplicates };
}

/** The executions of `workflowIds`, with their run data (n8n saves it with `flatted`). */
async function loadExecutions(pg, workflowIds) {
	const { parse } = requireFromN8n('flatted');
	const rows = await pg.query(
		`SELECT e.id, e."workflowId" AS "workflowId", e.status, e.mode, e."startedAt" AS "startedAt", e."stoppedAt" AS "stoppedAt", d.data
		   FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
		  WHERE e."workflowId" = ANY($1) ORDER BY e.id`,
		[workflowIds],
	);
	return rows.map((r) => ({ ...r, id: String(r.id), run: r.data ? parse(r.data) : null, data: undefined }));
}

async function executionStatuses(pg, workflowIds) {
	return pg.query(`SELECT id, "workflowId" AS "workflowId", status FROM execution_entity WHERE "workflowId" = ANY($1)`, [workflowIds]);
}

const nodeOutput = (run, node, output = 0, runIndex = 0) => run?.resultData?.runData?.[node]?.[runIndex]?.data?.main?.[output] ?? [];

async function main() {
	const t0 = Date.now();
	const timings = {};
	const install = n8nInstall('pinned');
	if (!install.version) throw new Error('n8n is not installed in e2e/node_modules (e2e/queue.sh installs it)');
	const logDir = path.join(ARTIFACTS_DIR, 'queue');
	fs.rmSync(logDir, { recursive: true, force: true });
	fs.mkdirSync(logDir, { recursive: true });
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-kizen-queue-'));
	const checks = new Checks();
	const running = []; // every server this run started, stopped in reverse order
	let stopped = false;
	const stopAll = async () => {
		if (stopped) return;
		stopped = true;
		for (const group of running.reverse()) await Promise.all(group.map((s) => s.stop().catch(() => {})));
		if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
	};
	installCleanup(stopAll);
	const watchdog = setTimeout(() => {
		console.error(`\nQueue run exceeded ${seconds(RUN_LIMIT_MS)}: stopping.`);
		Promise.race([stopAll(), new Promise((r) => setTimeout(r, 30000))]).finally(() => {
			killAllStarted();
			process.exit(124);
		});
	}, RUN_LIMIT_MS);
	watchdog.unref();
	const step = async (name, fn) => {
		const t = Date.now();
		try {
			return await fn();
		} finally {
			timings[name] = Date.now() - t;
		}
	};

	try {
		console.log(`n8n ${install.version} on Node ${process.version}, queue mode: main + ${WORKERS} workers + webhook process; ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
		const sim = await startKizenSimulator();
		sim.setRateLimit(RATE);
		sim.setLatency(LATENCY_MS);
		running.push([{ stop: () => sim.close() }]);
		console.log(`Kizen simulator at ${sim.url}: ${LATENCY_MS} ms per answer, one rate limit for every process, ${RATE.perSecond}/s (burst ${RATE.burst})`);

		const { pg, redis } = await step('PostgreSQL + Redis', async () => {
			const [pg, redis] = await Promise.all([
				startPostgres({ logFile: path.join(logDir, 'postgres.log') }),
				startRedis({ dir: path.join(tmp, 'redis'), logFile: path.join(logDir, 'redis.log') }),
			]);
			return { pg, redis };
		});
		running.push([pg, redis]);
		console.log(`PostgreSQL on 127.0.0.1:${pg.port} (database ${pg.database}), Redis on 127.0.0.1:${redis.port}`);

		// What every n8n process of the deployment shares: the database, Redis and the encryption key
		// (n8nEnv sets one N8N_ENCRYPTION_KEY for all). The user folders are not shared (one each).
		const [mainPort, webhookPort] = [await freePort(), await freePort()];
		const webhookUrl = `http://127.0.0.1:${webhookPort}`;
		const queueEnv = {
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pg.port),
			DB_POSTGRESDB_DATABASE: pg.database,
			DB_POSTGRESDB_USER: pg.user,
			DB_POSTGRESDB_PASSWORD: '',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// Production webhooks are the webhook process's job, not the main's; the editor's
			// "production URL" points there.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			WEBHOOK_URL: `${webhookUrl}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${mainPort}/`,
			// What n8n 2.8.4 recommends in queue mode (it warns otherwise); this run starts none.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		};
		const folder = (role) => createUserFolder(`${role}-`, { parent: tmp });
		const roles = { main: folder('main'), webhook: folder('webhook'), workers: Array.from({ length: WORKERS }, (_, n) => folder(`worker-${n + 1}`)) };

		const workflowsDir = path.join(tmp, 'workflows');
		fs.mkdirSync(workflowsDir);
		const files = [
			['sync.json', syncWorkflow({ batchUrl: `${webhookUrl}/webhook/${BATCH_PATH}`, batchSize: BATCH })],
			['batch.json', batchWorkflow()],
		].map(([name, wf]) => {
			const file = path.join(workflowsDir, name);
			fs.writeFileSync(file, JSON.stringify(wf, null, 2));
			return file;
		});
		await step('n8n: migrate, import, publish', async () => {
			const cli = new N8nCli(install, roles.main, { logFile: path.join(logDir, 'cli.log'), env: queueEnv });
			// The first command creates n8n's tables in the empty database.
			await cli.importCredentials([credentialFor(sim, { id: CREDENTIAL_ID, name: CREDENTIAL_NAME })]);
			await cli.importWorkflows([...files, EXAMPLE_WEBHOOK]);
			for (const id of [SYNC_WORKFLOW_ID, BATCH_WORKFLOW_ID, EXAMPLE_WEBHOOK_ID]) await cli.command(['publish:workflow', `--id=${id}`]);
		});

		const health = async (url) => (await fetch(`${url}/healthz/readiness`)).ok;
		const { main, workers, webhook } = await step('n8n: main, workers, webhook process ready', async () => {
			const start = (name, userFolder, options) => startServer(install, userFolder, { logFile: path.join(logDir, `${name}.log`), timeoutMs: 240000, ...options, env: { ...queueEnv, ...options.env } }).then((s) => ({ ...s, name, logFile: path.join(logDir, `${name}.log`) }));
			const mainP = start('main', roles.main, { port: mainPort });
			const workerPs = roles.workers.map(async (userFolder, n) => {
				const healthPort = await freePort();
				return start(`worker-${n + 1}`, userFolder, {
					command: 'worker',
					port: healthPort,
					// The worker's health endpoint tells when it is connected to the database and Redis.
					env: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' },
					ready: health,
				});
			});
			const webhookP = start('webhook', roles.webhook, { command: 'webhook', port: webhookPort, ready: health });
			const [main, webhook, ...workers] = await Promise.all([mainP, webhookP, ...workerPs]);
			return { main, webhook, workers };
		});
		running.push([main, webhook, ...workers].map((p) => p.server));
		console.log(`n8n main ${main.url}, webhook process ${webhook.url}, ${workers.map((w) => `${w.name} (pid ${w.server.pid})`).join(', ')}`);
		// Published workflows' webhooks are registered by the main process as it starts.
		await waitFor('the three production webhooks registered', async () => (await pg.query('SELECT "webhookPath" FROM webhook_entity')).length >= 3, { timeoutMs: 60000 });

		const only = opts.only;
		if (!only || only === 'webhook') {
			console.log('\n== Webhook example in queue mode: the webhook process receives, a worker upserts, the answer comes back');
			await step('webhook example', () => webhookExample({ sim, pg, workers, webhookUrl, checks }));
		}
		if (!only || only === 'sync') {
			console.log(`\n== Sync: ${CONTACTS} contacts in batches of ${BATCH} (${BATCHES} queued executions) over ${WORKERS} workers, limit ${RATE.perSecond}/s`);
			await step('sync', () => syncScenario({ sim, pg, workers, webhookUrl, checks, logDir }));
		}
		for (const p of [main, webhook, ...workers]) {
			const cpu = cpuSeconds(p.server.pid);
			if (cpu !== null) timings[`CPU of ${p.name} (pid ${p.server.pid})`] = cpu * 1000;
		}
	} catch (e) {
		checks.error('queue-mode run', e);
	} finally {
		const t = Date.now();
		await stopAll();
		timings['stop everything'] = Date.now() - t;
	}
	timings.total = Date.now() - t0;
	console.log('\nTimings:');
	for (const [k, v] of Object.entries(timings)) console.log(`  ${k.padEnd(48)} ${seconds(v)}`);
	console.log(`\nLogs: ${path.relative(process.cwd(), logDir) || logDir}`);
	if (checks.failures.length) console.log(`Failed:\n${checks.failures.map((f) => `  - ${f}`).join('\n')}`);
	console.log(`\nn8n ${install.version} queue mode, e2e:queue: ${checks.summary()}`);
	console.log(checks.summary());
	return checks.failed === 0 && checks.passed > 0 ? 0 : 1;
}

/** examples/webhook-contact-sync.json, published, called at the webhook process. */
async function webhookExample({ sim, pg, workers, webhookUrl, checks }) {
	const url = `${webhookUrl}/webhook/kizen-contact`;
	const email = 'queue.webhook@example.com';
	const created = await postJson(url, { email, first_name: 'Quinn', last_name: 'Queue' });
	checks.ok('webhook example: a new contact answers 200 {id, action: "created"}', created.status === 200 && created.json?.action === 'created' && typeof created.json?.id === 'string', `${created.status} ${created.text}`);
	const updated = await postJson(url, { email: email.toUpperCase(), first_name: 'Quinn', last_name: 'Queued' });
	checks.ok('webhook example: the same email again (other case) answers 200 {same id, action: "updated"}', updated.status === 200 && updated.json?.action === 'updated' && updated.json?.id === created.json?.id, `${updated.status} ${updated.text}`);
	const rejected = await postJson(url, { email: 'not-an-email', first_name: 'Bad', last_name: 'Address' });
	checks.ok('webhook example: an invalid email answers 422 with the node\'s message naming it', rejected.status === 422 && /not-an-email/.test(JSON.stringify(rejected.json ?? rejected.text)), `${rejected.status} ${rejected.text}`);
	const rec = findRecord(sim, CONTACTS_OBJECT, email);
	checks.equal('webhook example: the simulator holds the contact once, updated', rec && { id: rec.id, copies: rec.copies, first_name: rec.values.first_name, last_name: rec.values.last_name }, { id: created.json?.id, copies: 1, first_name: 'Quinn', last_name: 'Queued' });
	checks.equal('webhook example: nothing written for the invalid email', findRecord(sim, CONTACTS_OBJECT, 'not-an-email'), null);

	const executions = await waitFor('the 3 webhook-example executions finished', async () => {
		const rows = await executionStatuses(pg, [EXAMPLE_WEBHOOK_ID]);
		return rows.length >= 3 && rows.every((r) => TERMINAL.has(r.status)) ? rows : null;
	}, { timeoutMs: 60000 });
	const { owner } = executionsByWorker(workers);
	checks.ok(
		'webhook example: each of the 3 executions was run by a worker (its log), none by the webhook process',
		executions.length === 3 && executions.every((e) => owner.has(String(e.id))),
		JSON.stringify(executions.map((e) => ({ id: e.id, status: e.status, worker: owner.get(String(e.id)) ?? null }))),
	);
}

/**
 * The parent sends every batch to the child's webhook; each child execution upserts its batch.
 * Everything asserted is read from the simulator (records, request log), the saved executions and
 * the workers' logs, not from what the parent was told.
 */
async function syncScenario({ sim, pg, workers, webhookUrl, checks, logDir }) {
	const contacts = sourceContacts(CONTACTS);
	sim.clearRequests();
	const load0 = os.loadavg();
	const cpu0 = workers.map((w) => cpuSeconds(w.server.pid));
	const tStart = Date.now();
	const started = await postJson(`${webhookUrl}/webhook/${SYNC_PATH}`, { contacts });
	checks.ok('sync: the parent workflow\'s webhook accepted the contacts', started.status === 200, `${started.status} ${started.text}`);

	// Wait for the parent and every batch to end (or the limit), printing progress.
	let lastPrint = 0;
	await waitFor(
		`the parent and ${BATCHES} batch executions to finish`,
		async () => {
			const rows = await executionStatuses(pg, [SYNC_WORKFLOW_ID, BATCH_WORKFLOW_ID]);
			const parent = rows.filter((r) => r.workflowId === SYNC_WORKFLOW_ID);
			const batches = rows.filter((r) => r.workflowId === BATCH_WORKFLOW_ID);
			if (Date.now() - lastPrint > 30000) {
				lastPrint = Date.now();
				const written = sim.requests.filter((r) => r.status >= 200 && r.status < 300 && r.path.endsWith('/upsert')).length;
				console.log(`  +${seconds(Date.now() - tStart)}: ${batches.length}/${BATCHES} batch executions (${batches.filter((r) => TERMINAL.has(r.status)).length} done), ${written}/${CONTACTS} upserts accepted, load ${os.loadavg()[0].toFixed(1)}`);
			}
			if (parent.some((r) => r.status === 'error' || r.status === 'crashed')) throw Object.assign(new Error(`the parent execution ended ${parent.map((r) => r.status)}`), { fatal: true });
			return parent.length === 1 && TERMINAL.has(parent[0].status) && batches.length >= BATCHES && batches.every((r) => TERMINAL.has(r.status));
		},
		{ timeoutMs: SYNC_LIMIT_MS, intervalMs: 2000 },
	);
	const wallMs = Date.now() - tStart;
	const load1 = os.loadavg();
	const cpuDuringSync = workers.map((w, n) => cpuSeconds(w.server.pid) - cpu0[n]);

	// --- The executions, as n8n saved them
	const executions = await loadExecutions(pg, [SYNC_WORKFLOW_ID, BATCH_WORKFLOW_ID]);
	const parent = executions.find((e) => e.workflowId === SYNC_WORKFLOW_ID);
	const batches = executions.filter((e) => e.workflowId === BATCH_WORKFLOW_ID);
	const startBatchRuns = parent?.run?.resultData?.runData?.['Start batch'] ?? [];
	checks.ok(`sync: the parent execution succeeded and started ${BATCHES} batches, each answered 200`, parent?.status === 'success' && startBatchRuns.length === BATCHES && startBatchRuns.every((r) => !r.error), JSON.stringify({ status: parent?.status, runs: startBatchRuns.length, error: parent?.run?.resultData?.error?.message }));
	const perBatch = batches.map((e) => {
		const body = nodeOutput(e.run, 'Webhook')[0]?.json?.body;
		const kizenRun = e.run?.resultData?.runData?.Kizen?.[0];
		return {
			id: e.id,
			status: e.status,
			batch: body?.batch,
			ok: nodeOutput(e.run, 'Kizen', 0).length,
			failed: nodeOutput(e.run, 'Kizen', 1).length,
			nodeError: kizenRun?.error?.message ?? e.run?.resultData?.error?.message,
			firstError: nodeOutput(e.run, 'Kizen', 1)[0]?.json,
		};
	});
	checks.equal(`sync: ${BATCHES} batch executions, each a different batch`, [batches.length, new Set(perBatch.map((b) => b.batch)).size], [BATCHES, BATCHES]);
	const notOk = perBatch.filter((b) => b.status !== 'success' || b.nodeError);
	checks.ok('sync: every batch execution succeeded', notOk.length === 0, JSON.stringify(notOk.slice(0, 5)));
	const okItems = perBatch.reduce((s, b) => s + b.ok, 0);
	const failedItems = perBatch.reduce((s, b) => s + b.failed, 0);
	checks.equal('sync: the executions\' results: every contact on the success output, 0 failed items', { ok: okItems, failed: failedItems }, { ok: CONTACTS, failed: 0 });
	if (failedItems) console.log(`      first failed item: ${JSON.stringify(perBatch.find((b) => b.firstError)?.firstError)}`);

	// --- The simulator: what was written, and when
	const upserts = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/upsert') && contactIndex(r.body?.lookup_value) >= 0);
	const accepted = upserts.filter((r) => r.status >= 200 && r.status < 300);
	const throttled = upserts.filter((r) => r.status === 429);
	const writes = new Array(CONTACTS).fill(0);
	for (const r of accepted) writes[contactIndex(r.body.lookup_value)] += 1;
	const writtenOnce = writes.filter((n) => n === 1).length;
	const notWritten = writes.filter((n) => n === 0).length;
	const writtenTwice = writes.filter((n) => n > 1).length;
	checks.equal('sync: the simulator accepted exactly one upsert per contact (none missing, none repeated)', { once: writtenOnce, missing: notWritten, repeated: writtenTwice }, { once: CONTACTS, missing: 0, repeated: 0 });
	// One pass over the stored records (values are kept by field id).
	const fieldId = Object.fromEntries(sim.fields(CONTACTS_OBJECT).map((f) => [f.name, f.id]));
	const live = sim.records(CONTACTS_OBJECT).live.filter((r) => contactIndex(r.identifier) >= 0);
	const wrongValues = live.filter((r) => {
		const k = String(contactIndex(r.identifier)).padStart(5, '0');
		return r.fields[fieldId.first_name] !== `Queue${k}` || r.fields[fieldId.last_name] !== `Contact ${k}`;
	});
	checks.equal('sync: the simulator holds each contact once, live, with the names sent', { records: live.length, distinct: new Set(live.map((r) => r.identifier.toLowerCase())).size, wrongValues: wrongValues.length }, { records: CONTACTS, distinct: CONTACTS, wrongValues: 0 });

	// --- Which worker ran which batch: each worker's own log names the executions it started
	const { owner, duplicates } = executionsByWorker(workers);
	const workerOfBatch = new Map(perBatch.map((b) => [b.batch, owner.get(b.id)]));
	const perWorker = workers.map((w) => ({ name: w.name, executions: perBatch.filter((b) => owner.get(b.id) === w.name).length }));
	checks.ok(
		'sync: every batch execution was started by exactly one worker, and every worker ran some',
		duplicates.length === 0 && perBatch.every((b) => owner.has(b.id)) && perWorker.every((w) => w.executions > 0),
		JSON.stringify({ perWorker, duplicates, unknown: perBatch.filter((b) => !owner.has(b.id)).map((b) => b.id) }),
	);

	// The operating system's view, independent of n8n's logs: both worker processes did the work.
	const cpuTotal = cpuDuringSync.reduce((a, b) => a + b, 0) || 1;
	checks.ok(
		`sync: each worker process used at least ${pct(MIN_CPU_SHARE)} of the workers' CPU time during the sync (/proc)`,
		cpuDuringSync.every((c) => c / cpuTotal >= MIN_CPU_SHARE),
		workers.map((w, n) => `${w.name} ${cpuDuringSync[n].toFixed(1)} s`).join(', '),
	);

	// Every Kizen request the simulator saw, by the worker that ran its contact's batch.
	const byWorker = new Map(workers.map((w) => [w.name, { accepted: [], throttled: 0 }]));
	for (const r of upserts) {
		const w = byWorker.get(workerOfBatch.get(Math.floor(contactIndex(r.body.lookup_value) / BATCH)));
		if (!w) continue;
		if (r.status >= 200 && r.status < 300) w.accepted.push(r.receivedAt);
		else if (r.status === 429) w.throttled += 1;
	}
	const span = (times) => times.reduce(([from, to], t) => [Math.min(from, t), Math.max(to, t)], [Infinity, -Infinity]);
	const [syncFrom, syncTo] = span(accepted.map((r) => r.receivedAt));
	const syncSeconds = accepted.length ? Math.max(0.001, (syncTo - syncFrom) / 1000) : 0.001;
	const windows = [...byWorker.values()].map((w) => span(w.accepted));
	const overlapFrom = Math.max(...windows.map((w) => w[0]));
	const overlapTo = Math.min(...windows.map((w) => w[1]));
	const overlapSeconds = Math.max(0, (overlapTo - overlapFrom) / 1000);
	checks.ok(
		`sync: all workers sent Kizen requests at the same time for at least ${pct(MIN_OVERLAP)} of the sync`,
		overlapSeconds >= MIN_OVERLAP * syncSeconds,
		`all sent from +${seconds(overlapFrom - syncFrom)} to +${seconds(overlapTo - syncFrom)} of ${seconds(syncTo - syncFrom)}`,
	);

	// --- The rate: what Kizen accepted per second, against its limit
	const combinedRate = accepted.length / syncSeconds;
	checks.ok(
		`sync: the combined accepted rate is near the limit (at least ${pct(NEAR_LIMIT)} of ${RATE.perSecond}/s)`,
		combinedRate >= NEAR_LIMIT * RATE.perSecond,
		`${combinedRate.toFixed(1)}/s over ${seconds(syncTo - syncFrom)}`,
	);
	const inOverlap = [...byWorker.entries()].map(([name, w]) => ({ name, n: w.accepted.filter((t) => t >= overlapFrom && t <= overlapTo).length }));
	const overlapTotal = inOverlap.reduce((s, w) => s + w.n, 0) || 1;
	checks.ok(
		`sync: while all ran, each worker got a fair share of the accepted requests (at least ${pct(MIN_WORKER_SHARE)}), with no state shared between them`,
		inOverlap.every((w) => w.n / overlapTotal >= MIN_WORKER_SHARE),
		inOverlap.map((w) => `${w.name} ${pct(w.n / overlapTotal)}`).join(', '),
	);

	// --- Figures
	const timeline = [];
	for (let t = syncFrom; t <= syncTo; t += 10000) {
		const row = { at: Math.round((t - syncFrom) / 1000) };
		for (const [name, w] of byWorker) row[name] = w.accepted.filter((x) => x >= t && x < t + 10000).length / 10;
		row['429/s'] = throttled.filter((r) => r.receivedAt >= t && r.receivedAt < t + 10000).length / 10;
		timeline.push(row);
	}
	const figures = {
		command: `npm run e2e:queue -- --contacts=${CONTACTS} --batch=${BATCH} --rate=${RATE.perSecond} --burst=${RATE.burst} --latency=${LATENCY_MS}`,
		contacts: CONTACTS,
		batchSize: BATCH,
		batches: BATCHES,
		workers: WORKERS,
		limit: RATE,
		latencyMs: LATENCY_MS,
		wallSeconds: wallMs / 1000,
		syncSeconds,
		acceptedUpserts: accepted.length,
		acceptedPerSecond: combinedRate,
		throttled429: throttled.length,
		otherStatuses: upserts.length - accepted.length - throttled.length,
		maxInFlightAtSimulator: sim.maxInFlight,
		okItems,
		failedItems,
		executions: perBatch
			.map((b) => {
				const e = batches.find((x) => x.id === b.id);
				return { id: b.id, batch: b.batch, worker: owner.get(b.id) ?? null, status: b.status, ok: b.ok, failed: b.failed, firstError: b.firstError?.error, startedAt: e.startedAt, stoppedAt: e.stoppedAt };
			})
			.sort((a, b) => a.batch - b.batch),
		perWorker: perWorker.map((w) => {
			const b = byWorker.get(w.name);
			const [from, to] = span(b.accepted);
			const activeSeconds = b.accepted.length ? (to - from) / 1000 : 0;
			return { ...w, cpuSecondsDuringSync: cpuDuringSync[workers.findIndex((x) => x.name === w.name)], acceptedUpserts: b.accepted.length, throttled429: b.throttled, activeSeconds, acceptedPerSecondWhileActive: b.accepted.length / Math.max(0.001, activeSeconds), shareWhileAllRan: inOverlap.find((x) => x.name === w.name).n / overlapTotal };
		}),
		overlapSeconds,
		loadAverage: { before: load0, after: load1 },
		timeline10s: timeline,
	};
	fs.writeFileSync(path.join(logDir, 'sync-figures.json'), JSON.stringify(figures, null, 2));
	console.log(`\nSync figures (${figures.command}):`);
	console.log(`  ${CONTACTS} contacts, ${BATCHES} batches of ${BATCH}, limit ${RATE.perSecond}/s burst ${RATE.burst}, ${LATENCY_MS} ms per answer; wall ${seconds(wallMs)} (from the parent's webhook call to the last batch's end)`);
	console.log(`  accepted ${accepted.length} upserts in ${syncSeconds.toFixed(1)} s = ${combinedRate.toFixed(1)}/s (${pct(combinedRate / RATE.perSecond)} of the limit); ${throttled.length} answered 429; ${figures.otherStatuses} other; at most ${sim.maxInFlight} requests in flight at Kizen`);
	for (const w of figures.perWorker) console.log(`  ${w.name}: ${w.executions} executions, ${w.acceptedUpserts} upserts accepted (${w.acceptedPerSecondWhileActive.toFixed(1)}/s over ${w.activeSeconds.toFixed(0)} s, ${pct(w.shareWhileAllRan)} while all ran), ${w.throttled429} 429s, ${w.cpuSecondsDuringSync.toFixed(1)} s CPU`);
	console.log(`  items: ${okItems} upserted, ${failedItems} failed; load average ${load0[0].toFixed(1)} before, ${load1[0].toFixed(1)} after (${os.cpus().length} CPUs)`);
	console.log(`  accepted per second by 10 s (${workers.map((w) => w.name).join(' / ')} / 429s):`);
	console.log(`    ${timeline.map((r) => `${workers.map((w) => r[w.name].toFixed(0)).join('/')}/${r['429/s'].toFixed(0)}`).join('  ')}`);
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		killAllStarted();
		process.exit(1);
	},
);
