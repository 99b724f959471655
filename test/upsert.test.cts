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
	isErrorItem,
	itemOf,
	runKizen,
	runKizenWith,
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
			{ email: 'new.person@example.com', first_name: 'New', birthday: '1990-01-02T08:00:00Z' },
			{ email: 'ADA@Example.com', first_name: 'Augusta' },
			{ email: 'second.new@example.com', last_name: 'Second' },
		]);
		expect(result.error).toBeUndefined();
		const out = result.items('Kizen');
		expect(out.map((item) => item.action)).toEqual(['created', 'updated', 'created']);
		expect(out[1].id).toBe(ada.id);
		// Simplified output is flat: id, action, then one key per field by API name.
		expect(out[0]).toEqual({
			id: expect.any(String),
			action: 'created',
			email: 'new.person@example.com',
			first_name: 'New',
			birthday: '1990-01-02',
			updated: expect.any(String),
		});
		expect(Object.keys(out[0]).slice(0, 2)).toEqual(['id', 'action']);
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
			sim.field('deals', field).options!.find((o) => o.name === label)!.id;
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
		expect(result.items('Kizen').map((i) => [i.name ?? i.email, i.action])).toEqual([
			['Per Item Co', 'created'],
			['per.item@example.com', 'created'],
		]);
		expect(upsertRequests(sim).map((r) => r.path)).toEqual([
			'/api/records/companies/upsert',
			'/api/records/client_client/upsert',
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
				name: 'Globex',
				employee_count: 41,
			});
		}
	});

	it('fetches the object schema once per execution, not per item', async () => {
		const items = Array.from({ length: 25 }, (_, i) => ({
			email: `bulk${i}@example.com`,
			first_name: `Bulk ${i}`,
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
	const hintsOf = (result: Awaited<ReturnType<typeof runKizen>>) =>
		(result.runData.Kizen[0].hints ?? []).map((hint) => hint.message);

	it('auto-map writes input keys that are writable fields and reports the rest once', async () => {
		const result = await runKizen(sim, contacts(), [
			{
				email: 'auto@example.com',
				first_name: 'Auto',
				created: '2020-01-01',
				source_system: 'csv',
			},
			{ email: 'auto2@example.com', source_system: 'crm', 'Lead Score': 7 },
		]);
		expect(result.items('Kizen').map((i) => i.action)).toEqual(['created', 'created']);
		const [request] = upsertRequests(sim);
		const sentIds = request.body.fields.map((f: { id: string }) => f.id);
		expect(sentIds).toEqual([
			fieldId('client_client', 'email'),
			fieldId('client_client', 'first_name'),
		]);
		// One notice for the execution, each key named once whichever items had it.
		expect(hintsOf(result)).toEqual([
			'Not written: "source_system", "Lead Score": no field of Contacts has these names (API name or display name); rename them or use Define Below. "created": read-only in Kizen. Options → Unmatched Input Keys decides whether such keys are ignored, reported or fail the item.',
		]);
	});

	it('auto-map matches spreadsheet columns by display name, ignoring case, spaces, _ and -', async () => {
		const result = await runKizen(sim, contacts({ lookupValue: '={{ $json.Email }}' }), [
			{
				Email: 'sheet@example.com',
				'First Name': 'Sheet',
				'LAST-NAME': 'Row',
				'mobile phone': '+1 312 555 0100',
				'Email Status': 'Opted In',
				'Lead Score': 90,
			},
		]);
		expect(result.items('Kizen')[0]).toMatchObject({
			action: 'created',
			email: 'sheet@example.com',
			first_name: 'Sheet',
			last_name: 'Row',
			mobile_phone: '+13125550100',
			email_status: 'Opted In',
		});
		expect(upsertRequests(sim)[0].body.fields.map((f: { id: string }) => f.id)).toEqual(
			['email', 'first_name', 'last_name', 'mobile_phone', 'email_status'].map((name) =>
				fieldId('client_client', name),
			),
		);
		expect(hintsOf(result)).toEqual([expect.stringMatching(/^Not written: "Lead Score": no field of Contacts has this name/)]);
	});

	it('Unmatched Input Keys: Ignore says nothing; Fail the Item fails each item that has one', async () => {
		const items = [
			{ email: 'keys1@example.com', first_name: 'One' },
			{ email: 'keys2@example.com', 'Lead Score': 5 },
		];
		const ignored = await runKizen(sim, contacts({ options: { unmatchedKeys: 'ignore' } }), items);
		expect(ignored.items('Kizen').map((i) => i.action)).toEqual(['created', 'created']);
		expect(hintsOf(ignored)).toEqual([]);
		sim.reset();
		const failed = await runKizen(
			sim,
			contacts({ options: { unmatchedKeys: 'fail' } }),
			items,
			{ onError: 'continueRegularOutput' },
		);
		const out = failed.rawItems('Kizen');
		expect(out[0].json.action).toBe('created');
		expect(isErrorItem(out[1])).toBe(true);
		expect(out[1].pairedItem).toEqual({ item: 1 });
		expect(out[1].json.message).toBe(
			'Not written to Kizen: "Lead Score": no field of Contacts has this name (API name or display name); rename it or use Define Below. Options → Unmatched Input Keys decides whether such keys are ignored, reported or fail the item',
		);
		expect(upsertRequests(sim).map((r) => r.body.lookup_value)).toEqual(['keys1@example.com']);
	});

	it('auto-map refuses a key that fits two fields and two keys for one field, before sending', async () => {
		const result = await runKizen(
			sim,
			contacts(),
			[
				{ email: 'twice@example.com', 'First Name': 'Ada', first_name: 'Augusta' },
				{ email: 'fine@example.com', first_name: 'Fine' },
			],
			{ onError: 'continueRegularOutput' },
		);
		const out = result.rawItems('Kizen');
		expect(out[0].json.message).toBe(
			'"First Name" (first_name) cannot take "Augusta": the field is given twice, as "First Name" and as "first_name". Keep one of them',
		);
		expect(out[1].json.action).toBe('created');
		expect(upsertRequests(sim).map((r) => r.body.lookup_value)).toEqual(['fine@example.com']);
	});

	it('define below refuses a field that no longer exists, naming it', async () => {
		const result = await runKizen(sim, contacts({ fields: defineBelow({ shoe_size: 44 }) }), [
			{ email: 'x@example.com' },
		]);
		expect(result.error?.message).toBe(
			'"shoe_size" cannot take 44: the object "client_client" has no such field. Refresh the field list (Fields → ⋯ → Refresh Field List)',
		);
		expect(itemOf(result.error)).toBe(0);
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
		expect(result.error?.message).toBe('Lookup Value is empty');
		expect(itemOf(result.error)).toBe(0);
		expect(result.error?.description).toMatch(/email address.*\{\{ \$json\.email \}\}/);
		expect(upsertRequests(sim)).toHaveLength(0);
	});

	it('fails a Contacts lookup value that is not an email, but lets other objects use any name', async () => {
		const contact = await runKizen(sim, contacts({ lookupValue: 'Ada Lovelace' }), [{}]);
		expect(contact.error?.message).toBe(
			'"Lookup Value" cannot take "Ada Lovelace": expected an email address, e.g. jane@example.com',
		);
		expect(itemOf(contact.error)).toBe(0);
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
		expect(result.error?.message).toMatch(/^Kizen rejected the record: .*archived/i);
		expect(itemOf(result.error)).toBe(0);
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
		expect(allowed.items('Kizen')[0]).toMatchObject({ action: 'updated', name: 'Umbrella Corp' });
		expect(upsertRequests(sim)[1].body.onupdate_archived_conflict).toBe('overwrite');
	});

	it('Empty Values: Skip leaves a field alone; Clear sends null or "" as the field allows, and refuses otherwise', async () => {
		// first_name allows only "", birthday allows null (the simulator's allows_nulls / allows_empty).
		const ada = { email: 'ada@example.com', first_name: '', birthday: null };
		await runKizen(sim, contacts(), [ada]);
		await runKizen(sim, contacts({ options: { emptyValues: 'clear' } }), [ada]);
		const [skip, clear] = upsertRequests(sim);
		expect(skip.body.fields).toEqual([
			{ id: fieldId('client_client', 'email'), value: 'ada@example.com' },
		]);
		expect(clear.body.fields).toEqual([
			{ id: fieldId('client_client', 'email'), value: 'ada@example.com' },
			{ id: fieldId('client_client', 'first_name'), value: '' },
			{ id: fieldId('client_client', 'birthday'), value: null },
		]);
		const stored = sim
			.records('client_client')
			.live.find((r) => r.identifier === 'ada@example.com')!;
		expect(stored.fields[fieldId('client_client', 'birthday')]).toBeUndefined();
		expect(stored.fields[fieldId('client_client', 'first_name')]).toBeUndefined();
		// Priority? allows neither: refused before anything is sent.
		const neither = await runKizen(
			sim,
			{
				object: byName('deals'),
				lookupValue: 'Acme Renewal',
				fields: defineBelow({ is_priority: '' }),
				options: { emptyValues: 'clear' },
			},
			[{}],
		);
		expect(neither.error?.message).toBe(
			'"Priority?" (is_priority) cannot take "": Kizen does not let this field be emptied (it allows neither null nor ""). Give it a value, or set Options → Empty Values to Skip',
		);
		expect(itemOf(neither.error)).toBe(0);
		expect(upsertRequests(sim)).toHaveLength(2);
	});

	it('Multi-Value Fields: Add and Remove send add_values / remove_values', async () => {
		const labels = () =>
			(
				sim.records('client_client').live.find((r) => r.identifier === 'ada@example.com')!.fields[
					fieldId('client_client', 'tags')
				] ?? []
			)
				.map((id: string) => sim.tags('client_client', 'tags').find((x) => x.id === id)!.name)
				.sort();
		expect(labels()).toEqual(['VIP']);
		await runKizen(sim, contacts({ options: { multiValueMode: 'add' } }), [
			{ email: 'ada@example.com', tags: 'partner, Press' },
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
		expect(Object.keys(lean.items('Kizen')[0]).sort()).toEqual([
			'action',
			'email',
			'first_name',
			'id',
			'updated',
		]);
		expect(full.items('Kizen')[0]).toMatchObject({
			last_name: 'Lovelace',
			email_status: 'Opted In',
			tags: ['VIP'],
			timezone: 'Europe/London',
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
		expect(simple.items('Kizen')[0]).toMatchObject({
			annual_revenue: 99.5,
			industry: 'Software',
			region: 'North America',
			// A team member as Kizen reads it back.
			owner: {
				id: sim.employees[0].id,
				first_name: 'Sam',
				last_name: 'Seller',
				email: 'sam.seller@demo.example',
			},
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

describe('reads', () => {
	it('shows a multi-value field Kizen summarises (over 100 values) as value_summary, never as null', async () => {
		const ids = Array.from({ length: 120 }, (_, i) => sim.addTag('deals', 'labels', `L${i}`).id);
		const result = await runKizen(
			sim,
			{
				object: byName('deals'),
				lookupValue: 'Acme Renewal',
				fields: defineBelow({ labels: ids }),
				options: {},
			},
			[{}],
		);
		expect(result.items('Kizen')[0]).toMatchObject({
			labels: { value_summary: { count: 120 } },
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
				{ email: 'bad@example.com', email_status: 'Prospect' },
				{ email: 'ok2@example.com' },
			],
			{ onError: 'continueRegularOutput' },
		);
		const out = result.items('Kizen');
		expect(out.map((i) => i.action ?? 'error')).toEqual(['created', 'error', 'created']);
		expect(isErrorItem(result.rawItems('Kizen')[1])).toBe(true);
		expect(out[1].message).toBe(
			'"Email Status" (email_status) cannot take "Prospect": expected one of the field\'s choices: Opted In, Not Opted In, Unsubscribed From All, Suppression List',
		);
		expect(out[1].error).toMatch(/Nothing was sent to Kizen for this item/);
		// The item is named by its pairing (n8n's link from output to input).
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(upsertRequests(sim).map((r) => r.body.lookup_value)).toEqual([
			'ok1@example.com',
			'ok2@example.com',
		]);
	});

	it('the error output gets one error item per failed input, with the input data and pairedItem', async () => {
		const result = await runKizenWith(
			sim,
			contacts(),
			[
				{ email: 'good@example.com' },
				{ email: 'not-an-email' },
				{ email: 'worse@example.com', mobile_phone: '555-0100' },
			],
			{ node: { onError: 'continueErrorOutput' }, afterInput: true },
		);
		expect(result.items('Kizen', 0).map((i) => i.action)).toEqual(['created']);
		const errors = result.rawItems('Kizen', 1);
		expect(errors.map((e) => e.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		// n8n merges the failed input row into the error item: the branch can fix and replay it.
		expect(errors[0].json).toEqual({
			email: 'not-an-email',
			message:
				'"Lookup Value" cannot take "not-an-email": expected an email address, e.g. jane@example.com',
			error: expect.stringMatching(/Kizen matches Contacts by email/),
		});
		expect(errors[0].error).toBeUndefined();
		expect(errors[1].json).toMatchObject({
			email: 'worse@example.com',
			mobile_phone: '555-0100',
			message: expect.stringMatching(
				/"Mobile Phone" \(mobile_phone\) cannot take "555-0100": expected a phone number in E\.164 form/,
			),
		});
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
			/^Kizen rejected the record: "Company" \(company\) \(sent \{"id":"0{8}-0{4}-4000-8000-00000000dead"\}\): /,
		);
		expect(itemOf(result.error)).toBe(0);
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
			{ detail: 'Conflict.', code: 'conflict' },
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

	it('gives a 409 for an archived match the same archived-record explanation as a 400', async () => {
		// How Kizen answers `prompt` is not documented: a 409 naming the archived record is read as that.
		sim.addFault({
			kind: 'status',
			status: 409,
			body: { detail: 'An archived record with this email already exists.', code: 'conflict' },
			match: { path: '/upsert' },
		});
		const named = await runKizen(sim, contacts(), [{ email: 'former@example.com' }]);
		expect(named.error?.message).toMatch(
			/^Kizen refused the record: an archived record conflicts with it \(409/,
		);
		expect(named.error?.description).toMatch(
			/^An archived record has this identifier\. Choose what should happen under Options → If an Archived Record Matches/,
		);
		sim.clearFaults();
		// A 409 that does not say why: both readings, the archived-record policy among them.
		sim.addFault({
			kind: 'status',
			status: 409,
			body: { detail: 'Conflict.' },
			match: { path: '/upsert' },
		});
		const bare = await runKizen(sim, contacts(), [{ email: 'former@example.com' }]);
		expect(bare.error?.message).toMatch(/conflict with another change to this record \(409/);
		expect(bare.error?.description).toMatch(
			/run the item again\. If it fails the same way, an archived record holds this identifier\. An archived record has this identifier/,
		);
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
		expect(result.error?.message).toBe('Kizen has no object "widgets" that this user can see');
		expect(itemOf(result.error)).toBe(0);
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
		expect(byApi.record_number).toBeUndefined(); // read-only
		expect(byApi.created).toBeUndefined(); // read-only
		// Each field shows its API name, the name Map Automatically matches besides the display name.
		expect(byApi.stage).toMatchObject({
			type: 'options',
			required: true,
			displayName: 'Stage (stage)',
		});
		expect(byApi.stage.options!.map((o) => o.name)).toEqual([
			'Qualified',
			'Proposal',
			'Won',
			'Lost',
		]);
		// Create or Update takes the name from Lookup Value: here it renames the matched record.
		expect(byApi.name).toMatchObject({
			required: false,
			displayName: 'Name (name), renames the matched record',
		});
		expect(byApi.amount.type).toBe('number');
		expect(byApi.close_date.type).toBe('dateTime');
		// Several IDs are typed as text, not in a JSON editor.
		expect(byApi.contacts).toMatchObject({
			type: 'string',
			displayName: 'Contacts (contacts), comma-separated IDs',
		});
		expect(byApi.company.type).toBe('string');
		// Multi-choice fields offer their choices; a tag field its tags, from the tag endpoint.
		expect(byApi.products).toMatchObject({ type: 'options' });
		expect(byApi.labels.options!.map((o) => o.name)).toEqual(['At Risk', 'Renewal', 'Strategic']);
		// Hidden fields are writable: offered after the visible ones, marked.
		expect(byApi.legacy_id).toMatchObject({
			displayName: 'Legacy ID (legacy_id) (hidden in Kizen)',
			type: 'string',
		});
		expect(fields.at(-1)!.id).toBe('legacy_id');
		expect(sim.requests.filter((r) => r.path.endsWith('/tags')).map((r) => r.path)).toEqual([
			`/api/pipelines/${sim.objects()[2].id}/fields/${fieldId('deals', 'labels')}/tags`,
		]);
	});

	it("the field mapper offers Contacts' tags and time zones (label shown, zone ID kept)", async () => {
		const { fields } = await callMethod<{
			fields: Array<{ id: string; options?: Array<{ name: string; value: string }> }>;
		}>(sim, 'resourceMapping', 'getFields', { object: byName('client_client') });
		const byApi = Object.fromEntries(fields.map((f) => [f.id, f]));
		expect(byApi.tags.options!.map((o) => o.value)).toEqual([
			'Newsletter',
			'Partner',
			'Press',
			'VIP',
		]);
		expect(byApi.titles.options).toHaveLength(4);
		expect(byApi.timezone.options).toHaveLength(93);
		expect(byApi.timezone.options!.find((o) => o.value === 'America/Los_Angeles')!.name).toBe(
			'America/Los Angeles',
		);
		expect(sim.requests.filter((r) => r.path.startsWith('/api/client/fields/')).length).toBe(2);
	});
});

it('the field mapper still lists a tag field when its tags cannot be read (typed by name or ID)', async () => {
	sim.addFault({
		kind: 'status',
		status: 403,
		body: { detail: 'No access.' },
		match: { path: '/tags' },
	});
	const { fields } = await callMethod<{
		fields: Array<{ id: string; type: string; options?: unknown }>;
	}>(sim, 'resourceMapping', 'getFields', { object: byName('client_client') });
	expect(fields.find((f) => f.id === 'tags')).toMatchObject({ type: 'string' });
	expect(fields.find((f) => f.id === 'tags')!.options).toBeUndefined();
	expect(fields.find((f) => f.id === 'email_status')!.options).toHaveLength(4);
});

describe('tags (dynamictags: options null, tags from the tag endpoint)', () => {
	const tagId = (name: string) =>
		sim.tags('client_client', 'tags').find((t) => t.name === name)!.id;

	it("accepts tag names case-insensitively or IDs, sends IDs, and reads each field's tags once per execution", async () => {
		const result = await runKizen(sim, contacts(), [
			{ email: 't1@example.com', tags: 'vip, PARTNER', titles: ['Founder'] },
			{ email: 't2@example.com', tags: [tagId('Press')] },
			{ email: 't3@example.com', tags: 'Newsletter' },
		]);
		expect(result.error).toBeUndefined();
		const bodies = upsertRequests(sim).map((r) => r.body.fields);
		expect(bodies[0][1]).toEqual({
			id: fieldId('client_client', 'tags'),
			value: [{ id: tagId('VIP') }, { id: tagId('Partner') }],
		});
		expect(bodies[1][1]).toEqual({
			id: fieldId('client_client', 'tags'),
			value: [{ id: tagId('Press') }],
		});
		expect(result.items('Kizen')[0]).toMatchObject({
			tags: ['VIP', 'Partner'],
			titles: ['Founder'],
		});
		const tagReads = sim.requests.filter((r) => r.path.endsWith('/tags'));
		expect(tagReads.map((r) => r.path)).toEqual([
			`/api/client/fields/${fieldId('client_client', 'tags')}/tags`,
			`/api/client/fields/${fieldId('client_client', 'titles')}/tags`,
		]);
		expect(tagReads[0].query).toMatchObject({ ordering: 'name', page: '1' });
	});

	it('reads no tags when no item gives a tag value', async () => {
		await runKizen(sim, contacts(), [
			{ email: 'plain@example.com', first_name: 'Plain', tags: '' },
		]);
		expect(sim.requests.filter((r) => r.path.endsWith('/tags'))).toHaveLength(0);
	});

	it("follows the tag endpoint's pages", async () => {
		for (let i = 0; i < 150; i++)
			sim.addTag('client_client', 'tags', `Bulk ${String(i).padStart(3, '0')}`);
		const result = await runKizen(sim, contacts(), [
			{ email: 'paged@example.com', tags: 'VIP, bulk 149' },
		]);
		expect(result.error).toBeUndefined();
		expect(sim.requests.filter((r) => r.path.endsWith('/tags')).map((r) => r.query.page)).toEqual([
			'1',
			'2',
		]);
	});

	it('refuses a tag the field does not have, naming the closest ones, before anything is sent', async () => {
		const result = await runKizen(sim, contacts(), [{ email: 'typo@example.com', tags: 'VIPP' }]);
		expect(result.error?.message).toBe(
			'"Tags" (tags) cannot take "VIPP": expected one of the field\'s tags (a name or ID); there is no tag "VIPP", closest: "VIP", "Press", "Partner". Tags are created in Kizen, not by a write',
		);
		expect(itemOf(result.error)).toBe(0);
		expect(upsertRequests(sim)).toHaveLength(0);
		expect(sim.tags('client_client', 'tags')).toHaveLength(4);
	});

	it('a failed tag read fails the items that need the tags, each with its own error', async () => {
		sim.addFault({
			kind: 'status',
			status: 403,
			body: { detail: 'No access.' },
			match: { path: '/tags' },
		});
		const result = await runKizen(
			sim,
			contacts(),
			[
				{ email: 'a1@example.com', tags: 'VIP' },
				{ email: 'a2@example.com' },
				{ email: 'a3@example.com', tags: 'Press' },
			],
			{ onError: 'continueRegularOutput' },
		);
		const out = result.items('Kizen');
		expect(out.map((i) => i.action ?? 'error')).toEqual(['error', 'created', 'error']);
		expect(out[0].message).toMatch(
			/^Reading the tags of "Tags" \(tags\): The Kizen user lacks permission/,
		);
		expect(out[2].message).toBe(out[0].message);
		expect(out[0].error).toMatch(/Kizen request ID: \S+/);
		expect(result.pairedItems('Kizen')).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim.requests.filter((r) => r.path.endsWith('/tags'))).toHaveLength(1);
	});
});

describe("time zones (the field's option list)", () => {
	it('matches a zone ID or label case-insensitively and sends the option ID', async () => {
		await runKizen(sim, contacts(), [
			{ email: 'tz1@example.com', timezone: 'america/los angeles' },
			{ email: 'tz2@example.com', timezone: 'US/Central' },
			{ email: 'tz3@example.com', timezone: 'utc' },
		]);
		expect(upsertRequests(sim).map((r) => r.body.fields[1].value)).toEqual([
			'America/Los_Angeles',
			'US/Central',
			'UTC',
		]);
	});

	it('refuses a zone outside the list before sending, naming close ones', async () => {
		const result = await runKizen(sim, contacts(), [
			{ email: 'tz@example.com', timezone: 'Europe/Tallinn' },
		]);
		expect(result.error?.message).toMatch(
			/^"Timezone" \(timezone\) cannot take "Europe\/Tallinn": expected one of the field's 93 time zones, e.g\. America\/Chicago; closest: /,
		);
		expect(itemOf(result.error)).toBe(0);
		expect(upsertRequests(sim)).toHaveLength(0);
	});
});

describe('hidden fields', () => {
	it('are written like any other field (hidden is a display flag in Kizen)', async () => {
		const result = await runKizen(
			sim,
			{
				object: byName('deals'),
				lookupValue: 'Acme Renewal',
				fields: defineBelow({ legacy_id: 'LEG-1' }),
				options: {},
			},
			[{}],
		);
		expect(result.items('Kizen')[0]).toMatchObject({ legacy_id: 'LEG-1' });
		expect(upsertRequests(sim)[0].body.fields).toEqual([
			{ id: fieldId('deals', 'legacy_id'), value: 'LEG-1' },
		]);
	});
});
