/**
 * Throughput and resilience under faults (issues 4 and 9). The Kizen node runs inside n8n's engine
 * (WorkflowExecute) against the simulator, which injects one kind of fault per test into a batch of
 * 200 items. Every test then proves from the simulator's records and request log, not from the
 * node's own word, that each item was either written exactly once or failed with its own error
 * item: nothing silently dropped, nothing duplicated, output in input order with `pairedItem`, and
 * the API key never sent to a second origin (another simulator, the target of every redirect).
 * The batch scenarios add a row to a ledger; the last test checks README's resilience table
 * against it.
 *
 * Retry-After and timeouts are kept small (1 s) so the file runs in well under a minute.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { KizenApi } from '../credentials/KizenApi.credentials';
import type { KizenRequest } from '../nodes/Kizen/transport';
import {
	DEFAULT_REQUEST_SETTINGS,
	KizenClient,
	networkCode,
	requestSettingsFrom,
	retryAfterMs,
} from '../nodes/Kizen/transport';
import type { LoggedRequest, RequestInfo } from '../simulator/kizen-simulator.cjs';

const {
	autoMap,
	byName,
	credentialsFor,
	engine,
	isErrorItem,
	itemOf: itemNamedBy,
	runKizen,
	runKizenWith,
	startSimulator,
	useSimulator,
}: typeof import('./helpers/kizen.cjs') = require('./helpers/kizen.cts');

const N = 200;
const CONTACTS = 'client_client';

const sim = useSimulator();

/** A second origin: where redirects point. It must never receive a request. */
let other: Awaited<ReturnType<typeof startSimulator>>;
beforeAll(async () => {
	other = await startSimulator({ port: 0 });
});
afterAll(async () => {
	await other?.close();
});
beforeEach(() => other.reset());

/** One row per batch scenario: what happened to every item, measured from the simulators. */
interface LedgerRow {
	fault: string;
	items: number;
	writtenOnce: number;
	ownError: number;
	lost: number;
	duplicated: number;
	keyLeaks: number;
}
const ledger: LedgerRow[] = [];

// ---------------------------------------------------------------------------------------------
// The batch, and the proof that nothing was lost or duplicated
// ---------------------------------------------------------------------------------------------

const emailOf = (index: number) => `f${index}@faults.example`;
const batch = (n = N) =>
	Array.from({ length: n }, (_, i) => ({ email: emailOf(i), first_name: `F${i}` }));
const upsertParams = (options: INodeParameters = {}) => ({
	object: byName(CONTACTS),
	lookupValue: '={{ $json.email }}',
	fields: autoMap(),
	options,
});
/** Runs the batch with Continue (regular output): one output item per input item, in order. */
const runBatch = async (options: INodeParameters = {}, n = N) =>
	await runKizen(sim, upsertParams(options), batch(n), { onError: 'continueRegularOutput' });

/** The item a request was for (its lookup value), or -1. */
const itemOf = (info: { body?: unknown }) => {
	const lookup = (info.body as { lookup_value?: unknown } | null)?.lookup_value;
	const match = typeof lookup === 'string' ? /^f(\d+)@faults\.example$/.exec(lookup) : null;
	return match ? Number(match[1]) : -1;
};
/** The item a request was for, by its lookup value or (Create) its email field, or -1. */
const itemFrom = (info: { body?: unknown }) => {
	const body = info.body as { lookup_value?: unknown; fields?: Array<{ value?: unknown }> } | null;
	const email = body?.lookup_value ?? body?.fields?.find((f) => typeof f.value === 'string' && f.value.endsWith('@faults.example'))?.value;
	const match = typeof email === 'string' ? /^f(\d+)@faults\.example$/.exec(email) : null;
	return match ? Number(match[1]) : -1;
};
/** Fault predicate: only the first request for each of these items. */
const firstAttemptOf = (items: number[]) => {
	const seen = new Set<number>();
	return (info: RequestInfo) => {
		const item = itemOf(info);
		if (!items.includes(item) || seen.has(item)) return false;
		seen.add(item);
		return true;
	};
};
/** Fault predicate: every request for these items. */
const everyAttemptOf = (items: number[]) => (info: RequestInfo) => items.includes(itemOf(info));

const upserts = (): LoggedRequest[] =>
	sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/upsert'));
const requestsFor = (item: number) => upserts().filter((r) => itemOf(r) === item);

interface Expectation {
	/** The README table's row for this scenario (none: not in the table). */
	row?: string;
	/** Items that must fail, each with its own error item whose message matches. */
	failed?: number[];
	message?: RegExp;
	/** Whether Kizen applied the failed items' writes anyway (a drop or timeout after the write). */
	failedWritten?: boolean;
	maxAttempts: number;
	n?: number;
}

/**
 * Whether output item `item` is input i's own error item: n8n's error-item shape (json
 * `{message, error}`, no item-level `error`), paired with input i (n8n's link from output to input,
 * which names the item; the message does not repeat its number), with a message and what to do.
 */
const isOwnErrorItem = (item: INodeExecutionData | undefined, i: number) =>
	item !== undefined &&
	isErrorItem(item) &&
	(item.pairedItem as { item: number }).item === i &&
	!/^Item \d/.test(String(item.json.message));

/**
 * The proof, from the simulator: output i is item i (pairedItem), succeeded items exist exactly
 * once among live records with the id the node output, failed items carry their own error, no
 * identifier is held by two live records, and the record count adds up.
 */
function expectEveryItemAccountedFor(
	result: Awaited<ReturnType<typeof runBatch>>,
	expectation: Expectation,
) {
	const { failed = [], message, failedWritten = false, maxAttempts, n = N, row } = expectation;
	expect(result.error).toBeUndefined();
	const out = result.rawItems('Kizen');
	const { live } = sim.records(CONTACTS);
	const byIdentifier = new Map<string, string[]>();
	for (const record of live) {
		const key = record.identifier.toLowerCase();
		byIdentifier.set(key, [...(byIdentifier.get(key) ?? []), record.id]);
	}

	// Measured first (the ledger), asserted after.
	const outputFor = new Map(out.map((item) => [(item.pairedItem as { item: number }).item, item]));
	let writtenOnce = 0;
	let ownError = 0;
	for (let i = 0; i < n; i++) {
		const item = outputFor.get(i);
		const ids = byIdentifier.get(emailOf(i)) ?? [];
		if (isOwnErrorItem(item, i)) ownError++;
		else if (item && !isErrorItem(item) && ids.length === 1 && ids[0] === item.json.id) writtenOnce++;
	}
	const duplicated = [...byIdentifier.values()].filter((ids) => ids.length > 1).length;
	const keyLeaks = other.requests.length;
	if (row) {
		ledger.push({ fault: row, items: n, writtenOnce, ownError, lost: n - writtenOnce - ownError, duplicated, keyLeaks });
	}

	expect(keyLeaks).toBe(0);
	expect(out).toHaveLength(n);
	expect(out.map((item) => item.pairedItem)).toEqual(
		Array.from({ length: n }, (_, i) => ({ item: i })),
	);
	// No duplicate anywhere, and every batch record belongs to an item.
	expect([...byIdentifier.entries()].filter(([, ids]) => ids.length > 1)).toEqual([]);

	let created = 0;
	out.forEach((item, i) => {
		const ids = byIdentifier.get(emailOf(i)) ?? [];
		const sent = requestsFor(i);
		expect(sent.length).toBeGreaterThanOrEqual(1);
		expect(sent.length).toBeLessThanOrEqual(maxAttempts);
		if (failed.includes(i)) {
			expect(isOwnErrorItem(item, i)).toBe(true);
			if (message) expect(item.json.message).toMatch(message);
			expect(ids).toHaveLength(failedWritten ? 1 : 0);
		} else {
			expect(isErrorItem(item)).toBe(false);
			expect(item.json.error).toBeUndefined();
			// 'updated' when an attempt whose answer was lost had already created the record.
			expect(item.json).toMatchObject({
				action: expect.stringMatching(/^(created|updated)$/),
				email: emailOf(i),
				first_name: `F${i}`,
			});
			expect(ids).toEqual([item.json.id]);
		}
		created += ids.length;
	});
	const batchRecords = live.filter((r) => /@faults\.example$/.test(r.identifier)).length;
	expect(batchRecords).toBe(created);
	expect({ writtenOnce, ownError, duplicated }).toEqual({
		writtenOnce: n - failed.length,
		ownError: failed.length,
		duplicated: 0,
	});
	return out;
}

/** The moments the server answered 429 to an upsert. */
const rateLimitedAt = () =>
	upserts()
		.filter((r) => r.status === 429)
		.map((r) => r.respondedAt!);

/**
 * After each 429 the whole pool waits: no upsert reaches the server from shortly after the 429
 * (requests already on their way may still land) until the pause is over.
 */
function expectPoolPaused(pauseMs: number, slackMs = 100) {
	const times = rateLimitedAt();
	expect(times.length).toBeGreaterThan(0);
	for (const at of times) {
		const during = upserts().filter(
			(r) => r.receivedAt > at + slackMs && r.receivedAt < at + pauseMs - 5,
		);
		expect(during.map((r) => [r.seq, r.receivedAt - at])).toEqual([]);
	}
}

// ---------------------------------------------------------------------------------------------
// Fault kinds
// ---------------------------------------------------------------------------------------------

describe('429 Too Many Requests', () => {
	it('Retry-After in seconds: the whole pool pauses, items retry, and an item still refused after its Rate Limit Wait fails alone', async () => {
		sim.addFault({
			kind: 'status',
			status: 429,
			retryAfter: '1',
			match: { path: '/upsert', predicate: firstAttemptOf([5, 150]) },
		});
		sim.addFault({
			kind: 'status',
			status: 429,
			retryAfter: '1',
			match: { path: '/upsert', predicate: everyAttemptOf([120]) },
		});
		const result = await runBatch({ maxAttempts: 2, rateLimitWaitSeconds: 2 });
		expectEveryItemAccountedFor(result, {
			row: '429 with Retry-After in seconds (one item refused on every attempt)',
			failed: [120],
			message:
				/Kizen kept rate-limiting this request \(HTTP 429\) for [\d.]+ s, [23] attempts \(last Retry-After: 1\)$/,
			maxAttempts: 3,
		});
		expect(requestsFor(5).map((r) => r.status)).toEqual([429, 201]);
		expect(requestsFor(120).every((r) => r.status === 429)).toBe(true);
		expect(result.rawItems('Kizen')[120].json.error).toMatch(/Rate Limit Wait/);
		expectPoolPaused(1000);
	});

	it('429s do not use up Max Attempts: an item refused again and again still goes through while Kizen accepts others', async () => {
		sim.addFault({
			kind: 'status',
			status: 429,
			retryAfter: '0',
			times: 4,
			match: { path: '/upsert', predicate: everyAttemptOf([7]) },
		});
		const result = await runBatch({ maxAttempts: 1 }, 40);
		expectEveryItemAccountedFor(result, {
			row: '429 four times on one item, Max Attempts 1',
			maxAttempts: 5,
			n: 40,
		});
		expect(requestsFor(7).map((r) => r.status)).toEqual([429, 429, 429, 429, 201]);
	});

	it('Retry-After as an HTTP date: nothing is sent before that date', async () => {
		const until = new Date(Date.now() + 2000).toUTCString();
		sim.addFault({
			kind: 'status',
			status: 429,
			retryAfter: until,
			match: { path: '/upsert', predicate: firstAttemptOf([3]) },
		});
		const result = await runBatch({ maxAttempts: 2 });
		expectEveryItemAccountedFor(result, { row: '429 with Retry-After as an HTTP date', maxAttempts: 2 });
		const [at] = rateLimitedAt();
		const after = upserts().filter((r) => r.receivedAt > at + 100);
		expect(after.length).toBeGreaterThan(0);
		expect(Math.min(...after.map((r) => r.receivedAt))).toBeGreaterThanOrEqual(
			Date.parse(until) - 5,
		);
	});

	it('without Retry-After: exponential backoff, still pausing the whole pool', async () => {
		sim.addFault({
			kind: 'status',
			status: 429,
			match: { path: '/upsert', predicate: firstAttemptOf([10, 100]) },
		});
		sim.addFault({
			kind: 'status',
			status: 429,
			match: { path: '/upsert', predicate: everyAttemptOf([190]) },
		});
		const result = await runBatch({ maxAttempts: 3, rateLimitWaitSeconds: 2 });
		expectEveryItemAccountedFor(result, {
			row: '429 without Retry-After',
			failed: [190],
			message: /Kizen kept rate-limiting this request \(HTTP 429\) for [\d.]+ s, \d attempts$/,
			maxAttempts: 5,
		});
		// The first backoff is 250–500 ms (half to all of 500 ms): nobody starts in its first 250 ms.
		expectPoolPaused(250);
		const [first, second] = requestsFor(10);
		expect(second.receivedAt - first.respondedAt!).toBeGreaterThanOrEqual(240);
	});

	it('a token-bucket rate limit below the request rate: every item upserted, none failed', async () => {
		sim.setRateLimit({ perSecond: 100, burst: 40, retryAfterSeconds: 1 });
		const result = await runBatch();
		expectEveryItemAccountedFor(result, {
			row: 'token-bucket rate limit (100/s, burst 40)',
			maxAttempts: 50,
		});
		const throttled = sim.requests.filter((r) => r.fault === 'rate_limit');
		expect(throttled.length).toBeGreaterThan(0);
		expectPoolPaused(1000);
	});

	it.each([
		['the adaptive default', {}, 32],
		['Fixed 8', { concurrencyMode: 'fixed', maxConcurrency: 8 }, 8],
	])(
		'a 429 storm (a token bucket far below what the pool sends) with %s: 0 failed items, nothing duplicated',
		async (label, options, ceiling) => {
			sim.setLatency(10);
			sim.setRateLimit({ perSecond: 40, burst: 5, retryAfterSeconds: 1 });
			const result = await runBatch(options, 120);
			// Default Max Attempts (5) and Rate Limit Wait: however often an item is refused, it
			// goes through once Kizen accepts it.
			expectEveryItemAccountedFor(result, {
				row: `429 storm: token bucket 40/s, burst 5 (${label})`,
				maxAttempts: 50,
				n: 120,
			});
			expect(sim.requests.filter((r) => r.fault === 'rate_limit').length).toBeGreaterThan(0);
			expect(sim.maxInFlight).toBeLessThanOrEqual(ceiling);
			expectPoolPaused(1000);
		},
	);
});

describe('5xx', () => {
	it('500 is not a transient answer: those items fail at once with their own error (never called safe to repeat), the rest go through', async () => {
		const broken = [0, 42, 99, 199];
		sim.addFault({
			kind: 'status',
			status: 500,
			match: { path: '/upsert', predicate: everyAttemptOf(broken) },
		});
		const result = await runBatch({ maxAttempts: 3 });
		expectEveryItemAccountedFor(result, {
			row: '500 on 4 items',
			failed: broken,
			message: /Kizen failed with an internal error \(HTTP 500: A server error occurred\.\)$/,
			maxAttempts: 1,
		});
		const description = result.rawItems('Kizen')[42].json.error;
		expect(description).toMatch(/Kizen request ID: req-\d+/);
		// Kizen answers 500 to values it cannot store: a repeat is not promised to work.
		expect(description).not.toMatch(/safe/);
		expect(description).toMatch(/check its values/);
	});

	it.each([502, 503, 504])(
		'%s: retried with backoff; an item that keeps failing reports the attempts and the last Retry-After',
		async (status) => {
			const retryAfter = status === 503 ? '1' : undefined;
			sim.addFault({
				kind: 'status',
				status,
				retryAfter,
				match: { path: '/upsert', predicate: firstAttemptOf([1, 64, 128, 197]) },
			});
			sim.addFault({
				kind: 'status',
				status,
				retryAfter,
				match: { path: '/upsert', predicate: everyAttemptOf([77]) },
			});
			const result = await runBatch({ maxAttempts: 2 });
			const last = retryAfter ? ` \\(last Retry-After: ${retryAfter}\\)` : '';
			expectEveryItemAccountedFor(result, {
				row: `${status}${retryAfter ? ' with Retry-After' : ''} (retried; one item fails on every attempt)`,
				failed: [77],
				message: new RegExp(`Kizen was unavailable \\(HTTP ${status}\\) after 2 attempts${last}$`),
				maxAttempts: 2,
			});
			expect(requestsFor(64).map((r) => r.status)).toEqual([status, 201]);
			const [first, second] = requestsFor(64);
			// Retry-After: 1 is honoured; otherwise the first backoff is at least 250 ms.
			expect(second.receivedAt - first.respondedAt!).toBeGreaterThanOrEqual(retryAfter ? 995 : 240);
		},
	);
});

describe('dropped connections', () => {
	it.each([
		['before', false],
		['after', true],
	] as const)(
		'dropped %s Kizen applied the write: retried, never duplicated',
		async (when, written) => {
			sim.addFault({
				kind: 'drop',
				when,
				match: { path: '/upsert', predicate: firstAttemptOf([2, 50, 51, 180]) },
			});
			sim.addFault({
				kind: 'drop',
				when,
				match: { path: '/upsert', predicate: everyAttemptOf([90, 91]) },
			});
			const result = await runBatch({ maxAttempts: 2 });
			expectEveryItemAccountedFor(result, {
				row: `connection dropped ${when} the write`,
				failed: [90, 91],
				message:
					/The connection to Kizen was lost \(ECONNRESET\) and Kizen was unavailable after 2 attempts$/,
				failedWritten: written,
				maxAttempts: 2,
			});
			expect(requestsFor(50).map((r) => r.status)).toEqual([null, written ? 200 : 201]);
			// Dropped after the write: the retry finds the record the lost attempt created.
			expect(result.items('Kizen')[50].action).toBe(written ? 'updated' : 'created');
		},
	);
});

describe('a response slower than the timeout', () => {
	it('is abandoned after Timeout, retried, and an item that never answers in time fails with that reason', async () => {
		// Kizen answers these 4 s late; Timeout is 1 s.
		sim.addFault({
			kind: 'slow',
			delayMs: 4000,
			match: { path: '/upsert', predicate: firstAttemptOf([4, 44, 144]) },
		});
		sim.addFault({
			kind: 'slow',
			delayMs: 4000,
			match: { path: '/upsert', predicate: everyAttemptOf([160]) },
		});
		const result = await runBatch({ maxAttempts: 2, timeoutSeconds: 1 });
		const nodeFinishedAt = Date.now();
		expectEveryItemAccountedFor(result, {
			row: 'answer slower than Timeout (after the write)',
			failed: [160],
			message: /Kizen did not answer within 1 s \(timed out after 2 attempts\)$/,
			failedWritten: true, // the slow answer comes after the write
			maxAttempts: 2,
		});
		expect(result.items('Kizen')[44].action).toBe('updated');
		// The node gave up at the timeout, not when the answer came: it had retried and finished
		// before any slow answer was sent. (Wait for those answers, so the next test starts clean.)
		while (sim.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 50));
		for (const item of [4, 44, 144, 160]) {
			const [slow, retry] = requestsFor(item);
			expect(slow.fault).toBe('slow');
			expect(retry.receivedAt).toBeGreaterThan(slow.receivedAt);
			expect(slow.respondedAt).toBeGreaterThan(nodeFinishedAt);
		}
	});
});

describe('an HTML body', () => {
	it('is not proof of a write: retried like a 502, and an item that keeps getting it fails naming the Base URL', async () => {
		const html = [7, 8, 130];
		sim.addFault({ kind: 'html', match: { path: '/upsert', predicate: everyAttemptOf(html) } });
		sim.addFault({ kind: 'html', match: { path: '/upsert', predicate: firstAttemptOf([9, 99]) } });
		const result = await runBatch({ maxAttempts: 3 });
		expectEveryItemAccountedFor(result, {
			row: 'an HTML page with 200',
			failed: html,
			message: /Kizen answered with a web page instead of data \(HTTP 200, 3 attempts\)$/,
			maxAttempts: 3,
		});
		expect(requestsFor(99).map((r) => r.fault)).toEqual(['html', null]);
		expect(result.rawItems('Kizen')[7].json.error).toMatch(/Base URL/);
	});
});

// ---------------------------------------------------------------------------------------------
// Issue 9: every answer Kizen or the network can give
// ---------------------------------------------------------------------------------------------

describe('a 2xx answer that is not the record asked for', () => {
	it.each(['empty', 'truncated', 'array', 'string', 'no-id', 'html'] as const)(
		'%s body: never an output item; retried like a 502 (after or before the write), an item that keeps getting it fails',
		async (shape) => {
			// First attempts of some items: the write happened, the answer is broken.
			sim.addFault({
				kind: 'body',
				shape,
				when: 'after',
				match: { path: '/upsert', predicate: firstAttemptOf([0, 61, 122, 183]) },
			});
			// Every attempt of one item, before the write: Kizen never confirms it.
			sim.addFault({
				kind: 'body',
				shape,
				when: 'before',
				match: { path: '/upsert', predicate: everyAttemptOf([99]) },
			});
			const result = await runBatch({ maxAttempts: 2 });
			expectEveryItemAccountedFor(result, {
				row: `200 with ${shape === 'no-id' ? 'a record without an id' : shape === 'html' ? 'an HTML page (after the write)' : `a${shape === 'empty' || shape === 'array' ? 'n' : ''} ${shape} body`}`,
				failed: [99],
				message: /Kizen answered HTTP 200 with .+, after 2 attempts$|web page instead of data \(HTTP 200, 2 attempts\)$/,
				maxAttempts: 2,
			});
			// The retry of a written item finds the record the broken answer did not confirm.
			expect(requestsFor(61).map((r) => r.fault)).toEqual(['body', null]);
			expect(result.items('Kizen')[61].action).toBe('updated');
		},
	);
});

describe('a redirect', () => {
	it.each([302, 307])(
		'%s to another origin: never followed, the key never leaves, the item names the origin',
		async (status) => {
			sim.addFault({
				kind: 'redirect',
				status,
				location: `${other.url}/api/records/client_client/upsert`,
				match: { path: '/upsert', predicate: everyAttemptOf([5, 105]) },
			});
			const result = await runBatch({ maxAttempts: 3 });
			expectEveryItemAccountedFor(result, {
				row: `${status} redirect to another origin`,
				failed: [5, 105],
				message: new RegExp(
					`Kizen's address answered with a redirect \\(HTTP ${status}\\) to ${other.url.replace(/[.]/g, '\\.')}$`,
				),
				maxAttempts: 1,
			});
			expect(result.rawItems('Kizen')[5].json.error).toMatch(/Correct the Base URL/);
			expect(other.requests).toEqual([]);
		},
	);

	it('of the object read fails every item on its own, and reaches nobody', async () => {
		sim.addFault({ kind: 'redirect', status: 301, location: `${other.url}/`, match: { path: '/custom-objects/' } });
		const result = await runBatch();
		const out = result.rawItems('Kizen');
		expect(out).toHaveLength(N);
		out.forEach((item, i) => {
			expect(isOwnErrorItem(item, i)).toBe(true);
			expect(item.json.message).toMatch(/^Reading the object "client_client": Kizen's address answered with a redirect \(HTTP 301\)/);
		});
		expect(upserts()).toEqual([]);
		expect(other.requests).toEqual([]);
	});
});

describe('the object schema read', () => {
	it('is retried like any read: one 502 and one cut-off answer fail nothing', async () => {
		sim.addFault({ kind: 'status', status: 502, times: 1, match: { path: '/fields' } });
		sim.addFault({ kind: 'body', shape: 'truncated', times: 1, match: { method: 'GET', path: '/custom-objects/client_client' } });
		const result = await runBatch();
		expectEveryItemAccountedFor(result, { row: 'schema read: a 502 and a cut-off answer, once each', maxAttempts: 1 });
		expect(sim.requests.filter((r) => r.path.endsWith('/fields')).map((r) => r.status)).toEqual([502, 200]);
	});

	it('that keeps failing fails each item with its own number; nothing is written', async () => {
		sim.addFault({ kind: 'status', status: 503, retryAfter: '0', match: { path: '/fields' } });
		const result = await runBatch({ maxAttempts: 2 });
		const out = result.rawItems('Kizen');
		expect(result.error).toBeUndefined();
		expect(out).toHaveLength(N);
		out.forEach((item, i) => {
			expect(isOwnErrorItem(item, i)).toBe(true);
			expect(item.json.message).toBe(
				'Reading the object "client_client": Kizen was unavailable (HTTP 503) after 2 attempts (last Retry-After: 0)',
			);
			expect(item.json.error).toMatch(/Kizen request ID: \S+/);
		});
		// Read once per execution (2 attempts), not once per item.
		expect(sim.requests.filter((r) => r.path.endsWith('/fields'))).toHaveLength(2);
		expect(upserts()).toEqual([]);
		ledger.push({ fault: 'schema read: 503 on every attempt', items: N, writtenOnce: 0, ownError: out.filter((item, i) => isOwnErrorItem(item, i)).length, lost: N - out.length, duplicated: 0, keyLeaks: other.requests.length });
	});
});

describe('when the node cannot start on the items at all', () => {
	const refusedCredential = () => ({ ...credentialsFor(sim), baseUrl: `${sim.url}?token=x` });

	it('Continue: every input becomes its own error item with pairedItem; nothing is sent', async () => {
		const result = await runKizen(sim, upsertParams(), batch(), { onError: 'continueRegularOutput' }, refusedCredential());
		const out = result.rawItems('Kizen');
		expect(result.error).toBeUndefined();
		expect(out).toHaveLength(N);
		out.forEach((item, i) => {
			expect(isOwnErrorItem(item, i)).toBe(true);
			expect(item.json.message).toMatch(/^Kizen credential: .* must not contain a query/);
		});
		expect(sim.requests).toEqual([]);
		ledger.push({ fault: 'credential refused (Base URL with a query)', items: N, writtenOnce: 0, ownError: out.filter((item, i) => isOwnErrorItem(item, i)).length, lost: N - out.length, duplicated: 0, keyLeaks: 0 });
	});

	it('Continue (using error output): every input leaves on the error branch, with its input row', async () => {
		const result = await runKizenWith(sim, upsertParams(), batch(), {
			node: { onError: 'continueErrorOutput' },
			credentials: refusedCredential(),
			afterInput: true,
		});
		const [ok, errors] = result.nodeOutput('Kizen');
		expect(ok).toEqual([]);
		expect(errors.map((item) => item.pairedItem)).toEqual(Array.from({ length: N }, (_, i) => ({ item: i })));
		expect(errors.map((item) => [item.json.email, item.json.first_name])).toEqual(batch().map((row) => [row.email, row.first_name]));
	});

	it('a Base URL that answers a web page reports the Base URL, not a missing object', async () => {
		const credentials = { ...credentialsFor(sim), baseUrl: `${sim.url}/app` };
		const result = await runKizen(sim, upsertParams({ maxAttempts: 2 }), batch(3), { onError: 'continueRegularOutput' }, credentials);
		const out = result.rawItems('Kizen');
		expect(out.map((item, i) => [isOwnErrorItem(item, i), item.json.message])).toEqual(
			[0, 1, 2].map(() => [true, 'Reading the object "client_client": Kizen answered with a web page instead of data (HTTP 200, 2 attempts)']),
		);
		expect(out[2].json.error).toMatch(/The Base URL probably points at a web page/);
	});

	it('Stop (n8n’s default): the run fails, nothing passes through as success', async () => {
		const result = await runKizen(sim, upsertParams(), batch(), {}, refusedCredential());
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Kizen credential: .* must not contain a query/);
		expect(result.rawItems('Kizen')).toEqual([]);
		expect(sim.requests).toEqual([]);
	});
});

describe('stopping on error (n8n’s default) with requests in flight', () => {
	it('an invalid item stops the node before anything is written', async () => {
		const items = batch();
		(items[150] as Record<string, unknown>).mobile_phone = '555-0199';
		const result = await runKizen(sim, upsertParams(), items);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^"Mobile Phone" \(mobile_phone\) cannot take "555-0199"/);
		// n8n names the item from the error's itemIndex ("[item 150]" in the editor).
		expect(itemNamedBy(result.error)).toBe(150);
		expect(result.error?.description).toMatch(/0 of 200 items were written to Kizen before it/);
		expect(upserts()).toEqual([]);
	});

	it.each([
		['Create or Update', 'upsert', /Running the node again is safe/],
		['Create', 'create', /Running Create again would duplicate those/],
	] as const)(
		'%s: after an API failure no new request starts, those in flight finish, and the error says which items were written',
		async (_label, operation, again) => {
			// Items 0–7 start together (Fixed 8 in flight); every request but item 3's is held 1.5 s.
			sim.addFault({ kind: 'status', status: 400, body: { non_field_errors: ['Refused.'] }, match: { predicate: (info) => itemFrom(info) === 3 } });
			sim.addFault({ kind: 'slow', delayMs: 1500, match: { predicate: (info) => itemFrom(info) !== 3 && info.method === 'POST' } });
			const options = { concurrencyMode: 'fixed', maxConcurrency: 8 };
			const parameters =
				operation === 'upsert'
					? upsertParams(options)
					: { object: byName(CONTACTS), fields: autoMap(), operation, options };
			const result = await runKizen(sim, parameters, batch());
			expect(result.status).toBe('error');
			expect(result.error?.message).toBe('Kizen rejected the record: Refused.');
			expect(itemNamedBy(result.error)).toBe(3);
			expect(result.error?.description).toMatch(/7 of 200 items were written to Kizen before it \(items 0–2, 4–7\); the others were not sent\./);
			expect(result.error?.description).toMatch(again);
			const posts = sim.requests.filter((r) => r.method === 'POST');
			expect(posts.map(itemFrom).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
			expect(sim.records(CONTACTS).live.filter((r) => r.identifier.endsWith('@faults.example'))).toHaveLength(7);
		},
	);
});

describe('Create (not idempotent) after a doubtful answer', () => {
	const created = () => sim.records(CONTACTS).live.filter((r) => r.identifier.endsWith('@faults.example'));

	it('502/503/504 (JSON or an HTML proxy page) and a cut-off answer after the write: "may have been created", never retried, never "Base URL"', async () => {
		const faults: Array<[number, object]> = [
			[10, { kind: 'status', status: 502 }],
			[20, { kind: 'html', status: 503 }],
			[30, { kind: 'status', status: 504, retryAfter: '0' }],
			[40, { kind: 'body', shape: 'truncated', when: 'after' }],
			[50, { kind: 'body', shape: 'empty', when: 'after' }],
			[60, { kind: 'drop', when: 'after' }],
		];
		for (const [item, fault] of faults) sim.addFault({ ...fault, match: { path: '/add', predicate: (info: RequestInfo) => itemFrom(info) === item } } as never);
		const result = await runKizen(sim, { object: byName(CONTACTS), fields: autoMap(), operation: 'create', options: { maxAttempts: 5 } }, batch(100), { onError: 'continueRegularOutput' });
		const out = result.rawItems('Kizen');
		expect(out).toHaveLength(100);
		for (const [item] of faults) {
			expect(isOwnErrorItem(out[item], item)).toBe(true);
			expect(out[item].json.error).toMatch(/^The record may have been created: check in Kizen before running this item again\./);
			expect(out[item].json.error).not.toMatch(/Base URL|safe/);
		}
		expect(out[20].json.message).toMatch(/Kizen was unavailable \(HTTP 503\) after 1 attempt$/);
		// Each request sent once; the writes that happened exist once.
		const adds = sim.requests.filter((r) => r.path.endsWith('/add'));
		expect(adds).toHaveLength(100);
		const identifiers = created().map((r) => r.identifier);
		expect(new Set(identifiers).size).toBe(identifiers.length);
		expect(identifiers).toHaveLength(100 - 3); // 502, 503 and 504 came before any write here
		ledger.push({ fault: 'Create: 502/503/504, cut-off or empty answers, drop after the write', items: 100, writtenOnce: out.filter((item) => !isErrorItem(item)).length, ownError: out.filter((item, i) => isOwnErrorItem(item, i)).length, lost: 100 - out.length, duplicated: identifiers.length - new Set(identifiers).size, keyLeaks: other.requests.length });
	});
});

describe('a stopped execution', () => {
	it('stops waiting at once during a long Retry-After, and sends nothing more', async () => {
		sim.addFault({ kind: 'status', status: 429, retryAfter: '100', match: { path: '/upsert' } });
		let cancelledAt = 0;
		const started = Date.now();
		const items = Array.from({ length: 20 }, (_, i) => ({ email: `stop${i}@cancel.example` }));
		const result = await runKizen(sim, upsertParams(), items, {}, credentialsFor(sim), (cancel) => {
			const poll = setInterval(() => {
				if (upserts().some((r) => r.status === 429)) {
					clearInterval(poll);
					cancelledAt = Date.now();
					cancel();
				}
			}, 20);
		});
		expect(result.status).toBe('canceled');
		expect(cancelledAt).toBeGreaterThan(0);
		// Retry-After said 100 s: the run ended long before, and nothing was sent after the stop.
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(upserts().filter((r) => r.receivedAt > cancelledAt + 50)).toEqual([]);
		// Requests n8n aborted at the stop may still be closing: let them land here, not in the next test.
		await new Promise((resolve) => setTimeout(resolve, 300));
		while (sim.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 50));
	});
});

// ---------------------------------------------------------------------------------------------
// Concurrency, order and the error output
// ---------------------------------------------------------------------------------------------

describe('bounded concurrency', () => {
	it('Max Concurrent Requests = 1 sends one request at a time', async () => {
		sim.setLatency(5);
		const result = await runBatch({ maxConcurrency: 1 }, 30);
		expectEveryItemAccountedFor(result, { maxAttempts: 1, n: 30 });
		expect(sim.maxInFlight).toBe(1);
		const sent = upserts();
		for (let i = 1; i < sent.length; i++)
			expect(sent[i].receivedAt).toBeGreaterThanOrEqual(sent[i - 1].respondedAt!);
	});

	it('Fixed keeps its number in flight, never more, and the output follows the input order', async () => {
		sim.setLatency(20);
		// Answers come back out of order: every 3rd item is slower.
		sim.addFault({
			kind: 'slow',
			delayMs: 60,
			match: { path: '/upsert', predicate: (info) => itemOf(info) % 3 === 0 },
		});
		const result = await runBatch({ concurrencyMode: 'fixed', maxConcurrency: 8 }, 80);
		expectEveryItemAccountedFor(result, { maxAttempts: 1, n: 80 });
		expect(sim.maxInFlight).toBe(8);
		expect(result.items('Kizen')).toEqual(
			Array.from({ length: 80 }, (_, i) => expect.objectContaining({ email: emailOf(i) })),
		);
	});

	it('the adaptive default starts with a few requests, grows while Kizen keeps up, and never passes Max Concurrent Requests', async () => {
		sim.setLatency(20);
		const result = await runBatch({ maxConcurrency: 12 }, 150);
		expectEveryItemAccountedFor(result, { maxAttempts: 1, n: 150 });
		const sent = upserts();
		// Until the first measuring window (8 answers) is complete, at most 4 are in flight.
		expect(Math.max(...sent.slice(0, 8).map((r) => r.inFlight))).toBeLessThanOrEqual(4);
		expect(sim.maxInFlight).toBeGreaterThanOrEqual(8);
		expect(sim.maxInFlight).toBeLessThanOrEqual(12);
		expect(result.items('Kizen')).toEqual(
			Array.from({ length: 150 }, (_, i) => expect.objectContaining({ email: emailOf(i) })),
		);
	});

	it('with the error output, failed items leave on the second output with their pairedItem; the rest stay in order', async () => {
		const bad = [3, 30, 33];
		sim.addFault({
			kind: 'status',
			status: 500,
			match: { path: '/upsert', predicate: everyAttemptOf(bad) },
		});
		const result = await runKizenWith(sim, upsertParams(), batch(), {
			node: { onError: 'continueErrorOutput' },
			afterInput: true,
		});
		const [ok, errors] = result.nodeOutput('Kizen');
		expect(errors.map((item) => item.pairedItem)).toEqual(bad.map((item) => ({ item })));
		// Each carries its failed input row next to the message (n8n merges it in), to fix and replay.
		expect(errors.map((item) => item.json)).toEqual(
			bad.map((i) => ({
				email: emailOf(i),
				first_name: `F${i}`,
				message: expect.stringMatching(/HTTP 500/),
				error: expect.stringMatching(/Kizen request ID: req-\d+/),
			})),
		);
		const expected = Array.from({ length: N }, (_, i) => i).filter((i) => !bad.includes(i));
		expect(ok.map((item) => item.pairedItem)).toEqual(expected.map((item) => ({ item })));
		expect(
			sim.records(CONTACTS).live.filter((r) => r.identifier.endsWith('@faults.example')),
		).toHaveLength(N - bad.length);
	});
});

// ---------------------------------------------------------------------------------------------
// The transport itself: requests that are not idempotent, settings, cancellation
// ---------------------------------------------------------------------------------------------

/** A minimal node that sends the request each input item describes through KizenClient. */
class TransportProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Transport Probe',
		name: 'kizenTransportProbe',
		group: ['transform'],
		version: 1,
		description: 'Sends raw requests through the Kizen transport',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'kizenApi', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const client = await KizenClient.create(this, {
			...DEFAULT_REQUEST_SETTINGS,
			timeoutMs: 1000,
			maxAttempts: 3,
		});
		const out: INodeExecutionData[] = [];
		for (const [index, item] of this.getInputData().entries()) {
			const response = await client.request(item.json as unknown as KizenRequest);
			const { statusCode, attempts, networkCode: code = null, retryAfter = null } = response;
			out.push({
				json: { statusCode, attempts, networkCode: code, retryAfter },
				pairedItem: { item: index },
			});
		}
		return [out];
	}
}

async function probe(request: KizenRequest, credentials = credentialsFor(sim)) {
	const result = await engine.runWorkflow({
		workflow: {
			nodes: [
				{
					id: 'probe',
					name: 'Probe',
					type: 'kizenTransportProbe',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
			],
			connections: {},
		},
		nodeTypes: { kizenTransportProbe: new TransportProbe() },
		credentialTypes: { kizenApi: new KizenApi() },
		credentials: { kizenApi: credentials },
		inputItems: [{ json: request as never }],
	});
	expect(result.error).toBeUndefined();
	return result.items('Probe')[0];
}

describe('a request that is not idempotent (Create)', () => {
	const add = (name: string, idempotent = false): KizenRequest => ({
		method: 'POST',
		path: '/api/records/companies/add',
		body: { fields: [{ id: sim.field('companies', 'name').id, value: name }] },
		idempotent,
		expect: 'record',
	});
	const adds = () => sim.requests.filter((r) => r.path.endsWith('/add'));
	const companies = (name: string) =>
		sim.records('companies').live.filter((r) => r.identifier === name);

	it.each([
		['dropped before the write', { kind: 'drop', when: 'before' }, 'ECONNRESET', 0],
		['dropped after the write', { kind: 'drop', when: 'after' }, 'ECONNRESET', 1],
		['slower than the timeout', { kind: 'slow', delayMs: 1500 }, 'ETIMEDOUT', 1],
	] as const)(
		'is never repeated once it may have reached Kizen: %s',
		async (_, fault, code, written) => {
			sim.addFault({ ...fault, match: { path: '/add' } });
			expect(await probe(add('Once Co'))).toEqual({
				statusCode: 0,
				attempts: 1,
				networkCode: code,
				retryAfter: null,
			});
			expect(adds()).toHaveLength(1);
			expect(companies('Once Co')).toHaveLength(written);
		},
	);

	it.each([502, 503, 504])(
		'is not repeated after a %s (Kizen may have done the work)',
		async (status) => {
			sim.addFault({ kind: 'status', status, retryAfter: '0', match: { path: '/add' } });
			expect(await probe(add('Gateway Co'))).toMatchObject({ statusCode: status, attempts: 1 });
			expect(adds()).toHaveLength(1);
		},
	);

	it('is repeated after a 429 (refused unprocessed), creating one record', async () => {
		sim.addFault({
			kind: 'status',
			status: 429,
			retryAfter: '0',
			times: 1,
			match: { path: '/add' },
		});
		expect(await probe(add('Throttled Co'))).toEqual({
			statusCode: 201,
			attempts: 2,
			networkCode: null,
			retryAfter: '0',
		});
		expect(adds().map((r) => r.status)).toEqual([429, 201]);
		expect(companies('Throttled Co')).toHaveLength(1);
	});

	it('is repeated when the connection was never made', async () => {
		const closed = await startSimulator({ port: 0 });
		const url = closed.url;
		await closed.close();
		const response = await probe(add('Nowhere Co'), { ...credentialsFor(sim), baseUrl: url });
		expect(response).toMatchObject({ statusCode: 0, attempts: 3, networkCode: 'ECONNREFUSED' });
	});

	it('while an idempotent request is repeated after the same drop', async () => {
		sim.addFault({ kind: 'drop', when: 'after', times: 1, match: { path: '/upsert' } });
		const upsert: KizenRequest = {
			method: 'POST',
			path: '/api/records/companies/upsert',
			body: { lookup_value: 'Twice Co' },
			idempotent: true,
			expect: 'record',
		};
		expect(await probe(upsert)).toMatchObject({ statusCode: 200, attempts: 2 });
		expect(companies('Twice Co')).toHaveLength(1);
	});
});

describe('transport details', () => {
	it('reads Retry-After as seconds or an HTTP date', () => {
		expect(retryAfterMs('2')).toBe(2000);
		expect(retryAfterMs(undefined)).toBeUndefined();
		expect(retryAfterMs('soon')).toBeUndefined();
		const inThree = new Date(Date.now() + 3000).toUTCString();
		expect(retryAfterMs(inThree)).toBeGreaterThan(1000);
		expect(retryAfterMs(inThree)).toBeLessThanOrEqual(3000);
		expect(retryAfterMs(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
	});

	it('recognises network failures the way n8n-core wraps them, and nothing else', () => {
		expect(networkCode({ httpCode: 'ECONNRESET', messages: ['socket hang up'] })).toBe(
			'ECONNRESET',
		);
		expect(
			networkCode({ httpCode: 'ECONNABORTED', messages: ['timeout of 1000ms exceeded'] }),
		).toBe('ETIMEDOUT');
		expect(networkCode({ message: 'x', cause: { code: 'ECONNREFUSED' } })).toBe('ECONNREFUSED');
		expect(networkCode({ code: 'ERR_CANCELED', message: 'canceled' })).toBe('ERR_CANCELED');
		// Node refusing a header value is not a network failure: never retried, never "connection lost".
		expect(
			networkCode({ code: 'ERR_INVALID_CHAR', message: 'Invalid character in header content' }),
		).toBeUndefined();
		expect(networkCode({ httpCode: '400', message: 'Bad request' })).toBeUndefined();
		expect(networkCode(new Error('Cannot read properties of undefined'))).toBeUndefined();
	});

	it('turns option values an expression may produce into safe settings', () => {
		const defaults = {
			timeoutMs: 30_000,
			maxAttempts: 5,
			rateLimitWaitMs: 300_000,
			concurrency: { mode: 'adaptive', maxConcurrency: 32 },
		};
		expect(requestSettingsFrom({})).toEqual(defaults);
		expect(
			requestSettingsFrom({
				maxConcurrency: 'lots',
				maxAttempts: 'many',
				timeoutSeconds: 'long',
				rateLimitWaitSeconds: 'forever',
				concurrencyMode: 'turbo',
			}),
		).toEqual(defaults);
		expect(
			requestSettingsFrom({
				maxConcurrency: 0,
				maxAttempts: 1e9,
				timeoutSeconds: 2.5,
				rateLimitWaitSeconds: -5,
				concurrencyMode: 'fixed',
			}),
		).toEqual({
			timeoutMs: 2500,
			maxAttempts: 10,
			rateLimitWaitMs: 0,
			concurrency: { mode: 'fixed', maxConcurrency: 1 },
		});
		expect(requestSettingsFrom({ maxConcurrency: 500, rateLimitWaitSeconds: 1e9 })).toMatchObject({
			rateLimitWaitMs: 3_600_000,
			concurrency: { maxConcurrency: 50 },
		});
	});

	it('sends nothing more once the execution is cancelled', async () => {
		const controller = new AbortController();
		const send = jest.fn();
		const ctx = {
			getCredentials: async () => credentialsFor(sim),
			getNode: () => ({ name: 'Kizen' }),
			getExecutionCancelSignal: () => controller.signal,
			helpers: { httpRequestWithAuthentication: send },
		} as unknown as IExecuteFunctions;
		const client = await KizenClient.create(ctx, { ...DEFAULT_REQUEST_SETTINGS, timeoutMs: 1000 });
		controller.abort();
		const response = await client.request({
			method: 'GET',
			path: '/api/custom-objects',
			idempotent: true,
			expect: 'page',
		});
		expect(response).toMatchObject({ statusCode: 0, networkCode: 'ERR_CANCELED', attempts: 0 });
		expect(send).not.toHaveBeenCalled();
	});
});

// ---------------------------------------------------------------------------------------------
// README's resilience table is this ledger
// ---------------------------------------------------------------------------------------------

describe('README', () => {
	it('shows the resilience table these runs measured', () => {
		// Only a full run of this file fills the ledger (a filtered run skips this test by name).
		expect(ledger.length).toBeGreaterThanOrEqual(20);
		const header = [
			'| Fault | items | written once | failed, each with its own error item | lost | duplicated | API key sent elsewhere |',
			'| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
		];
		const rows = ledger.map(
			(row) =>
				`| ${row.fault} | ${row.items} | ${row.writtenOnce} | ${row.ownError} | ${row.lost} | ${row.duplicated} | ${row.keyLeaks} |`,
		);
		const table = [...header, ...rows].join('\n');
		const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
		const shown = /<!-- resilience-table:start -->\n([\s\S]*?)\n<!-- resilience-table:end -->/.exec(readme)?.[1];
		// When this fails, paste the measured table (written next to the test run's output) between
		// the markers in README.md.
		if (shown !== table) writeFileSync(join(tmpdir(), 'kizen-resilience-table.md'), `${table}\n`);
		expect(shown).toBe(table);
		for (const row of ledger) expect([row.lost, row.duplicated, row.keyLeaks]).toEqual([0, 0, 0]);
	});
});
