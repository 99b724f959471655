/**
 * The rest of the Records API through the engine against the simulator: Create, Get, Lookup,
 * Search, Update, Archive and Unarchive, each with its output shapes and per-item errors.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

const {
	autoMap,
	byName,
	defineBelow,
	runKizen,
	assertValid,
	useSimulator,
}: typeof import('./helpers/kizen.cjs') = require('./helpers/kizen.cts');

const sim = useSimulator();

const live = (object: string) => sim.records(object).live;
const idOf = (object: string, identifier: string) =>
	[...sim.records(object).live, ...sim.records(object).archived].find(
		(r) => r.identifier === identifier,
	)!.id;
const requestsTo = (suffix: RegExp) => sim.requests.filter((r) => suffix.test(r.path));

describe('Create', () => {
	it('creates records from the mapper and returns them', async () => {
		const before = live('companies').length;
		const result = await runKizen(
			sim,
			{ operation: 'create', object: byName('companies'), fields: autoMap(), options: {} },
			[{ name: 'Hooli', employee_count: '900', industry: 'Software' }, { name: 'Pied Piper' }],
		);
		expect(
			result.items('Kizen').map((i) => [i.object, (i.fields as { name: string }).name]),
		).toEqual([
			['companies', 'Hooli'],
			['companies', 'Pied Piper'],
		]);
		expect(live('companies')).toHaveLength(before + 2);
		for (const request of requestsTo(/\/add$/)) {
			for (const entry of request.body.fields) assertValid('UpsertFieldEntry', entry);
			expect(request.body).not.toHaveProperty('unarchive');
		}
	});

	it('sends the archived-match policy as `unarchive`', async () => {
		const result = await runKizen(
			sim,
			{
				operation: 'create',
				object: byName('companies'),
				fields: defineBelow({ name: 'Umbrella Corp' }),
				options: { archivedMatch: 'unarchive' },
			},
			[{}],
		);
		expect(result.items('Kizen')[0].id).toBe(idOf('companies', 'Umbrella Corp'));
		expect(requestsTo(/\/add$/)[0].body.unarchive).toBe('unarchive');
	});

	it('is never retried once the request may have reached Kizen: no duplicate, a clear error', async () => {
		sim.addFault({ kind: 'drop', when: 'after', match: { path: '/add' }, times: 1 });
		const before = live('companies').length;
		const result = await runKizen(
			sim,
			{
				operation: 'create',
				object: byName('companies'),
				fields: defineBelow({ name: 'Once Only' }),
				options: {},
			},
			[{}],
		);
		expect(requestsTo(/\/add$/)).toHaveLength(1);
		expect(live('companies').filter((r) => r.identifier === 'Once Only')).toHaveLength(1);
		expect(live('companies')).toHaveLength(before + 1);
		expect(result.error?.message).toMatch(/The connection to Kizen was lost/);
		expect(result.error?.message).toMatch(/after 1 attempt/);
		expect(result.error?.description).toMatch(
			/The record may have been created: check in Kizen before running this item again\. A second Create would make a duplicate/,
		);
	});

	it('is retried after a 429, which Kizen answers before doing anything', async () => {
		sim.addFault({
			kind: 'status',
			status: 429,
			retryAfter: '0',
			match: { path: '/add' },
			times: 1,
		});
		const result = await runKizen(
			sim,
			{
				operation: 'create',
				object: byName('companies'),
				fields: defineBelow({ name: 'After Throttle' }),
				options: {},
			},
			[{}],
		);
		expect(result.error).toBeUndefined();
		expect(requestsTo(/\/add$/).map((r) => r.status)).toEqual([429, 201]);
	});

	it('reports an existing name per item, with Continue On Fail', async () => {
		const result = await runKizen(
			sim,
			{ operation: 'create', object: byName('companies'), fields: autoMap(), options: {} },
			[{ name: 'Globex' }, { name: 'Brand New' }],
			{ onError: 'continueRegularOutput' },
		);
		const [duplicate, created] = result.items('Kizen');
		expect(duplicate.error).toMatch(
			/^Item 0 \("Globex"\): Kizen rejected the record: A record with this name already exists/,
		);
		expect(created.fields).toEqual({ name: 'Brand New' });
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Get', () => {
	it('gets a record by ID with Kizen’s default fields, chosen fields, or all fields', async () => {
		const id = idOf('client_client', 'ada@example.com');
		const run = (options: INodeParameters) =>
			runKizen(
				sim,
				{ operation: 'get', object: byName('client_client'), recordId: '={{ $json.id }}', options },
				[{ id }],
			);
		const standard = (await run({})).items('Kizen')[0];
		expect(standard).toMatchObject({
			id,
			object: 'client_client',
			fields: { email: 'ada@example.com', first_name: 'Ada' },
		});
		expect(standard.fields).not.toHaveProperty('lead_score');
		const chosen = (await run({ fieldNames: ['lead_score', 'tags'] })).items('Kizen')[0];
		expect(chosen.fields).toEqual({ email: 'ada@example.com', lead_score: 90, tags: ['VIP'] });
		const all = (await run({ returnAllFields: true, output: 'raw' })).items('Kizen')[0];
		expect(Object.keys(all.fields as object).length).toBeGreaterThan(8);
		expect(all).toHaveProperty('client_info');
		expect(requestsTo(/\/records\//).map((r) => r.query)).toEqual([
			{},
			// The record's email always comes back with chosen fields.
			{ field_names: 'email,lead_score,tags' },
			{ all_fields: 'true' },
		]);
	});

	it('refuses a record ID that is not a UUID before any request, and explains a 404', async () => {
		const result = await runKizen(
			sim,
			{
				operation: 'get',
				object: byName('client_client'),
				recordId: '={{ $json.id }}',
				options: {},
			},
			[{ id: 'ada@example.com' }, { id: '00000000-0000-4000-8000-000000000000' }],
			{ onError: 'continueRegularOutput' },
		);
		const [notAnId, missing] = result.items('Kizen');
		expect(notAnId.error).toBe('Item 0: Record ID "ada@example.com" is not a record ID');
		expect(missing.error).toMatch(
			/^Item 1 \("00000000-0000-4000-8000-000000000000"\): Not found in Kizen \(404/,
		);
		expect(requestsTo(/\/records\//)).toHaveLength(1);
	});
});

describe('Lookup', () => {
	const lookup = (identifier: string, onNoMatch = 'empty', extra: Partial<INode> = {}) =>
		runKizen(
			sim,
			{ operation: 'lookup', object: byName('client_client'), identifier, onNoMatch, options: {} },
			[{}],
			extra,
		);

	it('finds the exact name or email, URL-encoded', async () => {
		const result = await lookup('ada@example.com');
		expect(result.items('Kizen')[0]).toMatchObject({
			id: idOf('client_client', 'ada@example.com'),
		});
		expect(requestsTo(/\/lookup$/)[0].query).toEqual({ identifier: 'ada@example.com' });
		const company = await runKizen(
			sim,
			{
				operation: 'lookup',
				object: byName('companies'),
				identifier: 'Acme Corp',
				onNoMatch: 'error',
				options: {},
			},
			[{}],
		);
		expect(company.items('Kizen')[0].id).toBe(idOf('companies', 'Acme Corp'));
	});

	it('a no-match is no output item, or an error when chosen (the lookup is case-sensitive)', async () => {
		const empty = await lookup('ADA@example.com');
		expect(empty.error).toBeUndefined();
		expect(empty.items('Kizen')).toEqual([]);
		const always = await lookup('nobody@example.com', 'empty', { alwaysOutputData: true });
		expect(always.items('Kizen')).toEqual([{}]);
		const failed = await lookup('nobody@example.com', 'error');
		expect(failed.error?.message).toMatch(
			/^Item 0 \("nobody@example.com"\): Not found in Kizen \(404/,
		);
	});
});

describe('Search', () => {
	const search = (params: INodeParameters, items: IDataObject[] = [{}]) =>
		runKizen(
			sim,
			{
				operation: 'search',
				object: byName('client_client'),
				returnAll: true,
				options: {},
				...params,
			},
			items,
		);
	const emails = (result: Awaited<ReturnType<typeof search>>) =>
		result
			.items('Kizen')
			.map((i) => (i.fields as { email: string }).email)
			.sort();

	it('with no filter returns every live record, one item per record', async () => {
		const result = await search({});
		expect(emails(result)).toEqual(['ada@example.com', 'alan@example.com', 'grace@example.com']);
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
	});

	it('builds filters from the UI, joined with AND or OR, converting option labels', async () => {
		const filters = {
			conditions: [
				{ field: 'lifecycle_stage', condition: 'equals', value: 'customer' },
				{ field: 'lead_score', condition: 'gte', value: '70' },
			],
		};
		expect(emails(await search({ filters, combine: 'and' }))).toEqual(['ada@example.com']);
		expect(emails(await search({ filters, combine: 'or' }))).toEqual([
			'ada@example.com',
			'grace@example.com',
		]);
		const [request] = requestsTo(/\/search$/);
		const stage = sim.field('client_client', 'lifecycle_stage');
		expect(request.body.query[0].filters[0]).toEqual({
			type: 'fields_v2',
			field: `"custom"::${stage.id}`,
			condition: '=',
			value: stage.options.find((o) => o.name === 'Customer')!.id,
		});
		expect(request.body.and).toBe(true);
	});

	it('refuses a filter value that does not fit the field, naming it', async () => {
		const result = await search({
			filters: {
				conditions: [{ field: 'lifecycle_stage', condition: 'equals', value: 'Prospect' }],
			},
		});
		expect(result.error?.message).toMatch(
			/^Item 0: filter "Lifecycle Stage" \(lifecycle_stage\) cannot take "Prospect": expected one of/,
		);
	});

	it('free text, ordering and a limit', async () => {
		const ordered = await search({ options: { sortBy: 'email', sortDirection: 'desc' } });
		expect(ordered.items('Kizen').map((i) => (i.fields as { email: string }).email)).toEqual([
			'grace@example.com',
			'alan@example.com',
			'ada@example.com',
		]);
		const text = await search({ searchText: 'grace' });
		expect(emails(text)).toEqual(['grace@example.com']);
		const limited = await search({ returnAll: false, limit: 2 });
		expect(limited.items('Kizen')).toHaveLength(2);
		expect(requestsTo(/\/search$/).at(-1)!.query).toMatchObject({ page: '1', page_size: '2' });
	});

	it('Return All follows pagination at 1,000 records a page', async () => {
		for (let i = 0; i < 1005; i++) sim.addRecord('companies', { identifier: `Bulk ${i}` });
		const result = await runKizen(
			sim,
			{ operation: 'search', object: byName('companies'), returnAll: true, options: {} },
			[{}],
		);
		expect(result.items('Kizen')).toHaveLength(live('companies').length);
		expect(requestsTo(/\/search$/).map((r) => [r.query.page, r.query.page_size])).toEqual([
			['1', '1000'],
			['2', '1000'],
		]);
	});
});

describe('Update', () => {
	it('updates fields by record ID and returns the record', async () => {
		const id = idOf('companies', 'Globex');
		const result = await runKizen(
			sim,
			{
				operation: 'update',
				object: byName('companies'),
				recordId: id,
				fields: defineBelow({ employee_count: 55, region: 'APAC' }),
				options: {},
			},
			[{}],
		);
		expect(result.items('Kizen')[0]).toEqual({
			id,
			object: 'companies',
			fields: expect.objectContaining({ employee_count: 55, region: 'APAC' }),
		});
		const [request] = requestsTo(/\/records\/companies\//);
		expect(request.method).toBe('PATCH');
		expect(request.body).toEqual({ fields: expect.any(Array) });
	});

	it('Overwrite Archived Identifier lets a rename take an archived record’s name', async () => {
		const id = idOf('companies', 'Globex');
		const rename = {
			operation: 'update',
			object: byName('companies'),
			recordId: id,
			fields: defineBelow({ name: 'Umbrella Corp' }),
		};
		const refused = await runKizen(sim, { ...rename, options: {} }, [{}]);
		expect(refused.error?.message).toMatch(/Kizen rejected the record/);
		// Update has no archived-match policy: the hint names the option it does have.
		expect(refused.error?.description).toMatch(
			/^An archived record already has the name \(or email\) this update gives the record\. Turn on Options → Overwrite Archived Identifier on Update/,
		);
		expect(refused.error?.description).not.toMatch(/If an Archived Record Matches/);
		const allowed = await runKizen(
			sim,
			{ ...rename, options: { overwriteArchivedIdentifier: true } },
			[{}],
		);
		expect(allowed.items('Kizen')[0].fields).toMatchObject({ name: 'Umbrella Corp' });
		expect(requestsTo(/\/records\/companies\//).map((r) => r.body.archived_conflict)).toEqual([
			undefined,
			'overwrite',
		]);
	});
});

describe('Archive and Unarchive', () => {
	it('archives by ID (then the record 404s and leaves search) and unarchives it again', async () => {
		const id = idOf('companies', 'Initech');
		const archived = await runKizen(
			sim,
			{ operation: 'archive', object: byName('companies'), recordId: id, options: {} },
			[{}],
		);
		expect(archived.items('Kizen')).toEqual([{ archived: true, id }]);
		expect(sim.records('companies').archived.map((r) => r.id)).toContain(id);
		const gone = await runKizen(
			sim,
			{ operation: 'get', object: byName('companies'), recordId: id, options: {} },
			[{}],
		);
		expect(gone.error?.message).toMatch(/404/);

		const restored = await runKizen(
			sim,
			{ operation: 'unarchive', object: byName('companies'), recordId: id, options: {} },
			[{}],
		);
		expect(restored.items('Kizen')[0]).toMatchObject({
			id,
			object: 'companies',
			fields: { name: 'Initech' },
		});
		expect(live('companies').map((r) => r.id)).toContain(id);
	});

	it('are not retried once the request may have reached Kizen', async () => {
		const id = idOf('companies', 'Initech');
		sim.addFault({ kind: 'status', status: 503, match: { method: 'DELETE' } });
		const result = await runKizen(
			sim,
			{ operation: 'archive', object: byName('companies'), recordId: id, options: {} },
			[{}],
		);
		expect(result.error?.message).toMatch(/Kizen was unavailable \(HTTP 503\) after 1 attempt/);
		expect(requestsTo(/\/records\//)).toHaveLength(1);
	});
});
