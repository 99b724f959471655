/** The one Base URL helper, used by the credential (as an expression) and the node (strictly). */
import { authenticateKizenRequest, credentialProblem } from '../nodes/Kizen/transport/authentication';
import {
	BASE_URL_EXPRESSION,
	baseUrlFromCredentials,
	normalizeBaseUrl,
} from '../nodes/Kizen/transport/baseUrl';

const { Expression, Workflow } = require('n8n-workflow');

describe('normalizeBaseUrl', () => {
	it.each([
		['https://app.go.kizen.com', 'https://app.go.kizen.com'],
		['https://app.go.kizen.com/', 'https://app.go.kizen.com'],
		['https://app.go.kizen.com/api', 'https://app.go.kizen.com'],
		['https://app.go.kizen.com/api/', 'https://app.go.kizen.com'],
		['  https://staging.kizen.com  ', 'https://staging.kizen.com'],
		['http://127.0.0.1:5680/api', 'http://127.0.0.1:5680'],
		['http://localhost:5680', 'http://localhost:5680'],
		['http://127.0.0.2:5680', 'http://127.0.0.2:5680'],
		['HTTPS://App.Go.Kizen.com/API', 'https://app.go.kizen.com'],
		['https://proxy.example.com/kizen/api', 'https://proxy.example.com/kizen'],
	])('%s → %s', (typed, expected) => {
		expect(normalizeBaseUrl(typed)).toEqual({ url: expected });
	});

	it.each([
		['', /The Base URL is empty\. Use the API host, for example https:\/\/app\.go\.kizen\.com/],
		[
			'app.go.kizen.com',
			/"app\.go\.kizen\.com" is not a URL\. Use the API host, for example https:\/\/app\.go\.kizen\.com/,
		],
		[
			'https://go.kizen.com',
			/Kizen's web app, not its API\. Use https:\/\/app\.go\.kizen\.com instead/,
		],
		['https://fmo.kizen.com/', /Use https:\/\/app\.fmo\.kizen\.com instead/],
		['http://app.go.kizen.com', /must start with https:\/\//],
		['https://app.go.kizen.com/api?x=1', /must not contain a query/],
		['https://app.go.kizen.com/?', /must not contain a query/],
		['https://app.go.kizen.com/#api', /must not contain a query \(\?…\) or fragment/],
		['http://10.0.0.5:8000', /must start with https:\/\//],
		['http://localhost.evil.example', /must start with https:\/\//],
		['ftp://app.go.kizen.com', /not a web address/],
		['https://app.go.kizen.com./api', /ends its host name with a dot\. Use https:\/\/app\.go\.kizen\.com instead/],
		['https://app.go.kizen.com//api', /empty path segment/],
	])('refuses %j with the right form', (typed, message) => {
		expect(normalizeBaseUrl(typed).problem).toMatch(message);
	});

	it.each([
		'https://admin:s3cret-pass@app.go.kizen.com',
		'https://s3cret-pass@app.go.kizen.com/api',
		'app.go.kizen.com?token=s3cret-pass',
		'https://app.go.kizen.com/api?token=s3cret-pass',
		'user:s3cret-pass@app.go.kizen.com',
	])('refuses %j without repeating the secret in it', (typed) => {
		const { problem } = normalizeBaseUrl(typed);
		expect(problem).toBeDefined();
		expect(problem).not.toContain('s3cret-pass');
	});

	it('names the right form for a URL with a user name', () => {
		expect(normalizeBaseUrl('https://admin:pw@app.go.kizen.com').problem).toMatch(
			/must not contain a user name or password .* Use https:\/\/app\.go\.kizen\.com instead/,
		);
	});
});

describe('baseUrlFromCredentials', () => {
	it('maps each environment to its API host, and checks a custom URL', () => {
		expect(baseUrlFromCredentials({ environment: 'production' })).toEqual({
			url: 'https://app.go.kizen.com',
		});
		expect(baseUrlFromCredentials({ environment: 'productionFmo' })).toEqual({
			url: 'https://app.fmo.kizen.com',
		});
		expect(
			baseUrlFromCredentials({ environment: 'custom', baseUrl: 'https://staging.kizen.com/api/' }),
		).toEqual({
			url: 'https://staging.kizen.com',
		});
		expect(
			baseUrlFromCredentials({ environment: 'custom', baseUrl: 'https://go.kizen.com' }).problem,
		).toMatch(/web app/);
	});

	it('the credential-test expression picks the same host as the node for every environment', () => {
		const workflow = new Workflow({
			nodes: [],
			connections: {},
			active: false,
			nodeTypes: {
				getByName: () => undefined,
				getByNameAndVersion: () => undefined,
				getKnownTypes: () => ({}),
			},
		});
		const evaluate = (credentials: object) =>
			new Expression(workflow).getParameterValue(
				BASE_URL_EXPRESSION,
				null,
				0,
				0,
				'node',
				[],
				'manual',
				{ $credentials: credentials },
			);
		for (const credentials of [
			{ environment: 'production' },
			{ environment: 'productionFmo' },
			{ environment: 'custom', baseUrl: 'https://staging.kizen.com/api/' },
			{ environment: 'custom', baseUrl: 'http://127.0.0.1:5680/' },
		]) {
			expect(evaluate(credentials)).toBe(baseUrlFromCredentials(credentials).url);
		}
	});
});

describe('the credential applied to a request (authenticate)', () => {
	const credentials = {
		environment: 'custom',
		baseUrl: 'https://kizen.example.com/api',
		apiKey: ' key-123 ',
		userId: 'user-1',
		businessId: 'business-1',
	};

	it('adds the three headers (trimmed) for the credential’s own host, and turns redirects off', async () => {
		const options = await authenticateKizenRequest(credentials, {
			url: 'https://kizen.example.com/api/custom-objects',
			headers: { Accept: 'application/json' },
		});
		expect(options.headers).toEqual({
			Accept: 'application/json',
			'X-API-KEY': 'key-123',
			'X-USER-ID': 'user-1',
			'X-BUSINESS-ID': 'business-1',
		});
		expect(options).toMatchObject({ disableFollowRedirect: true, followRedirect: false });
	});

	it('joins a relative url with baseURL as the credential test does', async () => {
		const options = await authenticateKizenRequest(credentials, {
			baseURL: 'https://kizen.example.com',
			url: '/api/custom-objects',
		});
		expect(options.headers).toMatchObject({ 'X-API-KEY': 'key-123' });
	});

	it.each([
		['another host', 'https://evil.example.com/api/custom-objects'],
		['another port', 'https://kizen.example.com:8443/api/custom-objects'],
		['plain http to the same host', 'http://kizen.example.com/api/custom-objects'],
		['a look-alike host', 'https://kizen.example.com.evil.example/api'],
	])('refuses to send the key to %s', async (_label, url) => {
		const attempt = authenticateKizenRequest(credentials, { url });
		await expect(attempt).rejects.toThrow(/only sent to the credential's API host https:\/\/kizen\.example\.com/);
		await expect(attempt).rejects.not.toThrow(/key-123/);
	});

	it.each([
		['API Key', { apiKey: 'key\r\nX-Injected: 1' }],
		['API Key', { apiKey: 'key with space' }],
		['User ID', { userId: 'user\u0000' }],
		['Business ID', { businessId: 'bus–iness' }],
		['API Key', { apiKey: '   ' }],
	])('refuses a %s that cannot be sent, without repeating it', async (label, wrong) => {
		const problem = credentialProblem({ ...credentials, ...wrong });
		expect(problem).toMatch(new RegExp(`^the ${label} (is empty|contains a character that cannot be sent)`));
		await expect(
			authenticateKizenRequest({ ...credentials, ...wrong }, { url: 'https://kizen.example.com/api' }),
		).rejects.toThrow(`Kizen credential: ${problem}`);
		expect(problem).not.toMatch(/X-Injected|with space|bus–iness/);
	});

	it('refuses a Base URL the node would refuse', async () => {
		await expect(
			authenticateKizenRequest(
				{ ...credentials, baseUrl: 'http://kizen.example.com' },
				{ url: 'http://kizen.example.com/api/custom-objects' },
			),
		).rejects.toThrow(/Kizen credential: .* must start with https:\/\//);
	});
});
