/**
 * Record → Create or Update, end to end: the Kizen node runs inside n8n's engine (WorkflowExecute)
 * against the Kizen simulator. Every upsert request the node sends is checked against the seed's
 * EntityRecordUpsertRequest schema (plus `fields`).
 */
const {
	autoMap,
	byId,
	byName,
	callMethod,
	defineBelow,
	fromList,
	runKizen,
	upsertRequests,
	useSimulator,
}: typeof import('./helpers/kizen.cjs') = require('./helpers/kizen.cts');

const sim = useSimulator();
afterEach(() => {
	// Validates every upsert request of the test against the contract, and proves no secret leaked.
	upsertRequests(sim);
});

const contacts = (extra: object = {}) => ({
	object: byName('client_client'),
	lookupValue: '={{ $json.email }}',
	fields: autoMap(),
	options: {},
	...extra,
});
const liveEmails = () =>
	sim
		.records('client_client')
		.live.map((r) => r.identifier.toLowerCase())
		.sort();
const fieldId = (object: string, name: string) => sim.field(object, name).id;
const noSecret = (value: unknown) =>
	expect(JSON.stringify(value)).not.toContain(sim.credentials.apiKey);

describe('creating and updating', () => {
	it('creates new contacts and updates existing ones, matching email case-insensitively, in input order', async () => {
		const ada = sim.records('client_client').live.find((r) => r.identifier === 'ada@example.com')!;
		const result = await runKizen(sim, contacts(), [
			{ email: 'new.person@example.com', first_name: 'New', lead_score: '12' },
			{ email: 'ADA@Example.com', first_name: 'Augusta' },
			{ email: 'second.new@example.com', last_name: 'Second' },
		]);
		expect(result.error).toBeUndefined();
		const out = result.items('Kizen');
		expect(out.map((item) => item.action)).toEqual(['created', 'updated', 'created']);
		expect(out[1].id).toBe(ada.id);
		expect(out[0]).toEqual({
			id: expect.any(String),
			action: 'created',
			object: 'client_client',
			fields: expect.objectContaining({ first_name: 'New', lead_score: 12 }),
		});
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(liveEmails()).toEqual(
			expect.arrayContaining(['new.person@example.com', 'second.new@example.com']),
		);
		expect(
			sim.records('client_client').live.find((r) => r.id === ada.id)!.fields[
				fieldId('client_client', 'first_name')
			],
		).toBe('Augusta');
	});

	it('is idempotent: running the same batch twice creates nothing the second time', async () => {
		const batch = [
			{ email: 'once@example.com', first_name: 'Once' },
			{ email: 'twice@example.com' },
		];
		await runKizen(sim, contacts(), batch);
		const countAfterFirst = sim.records('client_client').live.length;
		const second = await runKizen(sim, contacts(), batch);
		expect(second.items('Kizen').map((i) => i.action)).toEqual(['updated', 'updated']);
		expect(sim.records('client_client').live).toHaveLength(countAfterFirst);
	});

	it('sends every field by id, never by name, and converts values on the way', async () => {
		await runKizen(
			sim,
			{
				object: byName('deals'),
				lookupValue: '={{ $json.title }}',
				fields: defineBelow({
					stage: '={{ $json.stage }}',
					amount: '={{ $json.amount }}',
					close_date: '={{ $json.close }}',
					products: '={{ $json.products }}',
					is_priority: '={{ $json.priority }}',
				}),
				options: {},
			},
			[
				{
					title: 'Big Deal',
					stage: 'proposal',
					amount: '25000.50',
					close: '2030-01-31T10:00:00Z',
					products: 'Platform, Training',
					priority: true,
				},
			],
		);
		const [request] = upsertRequests(sim);
		expect(request.path).toBe('/api/records/deals/upsert');
		expect(request.body.lookup_value).toBe('Big Deal');
		const option = (field: string, label: string) =>
			sim.field('deals', field).options.find((o) => o.name === label)!.id;
		expect(request.body.fields).toEqual([
			{ id: fieldId('deals', 'stage'), value: { id: option('stage', 'Proposal') } },
			{ id: fieldId('deals', 'amount'), value: 25000.5 },
			{ id: fieldId('deals', 'close_date'), value: '2030-01-31' },
			{
				id: fieldId('deals', 'products'),
				value: [{ id: option('products', 'Platform') }, { id: option('products', 'Training') }],
			},
			{ id: fieldId('deals', 'is_priority'), value: { id: option('is_priority', 'Yes') } },
		]);
		expect(request.body).not.toHaveProperty('oncreate_unarchive');
		expect(request.body).not.toHaveProperty('onupdate_archived_conflict');
	});

	it('evaluates expressions per item, including the object', async () => {
		const result = await runKizen(
			sim,
			{
				object: byName('={{ $json.object }}'),
				lookupValue: '={{ $json.key }}',
				fields: defineBelow({}),
				options: {},
			},
			[
				{ object: 'companies', key: 'Per Item Co' },
				{ object: 'client_client', key: 'per.item@example.com' },
			],
		);
		expect(result.items('Kizen').map((i) => [i.object, i.action])).toEqual([
			['companies', 'created'],
			['client_client', 'created'],
		]);
	});

	it('finds the object by ID and from the list, as well as by API name', async () => {
		const companies = sim.objects().find((o) => o.name === 'companies')!;
		for (const object of [byId(companies.id), fromList('companies')]) {
			const result = await runKizen(
				sim,
				{ object, lookupValue: 'Globex', fields: defineBelow({ employee_count: 41 }), options: {} },
				[{}],
			);
			expect(result.items('Kizen')[0]).toMatchObject({
				action: 'updated',
				object: 'companies',
				fields: { employee_count: 41 },
			});
		}
	});

	it('fetches the object schema once per execution, not per item', async () => {
		const items = Array.from({ length: 25 }, (_, i) => ({
			email: `bulk${i}@example.com`,
			lead_score: i,
		}));
		const result = await runKizen(sim, contacts(), items);
		expect(result.items('Kizen')).toHaveLength(25);
		const schemaReads = sim.requests.filter((r) => r.path.startsWith('/api/custom-objects'));
		expect(schemaReads.map((r) => r.path)).toEqual([
			'/api/custom-objects/client_client',
			`/api/custom-objects/${sim.objects().find((o) => o.name === 'client_client')!.id}/fields`,
		]);
		expect(upsertRequests(sim)).toHaveLength(25);
	});
});

describe('auto-map and define below', () => {
	it('auto-map writes input keys that are writable fields and ignores the rest', async () => {
		await runKizen(sim, contacts(), [
			{
				email: 'auto@example.com',
				first_name: 'Auto',
				created: '2020-01-01',
				internal_notes: 'secret',
				source_system: 'csv',
			},
		]);
		const [request] = upsertRequests(sim);
		const sentIds = request.body.fields.map((f: { id: string }) => f.id);
		expect(sentIds).toEqual([
			fieldId('client_client', 'email'),
			fieldId('client_client', 'first_name'),
		]);
	});

	it('define below refuses a field that no longer exists, naming it', async () => {
		const result = await runKizen(sim, contacts({ fields: defineBelow({ shoe_size: 44 }) }), [
			{ email: 'x@example.com' },
		]);
		expect(result.error?.message).toBe(
			'Item 0 ("x@example.com"): "shoe_size" cannot take 44: the object "client_client" has no such field. Refresh the field list (Fields → ⋯ → Refresh Field List)',
		);
		expect(upsertRequests(sim)).toHaveLength(0);
	});
});

describe('lookup value', () => {
	it.each([
		['empty', ''],
		['whitespace only', '   '],
	])('fails an %s lookup value before any request', async (_label, value) => {
		const result = await runKizen(sim, contacts({ lookupValue: '={{ $json.email }}' }), [
			{ email: value },
		]);
		expect(result.error?.message).toBe('Item 0: Lookup Value is empty');
		expect(result.error?.description).toMatch(/email address.*\{\{ \$json\.email \}\}/);
		expect(upsertRequests(sim)).toHaveLength(0);
	});

	it('fails a Contacts lookup value that is not an email, but lets other objects use any name', async () => {
		const contact = await runKizen(sim, contacts({ lookupValue: 'Ada Lovelace' }), [{}]);
		expect(contact.error?.message).toBe(
			'Item 0: "Lookup Value" cannot take "Ada Lovelace": expected an email address, e.g. jane@example.com',
		);
		const company = await runKizen(
			sim,
			{
				object: byName('companies'),
				lookupValue: 'Ada Lovelace Ltd',
				fields: autoMap(),
				options: {},
			},
			[{}],
		);
		expect(company.items('Kizen')[0].action).toBe('created');
	});
});

describe('options', () => {
	const archivedEmail = 'former@example.com';
	const archivedContact = () =>
		sim.records('client_client').archived.find((r) => r.identifier === archivedEmail)!;

	it('an archived match fails by default, with a hint to choose a policy', async () => {
		const result = await runKizen(sim, contacts(), [{ email: archivedEmail }]);
		expect(result.error?.message).toMatch(
			/^Item 0 \("former@example.com"\): Kizen rejected the record: .*archived/i,
		);
		expect(result.error?.description).toMatch(/If an Archived Record Matches/);
		expect(result.error?.description).toMatch(/Kizen request ID: \S+/);
		expect(upsertRequests(sim)[0].body).not.toHaveProperty('oncreate_unarchive');
	});

	it('"Fail" sends prompt explicitly; "Unarchive It" restores the same record', async () => {
		const fail = await runKizen(sim, contacts({ options: { archivedMatch: 'prompt' } }), [
			{ email: archivedEmail },
		]);
		expect(fail.error?.message).toMatch(/archived/i);
		const { id } = archivedContact();
		const result = await runKizen(sim, contacts({ options: { archivedMatch: 'unarchive' } }), [
			{ email: archivedEmail, first_name: 'Back' },
		]);
		expect(result.items('Kizen')[0]).toMatchObject({ id, action: 'unarchived' });
		expect(sim.records('client_client').live.map((r) => r.id)).toContain(id);
		expect(upsertRequests(sim).map((r) => r.body.oncreate_unarchive)).toEqual([
			'prompt',
			'unarchive',
		]);
	});

	it('"Create a New Record" leaves the archived record archived and creates another', async () => {
		const { id } = archivedContact();
		const result = await runKizen(sim, contacts({ options: { archivedMatch: 'overwrite' } }), [
			{ email: archivedEmail },
		]);
		const out = result.items('Kizen')[0];
		expect(out.action).toBe('created');
		expect(out.id).not.toBe(id);
		expect(sim.records('client_client').archived.map((r) => r.id)).toContain(id);
	});

	it('Overwrite Archived Identifier on Update lets a rename take an archived record’s name', async () => {
		const rename = {
			object: byName('companies'),
			lookupValue: 'Globex',
			fields: defineBelow({ name: 'Umbrella Corp' }),
		};
		const refused = await runKizen(sim, { ...rename, options: {} }, [{}]);
		expect(refused.error?.message).toMatch(/Kizen rejected the record/);
		const allowed = await runKizen(
			sim,
			{ ...rename, options: { overwriteArchivedIdentifier: true } },
			[{}],
		);
		expect(allowed.items('Kizen')[0]).toMatchObject({
			action: 'updated',
			fields: { name: 'Umbrella Corp' },
		});
		expect(upsertRequests(sim)[1].body.onupdate_archived_conflict).toBe('overwrite');
	});

	it('Empty Values: Skip leaves a field alone, Clear sends null', async () => {
		const ada = { email: 'ada@example.com', first_name: '', lead_score: null };
		await runKizen(sim, contacts(), [ada]);
		await runKizen(sim, contacts({ options: { emptyValues: 'clear' } }), [ada]);
		const [skip, clear] = upsertRequests(sim);
		expect(skip.body.fields).toEqual([
			{ id: fieldId('client_client', 'email'), value: 'ada@example.com' },
		]);
		expect(clear.body.fields).toEqual([
			{ id: fieldId('client_client', 'email'), value: 'ada@example.com' },
			{ id: fieldId('client_client', 'first_name'), value: null },
			{ id: fieldId('client_client', 'lead_score'), value: null },
		]);
		const stored = sim
			.records('client_client')
			.live.find((r) => r.identifier === 'ada@example.com')!;
		expect(stored.fields[fieldId('client_client', 'lead_score')]).toBeUndefined();
	});

	it('Multi-Value Fields: Add and Remove send add_values / remove_values', async () => {
		const labels = () =>
			(
				sim.records('client_client').live.find((r) => r.identifier === 'ada@example.com')!.fields[
					fieldId('client_client', 'tags')
				] ?? []
			)
				.map(
					(id: string) => sim.field('client_client', 'tags').options.find((x) => x.id === id)!.name,
				)
				.sort();
		expect(labels()).toEqual(['VIP']);
		await runKizen(sim, contacts({ options: { multiValueMode: 'add' } }), [
			{ email: 'ada@example.com', tags: 'Partner, Press' },
		]);
		expect(labels()).toEqual(['Partner', 'Press', 'VIP']);
		await runKizen(sim, contacts({ options: { multiValueMode: 'remove' } }), [
			{ email: 'ada@example.com', tags: ['VIP'] },
		]);
		expect(labels()).toEqual(['Partner', 'Press']);
		expect(upsertRequests(sim).map((r) => Object.keys(r.body.fields[1]))).toEqual([
			['id', 'add_values'],
			['id', 'remove_values'],
		]);
	});

	it('Return All Fields asks Kizen for every field', async () => {
		const lean = await runKizen(sim, contacts(), [{ email: 'ada@example.com', first_name: 'Ada' }]);
		const full = await runKizen(sim, contacts({ options: { returnAllFields: true } }), [
			{ email: 'ada@example.com', first_name: 'Ada' },
		]);
		expect(Object.keys(lean.items('Kizen')[0].fields as object).sort()).toEqual([
			'email',
			'first_name',
		]);
		expect(full.items('Kizen')[0].fields).toMatchObject({
			last_name: 'Lovelace',
			lead_score: 90,
			lifecycle_stage: 'Customer',
			tags: ['VIP'],
		});
		expect(upsertRequests(sim).map((r) => r.query.return_all_fields)).toEqual([undefined, 'true']);
	});

	it('Output: Simplified gives plain values; Raw gives Kizen’s response as it came', async () => {
		const item = {
			name: 'Acme Corp',
			annual_revenue: 99.5,
			industry: 'software',
			primary_contact: null,
		};
		const params = {
			object: byName('companies'),
			lookupValue: '={{ $json.name }}',
			fields: autoMap(),
		};
		const simple = await runKizen(sim, { ...params, options: { returnAllFields: true } }, [item]);
		const raw = await runKizen(
			sim,
			{ ...params, options: { returnAllFields: true, output: 'raw' } },
			[item],
		);
		expect(simple.items('Kizen')[0].fields).toMatchObject({
			annual_revenue: 99.5,
			industry: 'Software',
			region: 'North America',
			owner: sim.employees[0].id,
			primary_contact: sim
				.records('client_client')
				.live.find((r) => r.identifier === 'ada@example.com')!.id,
		});
		const rawItem = raw.items('Kizen')[0];
		expect(rawItem).toMatchObject({
			action: 'updated',
			client_info: expect.any(Object),
			access: expect.any(Object),
		});
		const industryId = fieldId('companies', 'industry');
		expect((rawItem.fields as Record<string, { value: unknown }>)[industryId].value).toMatchObject({
			name: 'Software',
			code: 'software',
		});
	});
});

describe('errors', () => {
	it('a value that cannot be converted fails its item only, naming item, field, value and expected form', async () => {
		const result = await runKizen(
			sim,
			contacts(),
			[
				{ email: 'ok1@example.com' },
				{ email: 'bad@example.com', lifecycle_stage: 'Prospect' },
				{ email: 'ok2@example.com' },
			],
			{ onError: 'continueRegularOutput' },
		);
		const out = result.items('Kizen');
		expect(out.map((i) => i.action ?? 'error')).toEqual(['created', 'error', 'created']);
		expect(out[1].error).toBe(
			'Item 1 ("bad@example.com"): "Lifecycle Stage" (lifecycle_stage) cannot take "Prospect": expected one of the field\'s choices: Lead, Qualified, Customer, Churned',
		);
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(upsertRequests(sim).map((r) => r.body.lookup_value)).toEqual([
			'ok1@example.com',
			'ok2@example.com',
		]);
	});

	it('the error output gets one error item per failed input, with the input data and pairedItem', async () => {
		const result = await runKizen(
			sim,
			contacts(),
			[
				{ email: 'good@example.com' },
				{ email: 'not-an-email' },
				{ email: 'worse@example.com', mobile_phone: '555-0100' },
			],
			{ onError: 'continueErrorOutput' },
		);
		expect(result.items('Kizen', 0).map((i) => i.action)).toEqual(['created']);
		const errors = result.rawItems('Kizen', 1);
		expect(errors.map((e) => e.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(errors[0].json.error).toBe(
			'Item 1: "Lookup Value" cannot take "not-an-email": expected an email address, e.g. jane@example.com',
		);
		// n8n keeps only the message in json; the hint travels on the item's error.
		expect(errors[0].error?.description).toMatch(/Kizen matches Contacts by email/);
		expect(errors[1].json.error).toMatch(
			/"Mobile Phone" \(mobile_phone\) cannot take "555-0100": expected a phone number in E\.164 form/,
		);
	});

	it('maps Kizen’s positional 400 field errors back to the field display names', async () => {
		// The node accepts any UUID for a relationship; only Kizen knows the record does not exist.
		const missing = '00000000-0000-4000-8000-00000000dead';
		const result = await runKizen(
			sim,
			{
				object: byName('deals'),
				lookupValue: 'Acme Renewal',
				fields: defineBelow({ amount: 10, company: missing }),
				options: {},
			},
			[{}],
		);
		expect(result.error?.message).toMatch(
			/^Item 0 \("Acme Renewal"\): Kizen rejected the record: "Company" \(company\) \(sent \{"id":"0{8}-0{4}-4000-8000-00000000dead"\}\): /,
		);
		expect(result.error?.message).not.toMatch(/"Amount"/);
	});

	it.each([
		[
			401,
			{ detail: 'Invalid API key.', code: 'authentication_failed' },
			/Kizen refused the credentials \(401: Invalid API key\.\)/,
		],
		[
			403,
			{ detail: 'You do not have permission to perform this action.', code: 'permission_denied' },
			/lacks permission for this \(403/,
		],
		[404, { detail: 'Not found.' }, /Not found in Kizen \(404/],
		[
			409,
			{ detail: 'The record was archived by another request.' },
			/conflict with another change to this record \(409/,
		],
	])('explains a %s in plain words, with the request ID', async (status, body, message) => {
		sim.addFault({ kind: 'status', status, body, match: { path: '/upsert' } });
		const result = await runKizen(sim, contacts(), [{ email: 'ada@example.com' }]);
		expect(result.error?.message).toMatch(message);
		const requestId = sim.requests.find((r) => r.path.endsWith('/upsert'))!.requestId;
		expect(result.error?.description).toContain(`Kizen request ID: ${requestId}`);
		noSecret(result.error);
	});

	it('refuses a credential whose Base URL is Kizen’s web app, before any request', async () => {
		sim.clearRequests();
		const result = await runKizen(
			sim,
			contacts(),
			[{ email: 'a@example.com' }],
			{},
			{
				environment: 'custom',
				baseUrl: 'https://go.kizen.com',
				...sim.credentials,
			},
		);
		expect(result.error?.message).toBe(
			'Kizen credential: "https://go.kizen.com" is Kizen\'s web app, not its API. Use https://app.go.kizen.com instead',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('explains an unknown object', async () => {
		const result = await runKizen(sim, contacts({ object: byName('widgets') }), [
			{ email: 'a@example.com' },
		]);
		expect(result.error?.message).toBe('Item 0: Kizen has no object "widgets" that this user can see');
	});

	it('never puts the API key in outputs or errors', async () => {
		const result = await runKizen(
			sim,
			contacts(),
			[{ email: 'ada@example.com' }, { email: '' }, { email: 'former@example.com' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.items('Kizen')).toHaveLength(3);
		noSecret(result.run.data);
	});
});

describe('UI methods', () => {
	it('the object list includes Contacts and custom objects, follows pagination and searches', async () => {
		type Page = { results: Array<{ name: string; value: string }>; paginationToken?: string };
		const all = await callMethod<Page>(sim, 'listSearch', 'searchObjects', {});
		expect(all.results.map((r) => r.value)).toEqual(
			expect.arrayContaining(['client_client', 'companies', 'deals']),
		);
		expect(all.results.find((r) => r.value === 'client_client')!.name).toBe('Contacts');
		const found = await callMethod<Page>(sim, 'listSearch', 'searchObjects', {}, ['dea']);
		expect(found.results.map((r) => r.value)).toEqual(['deals']);
		expect(sim.requests.at(-1)!.query).toMatchObject({ custom_only: 'false', search: 'dea' });
	});

	it('the field mapper offers writable fields with n8n types, options and required marks', async () => {
		type Fields = {
			fields: Array<{
				id: string;
				displayName: string;
				type: string;
				required: boolean;
				options?: Array<{ name: string; value: string }>;
			}>;
		};
		const { fields } = await callMethod<Fields>(sim, 'resourceMapping', 'getFields', {
			object: byName('deals'),
		});
		const byApi = Object.fromEntries(fields.map((f) => [f.id, f]));
		expect(Object.keys(byApi)).not.toEqual(expect.arrayContaining(['record_number']));
		expect(byApi.record_number).toBeUndefined(); // read-only
		expect(byApi.created).toBeUndefined(); // read-only
		expect(byApi.legacy_id).toBeUndefined(); // hidden
		expect(byApi.stage).toMatchObject({ type: 'options', required: true, displayName: 'Stage' });
		expect(byApi.stage.options!.map((o) => o.name)).toEqual([
			'Qualified',
			'Proposal',
			'Won',
			'Lost',
		]);
		expect(byApi.name).toMatchObject({ required: false });
		expect(byApi.amount.type).toBe('number');
		expect(byApi.close_date.type).toBe('dateTime');
		expect(byApi.products.type).toBe('array');
		expect(byApi.contacts.type).toBe('array');
		expect(byApi.company.type).toBe('string');
	});
});
