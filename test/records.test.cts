/**
 * The rest of the Records API through the engine against the simulator: Create, Get, Lookup,
 * Search, Update, Archive and Unarchive, each with its output shapes and per-item errors.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

const {
	autoMap,
	byName,
	callMethod,
	defineBelow,
	isErrorItem,
	itemOf,
	recordById,
	recordByUrl,
	recordFromList,
	runKizen,
	assertValid,
	searchRequests,
	useSimulator,
}: typeof import('./helpers/kizen.cjs') = require('./helpers/kizen.cts');

const sim = useSimulator();
// Every search the node sends must be one of Kizen's recorded search payloads.
afterEach(() => searchRequests(sim));

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
		expect(result.items('Kizen').map((i) => [i.action, i.name])).toEqual([
			['created', 'Hooli'],
			['created', 'Pied Piper'],
		]);
		expect(live('companies')).toHaveLength(before + 2);
		for (const request of requestsTo(/\/add$/)) {
			for (const entry of request.body.fields) assertValid('UpsertFieldEntry', entry);
			expect(request.body).not.toHaveProperty('unarchive');
			// `/add` declares no query parameters.
			expect(request.query).toEqual({});
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
		expect(isErrorItem(result.rawItems('Kizen')[0])).toBe(true);
		expect(duplicate.message).toMatch(
			/^Kizen rejected the record: A record with this name already exists/,
		);
		expect(duplicate.error).toMatch(/Kizen request ID: \S+/);
		expect(created).toEqual({
			id: expect.any(String),
			action: 'created',
			name: 'Brand New',
			updated: expect.any(String),
		});
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Get', () => {
	it('gets a record by ID with Kizen’s default fields, chosen fields, or all fields', async () => {
		const id = idOf('deals', 'Acme Renewal');
		const run = (options: INodeParameters) =>
			runKizen(
				sim,
				{
					operation: 'get',
					object: byName('deals'),
					recordId: recordById('={{ $json.id }}'),
					options,
				},
				[{ id }],
			);
		const standard = (await run({})).items('Kizen')[0];
		expect(standard).toMatchObject({ id, name: 'Acme Renewal', stage: 'Proposal' });
		expect(standard).not.toHaveProperty('amount');
		const chosen = (await run({ fieldNames: ['amount', 'labels'] })).items('Kizen')[0];
		expect(chosen).toEqual({ id, name: 'Acme Renewal', amount: 50000, labels: ['Renewal'] });
		const all = (await run({ returnAllFields: true, output: 'raw' })).items('Kizen')[0];
		expect(Object.keys(all.fields as object).length).toBeGreaterThan(8);
		expect(all).toHaveProperty('client_info');
		expect(requestsTo(/\/records\//).map((r) => r.query)).toEqual([
			{},
			// The record's name always comes back with chosen fields.
			{ field_names: 'name,amount,labels' },
			{ all_fields: 'true' },
		]);
	});

	it('refuses a record ID that is not a UUID before any request, and explains a 404', async () => {
		const result = await runKizen(
			sim,
			{
				operation: 'get',
				object: byName('client_client'),
				recordId: recordById('={{ $json.id }}'),
				options: {},
			},
			[{ id: 'ada@example.com' }, { id: '00000000-0000-4000-8000-000000000000' }],
			{ onError: 'continueRegularOutput' },
		);
		const [notAnId, missing] = result.items('Kizen');
		expect(notAnId.message).toBe('Record "ada@example.com" is not a record ID');
		// A 404 names the record, not the object (the object was read first).
		expect(missing.message).toBe(
			'Kizen has no record with Record ID 00000000-0000-4000-8000-000000000000 (404: Not found.)',
		);
		expect(missing.error).toMatch(/^Check the Record ID: the record may be archived/);
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 1 }]);
		expect(requestsTo(/\/records\//)).toHaveLength(1);
	});

	it('takes the Record from the list, by ID, by a Kizen record URL, or as a plain ID string', async () => {
		const ada = idOf('client_client', 'ada@example.com');
		const acme = idOf('companies', 'Acme Corp');
		const companies = sim.objects().find((o) => o.name === 'companies')!;
		const get = (object: string, recordId: unknown) =>
			runKizen(
				sim,
				{ operation: 'get', object: byName(object), recordId: recordId as never, options: {} },
				[{}],
				{ onError: 'continueRegularOutput' },
			);
		const found = async (object: string, recordId: unknown) =>
			(await get(object, recordId)).items('Kizen')[0];
		expect((await found('client_client', recordFromList(ada))).id).toBe(ada);
		expect((await found('client_client', recordById(ada))).id).toBe(ada);
		// A workflow saved when Record ID was a text box.
		expect((await found('client_client', ada)).id).toBe(ada);
		// The address of the record's page in Kizen's web app (Contacts: /client/<id>/...).
		expect(
			(await found('client_client', recordByUrl(`https://go.kizen.com/client/${ada}/details`))).id,
		).toBe(ada);
		// Other objects: /custom-objects/<object id>/<record id>/...
		expect(
			(
				await found(
					'companies',
					recordByUrl(`https://go.kizen.com/custom-objects/${companies.id}/${acme}/details?tab=1`),
				)
			).id,
		).toBe(acme);
		const requests = requestsTo(/\/records\//).length;
		// A URL of another object's record, or not a record URL at all: refused before any request.
		const other = await found(
			'companies',
			recordByUrl(`https://go.kizen.com/client/${ada}/details`),
		);
		expect(other.message).toBe(
			`Record URL "https://go.kizen.com/client/${ada}/details": this URL is a record of Contacts, not of Companies (the chosen Object)`,
		);
		// (A typed URL that is not a record's is flagged by the editor; an expression can still give one.)
		const notUrl = await found('companies', recordByUrl('={{ "https://go.kizen.com/dashboard" }}'));
		expect(notUrl.message).toMatch(
			/expected a Kizen record URL, such as https:\/\/go\.kizen\.com\/client\//,
		);
		expect(requestsTo(/\/records\//)).toHaveLength(requests);
	});

	it('the Record list searches the object’s records by name or email', async () => {
		type Page = { results: Array<{ name: string; value: string }>; paginationToken?: string };
		const all = await callMethod<Page>(sim, 'listSearch', 'searchRecords', {
			operation: 'get',
			object: byName('client_client'),
		});
		expect(all.results).toEqual(
			expect.arrayContaining([
				{ name: 'Ada Lovelace (ada@example.com)', value: idOf('client_client', 'ada@example.com') },
			]),
		);
		expect(all.results).toHaveLength(live('client_client').length);
		const found = await callMethod<Page>(
			sim,
			'listSearch',
			'searchRecords',
			{ operation: 'get', object: byName('client_client') },
			['grace'],
		);
		expect(found.results.map((r) => r.name)).toEqual(['Grace Hopper (grace@example.com)']);
		const companies = await callMethod<Page>(
			sim,
			'listSearch',
			'searchRecords',
			{ operation: 'update', object: byName('companies') },
			['acme'],
		);
		expect(companies.results).toEqual([
			{ name: 'Acme Corp', value: idOf('companies', 'Acme Corp') },
		]);
		// Through the Search endpoint, in a recorded payload shape (checked after each test).
		expect(requestsTo(/\/search$/).map((r) => [r.query.search, r.body.field_names])).toEqual([
			[undefined, ['email', 'first_name', 'last_name']],
			['grace', ['email', 'first_name', 'last_name']],
			['acme', ['name']],
		]);
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
		// Kizen's lookup is exact: the identifier is sent as given, spaces included.
		const spaced = await lookup(' ada@example.com ');
		expect(spaced.items('Kizen')).toEqual([]);
		expect(requestsTo(/\/lookup$/).at(-1)!.query.identifier).toBe(' ada@example.com ');
		const blank = await lookup('   ', 'error');
		expect(blank.error?.message).toBe('Name or Email is empty');
		expect(itemOf(blank.error)).toBe(0);
		const always = await lookup('nobody@example.com', 'empty', { alwaysOutputData: true });
		expect(always.items('Kizen')).toEqual([{}]);
		const failed = await lookup('nobody@example.com', 'error');
		expect(failed.error?.message).toMatch(
			/^Kizen has no record with the email "nobody@example.com" \(404/,
		);
		expect(failed.error?.description).toMatch(/^Kizen’s lookup is exact/);
		expect(itemOf(failed.error)).toBe(0);
	});
});

describe('Search', () => {
	const search = (
		params: INodeParameters,
		items: IDataObject[] = [{}],
		extra: Partial<INode> = {},
	) =>
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
			extra,
		);
	/** One filter whose field, condition and value come from each input item. */
	const filterByExpression = {
		conditions: [
			{
				field: '={{ $json.field }}',
				condition: '={{ $json.condition }}',
				value: '={{ $json.value }}',
			},
		],
	};
	const emails = (result: Awaited<ReturnType<typeof search>>) =>
		result
			.items('Kizen')
			.map((i) => i.email as string)
			.sort();

	it('with no filter returns every live record, one item per record', async () => {
		const result = await search({});
		expect(emails(result)).toEqual(['ada@example.com', 'alan@example.com', 'grace@example.com']);
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
	});

	it('builds filters in Kizen’s recorded shapes, AND or OR within the group, resolving labels and tags', async () => {
		const filters = {
			conditions: [
				{ field: 'email_status', condition: 'equals', value: 'opted in' },
				{ field: 'tags', condition: 'has_any_of', value: 'press' },
			],
		};
		expect(emails(await search({ filters, combine: 'and' }))).toEqual([]);
		expect(emails(await search({ filters, combine: 'or' }))).toEqual([
			'ada@example.com',
			'alan@example.com',
		]);
		const [and, or] = requestsTo(/\/search$/);
		const press = sim.tags('client_client', 'tags').find((t) => t.name === 'Press')!.id;
		// Contacts' built-in email_status filters by the option name's slug (recorded from Kizen's UI).
		expect(and.body).toEqual({
			and: true,
			query: [
				{
					and: true,
					filters: [
						{
							type: 'fields',
							subtype: 'non_custom',
							field: 'email_status',
							condition: '=',
							value: 'opted_in',
						},
						{
							type: 'fields',
							subtype: 'non_custom',
							field: 'tags',
							condition: 'has_any',
							value: [press],
						},
					],
				},
			],
		});
		expect(or.body.and).toBe(false);
		expect(or.body.query[0].and).toBe(false);
		// The built-in field list came from settings-search, once per execution.
		expect(requestsTo(/settings-search$/)).toHaveLength(2);
	});

	it('a custom field is "custom"::<id>, a pipeline stage its own shape, a rating a string', async () => {
		const result = await runKizen(
			sim,
			{
				operation: 'search',
				object: byName('deals'),
				returnAll: true,
				options: {},
				filters: {
					conditions: [
						{ field: 'stage', condition: 'is_any_of', value: 'Proposal, won' },
						{ field: 'amount', condition: 'between', value: '10000, 60000' },
						{ field: 'is_priority', condition: 'is_not_empty' },
					],
				},
			},
			[{}],
		);
		expect(result.items('Kizen').map((i) => i.name)).toEqual(['Acme Renewal']);
		const [request] = requestsTo(/\/search$/);
		const option = (name: string) =>
			sim.field('deals', 'stage').options!.find((o) => o.name === name)!.id;
		expect(request.body.query[0].filters).toEqual([
			{
				type: 'fields_v2',
				subtype: 'non_custom',
				field: 'stage',
				overwrite: { type: 'stage' },
				condition: 'is_any_of',
				value: [option('Proposal'), option('Won')],
			},
			{
				type: 'fields_v2',
				subtype: 'custom',
				field: `"custom"::${sim.field('deals', 'amount').id}`,
				condition: 'between',
				value: [10000, 60000],
			},
			{
				type: 'fields_v2',
				subtype: 'custom',
				field: `"custom"::${sim.field('deals', 'is_priority').id}`,
				condition: 'is_blank',
				value: false,
			},
		]);
		const rated = await runKizen(
			sim,
			{
				operation: 'search',
				object: byName('companies'),
				returnAll: true,
				options: {},
				filters: { conditions: [{ field: 'satisfaction', condition: 'gte', value: 4 }] },
			},
			[{}],
		);
		expect(rated.items('Kizen').map((i) => i.name)).toEqual(['Acme Corp']);
		expect(requestsTo(/\/search$/).at(-1)!.body.query[0].filters[0].value).toBe('4');
	});

	it('refuses a filter value that does not fit the field, and a condition the field does not take, naming them', async () => {
		const result = await search({ filters: filterByExpression }, [
			{ field: 'email_status', condition: 'equals', value: 'Prospect' },
			// By expression: a condition Kizen does not accept for the type.
			{ field: 'birthday', condition: 'contains', value: '1815' },
			{ field: 'tags', condition: 'has', value: 'VIPP' },
			{ field: 'email', condition: 'is_empty' },
		]);
		expect(result.error?.message).toMatch(
			/^Filter 1: "Email Status" \(email_status\) cannot take "Prospect": expected one of the field's choices: Opted In/,
		);
		expect(itemOf(result.error)).toBe(0);
		expect(requestsTo(/\/search$/)).toHaveLength(0);
		const each = await search(
			{ filters: filterByExpression },
			[
				{ field: 'birthday', condition: 'contains', value: '1815' },
				{ field: 'tags', condition: 'has', value: 'VIPP' },
				{ field: 'created', condition: 'is_empty' },
				{ field: 'email', condition: 'is_empty' },
			],
			{ onError: 'continueRegularOutput' },
		);
		const failed = each.rawItems('Kizen').filter((item) => isErrorItem(item));
		expect(failed.map((item) => [item.pairedItem, item.json.message])).toEqual([
			[
				{ item: 0 },
				expect.stringMatching(
					/^Filter 1: "Birthday" \(birthday\) cannot take "1815": the condition "contains" is not available for a date field; Kizen accepts Equals \(equals\), Not Equals \(not_equals\), Is After \(gt\)/,
				),
			],
			[
				{ item: 1 },
				expect.stringMatching(
					/^Filter 1: "Tags" \(tags\) cannot take "VIPP": expected one of the field's tags .*closest: "VIP"/,
				),
			],
			// The UI offers no blank check on created.
			[
				{ item: 2 },
				expect.stringMatching(
					/^Filter 1: "Date Created" \(created\) .*the condition "is_empty" is not available/,
				),
			],
		]);
		// Only the valid item (email Is Empty: is_blank true) was sent.
		expect(requestsTo(/\/search$/).map((r) => r.body.query[0].filters[0])).toEqual([
			{ type: 'fields', subtype: 'non_custom', field: 'email', condition: 'is_blank', value: true },
		]);
	});

	it('filters records changed since a time on the built-in updated field (what a polling trigger sends)', async () => {
		const since = new Date().toISOString();
		await runKizen(
			sim,
			{
				object: byName('client_client'),
				lookupValue: 'grace@example.com',
				fields: defineBelow({ first_name: 'Grace B.' }),
				options: {},
			},
			[{}],
		);
		const changed = await search({
			filters: { conditions: [{ field: 'updated', condition: 'gt', value: since }] },
			sort: { sortBy: 'updated', sortDirection: 'desc' },
		});
		expect(emails(changed)).toEqual(['grace@example.com']);
		expect(requestsTo(/\/search$/).at(-1)!.body.query[0].filters[0]).toEqual({
			type: 'fields',
			subtype: 'non_custom',
			field: 'updated',
			condition: '>',
			value: since,
		});
		expect(requestsTo(/\/search$/).at(-1)!.query.ordering).toBe('-updated');
	});

	it('returns chosen fields (the email always), every field by default, and refuses an unknown field name', async () => {
		const chosen = await search({ options: { fieldNames: ['first_name'] } });
		expect(chosen.items('Kizen').map((i) => Object.keys(i).sort())).toEqual([
			['email', 'first_name', 'id'],
			['email', 'first_name', 'id'],
			['email', 'first_name', 'id'],
		]);
		expect(requestsTo(/\/search$/)[0].body.field_names).toEqual(['email', 'first_name']);
		const every = await search({});
		expect(Object.keys(every.items('Kizen')[0]).length).toBeGreaterThan(6);
		const unknown = await search({ options: { fieldNames: 'first_name, shoe_size' } });
		expect(unknown.error?.message).toBe(
			'Fields to Return names no field of "client_client": "shoe_size"',
		);
		expect(itemOf(unknown.error)).toBe(0);
		expect(requestsTo(/\/search$/)).toHaveLength(2);
	});

	it('free text, ordering and a limit', async () => {
		const ordered = await search({ sort: { sortBy: 'email', sortDirection: 'desc' } });
		expect(ordered.items('Kizen').map((i) => i.email)).toEqual([
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
				recordId: recordById(id),
				fields: defineBelow({ employee_count: 55, region: 'APAC' }),
				options: {},
			},
			[{}],
		);
		expect(result.items('Kizen')[0]).toEqual(
			expect.objectContaining({ id, name: 'Globex', employee_count: 55, region: 'APAC' }),
		);
		const [request] = requestsTo(/\/records\/companies\//);
		expect(request.method).toBe('PATCH');
		expect(request.body).toEqual({ fields: expect.any(Array) });
	});

	it('Overwrite Archived Identifier lets a rename take an archived record’s name', async () => {
		const id = idOf('companies', 'Globex');
		const rename = {
			operation: 'update',
			object: byName('companies'),
			recordId: recordById(id),
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
		expect(allowed.items('Kizen')[0]).toMatchObject({ name: 'Umbrella Corp' });
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
			{ operation: 'archive', object: byName('companies'), recordId: recordById(id), options: {} },
			[{}],
		);
		expect(archived.items('Kizen')).toEqual([{ archived: true, id }]);
		expect(sim.records('companies').archived.map((r) => r.id)).toContain(id);
		const gone = await runKizen(
			sim,
			{ operation: 'get', object: byName('companies'), recordId: recordById(id), options: {} },
			[{}],
		);
		expect(gone.error?.message).toBe(`Kizen has no record with Record ID ${id} (404: Not found.)`);
		expect(itemOf(gone.error)).toBe(0);
		// Archiving it again: the same 404, named the same way.
		const again = await runKizen(
			sim,
			{ operation: 'archive', object: byName('companies'), recordId: recordById(id), options: {} },
			[{}],
		);
		expect(again.error?.message).toMatch(/^Kizen has no record with Record ID .* \(404/);

		const restored = await runKizen(
			sim,
			{
				operation: 'unarchive',
				object: byName('companies'),
				recordId: recordById(id),
				options: {},
			},
			[{}],
		);
		expect(restored.items('Kizen')[0]).toMatchObject({ id, name: 'Initech' });
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
