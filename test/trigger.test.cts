/**
 * Kizen Trigger: polled as n8n's server polls an active workflow (test/harness/poll.cts: n8n-core's
 * PollContext, static data kept in memory between polls and saved on emit), against the simulator.
 * Records are changed between polls (and during one) the way Kizen users change them
 * (sim.addRecord / sim.updateRecord, and the Kizen node), and every search the trigger sends is
 * checked against Kizen's recorded search payloads.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { LATE_WINDOW_MS, MAX_SEEN, timeKey } from '../nodes/KizenTrigger/changes';

const {
	byName,
	credentialsFor,
	defineBelow,
	kizenPoller,
	runKizen,
	searchRequests,
	useSimulator,
}: typeof import('./helpers/kizen.cjs') = require('./helpers/kizen.cts');

const sim = useSimulator();

const companies = { object: byName('companies') };
const ids = (items: INodeExecutionData[] | null | undefined) => (items ?? []).map((i) => i.json.id);
const events = (items: INodeExecutionData[] | null | undefined) =>
	(items ?? []).map((i) => [i.json.name, i.json.event]);
const position = (data: IDataObject | undefined) => structuredClone(data?.position);
const addCompany = (name: string, fields: IDataObject = {}) =>
	sim.addRecord('companies', { identifier: name, fields });
const searches = () => searchRequests(sim);

/** The next search gets `page` as a 200 answer instead of the simulator's own. */
const answerNextSearch = (page: IDataObject) =>
	sim.addFault({ kind: 'status', status: 200, times: 1, match: { path: '/search' }, body: page });

/** Activates a trigger on Companies (created or updated) and checks that it emitted nothing. */
async function activated(parameters: INodeParameters = companies) {
	const poller = kizenPoller(sim, parameters);
	expect(await poller.activate()).toBeNull();
	sim.clearRequests();
	return poller;
}

describe('first activation', () => {
	it('emits nothing old and starts from Kizen’s newest record, not from the n8n clock', async () => {
		const poller = kizenPoller(sim, companies);
		expect(await poller.activate()).toBeNull();
		const [start] = searches();
		// The newest records of the object, no filter: what exists now is old.
		expect(start.query).toMatchObject({ ordering: '-updated', page: '1', page_size: '100' });
		expect(start.body).toEqual({ and: true, query: [], field_names: ['name', 'updated'] });
		// Saved right after the activation (as n8n does): a restart continues from here.
		expect(poller.saved?.position).toEqual(poller.staticData.position);
		expect((await poller.poll()).items).toBeNull();
		expect(poller.executions).toEqual([]);
	});

	it('an object without records starts from now', async () => {
		for (const rec of sim.records('deals').live) sim.updateRecord('deals', rec.id, {});
		const empty = kizenPoller(sim, { object: byName('client_client') });
		for (const rec of sim.records('client_client').live)
			await runKizen(
				sim,
				{
					resource: 'record',
					operation: 'archive',
					object: byName('client_client'),
					recordId: rec.id,
				},
				[{}],
			);
		expect(await empty.activate()).toBeNull();
		expect((empty.staticData.position as IDataObject).seen).toEqual({});
		const ada = sim.addRecord('client_client', { identifier: 'new.person@example.com' });
		expect(ids((await empty.poll()).items)).toEqual([ada.id]);
	});
});

describe('changes between polls', () => {
	it('emits records created and updated since the last poll once each, oldest first, with their event', async () => {
		const poller = await activated();
		const a = addCompany('Alpha Co');
		const b = addCompany('Beta Co');
		const acme = sim.records('companies').live.find((r) => r.identifier === 'Acme Corp')!;
		sim.updateRecord('companies', acme.id, { employee_count: 251 });
		const first = (await poller.poll()).items;
		expect(events(first)).toEqual([
			['Alpha Co', 'created'],
			['Beta Co', 'created'],
			['Acme Corp', 'updated'],
		]);
		expect(ids(first)).toEqual([a.id, b.id, acme.id]);
		// Simplified: the id, the event, then the record flat as Record → Search shows it (with both times).
		expect(Object.keys(first![2].json).slice(0, 2)).toEqual(['id', 'event']);
		expect(first![2].json).not.toHaveProperty('fields');
		expect(first![2].json).toMatchObject({
			name: 'Acme Corp',
			employee_count: 251,
			created: expect.stringMatching(/-05:00$/),
			updated: expect.stringMatching(/-05:00$/),
		});
		expect((await poller.poll()).items).toBeNull();
		sim.updateRecord('companies', a.id, { employee_count: 3 });
		sim.updateRecord('companies', a.id, { employee_count: 4 });
		// Changed twice between polls: one item, as the record is now.
		expect(events((await poller.poll()).items)).toEqual([['Alpha Co', 'updated']]);
		expect(poller.executions.map(ids)).toEqual([[a.id, b.id, acme.id], [a.id]]);
		// Each search: the change filter (>= the last millisecond seen), oldest first, a full page.
		for (const request of searches()) {
			expect(request.query).toMatchObject({ ordering: 'updated', page_size: '1000' });
			expect(request.body.query[0]).toEqual({
				and: true,
				filters: [
					{
						type: 'fields',
						subtype: 'non_custom',
						field: 'updated',
						condition: '>=',
						value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
					},
				],
			});
		}
	});

	it('a write through the Kizen node is seen like any other', async () => {
		const poller = await activated({ object: byName('client_client') });
		// One upsert of two contacts: an existing one changed, a new one created.
		await runKizen(
			sim,
			{
				object: byName('client_client'),
				lookupValue: '={{ $json.email }}',
				fields: defineBelow({ first_name: '={{ $json.first_name }}' }),
				options: { maxConcurrency: 1 },
			},
			[
				{ email: 'grace@example.com', first_name: 'Grace B.' },
				{ email: 'nia@example.com', first_name: 'Nia' },
			],
		);
		const items = (await poller.poll()).items!;
		expect(items.map((i) => [i.json.email, i.json.event])).toEqual([
			['grace@example.com', 'updated'],
			['nia@example.com', 'created'],
		]);
	});

	it('records sharing one timestamp (a bulk change) come out once each, also when more arrive at that time', async () => {
		const poller = await activated();
		sim.setClock('2031-03-31T16:23:53.231000-05:00');
		const bulk = ['Bulk 1', 'Bulk 2', 'Bulk 3'].map((name) => addCompany(name));
		expect(ids((await poller.poll()).items)).toEqual(bulk.map((r) => r.id));
		const more = ['Bulk 4', 'Bulk 5'].map((name) => addCompany(name));
		expect(ids((await poller.poll()).items)).toEqual(more.map((r) => r.id));
		expect((await poller.poll()).items).toBeNull();
		sim.setClock(null);
		sim.updateRecord('companies', bulk[1].id, { employee_count: 8 });
		expect(events((await poller.poll()).items)).toEqual([['Bulk 2', 'updated']]);
	});
});

describe('a large backlog', () => {
	it('is emitted in full, in time order, over several pages', async () => {
		const poller = await activated();
		const added = Array.from({ length: 2500 }, (_, n) => addCompany(`Backlog ${n}`).id);
		const { items } = await poller.poll();
		expect(ids(items)).toEqual(added);
		expect(searches().length).toBeGreaterThanOrEqual(3);
		expect((await poller.poll()).items).toBeNull();
	});

	it('sharing one timestamp (a bulk change of 2,500 records) is emitted once each', async () => {
		const poller = await activated();
		sim.setClock('2031-01-01T00:00:00.000001Z');
		const added = Array.from({ length: 2500 }, (_, n) => addCompany(`Same ${n}`).id);
		sim.setClock(null);
		const { items } = await poller.poll();
		expect(ids(items).sort()).toEqual([...added].sort());
		expect(new Set(ids(items)).size).toBe(2500);
		// From the bulk's millisecond on, one millisecond fills every page: the trigger asks for the
		// next page of the same search instead of the same page again.
		expect(searches().map((r) => r.query.page)).toEqual(['1', '1', '2', '3']);
		expect(
			new Set(
				searches()
					.slice(1)
					.map((r) => r.body.query[0].filters[0].value),
			),
		).toEqual(new Set(['2031-01-01T00:00:00.000Z']));
		expect((await poller.poll()).items).toBeNull();
		// The position remembers at most MAX_SEEN records; the whole microsecond is behind it now.
		expect(
			Object.keys((poller.staticData.position as IDataObject).seen as object).length,
		).toBeLessThanOrEqual(MAX_SEEN);
		const after = addCompany('After the bulk');
		expect(ids((await poller.poll()).items)).toEqual([after.id]);
	});

	it('records written while the poll reads it are neither lost nor repeated', async () => {
		const poller = await activated();
		const added = Array.from({ length: 1500 }, (_, n) => addCompany(`Busy ${n}`).id);
		let late: string | undefined;
		let searchesSeen = 0;
		// While the trigger reads its second page, a user creates a record and edits one from page one.
		sim.addFault({
			kind: 'status',
			status: 500,
			match: {
				path: '/search',
				predicate: () => {
					if (++searchesSeen === 2) {
						late = addCompany('Written during the poll').id;
						sim.updateRecord('companies', added[10], { employee_count: 77 });
					}
					return false;
				},
			},
		});
		const first = ids((await poller.poll()).items);
		const second = ids((await poller.poll()).items);
		const emitted = [...first, ...second];
		expect(emitted.filter((id) => id !== added[10] && id !== late)).toEqual(
			added.filter((id) => id !== added[10]),
		);
		// Record 10 twice (created, then the edit made during the poll); the new record once.
		expect(emitted.filter((id) => id === added[10])).toHaveLength(2);
		expect(emitted.filter((id) => id === late)).toHaveLength(1);
		expect((await poller.poll()).items).toBeNull();
	});
});

describe('failures', () => {
	it('a failed poll never moves the position; the next poll emits what it missed', async () => {
		const poller = await activated();
		const a = addCompany('Missed A');
		const b = addCompany('Missed B');
		const before = position(poller.staticData);
		sim.addFault({ kind: 'status', status: 500, times: 1, match: { path: '/search' } });
		const failed = await poller.poll();
		expect(failed.error?.message).toMatch(/Kizen failed with an internal error \(HTTP 500/);
		expect(position(poller.staticData)).toEqual(before);
		expect(poller.executions).toEqual([]);
		expect(ids((await poller.poll()).items)).toEqual([a.id, b.id]);
	});

	it('a failure on a later page of a backlog emits nothing; the next poll emits all of it once', async () => {
		const poller = await activated();
		const added = Array.from({ length: 1200 }, (_, n) => addCompany(`Paged ${n}`).id);
		const before = position(poller.staticData);
		let searchesSeen = 0;
		sim.addFault({
			kind: 'status',
			status: 500,
			match: { path: '/search', predicate: () => ++searchesSeen === 2 },
		});
		expect((await poller.poll()).error?.message).toMatch(/HTTP 500/);
		expect(position(poller.staticData)).toEqual(before);
		expect(ids((await poller.poll()).items)).toEqual(added);
		expect(poller.executions).toHaveLength(1);
	});

	it('retries a transient failure through the transport and carries on', async () => {
		const poller = await activated();
		const a = addCompany('After a 503');
		sim.addFault({ kind: 'status', status: 503, times: 1, match: { path: '/search' } });
		expect(ids((await poller.poll()).items)).toEqual([a.id]);
		expect(sim.requests.filter((r) => r.path.endsWith('/search')).map((r) => r.status)).toEqual([
			503, 200,
		]);
	});

	it('a refused credential fails the activation and the poll with the credential message', async () => {
		const wrongKey = kizenPoller(sim, companies, {
			credentials: { ...credentialsFor(sim), apiKey: 'wrong-key' },
		});
		await expect(wrongKey.activate()).rejects.toThrow(/Kizen refused the credentials \(401/);
		const badBase = kizenPoller(sim, companies, {
			credentials: { ...credentialsFor(sim), baseUrl: `${sim.url}/?token=1` },
		});
		await expect(badBase.activate()).rejects.toThrow(/^Kizen credential: /);
		expect(sim.requests.filter((r) => r.query.token)).toEqual([]);

		const poller = await activated();
		addCompany('Not yet');
		const before = position(poller.staticData);
		sim.addFault({
			kind: 'status',
			status: 401,
			body: { detail: 'Invalid API key.', code: 'authentication_failed' },
		});
		const refused = await poller.poll();
		expect(refused.error?.message).toMatch(
			/Kizen refused the credentials \(401: Invalid API key\.\)/,
		);
		expect(position(poller.staticData)).toEqual(before);
	});

	it('fails loudly, without moving, when Kizen does not sort a full page by time', async () => {
		const poller = await activated();
		const newer = addCompany('Newer');
		const older = sim.addRecord('companies', {
			identifier: 'Older',
			updated: new Date(Date.now() - 1000).toISOString(),
		});
		const response = await fetch(`${sim.url}/api/records/companies/search?page_size=1000`, {
			method: 'POST',
			headers: {
				'X-API-KEY': sim.credentials.apiKey,
				'X-USER-ID': sim.credentials.userId,
				'X-BUSINESS-ID': sim.credentials.businessId,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({ and: true, query: [] }),
		});
		const { results } = (await response.json()) as { results: IDataObject[] };
		// The newer record first: not oldest first, on a page that says more follow.
		const unsorted = [newer.id, older.id].map((id) => results.find((r) => r.id === id));
		const before = position(poller.staticData);
		answerNextSearch({
			count: 3,
			next: `${sim.url}/api/records/companies/search?page=2`,
			previous: null,
			results: unsorted,
		});
		const result = await poller.poll();
		expect(result.error?.message).toMatch(
			/did not return records in "updated" order \(ordering=updated\)/,
		);
		expect(position(poller.staticData)).toEqual(before);
	});

	it('refuses a record Kizen sent without its time, without moving', async () => {
		const poller = await activated();
		addCompany('Timeless');
		const before = position(poller.staticData);
		answerNextSearch({
			count: 1,
			next: null,
			previous: null,
			results: [{ id: 'ec0d0000-0000-4000-8000-00000000abcd', fields: {} }],
		});
		expect((await poller.poll()).error?.message).toMatch(/without its "updated" time/);
		expect(position(poller.staticData)).toEqual(before);
	});
});

describe('late commits and restarts', () => {
	it('catches a change Kizen stamped up to a minute before it became visible, once', async () => {
		const poller = await activated();
		const now = addCompany('Now');
		expect(ids((await poller.poll()).items)).toEqual([now.id]);
		const stamped = new Date(Date.now() - 30_000).toISOString();
		const late = sim.addRecord('companies', {
			identifier: 'Committed late',
			created: stamped,
			updated: stamped,
		});
		expect(events((await poller.poll()).items)).toEqual([['Committed late', 'created']]);
		expect((await poller.poll()).items).toBeNull();
		// Beyond the window it is not looked for (README, Known limits).
		sim.addRecord('companies', {
			identifier: 'Far too late',
			updated: new Date(Date.now() - LATE_WINDOW_MS - 60_000).toISOString(),
		});
		expect((await poller.poll()).items).toBeNull();
		expect(late.id).toBeTruthy();
	});

	it('after n8n restarts it continues from the saved position without repeating', async () => {
		const poller = await activated();
		const a = addCompany('Before restart');
		expect(ids((await poller.poll()).items)).toEqual([a.id]);
		expect((await poller.poll()).items).toBeNull();
		poller.restart();
		expect(await poller.activate()).toBeNull();
		const b = addCompany('After restart');
		expect(ids((await poller.poll()).items)).toEqual([b.id]);
		expect(poller.executions.map(ids)).toEqual([[a.id], [b.id]]);
	});

	it('another object starts from now (nothing old of the new object)', async () => {
		const first = await activated();
		addCompany('On companies');
		await first.poll();
		const deals = kizenPoller(sim, { object: byName('deals') }, { staticData: first.saved });
		expect(await deals.activate()).toBeNull();
		expect((deals.staticData.position as IDataObject).object).toBe(
			sim.objects().find((o) => o.name === 'deals')!.id,
		);
		expect((await deals.poll()).items).toBeNull();
	});
});

describe('parameters', () => {
	it('Record Created follows Date Created and ignores updates; Record Updated ignores creations', async () => {
		const created = await activated({ ...companies, event: 'created' });
		const updated = kizenPoller(sim, { ...companies, event: 'updated' });
		expect(await updated.activate()).toBeNull();
		sim.clearRequests();
		const acme = sim.records('companies').live.find((r) => r.identifier === 'Acme Corp')!;
		const fresh = addCompany('Fresh Co');
		sim.updateRecord('companies', acme.id, { employee_count: 300 });
		expect(events((await created.poll()).items)).toEqual([['Fresh Co', 'created']]);
		expect(searches().at(-1)!.query.ordering).toBe('created');
		expect(searches().at(-1)!.body.query[0].filters[0].field).toBe('created');
		expect(events((await updated.poll()).items)).toEqual([['Acme Corp', 'updated']]);
		sim.updateRecord('companies', fresh.id, { employee_count: 1 });
		expect((await created.poll()).items).toBeNull();
		expect(events((await updated.poll()).items)).toEqual([['Fresh Co', 'updated']]);
	});

	it('filters: only matching records, sent in Kizen’s recorded shapes (AND and OR)', async () => {
		const software = await activated({
			...companies,
			filters: { conditions: [{ field: 'industry', condition: 'equals', value: 'Software' }] },
		});
		const either = await activated({
			...companies,
			combine: 'or',
			filters: {
				conditions: [
					{ field: 'industry', condition: 'equals', value: 'Retail' },
					{ field: 'employee_count', condition: 'gt', value: 1000 },
				],
			},
		});
		addCompany('Soft Co', { industry: { name: 'Software' } });
		addCompany('Shop Co', { industry: { name: 'Retail' } });
		addCompany('Big Co', { industry: { name: 'Software' }, employee_count: 5000 });
		expect(events((await software.poll()).items).map(([name]) => name)).toEqual([
			'Soft Co',
			'Big Co',
		]);
		expect(events((await either.poll()).items).map(([name]) => name)).toEqual([
			'Shop Co',
			'Big Co',
		]);
		const body = searches().at(-1)!.body;
		expect(body.and).toBe(true);
		expect(body.query).toHaveLength(2);
		expect(body.query[1].and).toBe(false);
		expect(body.query[1].filters).toHaveLength(2);
	});

	it('a filter Kizen would not take fails the poll before any search, naming it', async () => {
		const poller = kizenPoller(sim, {
			...companies,
			filters: { conditions: [{ field: 'industry', condition: 'contains', value: 'Soft' }] },
		});
		await expect(poller.activate()).rejects.toThrow(
			/^Filter 1: "Industry" \(industry\) cannot take "Soft": the condition "contains" is not available/,
		);
		expect(sim.requests.filter((r) => r.path.endsWith('/search'))).toEqual([]);
	});

	it('Raw output and Fields to Return', async () => {
		const raw = await activated({
			...companies,
			options: { output: 'raw', fieldNames: ['employee_count'] },
		});
		addCompany('Raw Co', { employee_count: 12 });
		const [item] = (await raw.poll()).items!;
		expect(Object.keys(item.json).slice(0, 3)).toEqual(['id', 'event', 'object_type']);
		expect(searches().at(-1)!.body.field_names).toEqual([
			'name',
			'created',
			'updated',
			'employee_count',
		]);
		const names = Object.values(item.json.fields as Record<string, IDataObject>)
			.map((f) => f.name)
			.sort();
		expect(names).toEqual(['created', 'employee_count', 'name', 'updated']);
	});

	it('Fetch Test Event: the newest matching record, the position untouched', async () => {
		const poller = await activated({
			...companies,
			filters: { conditions: [{ field: 'industry', condition: 'equals', value: 'Retail' }] },
		});
		const before = position(poller.staticData);
		expect(await poller.manual()).toBeNull();
		const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
		const twoHoursAgo = new Date(Date.now() - 7_200_000).toISOString();
		const retail = { industry: { name: 'Retail' } };
		sim.addRecord('companies', {
			identifier: 'Old Shop',
			fields: retail,
			created: twoHoursAgo,
			updated: twoHoursAgo,
		});
		const newest = sim.addRecord('companies', {
			identifier: 'New Shop',
			fields: retail,
			created: hourAgo,
			updated: hourAgo,
		});
		addCompany('Not a shop', { industry: { name: 'Software' } });
		const items = await poller.manual();
		expect(events(items)).toEqual([['New Shop', 'created']]);
		expect(ids(items)).toEqual([newest.id]);
		expect(searches().at(-1)!.query.ordering).toBe('-updated');
		expect(position(poller.staticData)).toEqual(before);
		sim.updateRecord('companies', newest.id, { employee_count: 2 });
		expect(events(await poller.manual())).toEqual([['New Shop', 'updated']]);
	});
});

describe('times as Kizen writes them', () => {
	it('read any ISO-8601 form as one UTC key to the microsecond', () => {
		expect(timeKey('2026-03-31T16:23:53.231165-05:00')).toBe('2026-03-31T21:23:53.231165Z');
		expect(timeKey('2026-03-31T21:23:53.231165Z')).toBe('2026-03-31T21:23:53.231165Z');
		expect(timeKey('2026-03-31T21:23:53Z')).toBe('2026-03-31T21:23:53.000000Z');
		expect(timeKey('2026-03-31T21:23:53.2+00:00')).toBe('2026-03-31T21:23:53.200000Z');
		expect(timeKey('2026-03-31 21:23:53.123456789+0000')).toBe('2026-03-31T21:23:53.123456Z');
		expect(timeKey('2026-04-01T02:23:53.1+05')).toBe('2026-03-31T21:23:53.100000Z');
		expect(timeKey('2026-03-31T21:23')).toBe('2026-03-31T21:23:00.000000Z');
		for (const bad of ['2026-02-30T00:00:00Z', 'yesterday', '', null, 1774992233, '2026-03-31']) {
			expect([bad, timeKey(bad)]).toEqual([bad, undefined]);
		}
	});
});
