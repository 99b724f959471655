/**
 * `npm run probe` (scripts/probe.cjs) against the simulator: what CI runs instead of a real tenant.
 * The simulator implements every [I] choice of KIZEN-API.md, so every assumption the probe can
 * test there must come back confirmed, the scratch records must end archived, and a read-only run
 * must write nothing. A double that answers differently must come back contradicted.
 */
import { spawnSync } from 'node:child_process';
import path = require('node:path');

import type { Simulator } from '../simulator/kizen-simulator.cjs';

const {
	startSimulator,
}: typeof import('../simulator/kizen-simulator.cjs') = require('../simulator/kizen-simulator.cjs');
const probe = require('../scripts/probe.cjs') as {
	runProbe(options: Record<string, unknown>): Promise<ProbeReport>;
	table(results: ProbeResult[]): string;
	ASSUMPTIONS: Array<{ id: string; write: boolean }>;
};

interface ProbeResult {
	id: string;
	outcome: 'confirmed' | 'contradicted' | 'not tested';
	detail: string;
	requestIds: string[];
}
interface ProbeReport {
	results: ProbeResult[];
	created: string[];
	cleanup: Array<{ id: string; archive: number; afterwards: number }>;
}

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

const run = (object: string, write: boolean) =>
	probe.runProbe({ baseUrl: sim.url, ...sim.credentials, write, object, runId: 'test' });
const outcomes = (report: ProbeReport) =>
	Object.fromEntries(report.results.map((r) => [r.id, r.outcome]));

it('confirms every assumption against the simulator (Contacts and a custom object together), with request IDs', async () => {
	const contacts = await run('client_client', true);
	const companies = await run('companies', true);
	for (const id of probe.ASSUMPTIONS.map((a) => a.id)) {
		const seen = [outcomes(contacts)[id], outcomes(companies)[id]];
		expect([id, seen.includes('contradicted')]).toEqual([id, false]);
		expect([id, seen.includes('confirmed')]).toEqual([id, true]);
	}
	for (const r of [...contacts.results, ...companies.results].filter(
		(x) => x.outcome !== 'not tested',
	)) {
		expect(r.requestIds.length).toBeGreaterThan(0);
		for (const requestId of r.requestIds)
			expect(sim.requests.some((q) => q.requestId === requestId)).toBe(true);
	}
	const printed = probe.table(contacts.results);
	expect(printed).toMatch(/^assumption +result +evidence +Kizen request IDs/);
	expect(printed).toMatch(/prompt-conflict +confirmed +HTTP 400/);
});

it('archives every scratch record it created and touches no other record', async () => {
	const before = sim
		.records('client_client')
		.live.map((r) => r.id)
		.sort();
	const report = await run('client_client', true);
	expect(report.created.length).toBeGreaterThanOrEqual(2);
	expect(report.cleanup.every((c) => c.afterwards === 404)).toBe(true);
	expect(
		sim
			.records('client_client')
			.live.map((r) => r.id)
			.sort(),
	).toEqual(before);
	const scratch = sim
		.records('client_client')
		.archived.filter((r) => r.identifier.includes('n8n-kizen-probe-test'));
	expect(scratch.length).toBeGreaterThanOrEqual(2);
	// Writes only ever named the scratch records: by identifier (POST) or by a new record's id.
	const writes = sim.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/search'));
	for (const w of writes) {
		const target =
			w.method === 'POST'
				? (w.body?.lookup_value ?? w.body?.fields?.[0]?.value)
				: w.path.split('/')[4];
		expect([w.method, w.path, String(target)]).toEqual([
			w.method,
			w.path,
			expect.stringMatching(/^n8n-kizen-probe-test|^ec0d0001-/),
		]);
	}
});

it('only reads without --write', async () => {
	const report = await run('client_client', false);
	expect(sim.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/search'))).toEqual([]);
	for (const r of report.results.filter(
		(x) => probe.ASSUMPTIONS.find((a) => a.id === x.id)!.write,
	)) {
		expect([r.id, r.outcome, r.detail]).toEqual([r.id, 'not tested', 'needs --write']);
	}
	expect(outcomes(report)['wrong-key-401']).toBe('confirmed');
});

it('reports contradicted when Kizen answers otherwise (a 409 for the archived-record conflict)', async () => {
	let promptCalls = 0;
	sim.addFault({
		kind: 'status',
		status: 409,
		body: { detail: 'Conflict.', code: 'conflict' },
		match: {
			method: 'POST',
			path: '/upsert',
			// The second upsert of scratch record 2 without a policy is the prompt check.
			predicate: (info) =>
				/-2@example\.com$/.test(info.body?.lookup_value ?? '') &&
				info.body?.oncreate_unarchive === undefined &&
				++promptCalls === 2,
		},
	});
	const report = await run('client_client', true);
	const prompt = report.results.find((r) => r.id === 'prompt-conflict')!;
	expect(prompt.outcome).toBe('contradicted');
	expect(prompt.detail).toMatch(/^HTTP 409/);
	expect(report.cleanup.every((c) => c.afterwards === 404)).toBe(true);
});

it('reports contradicted when Kizen does not sort oldest first, or misses the boundary record', async () => {
	const stamped = (id: string, updated: string) => ({
		id,
		fields: { [id]: { id, name: 'updated', field_type: 'datetime', value: updated } },
	});
	const isSearch = (info: { body?: any; query: Record<string, string> }, condition: string) =>
		info.body?.query?.[0]?.filters?.[0]?.condition === condition;
	// Ascending asked, newest first answered.
	sim.addFault({
		kind: 'status',
		status: 200,
		body: {
			count: 2,
			next: null,
			previous: null,
			results: [
				stamped('b', '2026-01-02T00:00:00.000000-05:00'),
				stamped('a', '2026-01-01T00:00:00.000000-05:00'),
			],
		},
		match: {
			path: '/search',
			predicate: (info) => info.query.ordering === 'updated' && isSearch(info, '>'),
		},
	});
	// The trigger's >= finds nothing, not even the record it was taken from.
	sim.addFault({
		kind: 'status',
		status: 200,
		body: { count: 0, next: null, previous: null, results: [] },
		match: { path: '/search', predicate: (info) => isSearch(info, '>=') },
	});
	const report = await run('companies', true);
	expect(outcomes(report)['ordering-asc']).toBe('contradicted');
	expect(outcomes(report)['updated-boundary']).toBe('contradicted');
	expect(outcomes(report)['ordering-desc']).toBe('confirmed');
});

it('refuses to run without the four KIZEN_ variables, sending nothing', () => {
	const env = { ...process.env };
	for (const name of ['KIZEN_BASE_URL', 'KIZEN_API_KEY', 'KIZEN_USER_ID', 'KIZEN_BUSINESS_ID'])
		delete env[name];
	const result = spawnSync(
		process.execPath,
		[path.join(__dirname, '../scripts/probe.cjs'), '--write'],
		{ env, encoding: 'utf8' },
	);
	expect(result.status).toBe(2);
	expect(result.stderr).toMatch(
		/Set KIZEN_BASE_URL, KIZEN_API_KEY, KIZEN_USER_ID, KIZEN_BUSINESS_ID.*Nothing was sent/,
	);
});
