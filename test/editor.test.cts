/**
 * What a new user meets in the editor (issue 11): the node's description and canvas subtitle, the
 * credential dialog, the field mapper following the operation, the field lists' type names, the
 * Custom API Call n8n adds, the Retry On Fail warning on Create, and spreadsheet values read in the
 * workflow's time zone. (The real editor shows the same in e2e/browser.mjs.)
 */
import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { Expression, Workflow } from 'n8n-workflow';

import { KizenApi } from '../credentials/KizenApi.credentials';
import { Kizen } from '../nodes/Kizen/Kizen.node';

const {
	autoMap,
	byName,
	callMethod,
	defineBelow,
	fromList,
	KIZEN_TYPE,
	runKizen,
	runKizenWith,
	upsertRequests,
	useSimulator,
}: typeof import('./helpers/kizen.cjs') = require('./helpers/kizen.cts');

const sim = useSimulator();
const { description } = new Kizen();
const propertiesNamed = (name: string) => description.properties.filter((p) => p.name === name);

describe('the node as n8n lists it', () => {
	it('names its operations in its description, not only the upsert', () => {
		expect(description.description).toBe(
			'Create or update (upsert), create, get, look up, search, update, archive and unarchive records of any Kizen CRM object, such as Contacts or custom objects',
		);
	});

	it('shows the operation and the object under its name on the canvas', () => {
		const subtitle = (operation: string, object: INodeParameters) => {
			const node: INode = {
				id: 'k',
				name: 'Kizen',
				type: KIZEN_TYPE,
				typeVersion: 1,
				position: [0, 0] as [number, number],
				parameters: { resource: 'record', operation, object },
			};
			const workflow = new Workflow({
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes: {
					getByName: () => new Kizen(),
					getByNameAndVersion: () => new Kizen(),
					getKnownTypes: () => ({}),
				} as never,
			});
			// How the editor renders a subtitle: the expression against the node's parameters.
			return new Expression(workflow).getSimpleParameterValue(
				node,
				description.subtitle!,
				'internal',
				{},
			);
		};
		// n8n hands a subtitle a locator's value only (the API name), not the list's label.
		expect(subtitle('upsert', { ...fromList('client_client'), cachedResultName: 'Contacts' })).toBe(
			'Create or Update: Contacts',
		);
		expect(subtitle('search', byName('deals'))).toBe('Search: deals');
		expect(subtitle('unarchive', byName(''))).toBe('Unarchive: record');
	});

	it('is one n8n adds Custom API Call to (n8n 2.8: a credential with authenticate, version === defaultVersion)', () => {
		// n8n 2.8.4 load-nodes-and-credentials.js injectCustomApiCallOptions / supportsProxyAuth.
		expect(description.version).toBe(description.defaultVersion);
		expect(typeof new KizenApi().authenticate).toBe('function');
	});

	it('answers Custom API Call, which n8n adds to the operations, by pointing to the HTTP Request node', async () => {
		const result = await runKizen(sim, { operation: '__CUSTOM_API_CALL__' }, [{}]);
		expect(result.error?.message).toBe(
			'Custom API Call is not an operation of the Kizen node: use an HTTP Request node',
		);
		expect(result.error?.description).toMatch(
			/Authentication to "Predefined Credential Type", Credential Type to "Kizen API"/,
		);
		expect(sim.requests).toEqual([]);
		// n8n adds it to the resources as well.
		const asResource = await runKizen(sim, { resource: '__CUSTOM_API_CALL__' }, [{}]);
		expect(asResource.error?.message).toBe(result.error?.message);
	});
});

describe('the credential dialog', () => {
	const credential = new KizenApi();
	it('says where each value is without hovering, and its docs link opens the README section', () => {
		expect(credential.documentationUrl).toBe(
			'https://github.com/kizen-community/n8n-nodes-kizen#credentials',
		);
		const notice = credential.properties[0];
		expect(notice).toMatchObject({ type: 'notice' });
		expect(notice.displayName).toMatch(/My Profile → API Connections tab/);
		const hinted = credential.properties.filter((p) => p.type !== 'notice');
		expect(hinted.map((p) => [p.name, typeof p.hint === 'string' && p.hint.length > 0])).toEqual(
			hinted.map((p) => [p.name, true]),
		);
		expect(credential.properties.find((p) => p.name === 'apiKey')!.hint).toMatch(
			/API Connections: API Key/,
		);
	});
});

describe('the field mapper follows the operation', () => {
	type Fields = { fields: Array<{ id: string; displayName: string; required: boolean }> };
	const fields = async (operation: string) =>
		Object.fromEntries(
			(
				await callMethod<Fields>(sim, 'resourceMapping', 'getFields', {
					operation,
					object: byName('deals'),
				})
			).fields.map((f) => [f.id, f]),
		);

	it('reloads when the operation changes (the operation is one of the parameters it depends on)', () => {
		const mappers = propertiesNamed('fields') as INodeProperties[];
		expect(mappers.length).toBe(3); // Create or Update, Create, Update
		for (const mapper of mappers) {
			expect(mapper.typeOptions?.loadOptionsDependsOn).toEqual(['object.value', 'operation']);
		}
	});

	it('marks what each operation requires: Create the name too, Update nothing', async () => {
		const upsert = await fields('upsert');
		const create = await fields('create');
		const update = await fields('update');
		expect([upsert.stage.required, create.stage.required, update.stage.required]).toEqual([
			true,
			true,
			false,
		]);
		expect([upsert.name.required, create.name.required, update.name.required]).toEqual([
			false,
			true,
			false,
		]);
		// Only Create or Update finds the record by Lookup Value: there the name renames it.
		expect([upsert.name.displayName, create.name.displayName, update.name.displayName]).toEqual([
			'Name (name), renames the matched record',
			'Name (name)',
			'Name (name)',
		]);
	});
});

it('lists fields with their type in plain words (Fields to Return, filters, sort)', async () => {
	const options = await callMethod<Array<{ name: string; value: string; description: string }>>(
		sim,
		'loadOptions',
		'getFieldNames',
		{ operation: 'search', object: byName('client_client') },
	);
	const typeOf = Object.fromEntries(options.map((o) => [o.value, o.description]));
	expect(typeOf).toMatchObject({
		tags: 'Tags',
		mobile_phone: 'Phone number',
		email_status: 'Dropdown',
		birthday: 'Date',
		created: 'Date and time',
		timezone: 'Time zone',
		company_primary: 'Relationship (one)',
		company_additional: 'Relationship (many)',
	});
	// The Sort rule is its own collection below the filters, not among the options.
	const names = description.properties
		.filter((p) => p.displayOptions?.show?.operation?.includes('search'))
		.map((p) => p.name);
	expect(names.indexOf('sort')).toBe(names.indexOf('combine') + 1);
	const searchOptions = description.properties.find(
		(p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('search'),
	)!;
	expect((searchOptions.options as INodeProperties[]).map((o) => o.name)).not.toContain('sortBy');
});

describe('Create with Settings → Retry On Fail', () => {
	const create = { operation: 'create', object: byName('companies'), options: {} };
	const hints = (result: Awaited<ReturnType<typeof runKizen>>) =>
		(result.runData.Kizen[0].hints ?? []).map((hint) => hint.message);

	it('warns that a re-run of the node can duplicate records', async () => {
		const on = await runKizen(
			sim,
			{ ...create, fields: defineBelow({ name: 'Retried Co' }) },
			[{}],
			{
				retryOnFail: true,
			},
		);
		expect(hints(on)).toEqual([
			expect.stringMatching(
				/^Settings → Retry On Fail is on: when an item fails, n8n runs this Create again for every item, and the records already created are created a second time\./,
			),
		]);
		const off = await runKizen(sim, { ...create, fields: defineBelow({ name: 'Once Co' }) }, [{}]);
		expect(hints(off)).toEqual([]);
	});

	it('Max Attempts says how it differs from Retry On Fail', () => {
		const maxAttempts = description.properties
			.filter((p) => p.name === 'options')
			.flatMap((p) => p.options as INodeProperties[])
			.filter((o) => o.name === 'maxAttempts');
		expect(maxAttempts.length).toBe(8); // every operation
		for (const option of maxAttempts) {
			expect(option.description).toMatch(
				/Only the failed request is repeated, and only when repeating it is safe; Settings → Retry On Fail instead runs the whole node again, every item\./,
			);
		}
	});
});

describe('spreadsheet values', () => {
	it('reads a date-time without an offset in the workflow’s time zone (Settings → Timezone)', async () => {
		const params = {
			object: byName('deals'),
			lookupValue: 'Acme Renewal',
			fields: defineBelow({ next_step_at: '2026-03-01 09:30' }),
			options: {},
		};
		await runKizenWith(sim, params, [{}], { settings: { timezone: 'America/Chicago' } });
		await runKizenWith(sim, params, [{}], { settings: { timezone: 'Europe/Berlin' } });
		expect(upsertRequests(sim).map((r) => r.body.fields[0].value)).toEqual([
			'2026-03-01T15:30:00.000Z',
			'2026-03-01T08:30:00.000Z',
		]);
	});

	it('Date Format and Default Country Code read a US sheet; a code that is none fails the item', async () => {
		const contacts = (options: INodeParameters) => ({
			object: byName('client_client'),
			lookupValue: '={{ $json.Email }}',
			fields: autoMap(),
			options,
		});
		const row = {
			Email: 'us.sheet@example.com',
			Birthday: '07/04/1990',
			'Mobile Phone': '(312) 555-0177',
		};
		const result = await runKizen(
			sim,
			contacts({ dateFormat: 'MM/dd/yyyy', defaultCountryCode: '+1' }),
			[row],
		);
		expect(result.items('Kizen')[0]).toMatchObject({
			birthday: '1990-07-04',
			mobile_phone: '+13125550177',
		});
		const refused = await runKizen(sim, contacts({ defaultCountryCode: 'USA' }), [row]);
		expect(refused.error?.message).toBe(
			'Options → Default Country Code is "USA", not a country calling code',
		);
		expect(upsertRequests(sim)).toHaveLength(1);
	});
});
