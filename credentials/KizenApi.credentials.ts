import type {
	IAuthenticate,
	IAuthenticateRuleResponseSuccessBody,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { authenticateKizenRequest } from '../nodes/Kizen/transport/authentication';
import { BASE_URL_EXPRESSION, KIZEN_ENVIRONMENTS } from '../nodes/Kizen/transport/baseUrl';

const WHERE_TO_FIND = 'In Kizen: your profile avatar → My Profile → API Connections tab.';

const CHECK_CREDENTIALS =
	'Check that the API Key, User ID and Business ID are all copied from the same user’s My Profile → API Connections tab in Kizen, and that the environment is the one that user signs in to.';

/**
 * The test reads Kizen's answer whatever its status (`ignoreHttpStatusErrors`), so these rules can
 * say what is wrong: n8n 2.8 drops the status code of a failed test request, and status-code rules
 * never fire there. n8n applies the rules in order and reports the first that matches.
 */
const testRules: IAuthenticateRuleResponseSuccessBody[] = [
	rule(
		'code',
		'missing_business_context',
		`Kizen did not accept the business context (401 missing_business_context). ${CHECK_CREDENTIALS}`,
	),
	rule(
		'code',
		'authentication_failed',
		`Kizen refused these credentials (401). ${CHECK_CREDENTIALS}`,
	),
	rule('code', 'not_authenticated', `Kizen refused these credentials (401). ${CHECK_CREDENTIALS}`),
	rule(
		'code',
		'permission_denied',
		'The credentials are valid but this Kizen user may not use the API (403). Ask a Kizen admin to give the user’s role the "Standard API Keys" permission.',
	),
	rule(
		'detail',
		'Not found.',
		'This host has no Kizen API (404 on /api/custom-objects). Check the environment or Base URL: it should be the API host, e.g. https://app.go.kizen.com.',
	),
	// An HTML page: the web-app host, a proxy's page or a site that is not Kizen's API. n8n reads
	// rule keys as paths, so on a text body key "0" is its first character.
	rule(
		'0',
		'<',
		'This host answered with a web page, not the Kizen API. Check the environment or Base URL: it should be the API host, e.g. https://app.go.kizen.com, not the web app you sign in to (if it is right, Kizen may be down: try again later).',
	),
	// Anything else without Kizen's object list: an error body without a known code (most often
	// refused credentials), an empty body (a redirect, which is never followed), or an outage.
	rule(
		'results',
		undefined,
		`Kizen did not return its object list, so these credentials are not confirmed. Most likely Kizen refused them: ${CHECK_CREDENTIALS} If they are right, check the environment or Base URL: it must be Kizen's API host, e.g. https://app.go.kizen.com (n8n does not follow redirects with the API key).`,
	),
];

function rule(key: string, value: unknown, message: string): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key, value, message } };
}

export class KizenApi implements ICredentialType {
	name = 'kizenApi';

	displayName = 'Kizen API';

	icon: Icon = { light: 'file:../icons/kizen.svg', dark: 'file:../icons/kizen.dark.svg' };

	documentationUrl = 'https://github.com/kizen-community/n8n-nodes-kizen#credentials';

	properties: INodeProperties[] = [
		{
			displayName:
				'Business ID, User ID and API Key are on one page in Kizen: click your profile avatar → My Profile → API Connections tab. Your role needs the "Standard API Keys" permission.',
			name: 'whereToFind',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			default: 'production',
			options: [
				{ name: 'Production', value: 'production', description: KIZEN_ENVIRONMENTS.production },
				{
					name: 'Production FMO',
					value: 'productionFmo',
					description: KIZEN_ENVIRONMENTS.productionFmo,
				},
				{ name: 'Custom URL', value: 'custom', description: 'Another Kizen host, such as staging' },
			],
			description: 'The Kizen environment your account lives in. Most accounts use Production.',
			hint: 'The host you sign in to Kizen at: go.kizen.com is Production, fmo.kizen.com Production FMO.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://app.go.kizen.com',
			description:
				'The Kizen API host, without /api. Use the app host (https://app.go.kizen.com), not the web address you sign in at.',
			hint: 'The API host, e.g. https://staging.kizen.com: not the web address you sign in at.',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Business ID',
			name: 'businessId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
			description: `The business (account) ID, a UUID. ${WHERE_TO_FIND}`,
			hint: 'Kizen → My Profile → API Connections: Business ID',
		},
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
			description: `The ID of the Kizen user the key belongs to, a UUID. The node acts with that user’s permissions. ${WHERE_TO_FIND}`,
			hint: 'Kizen → My Profile → API Connections: User ID. The node acts with this user’s permissions.',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: `The user’s API key. ${WHERE_TO_FIND} The user’s role needs the "Standard API Keys" permission.`,
			hint: 'Kizen → My Profile → API Connections: API Key',
		},
	];

	/**
	 * A function, not generic expressions: it refuses (before anything is sent) values that cannot
	 * be sent, a Base URL the node would refuse and any host but the credential's own, and turns
	 * redirects off. n8n calls it for the credential test too.
	 */
	authenticate: IAuthenticate = authenticateKizenRequest;

	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL_EXPRESSION,
			url: '/api/custom-objects',
			qs: { page_size: 1 },
			method: 'GET',
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
		},
		rules: testRules,
	};
}
