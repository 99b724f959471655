/**
 * testCredential: a port of CredentialsTester.testCredentials from n8n's server,
 * packages/cli/src/services/credentials-tester.service.ts (n8n 2.x), for credentials with a
 * declarative `test: ICredentialTestRequest`. As there: defaults are applied to the data, a
 * temporary copy of the noOp node type gets one property whose `routing.request` is the test
 * request, n8n-core's RoutingNode runs it (resolving `$credentials` expressions and calling
 * httpRequestWithAuthentication → the credential's `authenticate`), then the rules apply.
 */
import type {
	ICredentialsDecrypted, ICredentialType, IDataObject, IExecuteData, INode, INodeCredentialTestResult,
	INodeExecutionData, INodeType, IRunExecutionData,
} from 'n8n-workflow';
import type { CredentialData } from './core.cjs';

// `.cts` modules: TS types come from the '.cjs' name, Jest loads the '.cts' file (it does not map one to the other).
const { additionalDataFor, core, HarnessCredentialsHelper, HarnessNodeTypes, wf }: typeof import('./core.cjs') = require('./core.cts');

// The axios n8n-core sends its requests with.
const axios = require(require.resolve('axios', { paths: [require.resolve('n8n-core')] }));

/** The description n8n-nodes-base's NoOp node has once loaded (n8n uses it when a credential tests itself). */
const noOpNodeType: INodeType = {
	description: {
		displayName: 'No Operation, do nothing', name: 'n8n-nodes-base.noOp', icon: 'fa:arrow-right', group: ['organization'],
		version: 1, description: 'No Operation', defaults: { name: 'No Operation, do nothing', color: '#b0b0b0' },
		inputs: ['main'], outputs: ['main'], properties: [],
	},
};

/** lodash `get` for the rules' keys (dotted paths). */
const getPath = (value: unknown, path: string): unknown =>
	path.split('.').reduce<unknown>((obj, key) => (obj == null ? undefined : (obj as IDataObject)[key]), value);

/**
 * `errorCause`: n8n-workflow up to n8n 2.34.4 drops `cause` from every NodeApiError (a class field
 * redeclared `cause`; fixed by n8n PR #35216, released in n8n 2.34.5). CredentialsTester reads
 * `error.cause.response` / `error.cause.code`, so on n8n 2.8 the `responseCode` rules never match and
 * the user sees NodeApiError's own message (e.g. "Authorization failed - please check your credentials").
 *   'dropped' (default): what the installed engine (n8n 2.8.4) really shows.
 *   'preserved': what n8n >= 2.34.5 shows; the harness restores the cause by catching the axios error
 *   of n8n-core's request (an axios interceptor, active only during this call: do not run other HTTP
 *   through n8n-core concurrently with it).
 */
export async function testCredential(options: {
	credentialType: ICredentialType; data: CredentialData; id?: string; name?: string;
	errorCause?: 'dropped' | 'preserved';
}): Promise<INodeCredentialTestResult> {
	const { credentialType } = options;
	const testRequest = credentialType.test;
	if (!testRequest) return { status: 'Error', message: 'No testing function found for this credential.' };
	const helper = new HarnessCredentialsHelper({ [credentialType.name]: credentialType });
	const additionalData = additionalDataFor(helper, 'credential-test');
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: options.id ?? 'temp', name: options.name ?? 'Test credential', type: credentialType.name, data: { ...options.data },
	};
	try {
		credentialsDecrypted.data = helper.applyDefaults(additionalData, options.data, credentialType.name, 'internal');
	} catch (error) {
		return { status: 'Error', message: error.message.toString() };
	}

	const nodeType = noOpNodeType;
	const { version } = nodeType.description;
	const node: INode = {
		id: 'temp', parameters: {}, name: 'Temp-Node', type: nodeType.description.name,
		typeVersion: Array.isArray(version) ? version.slice(-1)[0] : version, position: [0, 0],
		credentials: { [credentialType.name]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	const nodeTypeCopy: INodeType = {
		description: {
			...nodeType.description,
			credentials: [{ name: credentialType.name, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' }],
		},
	};
	const workflow = new wf.Workflow({
		nodes: [node], connections: {}, active: false,
		nodeTypes: new HarnessNodeTypes({ [nodeTypeCopy.description.name]: nodeTypeCopy }),
	});
	const runExecutionData = { resultData: { runData: {} } } as IRunExecutionData;
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new core.ExecuteContext(workflow, node, additionalData, 'internal', runExecutionData, 0, [],
		{ main: [[{ json: {} }]] }, executeData, []);
	const routingNode = new core.RoutingNode(context, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	const axiosErrors: Error[] = [];
	const interceptor = options.errorCause === 'preserved'
		? axios.interceptors.response.use(undefined, (e: Error) => { axiosErrors.push(e); return Promise.reject(e); })
		: undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught;
		if (interceptor !== undefined && error.cause === undefined && axiosErrors.length) error.cause = axiosErrors[axiosErrors.length - 1];
		// Do not fail any requests to allow custom error messages (as n8n does)
		if (error.cause?.response) {
			const statusCode: number = error.cause.response.status;
			const statusMessage: string | undefined = error.cause.response.statusText;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return { status: 'Error', message: statusMessage || `Received HTTP status code: ${statusCode}` };
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: error.message.toString() };
	} finally {
		if (interceptor !== undefined) axios.interceptors.response.eject(interceptor);
	}

	if (testRequest.rules && Array.isArray(testRequest.rules)) {
		for (const rule of testRequest.rules) {
			if (rule.type === 'responseSuccessBody') {
				const responseData = response![0][0].json;
				if (getPath(responseData, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
