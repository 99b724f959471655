/**
 * Contract tests for the Kizen simulator (simulator/kizen-simulator.cjs).
 * Every upsert request body sent here is validated against the (adapted) seed schema
 * EntityRecordUpsertRequest, every 200/201 upsert answer against UpsertRecordResponse and every 400
 * answer against ErrorResponse (see test/fixtures/openapi-schemas.cjs for the adaptations).
 */
import http = require('node:http');
import simModule = require('../simulator/kizen-simulator.cjs');
import schemas = require('./fixtures/openapi-schemas.cjs');

const { startSimulator, DEMO_CREDENTIALS } = simModule;
type Simulator = simModule.Simulator;

let sim: Simulator;

interface Reply {
	status: number;
	headers: Headers;
	body: any;
	text: string;
}

const authHeaders = (): Record<string, string> => ({
	'X-API-KEY': DEMO_CREDENTIALS.apiKey,
	'X-USER-ID': DEMO_CREDENTIALS.userId,
	'X-BUSINESS-ID': DEMO_CREDENTIALS.businessId,
});

async function call(
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = authHeaders(),
): Promise<Reply> {
	const res = await fetch(sim.url + path, {
		method,
		headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let parsed: any = text;
	if ((res.headers.get('content-type') || '').includes('application/json'))
		parsed = JSON.parse(text);
	expect(res.headers.get('x-request-id')).toMatch(/^req-\d+-[0-9a-f]+$/);
	return { status: res.status, headers: res.headers, body: parsed, text };
}

function checkUpsertReply(r: Reply): Reply {
	if (r.status === 200 || r.status === 201) schemas.assertValid('UpsertRecordResponse', r.body);
	if (r.status === 400) schemas.assertValid('ErrorResponse', r.body);
	return r;
}

/** A well-formed upsert: the request must satisfy the schema. */
async function upsert(obj: string, body: Record<string, unknown>, query = ''): Promise<Reply> {
	schemas.assertValid('EntityRecordUpsertRequest', body);
	return checkUpsertReply(await call('POST', `/api/records/${obj}/upsert${query}`, body));
}

/** A deliberately malformed upsert: the schema must reject it too (proves the schema catches it). */
async function badUpsert(obj: string, body: unknown): Promise<Reply> {
	expect(schemas.validate('EntityRecordUpsertRequest', body).valid).toBe(false);
	return checkUpsertReply(await call('POST', `/api/records/${obj}/upsert`, body));
}

const fid = (obj: string, name: string) => sim.field(obj, name).id;
const opt = (obj: string, name: string, code: string) => {
	const o = (sim.field(obj, name).options ?? []).find((x) => x.code === code);
	if (!o) throw new Error(`no option ${code}`);
	return o;
};
const valueOf = (r: Reply, obj: string, name: string) => r.body.fields[fid(obj, name)]?.value;
const recordByIdent = (obj: string, ident: string) => {
	const all = sim.records(obj);
	return [...all.live, ...all.archived].find((r) => r.identifier === ident);
};

const ACME = 'ec0d0000-0000-4000-8000-000000002001';
const ADA = 'ec0d0000-0000-4000-8000-000000001001';
const GRACE = 'ec0d0000-0000-4000-8000-000000001002';

beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

describe('schema adaptations', () => {
	it('accept the documented shapes and still reject what the seed rejects', () => {
		expect(
			schemas.validate('Fields', {
				[fid('companies', 'name')]: {
					id: 'x',
					name: 'name',
					field_type: 'text',
					display_name: 'Name',
					value: 'A',
				},
			}).valid,
		).toBe(true);
		expect(
			schemas.validate('Fields', {
				notauuid: { id: 'x', field_type: 'text', display_name: 'Name', value: 'A' },
			}).valid,
		).toBe(false);
		expect(
			schemas.validate('Fields', {
				[fid('companies', 'name')]: { id: 'x', field_type: 'text', display_name: 'Name' },
			}).valid,
		).toBe(false);
		expect(schemas.validate('ErrorResponse', { fields: [{}, { value: ['bad'] }] }).valid).toBe(
			true,
		);
		expect(schemas.validate('ErrorResponse', { non_field_errors: ['x'] }).valid).toBe(false);
		expect(
			schemas.validate('EntityRecordUpsertRequest', {
				lookup_value: 'a',
				oncreate_unarchive: null,
				onupdate_archived_conflict: null,
			}).valid,
		).toBe(true);
		expect(
			schemas.validate('EntityRecordUpsertRequest', {
				lookup_value: 'a',
				oncreate_unarchive: 'maybe',
			}).valid,
		).toBe(false);
		expect(schemas.validate('EntityRecordUpsertRequest', { lookup_value: '' }).valid).toBe(false);
		expect(schemas.validate('UpsertRecordResponse', { id: 'x' }).valid).toBe(false);
		expect(() => schemas.compileSchema('Nope')).toThrow();
	});
});

describe('hosting, auth and headers', () => {
	it('serves HTML for non-API paths and HTML 404s for unknown API paths (incl. trailing slash)', async () => {
		const root = await call('GET', '/', undefined, {});
		expect(root.status).toBe(200);
		expect(root.headers.get('content-type')).toMatch(/text\/html/);
		for (const p of ['/api/custom-objects/', '/api/nope', '/api/records/companies/upsert/']) {
			const r = await call('GET', p);
			expect(r.status).toBe(404);
			expect(r.headers.get('content-type')).toMatch(/text\/html/);
		}
	});

	it('answers 401 with the documented bodies', async () => {
		const h = authHeaders();
		for (const drop of ['X-API-KEY', 'X-USER-ID', 'X-BUSINESS-ID']) {
			const partial = { ...h };
			delete partial[drop];
			const r = await call('GET', '/api/custom-objects?page_size=1', undefined, partial);
			expect(r.status).toBe(401);
			expect(r.body.code).toBe('missing_business_context');
		}
		const wrongKey = await call('GET', '/api/custom-objects', undefined, {
			...h,
			'X-API-KEY': 'nope',
		});
		expect(wrongKey.body).toEqual({ detail: 'Invalid API key.', code: 'authentication_failed' });
		const wrongUser = await call('GET', '/api/custom-objects', undefined, {
			...h,
			'X-USER-ID': '00000000-0000-4000-8000-000000000000',
		});
		expect(wrongUser.body).toEqual({
			detail: 'Invalid user for this API key.',
			code: 'authentication_failed',
		});
		const wrongBiz = await call(
			'POST',
			'/api/records/companies/upsert',
			{ lookup_value: 'x' },
			{ ...h, 'X-BUSINESS-ID': '00000000-0000-4000-8000-000000000000' },
		);
		expect(wrongBiz.status).toBe(401);
		expect(wrongBiz.body.code).toBe('authentication_failed');
		expect(wrongBiz.body.detail).toMatch(/business/);
		expect(sim.records('companies').live.find((r) => r.identifier === 'x')).toBeUndefined();
	});

	it('logs every request with unique request ids and keeps connections alive', async () => {
		await call('GET', '/api/custom-objects?page_size=1');
		await call('POST', '/api/records/companies/upsert?return_all_fields=true', {
			lookup_value: 'Log Co',
		});
		const [a, b] = sim.requests;
		expect(a).toMatchObject({
			method: 'GET',
			path: '/api/custom-objects',
			query: { page_size: '1' },
			status: 200,
			fault: null,
		});
		expect(a.headers['x-api-key']).toBe(DEMO_CREDENTIALS.apiKey);
		expect(b).toMatchObject({
			method: 'POST',
			path: '/api/records/companies/upsert',
			query: { return_all_fields: 'true' },
			body: { lookup_value: 'Log Co' },
			status: 201,
		});
		expect(a.requestId).not.toBe(b.requestId);
		sim.clearRequests();
		expect(sim.requests).toHaveLength(0);

		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const get = () =>
			new Promise<{ reused: boolean; conn: string | undefined }>((resolve, reject) => {
				const req = http.get(
					`${sim.url}/api/custom-objects`,
					{ agent, headers: authHeaders() },
					(res) => {
						res.resume();
						res.on('end', () =>
							resolve({ reused: req.reusedSocket, conn: res.headers.connection }),
						);
					},
				);
				req.on('error', reject);
			});
		const first = await get();
		const second = await get();
		agent.destroy();
		expect(first.conn).toBe('keep-alive');
		expect(second.reused).toBe(true);
	});

	it('stays fast under load (keep-alive, O(1) per request)', async () => {
		// node:http with a keep-alive agent so the client is not what is measured.
		const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
		const post = (payload: string) =>
			new Promise<number>((resolve, reject) => {
				const req = http.request(
					`${sim.url}/api/records/companies/upsert`,
					{
						method: 'POST',
						agent,
						headers: { ...authHeaders(), 'Content-Type': 'application/json' },
					},
					(res) => {
						res.resume();
						res.on('end', () => resolve(res.statusCode!));
					},
				);
				req.on('error', reject);
				req.end(payload);
			});
		const started = Date.now();
		const workers = Array.from({ length: 20 }, async (_, w) => {
			for (let i = 0; i < 50; i++) {
				await post(
					JSON.stringify({
						lookup_value: `Load ${w}-${i % 10}`,
						fields: [{ name: 'employee_count', value: i }],
					}),
				);
			}
		});
		await Promise.all(workers);
		const elapsed = Date.now() - started;
		agent.destroy();
		expect(sim.requests).toHaveLength(1000);
		expect(sim.requests.every((r) => r.status === 201 || r.status === 200)).toBe(true);
		expect(elapsed).toBeLessThan(8000); // ~0.5 s here; generous for --detectOpenHandles and slow CI
		expect(
			sim.records('companies').live.filter((r) => r.identifier.startsWith('Load ')),
		).toHaveLength(200);
	});
});

describe('custom objects and fields', () => {
	it('lists custom objects only by default, paginates with absolute links, and searches', async () => {
		const def = await call('GET', '/api/custom-objects');
		expect(def.body.results.map((o: any) => o.name)).toEqual(['companies', 'deals']);
		expect(def.body).toMatchObject({ count: 2, next: null, previous: null });

		const all = await call('GET', '/api/custom-objects?custom_only=false&page_size=1');
		expect(all.body.count).toBe(3);
		expect(all.body.results).toHaveLength(1);
		expect(all.body.results[0]).toMatchObject({
			name: 'client_client',
			object_name: 'Contacts',
			entity_name: 'Contact',
			is_custom: false,
		});
		expect(all.body.previous).toBeNull();
		expect(all.body.next).toBe(
			`${sim.url}/api/custom-objects?custom_only=false&page_size=1&page=2`,
		);
		const p2 = await call('GET', new URL(all.body.next).pathname + new URL(all.body.next).search);
		expect(p2.body.results[0].name).toBe('companies');
		expect(p2.body.previous).toBe(
			`${sim.url}/api/custom-objects?custom_only=false&page_size=1&page=1`,
		);

		expect((await call('GET', '/api/custom-objects?page=9')).status).toBe(404);
		const big = await call('GET', '/api/custom-objects?page_size=1001');
		expect(big.status).toBe(400);
		expect(big.body.page_size).toBeDefined();
		expect((await call('GET', '/api/custom-objects?page_size=1000')).status).toBe(200);

		const search = await call('GET', '/api/custom-objects?search=DEAL');
		expect(search.body.results.map((o: any) => o.name)).toEqual(['deals']);
		const contacts = await call('GET', '/api/custom-objects?custom_only=false&search=cont');
		expect(contacts.body.results.map((o: any) => o.name)).toEqual(['client_client']);
	});

	it('gets one object by uuid or api name; 404 JSON otherwise', async () => {
		const deals = sim.objects().find((o) => o.name === 'deals')!;
		const byId = await call('GET', `/api/custom-objects/${deals.id}`);
		expect(byId.body).toMatchObject({ id: deals.id, name: 'deals', object_type: 'pipeline' });
		const contacts = await call('GET', '/api/custom-objects/client_client');
		expect(contacts.body).toMatchObject({ name: 'client_client', is_custom: false });
		const missing = await call('GET', '/api/custom-objects/nope');
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual({ detail: 'Not found.' });
	});

	it('answers fields as a bare array covering every documented field type', async () => {
		const seen = new Set<string>();
		for (const o of sim.objects()) {
			const r = await call('GET', `/api/custom-objects/${o.id}/fields`);
			expect(Array.isArray(r.body)).toBe(true);
			expect(r.body).toEqual((await call('GET', `/api/custom-objects/${o.name}/fields`)).body);
			for (const f of r.body) {
				seen.add(f.field_type);
				expect(f).toEqual(
					expect.objectContaining({
						id: expect.any(String),
						name: expect.any(String),
						display_name: expect.any(String),
						is_required: expect.any(Boolean),
						is_read_only: expect.any(Boolean),
						is_hidden: expect.any(Boolean),
						allows_nulls: expect.any(Boolean),
						allows_empty: expect.any(Boolean),
					}),
				);
				// `/fields` does not say which fields are Kizen's built-in ones (KIZEN-API.md).
				expect(f).not.toHaveProperty('is_default');
				if (
					[
						'dropdown',
						'radio',
						'status',
						'selector',
						'choices',
						'yesnomaybe',
						'checkboxes',
					].includes(f.field_type)
				) {
					expect(f.options.length).toBeGreaterThanOrEqual(2);
				} else if (!['rating', 'timezone'].includes(f.field_type)) {
					// Recorded: dynamictags and every non-choice field carry `options: null`.
					expect(f.options).toBeNull();
				}
				if (f.field_type === 'relationship') {
					expect(f.relation.related_object).toMatch(/^0b1ec700-/);
					expect(f.relation.related_object_object_name).toEqual(expect.any(String));
				}
				if (f.field_type === 'money')
					expect(f.money_options).toEqual({ currency: 'USD', symbol: '$' });
			}
		}
		const documented =
			'text longtext wysiwyg email phonenumber integer decimal money rating checkbox checkboxes dropdown radio status selector choices yesnomaybe dynamictags date datetime timezone relationship team_selector files'.split(
				' ',
			);
		expect([...seen].sort()).toEqual([...documented].sort());
		expect(sim.field('deals', 'stage').is_required).toBe(true);
		expect(sim.field('companies', 'record_number').is_read_only).toBe(true);
		expect(sim.field('deals', 'legacy_id').is_hidden).toBe(true);
		expect(sim.field('deals', 'company').relation).toMatchObject({
			related_object: sim.objects()[1].id,
			related_object_object_name: 'companies',
			cardinality: 'many_to_one',
		});
		expect(sim.field('deals', 'contacts').relation!.cardinality).toBe('many_to_many');
		expect((await call('GET', '/api/custom-objects/nope/fields')).status).toBe(404);
	});

	it("gives Contacts exactly the field list of Kizen's recorded Contacts fixture", async () => {
		const r = await call('GET', '/api/custom-objects/client_client/fields');
		// kizen/builder-cli tests/fixtures/objects/client_client.json: api names and types, in order.
		expect(r.body.map((f: any) => `${f.name}:${f.field_type}`)).toEqual([
			'first_name:text',
			'last_name:text',
			'email:email',
			'created:datetime',
			'email_status:dropdown',
			'business_phone:phonenumber',
			'mobile_phone:phonenumber',
			'home_phone:phonenumber',
			'company_primary:relationship',
			'company_additional:relationship',
			'titles:dynamictags',
			'tags:dynamictags',
			'updated:datetime',
			'birthday:date',
			'timezone:timezone',
		]);
		const settings = await call('GET', '/api/custom-objects/client_client/fields/settings-search');
		expect(settings.body.every((f: any) => f.is_default === true)).toBe(true);
		const tz = r.body.find((f: any) => f.name === 'timezone');
		expect(tz.options).toHaveLength(93);
		expect(tz.options.find((o: any) => o.id === 'America/Los_Angeles')).toEqual({
			id: 'America/Los_Angeles',
			code: 'America/Los_Angeles',
			name: 'America/Los Angeles',
		});
		expect(tz.options.filter((o: any) => o.id !== o.name)).toHaveLength(9);
		expect(r.body.find((f: any) => f.name === 'tags').options).toBeNull();
	});

	it('says which fields are built-in only on settings-search', async () => {
		const deals = await call('GET', '/api/custom-objects/deals/fields/settings-search');
		const builtIn = deals.body.filter((f: any) => f.is_default).map((f: any) => f.name);
		expect(builtIn).toEqual(['name', 'stage', 'created', 'updated', 'owner']);
		expect(deals.body.find((f: any) => f.name === 'amount').is_default).toBe(false);
		expect((await call('GET', '/api/custom-objects/nope/fields/settings-search')).status).toBe(404);
	});
});

describe('tags', () => {
	const tagsPath = (obj: string, field: string) =>
		obj === 'client_client'
			? `/api/client/fields/${fid(obj, field)}/tags`
			: `/api/pipelines/${sim.objects().find((o) => o.name === obj)!.id}/fields/${fid(obj, field)}/tags`;

	it("lists a field's tags from its endpoint: paginated, searchable, ordered by name", async () => {
		const all = await call('GET', `${tagsPath('client_client', 'tags')}?ordering=name`);
		expect(all.body).toMatchObject({ count: 4, next: null, previous: null });
		expect(all.body.results.map((t: any) => t.name)).toEqual([
			'Newsletter',
			'Partner',
			'Press',
			'VIP',
		]);
		expect(Object.keys(all.body.results[0]).sort()).toEqual(['id', 'name']);
		const found = await call(
			'GET',
			`${tagsPath('client_client', 'tags')}?search=PRE&ordering=name`,
		);
		expect(found.body.results.map((t: any) => t.name)).toEqual(['Press']);
		const page = await call(
			'GET',
			`${tagsPath('client_client', 'titles')}?ordering=name&page_size=2&page=2`,
		);
		expect(page.body.results.map((t: any) => t.name)).toEqual(['Founder', 'VP Sales']);
		expect(page.body.previous).toContain('page=1');
		const deals = await call('GET', `${tagsPath('deals', 'labels')}?ordering=-name`);
		expect(deals.body.results.map((t: any) => t.name)).toEqual(['Strategic', 'Renewal', 'At Risk']);
	});

	it('serves each object family from its own endpoint only', async () => {
		const contactsTags = fid('client_client', 'tags');
		const contactsId = sim.objects()[0].id;
		expect(
			(await call('GET', `/api/pipelines/${contactsId}/fields/${contactsTags}/tags`)).status,
		).toBe(404);
		expect((await call('GET', `/api/client/fields/${fid('deals', 'labels')}/tags`)).status).toBe(
			404,
		);
		// A field that is not dynamictags has no tags.
		expect(
			(await call('GET', `/api/client/fields/${fid('client_client', 'email')}/tags`)).status,
		).toBe(404);
	});

	it('accepts a write naming existing tags (either element shape) and refuses an unknown tag', async () => {
		const [vip, press] = ['VIP', 'Press'].map(
			(n) => sim.tags('client_client', 'tags').find((t) => t.name === n)!,
		);
		const tags = fid('client_client', 'tags');
		const written = await upsert('client_client', {
			lookup_value: 'tagged@example.com',
			fields: [{ id: tags, value: [{ id: vip.id }, press.id] }],
		});
		expect(written.status).toBe(201);
		expect(valueOf(written, 'client_client', 'tags')).toEqual([
			{ id: vip.id, name: 'VIP' },
			{ id: press.id, name: 'Press' },
		]);
		const unknown = await upsert('client_client', {
			lookup_value: 'tagged@example.com',
			fields: [{ id: tags, value: [{ name: 'Brand New Tag' }] }],
		});
		expect(unknown.status).toBe(400);
		expect(unknown.body.fields[0].value[0]).toMatch(/not a valid tag/);
		expect(sim.tags('client_client', 'tags')).toHaveLength(4);
		const added = sim.addTag('client_client', 'tags', 'Brand New Tag');
		const now = await upsert('client_client', {
			lookup_value: 'tagged@example.com',
			fields: [{ id: tags, add_values: [{ id: added.id }] }],
		});
		expect(valueOf(now, 'client_client', 'tags')).toHaveLength(3);
	});
});

describe('upsert', () => {
	it('creates, then updates the case-insensitive match; answers written fields + identifier', async () => {
		const created = await upsert('companies', {
			lookup_value: 'Wonka Industries',
			fields: [{ id: fid('companies', 'employee_count'), value: 12 }],
		});
		expect(created.status).toBe(201);
		expect(created.body.action).toBe('created');
		// Recorded: `standard` or `pipeline` (kizen/builder-cli tests/fixtures/records/get_tax_lot.json).
		expect(created.body.object_type).toBe('standard');
		expect(Object.keys(created.body.fields).sort()).toEqual(
			[
				fid('companies', 'name'),
				fid('companies', 'employee_count'),
				fid('companies', 'updated'),
			].sort(),
		);
		expect(valueOf(created, 'companies', 'name')).toBe('Wonka Industries');
		expect(created.body.fields[fid('companies', 'employee_count')]).toEqual({
			id: fid('companies', 'employee_count'),
			name: 'employee_count',
			field_type: 'integer',
			display_name: 'Employee Count',
			value: 12,
		});
		expect(created.body.client_info).toEqual({
			display_name: 'Wonka Industries',
			email_on_suppression_list: false,
			num_addresses_v2: 0,
		});

		const updated = await upsert('companies', {
			lookup_value: 'wonka INDUSTRIES',
			fields: [{ name: 'employee_count', value: 13 }],
		});
		expect(updated.status).toBe(200);
		expect(updated.body.action).toBe('updated');
		expect(updated.body.id).toBe(created.body.id);
		expect(valueOf(updated, 'companies', 'name')).toBe('Wonka Industries');
		expect(valueOf(updated, 'companies', 'employee_count')).toBe(13);

		const noFields = await upsert('companies', { lookup_value: 'ACME CORP' });
		expect(noFields.status).toBe(200);
		expect(noFields.body.id).toBe(ACME);
		expect(Object.keys(noFields.body.fields).sort()).toEqual(
			[fid('companies', 'name'), fid('companies', 'updated')].sort(),
		);
	});

	it('matches contacts by email and rejects a lookup value that is not an email', async () => {
		const r = await upsert('client_client', {
			lookup_value: 'ADA@EXAMPLE.COM',
			fields: [{ name: 'home_phone', value: '+13125550111' }],
		});
		expect(r.status).toBe(200);
		expect(r.body.id).toBe(ADA);
		expect(r.body.object_type).toBe('standard');
		expect(r.body.client_info.display_name).toBe('Ada Lovelace');
		const notEmail = await upsert('client_client', { lookup_value: 'Ada Lovelace' });
		expect(notEmail.status).toBe(400);
		expect(notEmail.body.lookup_value).toEqual(['Enter a valid email address.']);
		const contactsId = sim.objects()[0].id;
		const byUuid = await upsert(contactsId, {
			lookup_value: 'new.person@example.com',
			fields: [{ name: 'first_name', value: 'New' }],
		});
		expect(byUuid.status).toBe(201);
		expect(valueOf(byUuid, 'client_client', 'email')).toBe('new.person@example.com');
	});

	it('rejects bad top-level bodies with an ErrorResponse', async () => {
		expect((await badUpsert('companies', {})).body).toMatchObject({
			lookup_value: ['This field is required.'],
			fields: [],
		});
		expect((await badUpsert('companies', { lookup_value: '' })).body.lookup_value).toEqual([
			'This field may not be blank.',
		]);
		expect((await badUpsert('companies', { lookup_value: 7 })).body.lookup_value).toEqual([
			'Not a valid string.',
		]);
		expect(
			(await badUpsert('companies', { lookup_value: 'x', oncreate_unarchive: 'maybe' })).body
				.oncreate_unarchive,
		).toBeDefined();
		expect(
			(await badUpsert('companies', { lookup_value: 'x', fields: { name: 'a' } })).body
				.non_field_errors[0],
		).toMatch(/list/);
		expect((await badUpsert('companies', [1])).body.non_field_errors[0]).toMatch(
			/Expected a dictionary/,
		);
		const notJson = checkUpsertReply(await call('POST', '/api/records/companies/upsert', '{nope'));
		expect(notJson.status).toBe(400);
		expect(notJson.body.non_field_errors[0]).toMatch(/JSON parse error/);
		expect((await upsert('nope', { lookup_value: 'x' })).body).toEqual({ detail: 'Not found.' });
		expect((await call('GET', '/api/records/companies/upsert')).status).toBe(405);
	});

	it('accepts every field type in its documented format and reads it back in Kizen encodings', async () => {
		const files = ['upload-1', 'upload-2'];
		const company = await upsert(
			'companies',
			{
				lookup_value: 'Typed Co',
				fields: [
					{ name: 'description', value: 'Long\ntext' },
					{ name: 'about', value: '<p>Hi</p>' },
					{ name: 'industry', value: { id: opt('companies', 'industry', 'software').id } },
					{ name: 'annual_revenue', value: 1234.5 },
					{ name: 'employee_count', value: 42 },
					{ name: 'satisfaction', value: 5 },
					{ name: 'owner', value: sim.employees[1].id },
					{ name: 'timezone', value: 'America/Chicago' },
					{ name: 'region', value: { name: 'emea' } },
					{ name: 'size_band', value: { id: opt('companies', 'size_band', 'mid').id } },
					{ name: 'attachments', value: files },
					{ name: 'primary_contact', value: { id: GRACE } },
					{ name: 'internal_code', value: 'hidden but writable' },
					{ name: 'support_email', value: 'help@typed.example' },
					{ name: 'founded', value: '2001-02-28' },
				],
			},
			'?return_all_fields=true',
		);
		expect(company.status).toBe(201);
		expect(valueOf(company, 'companies', 'industry')).toEqual({
			id: opt('companies', 'industry', 'software').id,
			code: 'software',
			name: 'Software',
		});
		expect(valueOf(company, 'companies', 'annual_revenue')).toEqual({
			currency: 'USD',
			symbol: '$',
			amount: 1234.5,
		});
		expect(valueOf(company, 'companies', 'region')).toMatchObject({ code: 'emea', name: 'EMEA' });
		// A contact relation reads as the contact's names and email (KIZEN-API.md "Read encodings").
		expect(valueOf(company, 'companies', 'primary_contact')).toEqual({
			id: GRACE,
			first_name: 'Grace',
			last_name: 'Hopper',
			email: 'grace@example.com',
		});
		// A team member reads as the employee (kizen/builder-cli tests/fixtures/records/get_tax_lot.json).
		expect(valueOf(company, 'companies', 'owner')).toEqual({
			id: sim.employees[1].id,
			deleted: false,
			first_name: 'Morgan',
			last_name: 'Manager',
			email: 'morgan.manager@demo.example',
		});
		expect(valueOf(company, 'companies', 'satisfaction')).toBe(5);
		expect(valueOf(company, 'companies', 'internal_code')).toBe('hidden but writable');
		expect(valueOf(company, 'companies', 'attachments')).toEqual(files);
		expect(valueOf(company, 'companies', 'record_number')).toEqual(expect.any(Number));
		// As recorded (kizen/builder-cli tests/fixtures/records/list_tax_lot.json): microseconds, the
		// business's UTC offset.
		expect(valueOf(company, 'companies', 'created')).toMatch(
			/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}-05:00$/,
		);

		const deal = await upsert(
			'deals',
			{
				lookup_value: 'Typed Deal',
				fields: [
					{ name: 'stage', value: { name: 'Won' } },
					{ name: 'amount', value: '99.9' },
					{ name: 'probability', value: 0.25 },
					{ name: 'close_date', value: '2031-01-31' },
					{ name: 'company', value: { id: ACME } },
					{ name: 'contacts', value: [{ id: ADA }, { id: GRACE }] },
					{ name: 'is_priority', value: { name: 'Maybe' } },
					{
						name: 'products',
						value: [{ name: 'Support' }, { id: opt('deals', 'products', 'training').id }],
					},
					{ name: 'notes', value: '<b>n</b>' },
					{ name: 'next_step_at', value: '2031-01-01T09:30:00+02:00' },
				],
			},
			'?return_all_fields=true',
		);
		expect(deal.status).toBe(201);
		// Decimals and money amounts read as JSON numbers, as recorded (get_tax_lot.json).
		expect(valueOf(deal, 'deals', 'probability')).toBe(0.25);
		expect(valueOf(deal, 'deals', 'amount')).toEqual({
			currency: 'USD',
			symbol: '$',
			amount: 99.9,
		});
		expect(valueOf(deal, 'deals', 'company')).toEqual({ id: ACME, name: 'Acme Corp' });
		expect(
			valueOf(deal, 'deals', 'contacts').map((c: any) => [c.id, c.first_name, c.email]),
		).toEqual([
			[ADA, 'Ada', 'ada@example.com'],
			[GRACE, 'Grace', 'grace@example.com'],
		]);
		expect(valueOf(deal, 'deals', 'products').map((o: any) => o.code)).toEqual([
			'support',
			'training',
		]);
		expect(valueOf(deal, 'deals', 'next_step_at')).toBe('2031-01-01T07:30:00.000Z');

		const contact = await upsert('client_client', {
			lookup_value: 'typed@example.com',
			fields: [
				{ name: 'mobile_phone', value: '+13125550199' },
				{ name: 'birthday', value: '1990-07-04' },
				{ name: 'email_status', value: { name: 'Opted In' } },
				{ name: 'company_additional', value: [{ id: ACME }] },
				{ name: 'tags', value: [{ name: 'press' }] },
				{ name: 'timezone', value: 'America/Los_Angeles' },
			],
		});
		expect(contact.status).toBe(201);
		expect(valueOf(contact, 'client_client', 'timezone')).toBe('America/Los_Angeles');
		expect(valueOf(contact, 'client_client', 'tags')).toEqual([
			{ id: sim.tags('client_client', 'tags').find((t) => t.name === 'Press')!.id, name: 'Press' },
		]);
		expect(valueOf(contact, 'client_client', 'company_additional')).toEqual([
			{ id: ACME, name: 'Acme Corp' },
		]);
	});

	it('validates each type with positional errors and writes nothing when any entry fails', async () => {
		const before = JSON.stringify(sim.records('deals'));
		const entries: Array<[Record<string, unknown>, RegExp | null]> = [
			[{ name: 'notes', value: 'fine' }, null],
			[{ name: 'amount', value: 'abc' }, /valid number/],
			[{ name: 'probability', value: 0.123 }, /no more than 2 decimal places/],
			[{ name: 'close_date', value: '2031-02-30' }, /Date has wrong format/],
			[{ name: 'next_step_at', value: '2031-01-01 10:00' }, /Datetime has wrong format/],
			[
				{ name: 'stage', value: { id: opt('companies', 'industry', 'software').id } },
				/not a valid choice/,
			],
			[{ name: 'stage', value: 'won' }, /Expected an object/],
			[{ name: 'company', value: { id: ADA } }, /object does not exist/],
			[
				{ name: 'company', value: { id: 'ec0d0000-0000-4000-8000-000000002004' } },
				/object does not exist/,
			], // archived company
			[{ name: 'contacts', value: { id: ADA } }, /Expected a list/],
			[{ name: 'products', value: [{ name: 'Nope' }] }, /not a valid choice/],
			[{ name: 'is_priority', value: { name: 'Yes' } }, null],
			[{ name: 'legacy_id', value: 5 }, /Not a valid string/],
			[{ name: 'name', value: 'x'.repeat(256) }, /no more than 255 characters/],
		];
		const r = await upsert('deals', {
			lookup_value: 'Acme Renewal',
			fields: entries.map(([e]) => e),
		});
		expect(r.status).toBe(400);
		expect(r.body.fields).toHaveLength(entries.length);
		entries.forEach(([, err], i) => {
			if (err) expect(r.body.fields[i].value[0]).toMatch(err);
			else expect(r.body.fields[i]).toEqual({});
		});
		expect(JSON.stringify(sim.records('deals'))).toBe(before);

		const more: Array<[string, Record<string, unknown>, RegExp]> = [
			['client_client', { name: 'mobile_phone', value: '312-555-0100' }, /E\.164/],
			['companies', { name: 'employee_count', value: 1.5 }, /valid integer/],
			['companies', { name: 'employee_count', value: '7' }, /valid integer/],
			['client_client', { name: 'timezone', value: 'Mars/Olympus' }, /not a valid choice/],
			// A real IANA zone outside the field's list, and the label instead of the id.
			['client_client', { name: 'timezone', value: 'Europe/Tallinn' }, /not a valid choice/],
			['client_client', { name: 'timezone', value: 'America/Los Angeles' }, /not a valid choice/],
			['client_client', { name: 'tags', value: ['VIP'] }, /not a valid tag/],
			['client_client', { name: 'first_name', value: 12 }, /Not a valid string/],
			['companies', { name: 'support_email', value: 'not-an-email' }, /valid email/],
			['companies', { name: 'satisfaction', value: 6 }, /not a valid choice/],
			[
				'companies',
				{ name: 'owner', value: '00000000-0000-4000-8000-000000000000' },
				/object does not exist/,
			],
			['companies', { name: 'attachments', value: 'upload-1' }, /Expected a list/],
			['companies', { name: 'annual_revenue', value: true }, /valid number/],
		];
		for (const [obj, entry, msg] of more) {
			const lookup = obj === 'client_client' ? 'ada@example.com' : 'Acme Corp';
			const res = await upsert(obj, {
				lookup_value: lookup,
				fields: [
					{ name: obj === 'client_client' ? 'first_name' : 'description', value: 'ok' },
					entry,
				],
			});
			expect(res.status).toBe(400);
			expect(res.body.fields[0]).toEqual({});
			expect(res.body.fields[1].value[0]).toMatch(msg);
		}
		expect(
			sim.records('client_client').live.find((x) => x.id === ADA)!.fields[
				fid('client_client', 'first_name')
			],
		).toBe('Ada');
	});

	it('reports entry-shape errors: unknown, read-only, both/neither id and name, op keys', async () => {
		// Schema-valid requests the server refuses: unknown fields, read-only fields.
		const unknownName = await upsert('companies', {
			lookup_value: 'Acme Corp',
			fields: [{ name: 'nope', value: 1 }],
		});
		expect(unknownName.body.fields[0].name[0]).toMatch(/does not exist/);
		const unknownId = await upsert('companies', {
			lookup_value: 'Acme Corp',
			fields: [{ id: '00000000-0000-4000-8000-000000000000', value: 1 }],
		});
		expect(unknownId.body.fields[0].id[0]).toMatch(/does not exist/);
		const single = await upsert('companies', {
			lookup_value: 'Acme Corp',
			fields: [{ name: 'industry', add_values: [{ name: 'Retail' }] }],
		});
		expect(single.body.fields[0].add_values[0]).toMatch(/multi-value/);
		// Malformed entries: the schema rejects them as well.
		const cases: Array<[unknown, string, RegExp]> = [
			[
				{ id: fid('companies', 'employee_count'), name: 'employee_count', value: 1 },
				'id',
				/not both/,
			],
			[{ value: 1 }, 'id', /required/],
			[{ name: 'employee_count' }, 'value', /required/],
			[{ name: 'employee_count', value: 1, add_values: [1] }, 'value', /only one/],
			['employee_count', 'non_field_errors', /Expected a dictionary/],
		];
		for (const [entry, key, msg] of cases) {
			const r = await badUpsert('companies', { lookup_value: 'Acme Corp', fields: [entry] });
			expect(r.status).toBe(400);
			expect(r.body.fields[0][key][0]).toMatch(msg);
		}
		const ro = await upsert('companies', {
			lookup_value: 'Acme Corp',
			fields: [{ name: 'record_number', value: 9 }],
		});
		expect(ro.body.fields[0].value[0]).toMatch(/read-only/);
		const ro2 = await upsert('companies', {
			lookup_value: 'Acme Corp',
			fields: [{ id: fid('companies', 'created'), value: '2020-01-01T00:00:00Z' }],
		});
		expect(ro2.body.fields[0].value[0]).toMatch(/read-only/);
	});

	it('adds and removes values on multi-value fields and clears with null', async () => {
		const add = await upsert('deals', {
			lookup_value: 'Acme Renewal',
			fields: [
				{ name: 'products', add_values: [{ name: 'Training' }, { name: 'Platform' }] },
				{ name: 'contacts', add_values: [{ id: GRACE }] },
			],
		});
		expect(add.status).toBe(200);
		expect(valueOf(add, 'deals', 'products').map((o: any) => o.code)).toEqual([
			'platform',
			'training',
		]);
		expect(valueOf(add, 'deals', 'contacts').map((o: any) => o.id)).toEqual([ADA, GRACE]);
		const remove = await upsert(
			'deals',
			{
				lookup_value: 'Acme Renewal',
				fields: [
					{ name: 'products', remove_values: [{ name: 'Platform' }] },
					{ name: 'contacts', remove_values: [{ id: ADA }, { id: GRACE }] },
					{ name: 'amount', value: null },
				],
			},
			'?return_all_fields=true',
		);
		expect(valueOf(remove, 'deals', 'products').map((o: any) => o.code)).toEqual(['training']);
		expect(remove.body.fields[fid('deals', 'contacts')]).toBeUndefined();
		expect(remove.body.fields[fid('deals', 'amount')]).toBeUndefined();
		expect(valueOf(remove, 'deals', 'stage')).toMatchObject({ code: 'proposal' });
		const partner = sim.tags('client_client', 'tags').find((t) => t.name === 'Partner')!;
		const tags = await upsert(
			'client_client',
			{
				lookup_value: 'ada@example.com',
				fields: [
					{ name: 'tags', add_values: [{ id: partner.id }] },
					{ name: 'titles', value: [] },
				],
			},
			'?return_all_fields=true',
		);
		expect(valueOf(tags, 'client_client', 'tags').map((o: any) => o.name)).toEqual([
			'VIP',
			'Partner',
		]);
		expect(tags.body.fields[fid('client_client', 'titles')]).toBeUndefined();
		const nullRequired = await upsert('deals', {
			lookup_value: 'Acme Renewal',
			fields: [{ name: 'stage', value: null }],
		});
		expect(nullRequired.body.fields[0].value).toEqual(['This field may not be null.']);
	});

	it('clears with null or "" only where the field allows it (allows_nulls / allows_empty)', async () => {
		// first_name allows only "", is_priority allows neither, birthday allows only null.
		expect(sim.field('client_client', 'first_name')).toMatchObject({
			allows_nulls: false,
			allows_empty: true,
		});
		expect(sim.field('deals', 'is_priority')).toMatchObject({
			allows_nulls: false,
			allows_empty: false,
		});
		expect(sim.field('client_client', 'birthday')).toMatchObject({
			allows_nulls: true,
			allows_empty: false,
		});
		const refused = await upsert('client_client', {
			lookup_value: 'ada@example.com',
			fields: [
				{ name: 'first_name', value: null },
				{ name: 'birthday', value: '' },
			],
		});
		expect(refused.status).toBe(400);
		expect(refused.body.fields).toEqual([
			{ value: ['This field may not be null.'] },
			{ value: ['This field may not be blank.'] },
		]);
		const cleared = await upsert(
			'client_client',
			{
				lookup_value: 'ada@example.com',
				fields: [
					{ name: 'first_name', value: '' },
					{ name: 'birthday', value: null },
				],
			},
			'?return_all_fields=true',
		);
		expect(cleared.status).toBe(200);
		expect(cleared.body.fields[fid('client_client', 'first_name')]).toBeUndefined();
		expect(cleared.body.fields[fid('client_client', 'birthday')]).toBeUndefined();
		for (const value of [null, '']) {
			const neither = await upsert('deals', {
				lookup_value: 'Acme Renewal',
				fields: [{ name: 'is_priority', value }],
			});
			expect(neither.status).toBe(400);
		}
	});

	it('summarises a multi-value field over 100 values as value_summary: {count}', async () => {
		const ids = Array.from(
			{ length: 101 },
			(_, i) => sim.addTag('deals', 'labels', `Label ${i}`).id,
		);
		const many = await upsert('deals', {
			lookup_value: 'Acme Renewal',
			fields: [{ name: 'labels', value: ids }],
		});
		expect(many.status).toBe(200);
		const entry = many.body.fields[fid('deals', 'labels')];
		expect(entry.value_summary).toEqual({ count: 101 });
		expect(entry).not.toHaveProperty('value');
		const fewer = await upsert('deals', {
			lookup_value: 'Acme Renewal',
			fields: [{ name: 'labels', remove_values: [ids[0]] }],
		});
		expect(valueOf(fewer, 'deals', 'labels')).toHaveLength(100);
	});

	it('requires required fields on create but not on update', async () => {
		const create = await upsert('deals', {
			lookup_value: 'Stageless',
			fields: [{ name: 'amount', value: 1 }],
		});
		expect(create.status).toBe(400);
		expect(create.body.non_field_errors).toEqual(['Field "stage" is required.']);
		expect(create.body.fields).toEqual([{}]);
		expect(recordByIdent('deals', 'Stageless')).toBeUndefined();
		const update = await upsert('deals', {
			lookup_value: 'Acme Renewal',
			fields: [{ name: 'amount', value: 1 }],
		});
		expect(update.status).toBe(200);
	});

	it('lookup_value is the identifier on create; a fields entry renames on update', async () => {
		const create = await upsert('companies', {
			lookup_value: 'Lookup Wins',
			fields: [{ name: 'name', value: 'Ignored' }],
		});
		expect(valueOf(create, 'companies', 'name')).toBe('Lookup Wins');
		const rename = await upsert('companies', {
			lookup_value: 'lookup wins',
			fields: [{ name: 'name', value: 'Renamed Co' }],
		});
		expect(rename.status).toBe(200);
		expect(valueOf(rename, 'companies', 'name')).toBe('Renamed Co');
		expect((await upsert('companies', { lookup_value: 'Renamed co' })).body.id).toBe(
			create.body.id,
		);
		const taken = await upsert('companies', {
			lookup_value: 'Renamed Co',
			fields: [{ name: 'name', value: 'initech' }],
		});
		expect(taken.status).toBe(400);
		expect(taken.body.non_field_errors[0]).toMatch(/already exists/);
	});

	describe('archived records', () => {
		const umbrella = 'ec0d0000-0000-4000-8000-000000002004';

		it.each([undefined, null, 'prompt'])(
			'oncreate_unarchive=%p raises the archived conflict',
			async (mode) => {
				const body: Record<string, unknown> = {
					lookup_value: 'UMBRELLA CORP',
					fields: [{ name: 'employee_count', value: 1 }],
				};
				if (mode !== undefined) body.oncreate_unarchive = mode;
				const r = await upsert('companies', body);
				expect(r.status).toBe(400);
				expect(r.body.non_field_errors).toEqual([
					'An archived record with this name already exists. Choose whether to unarchive it or create a new record.',
				]);
				expect(r.body.fields).toEqual([{}]);
				expect(sim.records('companies').archived.map((x) => x.id)).toContain(umbrella);
			},
		);

		it('unarchive restores the same record and applies fields', async () => {
			const r = await upsert('companies', {
				lookup_value: 'umbrella corp',
				oncreate_unarchive: 'unarchive',
				fields: [{ name: 'employee_count', value: 7 }],
			});
			expect(r.status).toBe(201);
			expect(r.body.action).toBe('unarchived');
			expect(r.body.id).toBe(umbrella);
			expect(valueOf(r, 'companies', 'name')).toBe('Umbrella Corp');
			expect(
				sim.records('companies').live.find((x) => x.id === umbrella)!.fields[
					fid('companies', 'employee_count')
				],
			).toBe(7);
		});

		it('overwrite moves the archived record out of the way and creates a new one', async () => {
			const r = await upsert('client_client', {
				lookup_value: 'former@example.com',
				oncreate_unarchive: 'overwrite',
				fields: [{ name: 'first_name', value: 'Newer' }],
			});
			expect(r.status).toBe(201);
			expect(r.body.action).toBe('created');
			expect(r.body.id).not.toBe('ec0d0000-0000-4000-8000-000000001004');
			const archived = sim.records('client_client').archived;
			expect(archived).toHaveLength(1);
			expect(archived[0].identifier).toMatch(/^archived-[0-9a-f]{8}\.former@example\.com$/);
			const company = await upsert('companies', {
				lookup_value: 'Umbrella Corp',
				oncreate_unarchive: 'overwrite',
			});
			expect(company.body.action).toBe('created');
			expect(recordByIdent('companies', 'Umbrella Corp')!.archived).toBe(false);
			expect(sim.records('companies').archived.map((x) => x.identifier)).toContain(
				'Umbrella Corp (archived 00002004)',
			);
		});

		it('a live match wins over an archived one', async () => {
			sim.addRecord('companies', { identifier: 'acme corp', archived: true });
			const r = await upsert('companies', { lookup_value: 'Acme Corp' });
			expect(r.status).toBe(200);
			expect(r.body.id).toBe(ACME);
		});

		it('an update onto an archived identifier needs onupdate_archived_conflict=overwrite', async () => {
			const fields = [{ name: 'name', value: 'Vandelay Industries' }];
			const refused = await upsert('companies', { lookup_value: 'Globex', fields });
			expect(refused.status).toBe(400);
			expect(refused.body.non_field_errors[0]).toMatch(/archived record/);
			expect(refused.body.fields).toEqual([{}]);
			expect(recordByIdent('companies', 'Globex')).toBeDefined();
			const ok = await upsert('companies', {
				lookup_value: 'Globex',
				onupdate_archived_conflict: 'overwrite',
				fields,
			});
			expect(ok.status).toBe(200);
			expect(valueOf(ok, 'companies', 'name')).toBe('Vandelay Industries');
			expect(recordByIdent('companies', 'Vandelay Industries')!.archived).toBe(false);
			expect(sim.records('companies').archived.map((x) => x.identifier)).toContain(
				'Vandelay Industries (archived 00002005)',
			);
		});
	});

	it('return_all_fields answers every non-blank field', async () => {
		const r = await upsert(
			'client_client',
			{ lookup_value: 'ada@example.com', fields: [{ name: 'home_phone', value: '+13125550111' }] },
			'?return_all_fields=true',
		);
		const names = Object.values(r.body.fields)
			.map((f: any) => f.name)
			.sort();
		expect(names).toEqual([
			'birthday',
			'company_primary',
			'created',
			'email',
			'email_status',
			'first_name',
			'home_phone',
			'last_name',
			'mobile_phone',
			'tags',
			'timezone',
			'titles',
			'updated',
		]);
	});
});

describe('faults, latency and rate limit', () => {
	const body = { lookup_value: 'Fault Co' };

	it('status faults: 429 with and without Retry-After, 5xx, custom body, times', async () => {
		const date = new Date(Date.now() + 5000).toUTCString();
		sim.addFault({ kind: 'status', status: 429, retryAfter: '2', times: 1 });
		sim.addFault({ kind: 'status', status: 429, retryAfter: date, times: 1 });
		const bare = sim.addFault({ kind: 'status', status: 429, times: 1 });
		const five = sim.addFault({
			kind: 'status',
			status: 503,
			times: 1,
			match: { method: 'POST', path: '/upsert' },
		});
		const custom = sim.addFault({
			kind: 'status',
			status: 500,
			body: { detail: 'boom', code: 'x' },
			match: { path: /upsert$/ },
			times: 1,
		});

		const a = await call('POST', '/api/records/companies/upsert', body);
		expect([a.status, a.headers.get('retry-after')]).toEqual([429, '2']);
		expect(a.body.detail).toEqual(expect.any(String));
		const b = await call('POST', '/api/records/companies/upsert', body);
		expect(b.headers.get('retry-after')).toBe(date);
		const c = await call('POST', '/api/records/companies/upsert', body);
		expect(c.status).toBe(429);
		expect(c.headers.get('retry-after')).toBeNull();
		expect(bare.hits).toBe(1);
		const g = await call('GET', '/api/custom-objects');
		expect(g.status).toBe(200);
		const d = await call('POST', '/api/records/companies/upsert', body);
		expect(d.status).toBe(503);
		expect(d.body).toEqual({ detail: expect.any(String) });
		const e = await call('POST', '/api/records/companies/upsert', body);
		expect(e.body).toEqual({ detail: 'boom', code: 'x' });
		expect([five.hits, custom.hits]).toEqual([1, 1]);
		expect(recordByIdent('companies', 'Fault Co')).toBeUndefined();
		expect((await call('POST', '/api/records/companies/upsert', body)).status).toBe(201);
		expect(sim.requests.map((r) => r.fault)).toEqual([
			'status',
			'status',
			'status',
			null,
			'status',
			'status',
			null,
		]);
		expect(sim.requests.map((r) => r.status)).toEqual([429, 429, 429, 200, 503, 500, 201]);
	});

	it.each([502, 504])('status %i answers a DRF detail body', async (status) => {
		sim.addFault({ kind: 'status', status: status as 502 | 504, times: 1 });
		const r = await call('GET', '/api/custom-objects');
		expect(r.status).toBe(status);
		expect(r.body.detail).toEqual(expect.any(String));
	});

	it('drop before does not apply the write; drop after does', async () => {
		sim.addFault({ kind: 'drop', when: 'before', times: 1 });
		await expect(call('POST', '/api/records/companies/upsert', body)).rejects.toThrow();
		expect(recordByIdent('companies', 'Fault Co')).toBeUndefined();
		sim.addFault({ kind: 'drop', when: 'after', times: 1 });
		await expect(call('POST', '/api/records/companies/upsert', body)).rejects.toThrow();
		expect(recordByIdent('companies', 'Fault Co')).toBeDefined();
		expect(sim.requests.map((r) => [r.fault, r.status])).toEqual([
			['drop', null],
			['drop', null],
		]);
		const retry = await upsert('companies', body);
		expect(retry.body.action).toBe('updated');
	});

	it('slow after applies the write before the delayed answer; slow before delays the write', async () => {
		sim.addFault({ kind: 'slow', delayMs: 300, times: 1 });
		const started = Date.now();
		const pending = call('POST', '/api/records/companies/upsert', body);
		await new Promise((r) => setTimeout(r, 100));
		expect(recordByIdent('companies', 'Fault Co')).toBeDefined();
		const r = await pending;
		expect(r.status).toBe(201);
		expect(Date.now() - started).toBeGreaterThanOrEqual(280);

		sim.addFault({ kind: 'slow', delayMs: 300, when: 'before', times: 1 });
		const pending2 = call('POST', '/api/records/companies/upsert', { lookup_value: 'Slow Before' });
		await new Promise((r) => setTimeout(r, 100));
		expect(recordByIdent('companies', 'Slow Before')).toBeUndefined();
		expect((await pending2).status).toBe(201);
		expect(recordByIdent('companies', 'Slow Before')).toBeDefined();
	});

	it('html fault answers an HTML page', async () => {
		sim.addFault({ kind: 'html', times: 1 });
		sim.addFault({ kind: 'html', status: 502, times: 1 });
		const a = await call('GET', '/api/custom-objects');
		expect(a.status).toBe(200);
		expect(a.headers.get('content-type')).toMatch(/text\/html/);
		expect(a.text).toMatch(/<html/);
		expect((await call('GET', '/api/custom-objects')).status).toBe(502);
	});

	it('everyNth, predicate, probability (repeatable), remove and clearFaults', async () => {
		const nth = sim.addFault({
			kind: 'status',
			status: 503,
			everyNth: 3,
			match: { predicate: (i) => i.body?.lookup_value === 'Nth' },
		});
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++)
			statuses.push(
				(await call('POST', '/api/records/companies/upsert', { lookup_value: 'Nth' })).status,
			);
		expect(statuses).toEqual([201, 200, 503, 200, 200, 503]);
		expect(nth.hits).toBe(2);
		nth.remove();

		const run = async () => {
			sim.clearFaults();
			sim.addFault({ kind: 'status', status: 500, probability: 0.5, seed: 7 });
			const out: number[] = [];
			for (let i = 0; i < 20; i++) out.push((await call('GET', '/api/custom-objects')).status);
			return out;
		};
		const first = await run();
		const second = await run();
		expect(first).toEqual(second);
		expect(first.filter((s) => s === 500).length).toBeGreaterThan(2);
		expect(first.filter((s) => s === 200).length).toBeGreaterThan(2);
		sim.clearFaults();
		expect((await call('GET', '/api/custom-objects')).status).toBe(200);
	});

	it('faults fire before auth, every answer still carries X-Request-ID', async () => {
		sim.addFault({ kind: 'status', status: 502, times: 1 });
		const r = await call('GET', '/api/custom-objects', undefined, {});
		expect(r.status).toBe(502);
	});

	it('token-bucket rate limit answers 429 with Retry-After and a DRF throttle message', async () => {
		sim.setRateLimit({ perSecond: 1, burst: 2, retryAfterSeconds: 3 });
		const s1 = await call('GET', '/api/custom-objects');
		const s2 = await call('GET', '/api/custom-objects');
		const s3 = await call('GET', '/api/custom-objects');
		expect([s1.status, s2.status, s3.status]).toEqual([200, 200, 429]);
		expect(s3.headers.get('retry-after')).toBe('3');
		expect(s3.body).toEqual({ detail: 'Request was throttled. Expected available in 3 seconds.' });
		expect(sim.requests[2].fault).toBe('rate_limit');
		sim.setRateLimit(null);
		expect((await call('GET', '/api/custom-objects')).status).toBe(200);
	});

	it('latency delays every request; reset clears it', async () => {
		sim.setLatency(150);
		const t = Date.now();
		await call('GET', '/api/custom-objects', undefined, {});
		expect(Date.now() - t).toBeGreaterThanOrEqual(140);
		sim.reset();
		const t2 = Date.now();
		await call('GET', '/api/custom-objects');
		expect(Date.now() - t2).toBeLessThan(140);
	});
});

describe('other record endpoints', () => {
	it('add creates, refuses duplicates, and handles archived matches', async () => {
		const r = await call('POST', '/api/records/deals/add', {
			fields: [
				{ name: 'name', value: 'Added Deal' },
				{ name: 'stage', value: { name: 'Qualified' } },
			],
		});
		expect(r.status).toBe(201);
		expect(r.body.action).toBeUndefined();
		expect(r.body.fields[fid('deals', 'name')].value).toBe('Added Deal');
		// `/add` declares no query parameters (Kizen's schema snapshot): return_all_fields does nothing.
		const ignored = await call('POST', '/api/records/deals/add?return_all_fields=true', {
			fields: [
				{ name: 'name', value: 'Added Deal 2' },
				{ name: 'stage', value: { name: 'Qualified' } },
			],
		});
		expect(
			Object.values(ignored.body.fields)
				.map((f: any) => f.name)
				.sort(),
		).toEqual(['name', 'stage', 'updated']);
		const dup = checkUpsertReply(
			await call('POST', '/api/records/deals/add', {
				fields: [
					{ name: 'name', value: 'added deal' },
					{ name: 'stage', value: { name: 'Won' } },
				],
			}),
		);
		expect(dup.status).toBe(400);
		expect(dup.body.non_field_errors[0]).toMatch(/already exists/);
		const noIdent = checkUpsertReply(
			await call('POST', '/api/records/deals/add', {
				fields: [{ name: 'stage', value: { name: 'Won' } }],
			}),
		);
		expect(noIdent.body.non_field_errors).toEqual(['Field "name" is required.']);
		const bad = checkUpsertReply(
			await call('POST', '/api/records/deals/add', {
				fields: [
					{ name: 'name', value: 'Bad' },
					{ name: 'stage', value: 'x' },
				],
			}),
		);
		expect(bad.body.fields[1].value[0]).toMatch(/Expected an object/);
		const prompt = await call('POST', '/api/records/deals/add', {
			fields: [
				{ name: 'name', value: 'Lost Deal' },
				{ name: 'stage', value: { name: 'Lost' } },
			],
		});
		expect(prompt.status).toBe(400);
		expect(prompt.body.non_field_errors[0]).toMatch(/archived record/);
		const un = await call('POST', '/api/records/deals/add', {
			unarchive: 'unarchive',
			fields: [{ name: 'name', value: 'Lost Deal' }],
		});
		expect(un.status).toBe(201);
		expect(un.body.id).toBe('ec0d0000-0000-4000-8000-000000003003');
	});

	it('get: default fields, all_fields, field_names, field_ids; 404 for unknown', async () => {
		const def = await call('GET', `/api/records/deals/ec0d0000-0000-4000-8000-000000003001`);
		expect(def.status).toBe(200);
		expect(
			Object.values(def.body.fields)
				.map((f: any) => f.name)
				.sort(),
		).toEqual(['name', 'owner', 'stage', 'created', 'updated'].sort());
		const all = await call('GET', `/api/records/client_client/${ADA}?all_fields=true`);
		expect(Object.keys(all.body.fields).length).toBeGreaterThan(8);
		const named = await call(
			'GET',
			`/api/records/client_client/${ADA}?field_names=home_phone,tags`,
		);
		expect(
			Object.values(named.body.fields)
				.map((f: any) => f.name)
				.sort(),
		).toEqual(['email', 'tags']); // home_phone is blank: blank fields are omitted
		const byIds = await call(
			'GET',
			`/api/records/client_client/${ADA}?field_ids=${fid('client_client', 'birthday')}`,
		);
		expect(byIds.body.fields[fid('client_client', 'birthday')].value).toBe('1815-12-10');
		expect((await call('GET', `/api/records/client_client/${ACME}`)).status).toBe(404);
		expect(
			(await call('GET', '/api/records/client_client/ec0d0000-0000-4000-8000-000000001004')).status,
		).toBe(404); // archived
	});

	it('lookup is exact and case-sensitive', async () => {
		const ok = await call(
			'GET',
			`/api/records/companies/lookup?identifier=${encodeURIComponent('Acme Corp')}`,
		);
		expect(ok.status).toBe(200);
		expect(ok.body.id).toBe(ACME);
		expect((await call('GET', '/api/records/companies/lookup?identifier=acme%20corp')).status).toBe(
			404,
		);
		expect(
			(await call('GET', '/api/records/companies/lookup?identifier=Umbrella%20Corp')).status,
		).toBe(404);
		expect((await call('GET', '/api/records/companies/lookup')).status).toBe(400);
	});

	it('update (PATCH) validates, renames with archived_conflict, and returns written fields', async () => {
		const r = await call('PATCH', `/api/records/companies/${ACME}`, {
			fields: [{ name: 'employee_count', value: 999 }],
		});
		expect(r.status).toBe(200);
		expect(
			Object.values(r.body.fields)
				.map((f: any) => f.name)
				.sort(),
		).toEqual(['employee_count', 'name', 'updated']);
		const bad = checkUpsertReply(
			await call('PATCH', `/api/records/companies/${ACME}`, {
				fields: [{ name: 'employee_count', value: 'x' }],
			}),
		);
		expect(bad.body.fields[0].value[0]).toMatch(/valid integer/);
		const conflict = await call('PATCH', `/api/records/companies/${ACME}`, {
			fields: [{ name: 'name', value: 'Umbrella Corp' }],
		});
		expect(conflict.status).toBe(400);
		const over = await call('PATCH', `/api/records/companies/${ACME}?return_all_fields=true`, {
			archived_conflict: 'overwrite',
			fields: [{ name: 'name', value: 'Umbrella Corp' }],
		});
		expect(over.status).toBe(200);
		expect(over.body.fields[fid('companies', 'employee_count')].value).toBe(999);
	});

	it('archive (DELETE → 204) hides the record; unarchive restores it', async () => {
		const del = await call('DELETE', `/api/records/companies/${ACME}`);
		expect(del.status).toBe(204);
		expect(del.text).toBe('');
		expect((await call('GET', `/api/records/companies/${ACME}`)).status).toBe(404);
		const search = await call('POST', '/api/records/companies/search', {});
		expect(search.body.results.map((x: any) => x.id)).not.toContain(ACME);
		const un = await call('PATCH', `/api/records/companies/${ACME}/unarchive`);
		expect(un.status).toBe(200);
		expect(un.body.id).toBe(ACME);
		expect((await call('PATCH', `/api/records/companies/${ACME}/unarchive`)).status).toBe(400);
		expect((await call('GET', `/api/records/companies/${ACME}`)).status).toBe(200);
	});
});

describe("search (the payloads Kizen's web app sends, recorded by Kizen's CLI)", () => {
	const search = (obj: string, body: unknown, query = '') =>
		call('POST', `/api/records/${obj}/search${query}`, body);
	const custom = (obj: string, field: string, condition: string, value: unknown) => ({
		type: 'fields_v2',
		subtype: 'custom',
		field: `"custom"::${fid(obj, field)}`,
		condition,
		value,
	});
	const builtIn = (field: string, condition: string, value: unknown) => ({
		type: 'fields',
		subtype: 'non_custom',
		field,
		condition,
		value,
	});
	const stage = (condition: string, value: unknown) => ({
		type: 'fields_v2',
		subtype: 'non_custom',
		field: 'stage',
		overwrite: { type: 'stage' },
		condition,
		value,
	});
	const one = (filters: unknown[], and = true) => ({ and, query: [{ and, filters }] });
	const names = (r: Reply) => r.body.results.map((x: any) => x.client_info.display_name).sort();

	it('answers every live record without filters, and narrows fields only when asked', async () => {
		const all = await search('companies', { query: [] });
		expect(all.body.count).toBe(3);
		// No field_names: every field (confirmed live by Kizen's CLI).
		expect(
			all.body.results.find((r: any) => r.id === ACME).fields[fid('companies', 'employee_count')]
				.value,
		).toBe(250);
		const narrowed = await search('companies', {
			query: [],
			field_names: ['employee_count', 'no_such_field'],
		});
		expect(narrowed.status).toBe(200);
		const acme = narrowed.body.results.find((r: any) => r.id === ACME);
		expect(Object.values(acme.fields).map((f: any) => f.name)).toEqual(['employee_count']);
	});

	it('filters built-in fields as non_custom by api name and custom fields as "custom"::<id>', async () => {
		const byName = await search('companies', one([builtIn('name', 'starts_with', 'glo')]));
		expect(names(byName)).toEqual(['Globex']);
		const software = opt('companies', 'industry', 'software').id;
		const byOption = await search(
			'companies',
			one([custom('companies', 'industry', '=', software)]),
		);
		expect(names(byOption)).toEqual(['Globex', 'Initech']);
		const bigSoftware = await search(
			'companies',
			one([
				custom('companies', 'industry', '=', software),
				custom('companies', 'employee_count', '>', 10),
			]),
		);
		expect(names(bigSoftware)).toEqual(['Globex']);
		// The app-engine example leaves subtype out for a custom field: accepted too.
		const { subtype: _dropped, ...noSubtype } = custom('companies', 'employee_count', '>=', 250);
		expect(names(await search('companies', one([noSubtype])))).toEqual(['Acme Corp']);
	});

	it('and inside a group is AND (true) or OR (false) among its filters; the top-level and combines groups', async () => {
		const manufacturing = custom(
			'companies',
			'industry',
			'=',
			opt('companies', 'industry', 'manufacturing').id,
		);
		const small = custom('companies', 'size_band', '=', opt('companies', 'size_band', 'small').id);
		expect(names(await search('companies', one([manufacturing, small], false)))).toEqual([
			'Acme Corp',
			'Initech',
		]);
		expect(names(await search('companies', one([manufacturing, small], true)))).toEqual([]);
		// The shape the node sent before: one group without "and" (= AND) under "and": false.
		// OR among the filters needs "and": false inside the group.
		const old = await search('companies', {
			and: false,
			query: [{ filters: [manufacturing, small] }],
		});
		expect(names(old)).toEqual([]);
		const twoGroups = await search('companies', {
			and: false,
			query: [
				{ and: true, filters: [manufacturing] },
				{ and: true, filters: [small] },
			],
		});
		expect(names(twoGroups)).toEqual(['Acme Corp', 'Initech']);
	});

	it('checks blanks with is_blank true/false, never with a null value', async () => {
		const blank = await search(
			'companies',
			one([custom('companies', 'employee_count', 'is_blank', true)]),
		);
		expect(names(blank)).toEqual(['Initech']);
		const filled = await search(
			'companies',
			one([custom('companies', 'employee_count', 'is_blank', false)]),
		);
		expect(names(filled)).toEqual(['Acme Corp', 'Globex']);
		for (const value of [null, 'true']) {
			const r = await search(
				'companies',
				one([custom('companies', 'employee_count', 'is_blank', value)]),
			);
			expect(r.status).toBe(400);
		}
	});

	it('multi-choice: has / !has / has_any / !has_any with lists of option or tag ids', async () => {
		const tag = (n: string) => sim.tags('client_client', 'tags').find((t) => t.name === n)!.id;
		const has = await search('client_client', one([builtIn('tags', 'has', [tag('VIP')])]));
		expect(names(has)).toEqual(['Ada Lovelace']);
		const any = await search(
			'client_client',
			one([builtIn('tags', 'has_any', [tag('VIP'), tag('Press')])]),
		);
		expect(names(any)).toEqual(['Ada Lovelace', 'Alan Turing']);
		const none = await search(
			'client_client',
			one([builtIn('tags', '!has_any', [tag('VIP'), tag('Press')])]),
		);
		expect(names(none)).toEqual(['Grace Hopper']);
		const platform = opt('deals', 'products', 'platform').id;
		expect(
			(await search('deals', one([custom('deals', 'products', '!has', [platform])]))).body.count,
		).toBe(1);
		// A bare id, "=" or "contains" on a multi-choice field is not what Kizen's UI sends.
		for (const f of [
			builtIn('tags', 'has', tag('VIP')),
			builtIn('tags', '=', [tag('VIP')]),
			custom('deals', 'products', 'contains', [platform]),
		]) {
			expect((await search(f.field === 'tags' ? 'client_client' : 'deals', one([f]))).status).toBe(
				400,
			);
		}
	});

	it('relationships: contains / !contains / is_any_of / is_none_of with lists of record ids', async () => {
		const contains = await search('deals', one([custom('deals', 'company', 'contains', [ACME])]));
		expect(names(contains)).toEqual(['Acme Renewal']);
		const noneOf = await search('deals', one([custom('deals', 'company', 'is_none_of', [ACME])]));
		expect(names(noneOf)).toEqual(['Globex Expansion']);
		const people = await search(
			'deals',
			one([custom('deals', 'contacts', 'is_any_of', [GRACE, ADA])]),
		);
		expect(names(people)).toEqual(['Acme Renewal']);
		expect(
			(await search('deals', one([custom('deals', 'company', 'contains', ACME)]))).status,
		).toBe(400);
		expect((await search('deals', one([custom('deals', 'company', '=', [ACME])]))).status).toBe(
			400,
		);
	});

	it('single choices take a bare option id for = / != and lists for is_any_of / is_none_of; ratings are strings', async () => {
		const na = opt('companies', 'region', 'na').id;
		const emea = opt('companies', 'region', 'emea').id;
		expect(
			names(await search('companies', one([custom('companies', 'region', '!=', na)]))),
		).toEqual(['Globex', 'Initech']);
		expect(
			names(
				await search('companies', one([custom('companies', 'region', 'is_any_of', [na, emea])])),
			),
		).toEqual(['Acme Corp', 'Globex']);
		expect(
			(await search('companies', one([custom('companies', 'region', '=', { id: na })]))).status,
		).toBe(400);
		expect(
			(await search('companies', one([custom('companies', 'region', 'is_any_of', na)]))).status,
		).toBe(400);
		expect(
			names(await search('companies', one([custom('companies', 'satisfaction', '>=', '4')]))),
		).toEqual(['Acme Corp']);
		expect(
			names(
				await search(
					'companies',
					one([custom('companies', 'satisfaction', 'is_any_of', ['2', '4'])]),
				),
			),
		).toEqual(['Acme Corp']);
		expect(
			(await search('companies', one([custom('companies', 'satisfaction', '>=', 4)]))).status,
		).toBe(400);
		// Contacts' built-in email_status filters by the slug of the option name.
		expect(
			names(await search('client_client', one([builtIn('email_status', '=', 'not_opted_in')]))),
		).toEqual(['Grace Hopper']);
		// Time zones: the option id.
		expect(
			names(await search('client_client', one([builtIn('timezone', '=', 'Europe/London')]))),
		).toEqual(['Ada Lovelace']);
	});

	it('a pipeline stage is filtered in its own shape', async () => {
		const proposal = opt('deals', 'stage', 'proposal').id;
		expect(names(await search('deals', one([stage('=', proposal)])))).toEqual(['Acme Renewal']);
		expect(names(await search('deals', one([stage('is_none_of', [proposal])])))).toEqual([
			'Globex Expansion',
		]);
		expect((await search('deals', one([builtIn('stage', '=', proposal)]))).status).toBe(400);
		const { overwrite: _o, ...noOverwrite } = stage('=', proposal);
		expect((await search('deals', one([noOverwrite]))).status).toBe(400);
	});

	it('numbers take JSON numbers, dates ISO text; created / updated support > with a timestamp (polling)', async () => {
		expect(
			names(
				await search(
					'companies',
					one([custom('companies', 'employee_count', 'between', [30, 300])]),
				),
			),
		).toEqual(['Acme Corp', 'Globex']);
		expect(
			(await search('companies', one([custom('companies', 'employee_count', '>', '10')]))).status,
		).toBe(400);
		expect(
			names(await search('companies', one([custom('companies', 'founded', '<', '1950-01-01')]))),
		).toEqual(['Acme Corp']);
		expect(
			names(await search('client_client', one([builtIn('birthday', 'month_equals', 12)]))),
		).toEqual(['Ada Lovelace']);
		const before = new Date().toISOString();
		await upsert('companies', {
			lookup_value: 'Globex',
			fields: [{ name: 'employee_count', value: 41 }],
		});
		const changed = await search(
			'companies',
			one([builtIn('updated', '>', before)]),
			'?ordering=-updated',
		);
		expect(names(changed)).toEqual(['Globex']);
		// The UI offers no blank check on created / updated.
		expect((await search('companies', one([builtIn('updated', 'is_blank', false)]))).status).toBe(
			400,
		);
	});

	it("refuses the shapes and conditions Kizen does not accept (the node's old payloads among them)", async () => {
		const refused: unknown[] = [
			// The node's old filters: "default":: prefix, fields_v2 on a built-in, no subtype on a built-in.
			{
				type: 'fields_v2',
				field: `"default"::${fid('companies', 'name')}`,
				condition: '=',
				value: 'Globex',
			},
			{
				type: 'fields_v2',
				field: `"custom"::${fid('companies', 'name')}`,
				condition: '=',
				value: 'Globex',
			},
			{ type: 'fields', field: 'name', condition: '=', value: 'Globex' },
			// A custom field named as a built-in one.
			builtIn('employee_count', '=', 40),
			// Conditions the UI does not offer for the type, and the old is_empty / is_not_empty tokens.
			custom('companies', 'employee_count', 'contains', 4),
			custom('companies', 'employee_count', 'is_empty', true),
			custom('companies', 'employee_count', 'is_not_empty', true),
			custom('companies', 'description', '=', 'Makers of everything.'),
			builtIn('name', '>', 'A'),
			custom('companies', 'is_partner', '!=', true),
			custom('companies', 'founded', 'contains', '1947'),
			{
				type: 'fields_v2',
				subtype: 'custom',
				field: '"custom"::not-a-uuid',
				condition: '=',
				value: 1,
			},
			'not a filter',
		];
		for (const f of refused) {
			const r = await search('companies', one([f]));
			expect([JSON.stringify(f), r.status]).toEqual([JSON.stringify(f), 400]);
			expect(r.body.query[0]).toEqual(expect.any(String));
		}
		expect((await search('companies', { query: [{ and: 'yes', filters: [] }] })).status).toBe(400);
		expect((await search('companies', { query: {} })).status).toBe(400);
	});

	it('free text, ordering (-field descending) and pagination', async () => {
		const text = await search('companies', {}, '?search=glob');
		expect(text.body.results.map((x: any) => x.id)).toEqual([
			'ec0d0000-0000-4000-8000-000000002002',
		]);
		const ordered = await search(
			'companies',
			{ field_names: ['employee_count'] },
			'?ordering=-name&page_size=2',
		);
		expect(ordered.body.results.map((x: any) => x.client_info.display_name)).toEqual([
			'Initech',
			'Globex',
		]);
		expect(ordered.body.next).toMatch(/page=2/);
		const page2 = await search('companies', {}, '?ordering=-name&page_size=2&page=2');
		expect(page2.body.results.map((x: any) => x.client_info.display_name)).toEqual(['Acme Corp']);
		expect((await search('companies', {}, '?page_size=1001')).status).toBe(400);
		expect((await search('companies', {}, '?ordering=nope')).status).toBe(400);
	});

	describe('created / updated: what a polling trigger reads', () => {
		const stampOf = (r: any, name: string) =>
			(Object.values(r.fields) as any[]).find((f) => f.name === name)?.value as string;
		const changed = (condition: string, value: string, query = '?ordering=updated') =>
			search(
				'companies',
				{ ...one([builtIn('updated', condition, value)]), field_names: ['created', 'updated'] },
				query,
			);

		it('stamps with microseconds, later on every write, and reads them back with the business offset', async () => {
			const a = await upsert('companies', { lookup_value: 'Stamp A' }, '?return_all_fields=true');
			const b = await upsert('companies', { lookup_value: 'Stamp B' });
			const [createdA, updatedA] = [
				valueOf(a, 'companies', 'created'),
				valueOf(a, 'companies', 'updated'),
			];
			expect(createdA).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}-05:00$/);
			expect(updatedA).toBe(createdA);
			expect(Date.parse(valueOf(b, 'companies', 'updated'))).toBeGreaterThanOrEqual(
				Date.parse(updatedA),
			);
			expect(valueOf(b, 'companies', 'updated')).not.toBe(updatedA);
			const again = await upsert(
				'companies',
				{
					lookup_value: 'Stamp A',
					fields: [{ name: 'employee_count', value: 2 }],
				},
				'?return_all_fields=true',
			);
			expect(valueOf(again, 'companies', 'created')).toBe(createdA);
			expect(valueOf(again, 'companies', 'updated') > updatedA).toBe(true);
		});

		it('compares to the microsecond: >= the millisecond of a stamp includes it, > its exact stamp does not', async () => {
			sim.setClock('2031-01-02T03:04:05.678901Z');
			const rec = await upsert('companies', { lookup_value: 'Boundary Co' });
			sim.setClock(null);
			expect(valueOf(rec, 'companies', 'updated')).toBe('2031-01-01T22:04:05.678901-05:00');
			const names = (r: Reply) => r.body.results.map((x: any) => x.client_info.display_name);
			expect(names(await changed('>=', '2031-01-02T03:04:05.678Z'))).toEqual(['Boundary Co']);
			expect(names(await changed('>', '2031-01-02T03:04:05.678Z'))).toEqual(['Boundary Co']);
			expect(names(await changed('>', '2031-01-01T22:04:05.678901-05:00'))).toEqual([]);
			expect(names(await changed('>=', '2031-01-01T22:04:05.678901-05:00'))).toEqual([
				'Boundary Co',
			]);
			expect(names(await changed('>', '2031-01-02T03:04:05.679Z'))).toEqual([]);
		});

		it('a frozen clock gives many writes one stamp (a bulk change); ordering keeps their creation order on every page', async () => {
			sim.setClock('2031-05-05T05:05:05.000001Z');
			const ids: string[] = [];
			for (let n = 0; n < 7; n++)
				ids.push((await upsert('companies', { lookup_value: `Tie ${n}` })).body.id);
			sim.setClock(null);
			const pages: string[] = [];
			for (let page = 1; page <= 4; page++) {
				const r = await changed(
					'>=',
					'2031-05-05T05:05:05.000Z',
					`?ordering=updated&page_size=2&page=${page}`,
				);
				pages.push(...r.body.results.map((x: any) => x.id));
				expect(
					r.body.results.every(
						(x: any) => stampOf(x, 'updated') === '2031-05-05T00:05:05.000001-05:00',
					),
				).toBe(true);
			}
			expect(pages).toEqual(ids);
			const desc = await changed('>=', '2031-05-05T05:05:05.000Z', '?ordering=-updated');
			expect(desc.body.results.map((x: any) => x.id)).toEqual(ids);
		});

		it('orders by updated oldest first (ordering=updated), newest first with "-"', async () => {
			const before = new Date().toISOString();
			const first = await upsert('companies', { lookup_value: 'Order 1' });
			await upsert('companies', { lookup_value: 'Order 2' });
			await upsert('companies', {
				lookup_value: 'Order 1',
				fields: [{ name: 'employee_count', value: 5 }],
			});
			const ids = (r: Reply) => r.body.results.map((x: any) => x.client_info.display_name);
			expect(ids(await changed('>', before))).toEqual(['Order 2', 'Order 1']);
			expect(ids(await changed('>', before, '?ordering=-updated'))).toEqual(['Order 1', 'Order 2']);
			expect(ids(await changed('>', before, '?ordering=created'))).toEqual(['Order 1', 'Order 2']);
			expect(first.status).toBe(201);
		});
	});
});

describe('test helpers', () => {
	it('addRecord validates API-format values and indexes the record', async () => {
		const rec = sim.addRecord('companies', {
			identifier: 'Helper Co',
			fields: { industry: { name: 'Retail' }, [fid('companies', 'employee_count')]: 3 },
		});
		expect(rec.fields[fid('companies', 'industry')]).toBe(
			opt('companies', 'industry', 'retail').id,
		);
		expect((await upsert('companies', { lookup_value: 'helper co' })).body.id).toBe(rec.id);
		expect(() => sim.addRecord('companies', { identifier: 'Helper Co' })).toThrow();
		expect(() =>
			sim.addRecord('companies', { identifier: 'Bad Co', fields: { employee_count: 'x' } }),
		).toThrow();
		expect(recordByIdent('companies', 'Bad Co')).toBeUndefined();
	});

	it('addRecord backdates created / updated (a write committed late); updateRecord moves updated', async () => {
		const late = sim.addRecord('companies', {
			identifier: 'Late Co',
			created: '2023-01-01T00:00:00.000005Z',
			updated: '2023-01-01T00:00:01Z',
		});
		expect(late.fields[fid('companies', 'created')]).toBe('2023-01-01T00:00:00.000005Z');
		expect(late.fields[fid('companies', 'updated')]).toBe('2023-01-01T00:00:01.000000Z');
		const changed = sim.updateRecord('companies', late.id, { employee_count: 9 });
		expect(changed.fields[fid('companies', 'employee_count')]).toBe(9);
		expect(
			changed.fields[fid('companies', 'updated')] > new Date(Date.now() - 60000).toISOString(),
		).toBe(true);
		expect(changed.fields[fid('companies', 'created')]).toBe('2023-01-01T00:00:00.000005Z');
		expect(() =>
			sim.addRecord('companies', { identifier: 'Bad Stamp', updated: 'soon' }),
		).toThrow();
		expect(() => sim.updateRecord('companies', 'ec0d0000-0000-4000-8000-000000002004')).toThrow();
	});

	it('seed:false starts with objects but no records; custom credentials are enforced', async () => {
		const creds = {
			apiKey: 'other-key',
			userId: DEMO_CREDENTIALS.userId,
			businessId: DEMO_CREDENTIALS.businessId,
		};
		const empty = await startSimulator({ seed: false, credentials: creds });
		try {
			expect(empty.records('companies')).toEqual({ live: [], archived: [] });
			expect(empty.objects()).toHaveLength(3);
			const res = await fetch(`${empty.url}/api/custom-objects`, {
				headers: { ...authHeaders(), 'X-API-KEY': 'other-key' },
			});
			expect(res.status).toBe(200);
			await res.arrayBuffer();
		} finally {
			await empty.close();
		}
	});
});
