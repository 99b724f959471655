'use strict';
/**
 * `npm run bench`: how fast the Kizen node upserts a large batch against a model of Kizen over the
 * internet, side by side with what a Kizen user has without it (n8n's HTTP Request node) and with
 * two floors (a plain HTTPS client with keep-alive, and one with a new connection per request, as
 * n8n-core makes), at equal requests in flight. A benchmark, not a test: it prints tables and
 * writes BENCHMARKS.md.
 *
 * The model (a "front" server in front of the Kizen simulator, both in one server process whose
 * CPU is not counted): HTTPS on loopback with a self-signed certificate made at bench time with
 * `openssl` and trusted through NODE_EXTRA_CA_CERTS; a round trip time added to every request; two
 * more round trips before the first request of each new connection (the TCP and TLS handshakes);
 * a server time per request with ±25 % jitter. Scenarios add a token-bucket rate limit (the
 * simulator's) or a capacity (latency grows past 12 requests in flight, 429 past 24).
 *
 * Each run is a fresh server process and a fresh contender process (clean CPU and memory
 * figures). Contenders of one table run in interleaved rounds (round 1: A B C, round 2: B C A,
 * ...), so machine noise falls on all of them; ratios are paired within a round, and the table
 * shows their median and range.
 *
 *   node scripts/bench.cjs [--n 2000] [--rounds 3] [--scale 10000] [--only name,...] [--quick] [--no-write]
 *     --quick      N = 200, one round, a shorter sweep, scale 1,000 (a smoke run for development)
 *     --only       run only these tables (tls100, tls400, bucket15, bucket50, capacity, scale)
 *     --no-write   print only, leave BENCHMARKS.md alone
 */
const { fork, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');

const ROOT = path.join(__dirname, '..');
/**
 * n8n-nodes-base is installed in bench/ (its own package.json and lock), not as a devDependency:
 * it depends on xlsx from a CDN tarball that only an npm `overrides` entry can replace, and n8n's
 * lint forbids `overrides` in a community package's package.json.
 */
const BENCH_DEPS = path.join(ROOT, 'bench');
const TMP = path.join(ROOT, '.bench-tmp');
const OBJECT = 'client_client';

/** The network: 30 ms round trip; a new connection costs two more (TCP, then TLS 1.3). */
const RTT_MS = 30;
const HANDSHAKE_MS = 2 * RTT_MS;
/** Server time varies ±25 % around its nominal value (a fixed latency puts requests in lockstep). */
const JITTER = 0.25;
/** The node's default ceiling: the HTTP Request node and the floors get as many in flight. */
const CEILING = 32;
const CAPACITY = { knee: 12, refuseAbove: 24, retryAfterSeconds: 1 };
const BUCKET_15 = { perSecond: 15, burst: 5, retryAfterSeconds: 1 };
const BUCKET_50 = { perSecond: 50, burst: 50, retryAfterSeconds: 1 };
/** n8n's documented advice for rate limits: Retry On Fail, at most 5 tries; 1 s between them. */
const RETRY_ON_FAIL = { retryOnFail: true, maxTries: 5, waitBetweenTries: 1000 };

const nominalLatency = (serverMs, newConnection = true) =>
	RTT_MS + serverMs + (newConnection ? HANDSHAKE_MS : 0);

// =============================================================================================
// The server process: the Kizen simulator behind the front server that models the network
// =============================================================================================

function serverProcess() {
	const { startSimulator } = require(path.join(ROOT, 'simulator', 'kizen-simulator.cjs'));
	let sim;
	let front;
	process.on('disconnect', () => process.exit(0)); // never outlive the orchestrator
	process.on('message', async (message) => {
		if (message.type === 'start') {
			sim = await startSimulator({ port: 0 });
			front = await startFront(sim.url, message.tls);
			front.configure({ serverMs: message.serverMs });
			const field = (name) => sim.field(OBJECT, name);
			const status = field('email_status').options.find((o) => o.name === 'Opted In');
			process.send({
				type: 'started',
				url: front.url,
				credentials: sim.credentials,
				fieldIds: Object.fromEntries(['email', 'first_name', 'last_name', 'birthday', 'email_status', 'mobile_phone'].map((n) => [n, field(n).id])),
				optedInOptionId: status.id,
			});
		} else if (message.type === 'clear') {
			// The measured run starts here: a full bucket, the scenario's limits, fresh counters.
			sim.clearRequests();
			sim.setRateLimit(message.rateLimit ?? null);
			front.configure({ serverMs: message.serverMs, capacity: message.capacity ?? null });
			front.resetStats();
			process.send({ type: 'cleared' });
		} else if (message.type === 'stats') {
			process.send({ type: 'stats', ...simulatorStats(sim, message.prefix, message.n), ...front.stats() });
		} else if (message.type === 'stop') {
			await front.close();
			await sim.close();
			process.exit(0);
		}
	});
}

/**
 * The network and Kizen's server side, in front of the simulator (which runs with no latency):
 * TLS termination; on each new connection, the first request waits HANDSHAKE_MS after the
 * connection opened; half the round trip before the request reaches "Kizen", half after it
 * answers; a server time with jitter for every answer but a 429 (Kizen throttles before it works).
 * With a capacity, the server time grows with the requests in flight past `knee` and requests past
 * `refuseAbove` get a 429 at once.
 */
async function startFront(simulatorUrl, tls) {
	const upstream = new http.Agent({ keepAlive: true, maxSockets: Infinity });
	const target = new URL(simulatorUrl);
	let model = { serverMs: 0, capacity: null };
	let stats;
	const resetStats = () => {
		const now = Date.now();
		const inFlight = stats?.inFlight ?? 0;
		stats = { since: now, inFlight, max: inFlight, area: 0, changedAt: now, atKizen: stats?.atKizen ?? 0, connections: 0, frontRefused: 0 };
	};
	resetStats();
	const changeInFlight = (delta) => {
		const now = Date.now();
		stats.area += stats.inFlight * (now - stats.changedAt);
		stats.changedAt = now;
		stats.inFlight += delta;
		stats.max = Math.max(stats.max, stats.inFlight);
	};
	const delay = (ms) => new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : resolve()));
	const forward = (req, body) =>
		new Promise((resolve, reject) => {
			const headers = { ...req.headers, host: target.host, 'content-length': body.length };
			delete headers.connection;
			const out = http.request(
				{ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: upstream },
				(res) => {
					const chunks = [];
					res.on('data', (c) => chunks.push(c));
					res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, payload: Buffer.concat(chunks) }));
				},
			);
			out.on('error', reject);
			out.end(body);
		});
	const throttled = () => {
		const n = CAPACITY.retryAfterSeconds;
		const payload = Buffer.from(JSON.stringify({ detail: `Request was throttled. Expected available in ${n} second${n === 1 ? '' : 's'}.` }));
		return { status: 429, headers: { 'content-type': 'application/json', 'retry-after': String(n), 'x-request-id': `front-${Date.now()}` }, payload };
	};
	const handle = async (req, res) => {
		// In flight from the request's arrival to its answer (as the client counts, handshake and
		// round trip included); "at Kizen" only while Kizen holds it (what its capacity depends on).
		changeInFlight(+1);
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const body = Buffer.concat(chunks);
		await delay(Math.max(0, (req.socket.readyAt ?? 0) - Date.now()) + RTT_MS / 2);
		const atKizen = ++stats.atKizen;
		let answer;
		try {
			if (model.capacity && atKizen > model.capacity.refuseAbove) {
				stats.frontRefused += 1;
				answer = throttled();
			} else {
				answer = await forward(req, body);
				if (answer.status !== 429) {
					const load = model.capacity ? Math.max(1, atKizen / model.capacity.knee) : 1;
					await delay(model.serverMs * (1 - JITTER + 2 * JITTER * Math.random()) * load);
				}
			}
		} catch (error) {
			answer = { status: 502, headers: { 'content-type': 'text/plain' }, payload: Buffer.from(String(error)) };
		} finally {
			stats.atKizen -= 1;
		}
		await delay(RTT_MS / 2);
		const headers = { ...answer.headers, 'content-length': answer.payload.length };
		delete headers.connection;
		delete headers['keep-alive'];
		delete headers['transfer-encoding'];
		res.writeHead(answer.status, headers);
		res.end(answer.payload);
		changeInFlight(-1);
	};
	const server = tls
		? https.createServer({ key: fs.readFileSync(tls.key), cert: fs.readFileSync(tls.cert) }, handle)
		: http.createServer(handle);
	server.keepAliveTimeout = 30_000;
	server.on(tls ? 'secureConnection' : 'connection', (socket) => {
		socket.readyAt = Date.now() + HANDSHAKE_MS;
		stats.connections += 1;
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`,
		configure: (next) => (model = { ...model, ...next }),
		resetStats,
		stats: () => {
			changeInFlight(0);
			const span = stats.changedAt - stats.since;
			return { maxInFlight: stats.max, meanInFlight: span > 0 ? stats.area / span : 0, connections: stats.connections, frontRefused: stats.frontRefused };
		},
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
				upstream.destroy();
			}),
	};
}

/** What Kizen saw: every item exactly once? How many upsert requests, and how many refused. */
function simulatorStats(sim, prefix, n) {
	const counts = new Map();
	for (const record of sim.records(OBJECT).live) {
		const key = record.identifier.toLowerCase();
		if (key.startsWith(prefix)) counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	let duplicated = 0;
	for (const count of counts.values()) if (count > 1) duplicated += 1;
	const upserts = sim.requests.filter(
		(r) => r.path.endsWith('/upsert') && String(r.body?.lookup_value ?? '').toLowerCase().startsWith(prefix),
	);
	return {
		records: counts.size,
		missing: n - counts.size,
		duplicated,
		requests: upserts.length,
		throttled: upserts.filter((r) => r.status === 429).length,
	};
}

// =============================================================================================
// A scenario process: builds the input, runs one contender, measures, reports over IPC
// =============================================================================================

/** The same batch for every contender: new contacts with five fields each. */
function makeItems(n, prefix) {
	return Array.from({ length: n }, (_, i) => ({
		email: `${prefix}${i}@bench.example`,
		first_name: `First${i}`,
		last_name: `Last${i}`,
		birthday: `19${50 + (i % 50)}-01-15`,
		email_status: 'Opted In',
		mobile_phone: `+1312555${String(i % 10000).padStart(4, '0')}`,
	}));
}

/** The upsert body the node sends for an item (ids, option id), built by hand. */
function upsertBody(item, setup) {
	const f = setup.fieldIds;
	return {
		lookup_value: item.email,
		fields: [
			{ id: f.email, value: item.email },
			{ id: f.first_name, value: item.first_name },
			{ id: f.last_name, value: item.last_name },
			{ id: f.birthday, value: item.birthday },
			{ id: f.email_status, value: { id: setup.optedInOptionId } },
			{ id: f.mobile_phone, value: item.mobile_phone },
		],
	};
}

const WARM_UP_ITEMS = 20;

async function scenarioProcess(spec) {
	const contender = CONTENDERS[spec.contender];
	// Warm up (modules n8n loads lazily, JIT) on a few other items, so the figures are the batch's.
	const warmUp = await contender.prepare(spec, makeItems(WARM_UP_ITEMS, `warm-${spec.prefix}`));
	await warmUp.run();
	const go = new Promise((resolve) => process.once('message', resolve));
	process.send({ type: 'warmed' });
	await go;
	const items = makeItems(spec.n, spec.prefix);
	const prepared = await contender.prepare(spec, items);
	global.gc();
	const before = process.memoryUsage();
	let peakHeap = before.heapUsed + before.external + before.arrayBuffers;
	let peakLive = 0;
	let lastLiveSample = Date.now();
	// Cheap sampling (process.memoryUsage() every few ms would show in the CPU figures); the
	// kernel's maxRSS gives the peak RSS at the end.
	const sampler = setInterval(() => {
		const h = v8.getHeapStatistics();
		peakHeap = Math.max(peakHeap, h.used_heap_size + h.external_memory);
		// Scaling runs: the live heap (after a full GC, once a second) is what the run really needs.
		if (spec.liveHeap && Date.now() - lastLiveSample >= 1000) {
			global.gc();
			const live = process.memoryUsage();
			peakLive = Math.max(peakLive, live.heapUsed + live.external + live.arrayBuffers);
			lastLiveSample = Date.now();
		}
	}, 50);
	const cpu0 = process.cpuUsage();
	const t0 = process.hrtime.bigint();
	// Held on a global so that V8 cannot collect it before it is measured.
	globalThis.benchOutput = await prepared.run();
	const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
	const cpu = process.cpuUsage(cpu0);
	clearInterval(sampler);
	const counted = prepared.count(globalThis.benchOutput);
	const heap = () => {
		global.gc();
		global.gc();
		const m = process.memoryUsage();
		return m.heapUsed + m.external + m.arrayBuffers;
	};
	const baseHeap = before.heapUsed + before.external + before.arrayBuffers;
	// What the finished run holds (output items and n8n's run data).
	const held = heap();
	globalThis.benchOutput = null;
	process.send({
		type: 'result',
		wallMs,
		cpuMs: (cpu.user + cpu.system) / 1000,
		...counted,
		baselineRssMb: before.rss / 2 ** 20,
		peakRssMb: Math.max(before.rss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
		peakHeapGrowthMb: (peakHeap - baseHeap) / 2 ** 20,
		retainedMb: (held - baseHeap) / 2 ** 20,
		peakLiveGrowthMb: spec.liveHeap ? (Math.max(peakLive, held) - baseHeap) / 2 ** 20 : undefined,
	});
	await prepared.close?.();
	process.exit(0);
}

const CONTENDERS = {
	/** A floor: Node's https, `concurrency` workers, no n8n engine; keep-alive or not. */
	floor: {
		async prepare(spec, items) {
			const url = new URL(`${spec.setup.url}/api/records/${OBJECT}/upsert`);
			const lib = url.protocol === 'https:' ? https : http;
			// spec.newConnections: a new agent (so a new TCP and TLS connection) per request, as n8n-core does.
			const agent = spec.newConnections ? undefined : new lib.Agent({ keepAlive: true, maxSockets: spec.concurrency });
			const { apiKey, userId, businessId } = spec.setup.credentials;
			const post = (body) =>
				new Promise((resolve, reject) => {
					const payload = JSON.stringify(body);
					const req = lib.request(url, {
						method: 'POST',
						agent: agent ?? new lib.Agent({ keepAlive: false }),
						headers: {
							'Content-Type': 'application/json',
							'Content-Length': Buffer.byteLength(payload),
							Accept: 'application/json',
							'X-API-KEY': apiKey,
							'X-USER-ID': userId,
							'X-BUSINESS-ID': businessId,
						},
					});
					req.on('response', (res) => {
						const chunks = [];
						res.on('data', (c) => chunks.push(c));
						res.on('end', () => resolve({ status: res.statusCode }));
					});
					req.on('error', reject);
					req.end(payload);
				});
			return {
				async run() {
					const results = new Array(items.length);
					let next = 0;
					const worker = async () => {
						while (next < items.length) {
							const i = next++;
							try {
								results[i] = await post(upsertBody(items[i], spec.setup));
							} catch (error) {
								results[i] = { status: 0, error: error.message };
							}
						}
					};
					await Promise.all(Array.from({ length: spec.concurrency }, worker));
					return results;
				},
				count: (results) => ({
					succeeded: results.filter((r) => r.status === 200 || r.status === 201).length,
					failed: results.filter((r) => !(r.status === 200 || r.status === 201)).length,
				}),
				close: () => agent?.destroy(),
			};
		},
	},

	/** This package's node, built (dist), through n8n-core's WorkflowExecute. */
	node: {
		async prepare(spec, items) {
			const { engine } = loadEngine();
			const { Kizen } = require(path.join(ROOT, 'dist', 'nodes', 'Kizen', 'Kizen.node.js'));
			const { KizenApi } = require(path.join(ROOT, 'dist', 'credentials', 'KizenApi.credentials.js'));
			const node = {
				id: 'kizen',
				name: 'Kizen',
				type: 'n8n-nodes-kizen.kizen',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					resource: 'record',
					operation: 'upsert',
					object: { __rl: true, mode: 'list', value: OBJECT },
					lookupValue: '={{ $json.email }}',
					fields: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] },
					options: spec.options ?? {},
				},
				credentials: { kizenApi: { id: 'kizen-cred', name: 'Kizen account' } },
				// Failed items leave on the error output so they can be counted (default options otherwise).
				onError: 'continueErrorOutput',
			};
			return workflowRunner(
				engine,
				{
					workflow: { nodes: [node], connections: {} },
					nodeTypes: { 'n8n-nodes-kizen.kizen': new Kizen() },
					credentialTypes: { kizenApi: new KizenApi() },
					credentials: { 'kizen-cred': { environment: 'custom', baseUrl: spec.setup.url, ...spec.setup.credentials } },
					inputItems: items.map((json) => ({ json })),
				},
				'Kizen',
			);
		},
	},

	/**
	 * n8n's HTTP Request node (n8n-nodes-base, the version matching n8n-core) set up as n8n
	 * documents for this job: POST, JSON body built from the item with the field ids, this
	 * package's Kizen API credential as its Predefined Credential Type (as a user of the package
	 * would; it also proves the credential's `authenticate` works there), Batching, Retry On Fail,
	 * and the error output.
	 */
	httpRequest: {
		async prepare(spec, items) {
			const { engine } = loadEngine();
			shareEngineModules();
			const base = path.join(BENCH_DEPS, 'node_modules', 'n8n-nodes-base', 'dist');
			const { HttpRequest } = require(path.join(base, 'nodes', 'HttpRequest', 'HttpRequest.node.js'));
			const { KizenApi } = require(path.join(ROOT, 'dist', 'credentials', 'KizenApi.credentials.js'));
			const f = spec.setup.fieldIds;
			// What a user types into "JSON" with Specify Body = Using JSON (expressions inside).
			const jsonBody = `={
  "lookup_value": "{{ $json.email }}",
  "fields": [
    { "id": "${f.email}", "value": "{{ $json.email }}" },
    { "id": "${f.first_name}", "value": "{{ $json.first_name }}" },
    { "id": "${f.last_name}", "value": "{{ $json.last_name }}" },
    { "id": "${f.birthday}", "value": "{{ $json.birthday }}" },
    { "id": "${f.email_status}", "value": { "id": "${spec.setup.optedInOptionId}" } },
    { "id": "${f.mobile_phone}", "value": "{{ $json.mobile_phone }}" }
  ]
}`;
			const options = {};
			if (spec.batching) options.batching = { batch: spec.batching };
			const node = {
				id: 'http',
				name: 'HTTP Request',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.4,
				position: [0, 0],
				parameters: {
					method: 'POST',
					url: `${spec.setup.url}/api/records/${OBJECT}/upsert`,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: 'kizenApi',
					sendBody: true,
					contentType: 'json',
					specifyBody: 'json',
					jsonBody,
					options,
				},
				credentials: { kizenApi: { id: 'kizen-cred', name: 'Kizen account' } },
				onError: 'continueErrorOutput',
				...(spec.retryOnFail ? RETRY_ON_FAIL : {}),
			};
			return workflowRunner(
				engine,
				{
					workflow: { nodes: [node], connections: {} },
					nodeTypes: { 'n8n-nodes-base.httpRequest': new HttpRequest() },
					credentialTypes: { kizenApi: new KizenApi() },
					credentials: { 'kizen-cred': { environment: 'custom', baseUrl: spec.setup.url, ...spec.setup.credentials } },
					inputItems: items.map((json) => ({ json })),
				},
				'HTTP Request',
			);
		},
	},
};

/**
 * The HTTP Request node must run on the same n8n-workflow (and DI container) as n8n-core, as in
 * n8n itself: two copies break `instanceof` checks. bench/ holds its own copies (npm installs every
 * dependency of n8n-nodes-base there), so requests for them from bench/ resolve to n8n-core's.
 */
function shareEngineModules() {
	const Module = require('node:module');
	const benchModules = path.join(BENCH_DEPS, 'node_modules') + path.sep;
	const coreDir = path.dirname(require.resolve('n8n-core', { paths: [ROOT] }));
	const sharedFrom = { 'n8n-workflow': ROOT, '@n8n/di': coreDir };
	const original = Module._resolveFilename;
	Module._resolveFilename = function (request, parent, ...rest) {
		const name = Object.keys(sharedFrom).find((n) => request === n || request.startsWith(`${n}/`));
		if (name && parent?.filename?.startsWith(benchModules)) {
			return require.resolve(request, { paths: [sharedFrom[name]] });
		}
		return original.call(this, request, parent, ...rest);
	};
}

/** Installs bench/ (n8n-nodes-base) on first use, as e2e/ does for n8n. */
function ensureBenchDependencies() {
	const wanted = JSON.parse(fs.readFileSync(path.join(BENCH_DEPS, 'package.json'), 'utf8')).dependencies['n8n-nodes-base'];
	const manifest = path.join(BENCH_DEPS, 'node_modules', 'n8n-nodes-base', 'package.json');
	if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).version === wanted) return wanted;
	console.log(`  installing n8n-nodes-base@${wanted} into bench/node_modules (first run only, about a minute) ...`);
	execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH_DEPS, stdio: 'inherit' });
	return wanted;
}

function loadEngine() {
	process.env.N8N_USER_FOLDER ??= fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-'));
	require('./lib/register-cts.cjs');
	return { engine: require(path.join(ROOT, 'test', 'harness', 'engine.cts')) };
}

function workflowRunner(engine, options, nodeName) {
	return {
		run: () => engine.runWorkflow(options),
		count(result) {
			if (result.error) return { succeeded: 0, failed: options.inputItems.length, error: result.error.message };
			const [ok = [], errors = []] = result.nodeOutput(nodeName);
			const good = ok.filter((item) => !item.json.error).length;
			return { succeeded: good, failed: errors.length + (ok.length - good), outputItems: ok.length + errors.length };
		},
		close: () => engine.shutdownEngine(),
	};
}

/**
 * A self-signed certificate for 127.0.0.1, made now with openssl (an EC P-256 key, as many API
 * hosts use). Without openssl the model runs over plain HTTP, handshake delays included, and the
 * report says so.
 */
function makeCertificate() {
	fs.mkdirSync(TMP, { recursive: true });
	const dir = fs.mkdtempSync(path.join(TMP, 'tls-'));
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	try {
		const version = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
		execFileSync(
			'openssl',
			['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
				'-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
			{ stdio: 'ignore' },
		);
		return { key, cert, dir, how: `HTTPS, a self-signed EC P-256 certificate made by ${version} and trusted through NODE_EXTRA_CA_CERTS` };
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		return { how: `plain HTTP (openssl was not usable: ${error.message.split('\n')[0]}); handshake delays still modelled, TLS CPU not` };
	}
}

// =============================================================================================
// The orchestrator
// =============================================================================================

const children = new Set();

function child(args, { execArgv = [], env } = {}) {
	const proc = fork(__filename, args, { execArgv, env: env ?? process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	children.add(proc);
	const waiting = [];
	proc.on('message', (message) => waiting.shift()?.resolve(message));
	proc.on('exit', (code) => {
		children.delete(proc);
		for (const w of waiting.splice(0)) w.reject(new Error(`child ${args[0]} exited with ${code}`));
	});
	const ask = (message) =>
		new Promise((resolve, reject) => {
			waiting.push({ resolve, reject });
			if (message) proc.send(message);
		});
	return { proc, ask };
}

async function runOnce(table, contender, n, tls) {
	const server = child(['--server']);
	const setup = await server.ask({ type: 'start', tls: tls.cert ? { key: tls.key, cert: tls.cert } : null, serverMs: table.serverMs });
	const prefix = `${table.key}-${contender.key}-${runCounter++}-`.toLowerCase();
	const spec = { ...contender, n, prefix, setup };
	const env = tls.cert ? { ...process.env, NODE_EXTRA_CA_CERTS: tls.cert } : process.env;
	const runner = child(['--scenario', JSON.stringify(spec)], { execArgv: ['--expose-gc', '--no-deprecation'], env });
	await runner.ask(); // warmed up
	await server.ask({ type: 'clear', serverMs: table.serverMs, rateLimit: table.rateLimit, capacity: table.capacity });
	const result = await runner.ask({ type: 'go' });
	await new Promise((resolve) => (runner.proc.exitCode !== null ? resolve() : runner.proc.once('exit', resolve)));
	const stats = await server.ask({ type: 'stats', prefix, n });
	server.proc.send({ type: 'stop' });
	await new Promise((resolve) => (server.proc.exitCode !== null ? resolve() : server.proc.once('exit', resolve)));
	return {
		...result,
		n,
		sim: stats,
		itemsPerSec: n / (result.wallMs / 1000),
		cpuUsPerItem: (result.cpuMs * 1000) / n,
	};
}
let runCounter = 0;

/** Runs a table's contenders in interleaved rounds; returns every run by contender key. */
async function runTable(table, { n, rounds, tls }) {
	const runs = Object.fromEntries(table.contenders.map((c) => [c.key, []]));
	const load = [os.loadavg()[0]];
	for (let round = 0; round < rounds; round++) {
		const order = table.contenders.map((_, i) => table.contenders[(i + round) % table.contenders.length]);
		for (const contender of order) {
			if (runs[contender.key].length >= (contender.rounds ?? rounds)) continue;
			process.stdout.write(`  [${table.key}] round ${round + 1}: ${contender.label} (N = ${n}) ... `);
			const result = await runOnce(table, contender, n, tls);
			result.round = round;
			runs[contender.key].push(result);
			process.stdout.write(`${result.itemsPerSec.toFixed(1)} items/s, ${result.failed} failed\n`);
		}
		load.push(os.loadavg()[0]);
	}
	return { table, runs, load };
}

async function main() {
	const args = process.argv.slice(2);
	const quick = args.includes('--quick');
	const flag = (name, fallback) => {
		const at = args.indexOf(name);
		return at >= 0 ? args[at + 1] : fallback;
	};
	const n = Number(flag('--n', quick ? 200 : 2000));
	const rounds = Number(flag('--rounds', quick ? 1 : 3));
	const scaleN = Number(flag('--scale', quick ? 1000 : 10_000));
	const only = flag('--only', undefined)?.split(',');
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'Kizen', 'Kizen.node.js'))) {
		throw new Error('dist/ is missing: run `npm run bench` (it builds first)');
	}
	ensureBenchDependencies();
	const tls = makeCertificate();
	const loadBefore = os.loadavg();
	const started = Date.now();

	const floors = (serverMs) => [
		{ key: 'floorKeepAlive', label: `Floor: HTTPS client with keep-alive, ${CEILING} in flight`, contender: 'floor', concurrency: CEILING },
		{ key: 'floorNew', label: `Floor: HTTPS client, a new connection per request (as n8n-core), ${CEILING} in flight`, contender: 'floor', concurrency: CEILING, newConnections: true },
		{ key: 'node', label: 'Kizen node, default options (adaptive, ceiling 32)', contender: 'node' },
		{ key: 'nodeFixed', label: `Kizen node, Fixed ${CEILING}`, contender: 'node', options: fixedOptions(CEILING) },
		httpRequest(CEILING, nominalLatency(serverMs)),
	];
	const sweep = quick ? [12, 24] : [8, 12, 16, 20, 24, 32];
	const tables = [
		{ key: 'tls100', title: 'No rate limit, server time 100 ms', serverMs: 100, contenders: floors(100) },
		{ key: 'tls400', title: 'No rate limit, server time 400 ms', serverMs: 400, contenders: floors(400) },
		bucketTable('bucket15', BUCKET_15),
		bucketTable('bucket50', BUCKET_50),
		{
			key: 'capacity',
			title: `Capacity: server time 100 ms × (requests in flight ÷ ${CAPACITY.knee}) past ${CAPACITY.knee}, 429 (Retry-After: ${CAPACITY.retryAfterSeconds}) past ${CAPACITY.refuseAbove}`,
			serverMs: 100,
			capacity: CAPACITY,
			contenders: [
				{ key: 'node', label: 'Kizen node, default options', contender: 'node' },
				...sweep.map((k) => ({ key: `fixed${k}`, label: `Kizen node, Fixed ${k}`, contender: 'node', options: fixedOptions(k), sweep: k })),
				{ ...httpRequest(CAPACITY.knee, nominalLatency(100), true), rounds: 1 },
			],
		},
	].filter((t) => !only || only.includes(t.key));

	const results = [];
	for (const table of tables) results.push(await runTable(table, { n, rounds, tls }));

	const scaling = [];
	if (!only || only.includes('scale')) {
		const table = { key: 'scale', serverMs: 100 };
		for (const size of [n, scaleN]) {
			process.stdout.write(`  [scale] Kizen node, default options (N = ${size}) ... `);
			const result = await runOnce(table, { key: `scale${size}`, label: 'Kizen node, default options', contender: 'node', liveHeap: true }, size, tls);
			process.stdout.write(`${result.itemsPerSec.toFixed(1)} items/s\n`);
			scaling.push(result);
		}
	}
	if (tls.dir) fs.rmSync(tls.dir, { recursive: true, force: true });

	const context = { n, rounds, scaleN, tls: tls.how, load: { before: loadBefore, after: os.loadavg() }, minutes: (Date.now() - started) / 60000 };
	const report = render(results, scaling, context);
	console.log(`\n${report}`);
	if (!args.includes('--no-write')) {
		fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), document(report, args, context));
		console.log('Written to BENCHMARKS.md');
	}
}

/** A token-bucket scenario: the node (default and the previous default), the HTTP Request node. */
function bucketTable(key, bucket) {
	const pacedMs = Math.ceil(1000 / bucket.perSecond);
	return {
		key,
		title: `Token bucket ${bucket.perSecond} requests/s, burst ${bucket.burst} (429 with Retry-After: ${bucket.retryAfterSeconds} beyond), server time 100 ms`,
		serverMs: 100,
		rateLimit: bucket,
		contenders: [
			{ key: 'node', label: 'Kizen node, default options', contender: 'node' },
			{ key: 'nodeFixed8', label: 'Kizen node, Fixed 8 (the previous default)', contender: 'node', options: fixedOptions(8), rounds: 1 },
			httpRequest(CEILING, nominalLatency(100), true),
			{
				...httpRequest(1, pacedMs, true),
				key: 'httpPaced',
				rounds: 1,
				label: `HTTP Request node, Batching paced to the limit (1 item / ${pacedMs} ms, needs the limit known), Retry On Fail 5 × 1 s`,
			},
		],
	};
}

function fixedOptions(maxConcurrency) {
	return { concurrencyMode: 'fixed', maxConcurrency };
}

/** The HTTP Request node with Batching (`items` every `intervalMs`) and, optionally, Retry On Fail. */
function httpRequest(items, intervalMs, retryOnFail = true) {
	return {
		key: 'http',
		label: `HTTP Request node, Batching ${items} items / ${intervalMs} ms${retryOnFail ? ', Retry On Fail 5 × 1 s' : ''}`,
		contender: 'httpRequest',
		batching: { batchSize: items, batchInterval: intervalMs },
		retryOnFail,
	};
}

// =============================================================================================
// Reporting
// =============================================================================================

const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const range = (values, digits) =>
	values.length > 1 ? `${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)}` : '';
const sum = (values) => values.reduce((a, b) => a + b, 0);

/** Per-round ratios of two contenders' items/s (paired in the same round). */
function pairedRatios(runs, numerator, denominator) {
	const byRound = new Map((runs[denominator] ?? []).map((r) => [r.round, r]));
	return (runs[numerator] ?? []).filter((r) => byRound.has(r.round)).map((r) => r.itemsPerSec / byRound.get(r.round).itemsPerSec);
}

function summary(runs) {
	const pick = (f) => runs.map(f);
	return {
		itemsPerSec: median(pick((r) => r.itemsPerSec)),
		itemsRange: range(pick((r) => r.itemsPerSec), 1),
		cpuMs: median(pick((r) => r.cpuUsPerItem / 1000)),
		peakRssMb: median(pick((r) => r.peakRssMb)),
		failed: sum(pick((r) => r.failed)),
		succeeded: sum(pick((r) => r.succeeded)),
		requests: median(pick((r) => r.sim.requests + r.sim.frontRefused)),
		refused: median(pick((r) => r.sim.throttled + r.sim.frontRefused)),
		meanInFlight: median(pick((r) => r.sim.meanInFlight)),
		maxInFlight: Math.max(...pick((r) => r.sim.maxInFlight)),
		connections: median(pick((r) => r.sim.connections)),
		problems: runs.filter((r) => r.sim.duplicated > 0 || r.error || (r.failed === 0 && r.sim.missing > 0)).length,
		rounds: runs.length,
	};
}

function render(results, scaling, context) {
	const lines = [];
	const targets = [];
	const ratioText = (values) => (values.length ? `${fixed(median(values), 2)}×${values.length > 1 ? ` (${range(values, 2)})` : ''}` : '–');
	const ratioCheck = (values, at) => values.length > 0 && median(values) >= at;
	const met = (ok) => (ok ? '**met**' : '**missed**');

	for (const { table, runs, load } of results) {
		lines.push(`### ${table.title}`, '');
		lines.push(`N = ${context.n} per run; 1-minute load average at the start of each round: ${load.slice(0, -1).map((l) => l.toFixed(2)).join(', ')}.`, '');
		lines.push('| contender | items/s (median) | range over rounds | rounds | failed (all rounds) | CPU/item (ms) | peak RSS (MB) | requests | 429s | mean in flight | max in flight | new connections |');
		lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
		for (const contender of table.contenders) {
			const list = runs[contender.key];
			if (!list?.length) continue;
			const s = summary(list);
			lines.push(`| ${contender.label} | ${fixed(s.itemsPerSec, 1)} | ${s.itemsRange} | ${s.rounds} | ${s.failed}${s.problems ? ` (${s.problems} run(s) with problems)` : ''} | ${fixed(s.cpuMs, 2)} | ${fixed(s.peakRssMb)} | ${fixed(s.requests)} | ${fixed(s.refused)} | ${fixed(s.meanInFlight, 1)} | ${s.maxInFlight} | ${fixed(s.connections)} |`);
		}
		lines.push('');
		const ratios = [];
		const addRatio = (label, a, b) => {
			const values = pairedRatios(runs, a, b);
			if (values.length) ratios.push([label, values]);
			return values;
		};
		if (table.key === 'tls100' || table.key === 'tls400') {
			addRatio('Kizen node (default) ÷ keep-alive floor', 'node', 'floorKeepAlive');
			const vsNew = addRatio('Kizen node (default) ÷ new-connection floor', 'node', 'floorNew');
			addRatio('Kizen node Fixed 32 ÷ new-connection floor', 'nodeFixed', 'floorNew');
			addRatio('new-connection floor ÷ keep-alive floor', 'floorNew', 'floorKeepAlive');
			const vsFixed = addRatio('Kizen node (default) ÷ Kizen node Fixed 32', 'node', 'nodeFixed');
			addRatio('Kizen node (default) ÷ HTTP Request node', 'node', 'http');
			if (table.key === 'tls400') {
				targets.push(`- No limit, server time 400 ms: default options ≥ 0.9× Fixed at the ceiling (32): ${ratioText(vsFixed)} → ${met(ratioCheck(vsFixed, 0.9))}`);
			}
			targets.push(`- (${table.title}) the node's cost against the best new-connection client: ${ratioText(vsNew)}; against keep-alive: ${ratioText(pairedRatios(runs, 'node', 'floorKeepAlive'))}`);
		}
		if (table.rateLimit) {
			const limit = table.rateLimit.perSecond;
			const node = runs.node ?? [];
			const shares = node.map((r) => r.itemsPerSec / limit);
			const at = limit === 15 ? 0.8 : 0.85;
			const failed = sum(node.map((r) => r.failed));
			ratios.push([`Kizen node (default) ÷ the limit (${limit}/s)`, shares]);
			targets.push(`- Token bucket ${limit}/s (burst ${table.rateLimit.burst}): 0 failed and ≥ ${at}× ${limit} items/s: ${failed} failed over ${node.length} run(s), ${ratioText(shares)} → ${met(failed === 0 && ratioCheck(shares, at))}; HTTP Request node beside it: ${describeOthers(table, runs)}`);
		}
		if (table.capacity) {
			const sweepKeys = table.contenders.filter((c) => c.sweep !== undefined);
			const clean = sweepKeys.filter((c) => runs[c.key]?.length && sum(runs[c.key].map((r) => r.failed)) === 0);
			const best = (clean.length ? clean : sweepKeys).reduce((a, b) =>
				median(runs[b.key].map((r) => r.itemsPerSec)) > median(runs[a.key].map((r) => r.itemsPerSec)) ? b : a,
			);
			const values = addRatio(`Kizen node (default) ÷ the best fixed setting (Fixed ${best.sweep})`, 'node', best.key);
			const failed = sum((runs.node ?? []).map((r) => r.failed));
			targets.push(`- Capacity model: ≥ 0.85× the best fixed setting of the sweep (Fixed ${best.sweep}), 0 failed: ${ratioText(values)}, ${failed} failed → ${met(failed === 0 && ratioCheck(values, 0.85))}; HTTP Request node beside it: ${describeOthers(table, runs)}`);
		}
		if (ratios.length) {
			lines.push('| paired ratio of items/s, per round | median | range |', '| --- | ---: | ---: |');
			for (const [label, values] of ratios) lines.push(`| ${label} | ${fixed(median(values), 2)}× | ${range(values, 2) || '1 round'} |`);
			lines.push('');
		}
	}

	if (scaling.length === 2) {
		const [small, large] = scaling;
		const working = (r) => r.peakLiveGrowthMb - r.retainedMb;
		lines.push(`### Scaling: the Kizen node, default options, N = ${small.n} and N = ${large.n} (server time 100 ms, no limit)`, '');
		lines.push('| N | items/s | CPU/item (ms) | RSS before run (MB) | peak RSS (MB) | peak live heap growth (MB) | held after run: output + run data (MB) | working memory = peak live growth − held (MB) |');
		lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
		for (const r of scaling) {
			lines.push(`| ${r.n} | ${fixed(r.itemsPerSec, 1)} | ${fixed(r.cpuUsPerItem / 1000, 2)} | ${fixed(r.baselineRssMb)} | ${fixed(r.peakRssMb)} | ${fixed(r.peakLiveGrowthMb, 1)} | ${fixed(r.retainedMb, 1)} | ${fixed(working(r), 1)} |`);
		}
		lines.push('');
		const cpuRatio = large.cpuUsPerItem / small.cpuUsPerItem;
		const rssRatio = large.peakRssMb / small.peakRssMb;
		const workRatio = working(large) / Math.max(working(small), 0.1);
		targets.push(`- CPU per item and peak memory flat from ${small.n} to ${large.n} items: CPU/item ${fixed(small.cpuUsPerItem / 1000, 2)} → ${fixed(large.cpuUsPerItem / 1000, 2)} ms (${fixed(cpuRatio, 2)}×), peak RSS ${fixed(small.peakRssMb)} → ${fixed(large.peakRssMb)} MB (${fixed(rssRatio, 2)}×), working memory beyond output and run data ${fixed(working(small), 1)} → ${fixed(working(large), 1)} MB for ${large.n / small.n}× the items → ${met(cpuRatio <= 1.25 && rssRatio <= 1.25 && workRatio < large.n / small.n)}`);
	}

	const all = [...results.flatMap((r) => Object.values(r.runs).flat()), ...scaling];
	const bad = all.filter((r) => r.sim.duplicated > 0 || (r.failed === 0 && r.sim.missing > 0));
	targets.push(`- Simulator check after every run: ${bad.length === 0 ? 'no lookup value held by two records; every item reported as upserted exists' : `**problems** in ${bad.length} run(s)`}`);
	return [`## Targets (default options, N = ${context.n})`, '', ...targets, '', '## Tables', '', ...lines].join('\n');
}

function describeOthers(table, runs) {
	return table.contenders
		.filter((c) => c.contender === 'httpRequest')
		.filter((c) => runs[c.key]?.length)
		.map((c) => {
			const s = summary(runs[c.key]);
			return `${fixed(s.itemsPerSec, 1)} items/s, ${s.failed} failed of ${context_n(runs[c.key])} (${c.label.replace('HTTP Request node, ', '')})`;
		})
		.join('; ');
}
const context_n = (list) => sum(list.map((r) => r.n));

function machine() {
	const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
	const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
	let nproc = os.availableParallelism?.() ?? os.cpus().length;
	try {
		nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
	} catch {}
	return { model, nproc, node: process.version, memGb: (os.totalmem() / 2 ** 30).toFixed(0) };
}

function document(report, args, context) {
	const m = machine();
	const version = (dir, p) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', p, 'package.json'), 'utf8')).version;
	const versions = `n8n-core ${version(ROOT, 'n8n-core')}, n8n-workflow ${version(ROOT, 'n8n-workflow')}, n8n-nodes-base ${version(BENCH_DEPS, 'n8n-nodes-base')}`;
	const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
	const avg = (l) => l.map((x) => x.toFixed(2)).join(' / ');
	return `# Benchmarks

Latest results of \`${command}\` (\`scripts/bench.cjs\`), ${new Date().toISOString().slice(0, 10)}, ${fixed(context.minutes)} minutes.
Machine: ${m.nproc} CPUs (nproc), ${m.model}, ${m.memGb} GiB, Node ${m.node}; ${versions}.
Load average (1 / 5 / 15 min) before: ${avg(context.load.before)}, after: ${avg(context.load.after)}. The machine is
shared with other engineers' builds and tests; each table lists the load at the start of each round.

## The model

Kizen over the internet, on loopback: ${context.tls}. A "front" server in
front of the Kizen simulator adds a ${RTT_MS} ms round trip to every request, two more round trips
(${HANDSHAKE_MS} ms) before the first request of every new connection (the TCP and TLS handshakes),
and a server time per request, uniformly ±${JITTER * 100} % around its nominal value; a 429 has no
server time (Kizen throttles before it works). The front server and the simulator run in their
own process, whose CPU is not counted. Scenarios add:

- a **token bucket** (the simulator's rate limit, taken when a request reaches Kizen; beyond it, 429
  with \`Retry-After: 1\`), or
- a **capacity**: Kizen serves ${CAPACITY.knee} requests at full speed; past that, the server time
  grows with the requests in flight on arrival (× in flight ÷ ${CAPACITY.knee}), and past
  ${CAPACITY.refuseAbove} in flight it answers 429 (\`Retry-After: 1\`) at once.

Each contender upserts the same new Contacts (email, first and last name, lead score, a dropdown,
a checkbox) in a fresh child process, after a ${WARM_UP_ITEMS}-item warm-up, against a fresh server process.
The contenders of a table run in ${context.rounds} interleaved round(s) (round 1: A B C …, round 2:
B C … A), so machine noise falls on all of them; each ratio is taken within a round (paired), and
the tables give the median and the range over rounds.

- **Kizen node**: built \`dist/\`, run through n8n-core's \`WorkflowExecute\` (the test harness),
  Object = Contacts, Lookup Value \`{{ $json.email }}\`, Map Automatically, no options set (Max
  Concurrent Requests 32, adaptive; Max Attempts 5; Rate Limit Wait 300 s; Timeout 30 s) unless
  the row says Fixed *k* (Concurrency: Fixed, Max Concurrent Requests *k*). The error output is on
  so failed items can be counted.
- **HTTP Request node** (n8n-nodes-base ${version(BENCH_DEPS, 'n8n-nodes-base')}, node version 4.4; installed in \`bench/\` on
  first use): POST, Authentication = Predefined Credential Type → this package's Kizen API
  credential, Send Body → JSON → Using JSON with expressions (field ids copied from Kizen), error
  output on, configured as n8n documents for rate limits: **Batching** (Items per Batch, Batch
  Interval) and **Retry On Fail** (5 tries, 1 s apart). Batching starts a batch on a clock, not when
  the last one finished, so *k* items every nominal round trip keeps about *k* in flight: the same
  as the node's ceiling (${CEILING}) without a limit, Kizen's knee (${CAPACITY.knee}) in the capacity model.
  "Paced to the limit" is the setting only a user who knows the limit can choose (Kizen documents
  none).
- **Floors**: Node's \`https\`, ${CEILING} requests in flight, the same bodies, no n8n engine: with a
  keep-alive agent, and with a new connection per request (what n8n-core does for every node).

CPU/item is the contender's process CPU (user + system) divided by N. Peak RSS is the process's
(the kernel's maxRSS: n8n-core and the node loaded, warm-up included). "Mean in flight" is the
time-weighted mean of requests the front server holds (from arrival to answer, modelled handshake
and round trip included) during the run. In the scaling runs,
"held after run" is the heap still referenced when the run ends (output items and n8n's run data,
after a forced GC), and the live heap is measured after a full GC once a second (which costs those
runs a little CPU per item).

The targets below compare medians; "0 failed" counts every round. A target that is missed stays
missed here.

${report}
## Findings

- **n8n-core's new connection per request costs more than anything the node does.** n8n-core 2.8.1's
  \`httpRequestWithAuthentication\` (like \`helpers.request\`, which the HTTP Request node uses)
  builds new agents for every request (\`convertN8nRequestToAxios\` → \`setAxiosAgents\` →
  \`new https.Agent()\`), so every request pays a TCP and a TLS handshake (two round trips here);
  n8n 2.41.1 still does the same (\`@n8n/backend-network\` \`buildNodeAgents\`), and a node cannot pass
  its own agent. Compare "Kizen node ÷ new-connection floor" (what the node reaches of the best any
  client can do with a new connection per request) with "÷ keep-alive floor" in the tables: the gap
  between the floors is n8n's, shared by every node including the HTTP Request node. **Something n8n
  could act on**: one keep-alive agent per credential or per host in n8n-core's request helper
  would close most of it for every node at once.
- **The lever left to the node is how many requests are in flight, and when.** Adaptive (the default)
  starts at 4, doubles per window of answers while latency stays flat (up to half the ceiling), then
  grows by up to half per window, the less the nearer latency is to 1.3× its minimum, and backs off
  when Kizen queues (latency ≥ 1.5× its minimum for two windows and a second: ×0.8) or refuses (429,
  502, 503, 504, timeouts: ×0.7). Fixed keeps the number set.
- **After a refusal** the limit remembers where Kizen refused (CUBIC's W_max): it climbs back fast
  to 0.9× that limit, then by one request per ten windows, and forgets it once 10 % past it without a
  refusal. Without that memory it ran into the same wall a second later, and each 429 pauses every
  request for its Retry-After (1 s here). In the capacity model the best fixed setting sits just under
  the point where Kizen starts refusing; the default finds that point only by being refused, which is
  what still separates the two there.
- **Under a rate limit** a 429 pauses every request for Retry-After, then the node resumes paced,
  just below the rate Kizen was accepting, and probes upward slowly; rate-limited retries do not use
  up Max Attempts (they have the Rate Limit Wait budget instead), so no item fails while others are
  being accepted. The HTTP Request node has no per-request retry: Retry On Fail reruns the node only
  when the node itself fails (with the error output on, only when its first item failed), so
  throttled items stay failed unless Batching is paced to a limit Kizen does not publish.
`;
}

// =============================================================================================

const role = process.argv[2];
if (role === '--server') serverProcess();
else if (role === '--scenario') scenarioProcess(JSON.parse(process.argv[3]));
else {
	main().catch((error) => {
		console.error(error);
		process.exitCode = 1;
		for (const proc of children) proc.kill();
	});
}
