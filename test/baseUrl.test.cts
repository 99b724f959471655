/** The one Base URL helper, used by the credential (as an expression) and the node (strictly). */
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
	])('refuses %j with the right form', (typed, message) => {
		expect(normalizeBaseUrl(typed).problem).toMatch(message);
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
