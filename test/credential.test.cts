/**
 * The Kizen credential, tested through the in-process n8n engine (test/harness/engine.cts) against
 * the Kizen API simulator: headers, the credential test n8n runs from the credential's declarative
 * `test`, and one real workflow run (a throwaway node) to prove the harness end to end.
 */
import { createServer } from 'node:net';
import type {
	ICredentialDataDecryptedObject as CredentialData,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { KizenApi } from '../credentials/KizenApi.credentials';

const {
	runWorkflow,
	testCredential,
	shutdownEngine,
}: typeof import('./harness/engine.cjs') = require('./harness/engine.cts');
const { startSimulator } = require('../simulator/kizen-simulator.cjs');

type Simulator = {
	url: string;
	credentials: { apiKey: string; userId: string; businessId: string };
	requests: Array<{
		method: string;
		path: string;
		query: Record<string, string>;
		headers: Record<string, string>;
		status: number;
	}>;
	clearRequests(): void;
	addFault(spec: object): { remove(): void };
	clearFaults(): void;
	close(): Promise<void>;
};

const MESSAGES = {
	ok: 'Connection successful!',
	rule401:
		/^Kizen refused these credentials \(401\)\. Check that the API Key, User ID and Business ID/,
	ruleNoContext: /^Kizen did not accept the business context \(401 missing_business_context\)/,
	rule403: /^The credentials are valid but this Kizen user may not use the API \(403\)/,
	rule404: /^This host has no Kizen API \(404 on \/api\/custom-objects\)/,
	ruleWebPage: /^This host answered with a web page, not the Kizen API/,
	ruleNoList:
		/^Kizen did not return its object list, so these credentials are not confirmed\. Most likely Kizen refused them/,
};

let sim: Simulator;
let closedPortUrl: string;

beforeAll(async () => {
	sim = await startSimulator({ port: 0 });
	// A local port nobody listens on: bind one, note it, release it.
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	closedPortUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
	await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
	shutdownEngine();
	await sim?.close();
});

beforeEach(() => {
	sim.clearRequests();
	sim.clearFaults();
});

const good = (): CredentialData => ({
	environment: 'custom',
	baseUrl: sim.url,
	...sim.credentials,
});
const testDefault = (data: CredentialData) =>
	testCredential({ credentialType: new KizenApi(), data });

describe('credential test (as n8n runs the credential’s declarative `test`)', () => {
	it('sends the three auth headers with the credential’s values to GET /api/custom-objects?page_size=1', async () => {
		const outcome = await testCredential({ credentialType: new KizenApi(), data: good() });
		expect(outcome).toEqual({ status: 'OK', message: MESSAGES.ok });
		expect(sim.requests).toHaveLength(1);
		const [request] = sim.requests;
		expect(request).toMatchObject({
			method: 'GET',
			path: '/api/custom-objects',
			query: { page_size: '1' },
			status: 200,
		});
		expect(request.headers['x-api-key']).toBe(sim.credentials.apiKey);
		expect(request.headers['x-user-id']).toBe(sim.credentials.userId);
		expect(request.headers['x-business-id']).toBe(sim.credentials.businessId);
	});

	it.each([
		['a trailing /', (url: string) => `${url}/`],
		['/api', (url: string) => `${url}/api`],
		['/api/', (url: string) => `${url}/api/`],
		['surrounding spaces', (url: string) => `  ${url}  `],
	])('passes with a Base URL ending in %s', async (_label, toBaseUrl) => {
		const outcome = await testCredential({
			credentialType: new KizenApi(),
			data: { ...good(), baseUrl: toBaseUrl(sim.url) },
		});
		expect(outcome).toEqual({ status: 'OK', message: MESSAGES.ok });
		expect(sim.requests.map((r) => r.path)).toEqual(['/api/custom-objects']);
	});

	// The credential's test reads Kizen's answer whatever its status, so its rules decide the message
	// on every n8n version: on n8n 2.8.4 NodeApiError drops its `cause` (so status-code rules could
	// never fire), on n8n >= 2.34.5 it keeps it. Both must show the same words for HTTP answers.
	describe.each([
		['n8n 2.8.4 (installed engine)', 'dropped' as const],
		['n8n >= 2.34.5 (cause preserved)', 'preserved' as const],
	])('on %s', (_label, errorCause) => {
		const run = (data: CredentialData) =>
			testCredential({ credentialType: new KizenApi(), data, errorCause });
		const refused =
			errorCause === 'preserved'
				? 'ECONNREFUSED'
				: 'The service refused the connection - perhaps it is offline';
		const expectError = (
			outcome: { status: string; message: string },
			message: string | RegExp,
		) => {
			expect(outcome.status).toBe('Error');
			expect(outcome.message).toMatch(message);
			expect(outcome.message).not.toContain(sim.credentials.apiKey);
		};

		it.each([
			['API key', { apiKey: 'wrong-key-0000' }],
			['user ID', { userId: '00000000-0000-4000-8000-000000000000' }],
			['business ID', { businessId: '00000000-0000-4000-8000-000000000001' }],
		])('fails for a wrong %s', async (_field, wrong) => {
			expectError(await run({ ...good(), ...wrong }), MESSAGES.rule401);
			expect(sim.requests.map((r) => r.status)).toEqual([401]);
		});

		it('fails when Kizen gets no business context', async () => {
			sim.addFault({
				kind: 'status',
				status: 401,
				body: { code: 'missing_business_context', detail: 'Missing business context.' },
			});
			expectError(await run(good()), MESSAGES.ruleNoContext);
		});

		it('refuses empty IDs before any request', async () => {
			expectError(
				await run({ ...good(), businessId: '', userId: '' }),
				/Kizen credential: the User ID is empty/,
			);
			expect(sim.requests).toEqual([]);
		});

		it.each([
			['a user name and password in the Base URL', () => sim.url.replace('http://', 'http://admin:pw-secret@'), /must not contain a user name or password/],
			['a query in the Base URL', () => `${sim.url}/api?token=pw-secret`, /must not contain a query/],
			['a Base URL mangled into a path with "//"', () => `${sim.url}//api`, /empty path segment/],
			['plain http to a host that is not this machine', () => 'http://10.255.255.1:5680', /must start with https:\/\//],
		])('refuses %s before any request', async (_label, baseUrl, message) => {
			const outcome = await run({ ...good(), baseUrl: baseUrl() });
			expectError(outcome, message);
			expect(outcome.message).not.toContain('pw-secret');
			expect(sim.requests).toEqual([]);
		});

		it('refuses a line break in the API key before any request (no "connection lost")', async () => {
			const outcome = await run({ ...good(), apiKey: `${sim.credentials.apiKey}\r\nX-Evil: 1` });
			expectError(outcome, /Kizen credential: the API Key contains a character that cannot be sent/);
			expect(sim.requests).toEqual([]);
		});

		it('reports a 401 without a code as refused credentials', async () => {
			sim.addFault({ kind: 'status', status: 401, body: { detail: 'Invalid credentials.' } });
			expectError(await run(good()), MESSAGES.ruleNoList);
		});

		it('fails for a user without API permission (403)', async () => {
			sim.addFault({
				kind: 'status',
				status: 403,
				body: {
					detail: 'You do not have permission to perform this action.',
					code: 'permission_denied',
				},
			});
			expectError(await run(good()), MESSAGES.rule403);
		});

		it('fails for a host whose API answers a JSON 404', async () => {
			sim.addFault({ kind: 'status', status: 404, body: { detail: 'Not found.' } });
			expectError(await run(good()), MESSAGES.rule404);
		});

		it('fails for a host whose /api answers an HTML 404', async () => {
			sim.addFault({ kind: 'html', status: 404 });
			expectError(await run(good()), MESSAGES.ruleWebPage);
		});

		it('fails for a host that answers an HTML page with 200 (like the web app host)', async () => {
			// `<sim>/app/api/custom-objects` is outside the simulator's /api: its web host answers HTML 200.
			expectError(await run({ ...good(), baseUrl: `${sim.url}/app` }), MESSAGES.ruleWebPage);
			expect(sim.requests[0]).toMatchObject({ path: '/app/api/custom-objects', status: 200 });
		});

		it('fails for an outage (503): no object list, so nothing is confirmed', async () => {
			sim.addFault({ kind: 'status', status: 503 });
			expectError(await run(good()), MESSAGES.ruleNoList);
		});

		it.each([302, 307])(
			'never follows a %s redirect: the other origin receives nothing, and the test fails',
			async (status) => {
				const other = await startSimulator({ port: 0 });
				try {
					sim.addFault({
						kind: 'redirect',
						status,
						location: `${other.url}/api/custom-objects?page_size=1`,
					});
					expectError(await run(good()), MESSAGES.ruleNoList);
					expect(sim.requests.map((r) => r.status)).toEqual([status]);
					expect(other.requests).toEqual([]);
				} finally {
					await other.close();
				}
			},
		);

		it('fails for a wrong host (connection refused)', async () => {
			expectError(await run({ ...good(), baseUrl: closedPortUrl }), refused);
		});
	});

	it('never puts the API key in the outcome, whatever the failure', async () => {
		const outcomes = [
			await testDefault({ ...good(), userId: 'nobody' }),
			await testDefault({ ...good(), baseUrl: closedPortUrl }),
			await testDefault({ ...good(), baseUrl: `${sim.url}/app` }),
			await testCredential({
				credentialType: new KizenApi(),
				data: { ...good(), userId: 'nobody' },
				errorCause: 'preserved',
			}),
		];
		for (const outcome of outcomes)
			expect(JSON.stringify(outcome)).not.toContain(sim.credentials.apiKey);
	});
});

/** A throwaway node: one authenticated GET per item to the credential's host + the item's `path`. */
class EchoNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo',
		name: 'echo',
		group: ['transform'],
		version: 1,
		description: 'Test node',
		defaults: { name: 'Echo' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'kizenApi', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('kizenApi');
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const path = String(items[i].json.path ?? '/api/custom-objects');
				// `legacy`: n8n's older request helper, which the HTTP Request node uses for a
				// "Predefined Credential Type" (the Kizen API credential picked there).
				const response = items[i].json.legacy
					? await this.helpers.requestWithAuthentication.call(this, 'kizenApi', {
							uri: `${baseUrl}${path}`,
							json: true,
							headers: { Accept: 'application/json' },
						})
					: await this.helpers.httpRequestWithAuthentication.call(this, 'kizenApi', {
							url: `${baseUrl}${path}`,
							json: true,
							headers: { Accept: 'application/json' },
						});
				out.push({ json: { index: i, count: response.count }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: error.message }, pairedItem: { item: i } });
					continue;
				}
				// httpRequestWithAuthentication already throws a NodeApiError, and `new NodeApiError(node,
				// thatError, { itemIndex })` returns it unchanged (itemIndex dropped): set it as RoutingNode does.
				if (error instanceof NodeApiError) {
					error.context.itemIndex = i;
					throw error;
				}
				throw new NodeApiError(this.getNode(), error, { itemIndex: i });
			}
		}
		return [out];
	}
}

describe('runWorkflow (the harness runs a real node through WorkflowExecute)', () => {
	const workflow = (extra: object = {}) => ({
		nodes: [
			{
				id: 'e1',
				name: 'Echo',
				type: 'test.echo',
				typeVersion: 1,
				position: [0, 0] as [number, number],
				parameters: {},
				credentials: { kizenApi: { id: 'cred-1', name: 'Kizen account' } },
				...extra,
			},
		],
		connections: {},
	});
	const run = (extra: object, inputItems: INodeExecutionData[]) =>
		runWorkflow({
			workflow: workflow(extra),
			nodeTypes: { 'test.echo': new EchoNode() },
			credentialTypes: { kizenApi: new KizenApi() },
			credentials: { 'cred-1': good() },
			inputItems,
		});

	it('applies the credential, returns each item with its pairedItem', async () => {
		const result = await run({}, [{ json: {} }, { json: {} }, { json: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executedNodes).toEqual(['Echo']);
		expect(result.items('Echo')).toEqual(
			[0, 1, 2].map((index) => ({ index, count: expect.any(Number) })),
		);
		expect(result.pairedItems('Echo')).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim.requests).toHaveLength(3);
		for (const request of sim.requests) {
			expect(request.headers).toMatchObject({
				'x-api-key': sim.credentials.apiKey,
				'x-user-id': sim.credentials.userId,
				'x-business-id': sim.credentials.businessId,
			});
		}
	});

	it('the credential’s headers reach Kizen through both of n8n’s request helpers, the request’s own headers kept', async () => {
		// requestWithAuthentication is what the HTTP Request node calls with the Kizen API
		// credential as its Predefined Credential Type.
		const result = await run({}, [{ json: {} }, { json: { legacy: true } }]);
		expect(result.error).toBeUndefined();
		expect(result.items('Echo')).toEqual(
			[0, 1].map((index) => ({ index, count: expect.any(Number) })),
		);
		expect(sim.requests.map((r) => r.status)).toEqual([200, 200]);
		for (const request of sim.requests) {
			expect(request.headers).toMatchObject({
				accept: 'application/json',
				'x-api-key': sim.credentials.apiKey,
				'x-user-id': sim.credentials.userId,
				'x-business-id': sim.credentials.businessId,
			});
		}
	});

	it('with onError "continueErrorOutput" routes a failing item to output 1', async () => {
		const result = await run({ onError: 'continueErrorOutput' }, [
			{ json: {} },
			{ json: { path: '/api/nope' } },
			{ json: {} },
		]);
		expect(result.status).toBe('success');
		expect(result.nodeOutput('Echo')).toHaveLength(2);
		expect(result.pairedItems('Echo', 0)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(result.pairedItems('Echo', 1)).toEqual([{ item: 1 }]);
		expect(result.items('Echo', 1)[0].error).toEqual(expect.any(String));
	});

	it('with onError "continueRegularOutput" keeps the error item in output 0', async () => {
		const result = await run({ onError: 'continueRegularOutput' }, [
			{ json: {} },
			{ json: { path: '/api/nope' } },
		]);
		expect(result.nodeOutput('Echo')).toHaveLength(1);
		expect(result.items('Echo')[1]).toEqual({ error: expect.any(String) });
		expect(result.pairedItems('Echo')).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('without error handling fails the run with n8n’s error (message, description, node)', async () => {
		const result = await run({}, [{ json: {} }, { json: { path: '/api/nope' } }]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The resource you are requesting could not be found');
		expect(result.error).toHaveProperty('description');
		expect(result.error).toMatchObject({ node: { name: 'Echo' }, context: { itemIndex: 1 } });
		expect(result.nodeError('Echo')).toMatchObject({
			message: result.error?.message,
			description: result.error?.description,
		});
	});
});
