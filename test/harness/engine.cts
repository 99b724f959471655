/**
 * In-process n8n engine for tests and benchmarks: runs stored workflow JSON through n8n-core's
 * `WorkflowExecute` (n8n-core 2.8.1 / n8n-workflow 2.8.0), and tests a credential the way the
 * n8n server does. No n8n server, database or trigger node is needed.
 *
 *   runWorkflow({ workflow, nodeTypes, credentialTypes, credentials, inputItems?, startNode?, mode? })
 *     workflow        { nodes: INode[], connections, settings? } as n8n stores it. A node type may be
 *                     written in full ('n8n-nodes-kizen.kizen') or short ('kizen').
 *     nodeTypes       { [typeName]: INodeType | IVersionedNodeType } (full or short names)
 *     credentialTypes { [credentialTypeName]: ICredentialType }
 *     credentials     decrypted data, keyed by credential id (node.credentials[type].id) or by type.
 *                     A node that declares a credential type but has no `credentials` entry for it
 *                     gets `{ id: type, name: type }`, unless `fillCredentials: false`.
 *     inputItems      fed to `startNode` (default: the first node) on input 0; default [{ json: {} }]
 *     mode            WorkflowExecuteMode, default 'manual' (as n8n's own NodeTestHarness)
 *   → Promise<RunResult>:
 *     run: IRun; runData: IRunData; status; error?: ExecutionBaseError (message, description, node)
 *     executedNodes: string[]                        node names in execution order
 *     nodeOutput(node, runIndex = 0): INodeExecutionData[][]   per output (main[1] = error output)
 *     rawItems(node, output = 0, runIndex = 0): INodeExecutionData[]   (json, pairedItem, error)
 *     items(node, output = 0, runIndex = 0): IDataObject[]              the json of those items
 *     pairedItems(node, output = 0, runIndex = 0): the pairedItem of those items
 *     nodeError(node, runIndex = 0): ExecutionError | undefined        the node's task error
 *
 *   testCredential({ credentialType, data, id?, name?, errorCause? }) → Promise<{ status: 'OK' | 'Error', message }>
 *     mirrors CredentialsTester.testCredentials (n8n packages/cli/src/services/credentials-tester.service.ts)
 *     for a declarative `test: ICredentialTestRequest`, running the request through n8n-core's RoutingNode.
 *     errorCause 'dropped' (default) = what n8n 2.8.4 shows: its NodeApiError loses `cause`, so the
 *     `responseCode` rules never match; 'preserved' = n8n >= 2.34.5 (PR #35216), where they do.
 *     See credential-test.cts. Note n8n retries a request that got 401 once (httpRequestWithAuthentication).
 *
 *   HarnessCredentialsHelper, HarnessNodeTypes: the building blocks, for custom setups.
 *
 * Load it from a `.cts` test as
 *   const { runWorkflow, testCredential, shutdownEngine }: typeof import('./harness/engine.cjs') = require('./harness/engine.cts');
 * (TypeScript resolves types from the '.cjs' name; Jest only finds the '.cts' file.)
 *
 *   createPoller({ node, nodeTypes, credentialTypes?, credentials?, staticData? })  a polling trigger as the
 *     n8n server runs it (activate, scheduled polls, static data saved on emit, restart): see poll.cts.
 *
 *   shutdownEngine()  stops n8n-core's SSHClientsManager interval (call in afterAll so Jest exits).
 */
import type {
	ExecutionBaseError, ICredentialType, IDataObject, INode, INodeExecutionData, IConnections, IRun, IRunData,
	IWorkflowSettings, WorkflowExecuteMode,
} from 'n8n-workflow';
import type { AnyNodeType, CredentialData } from './core.cjs';

const coreModule: typeof import('./core.cjs') = require('./core.cts');
const credentialTest: typeof import('./credential-test.cjs') = require('./credential-test.cts');
const poller: typeof import('./poll.cjs') = require('./poll.cts');
const { core, wf, HarnessNodeTypes, HarnessCredentialsHelper, additionalDataFor } = coreModule;
export const { shutdownEngine } = coreModule;
export const { testCredential } = credentialTest;
export const { createPoller } = poller;
export { HarnessNodeTypes, HarnessCredentialsHelper };

export interface RunWorkflowOptions {
	workflow: { id?: string; name?: string; nodes: INode[]; connections: IConnections; settings?: IWorkflowSettings };
	nodeTypes: Record<string, AnyNodeType>;
	credentialTypes?: Record<string, ICredentialType>;
	credentials?: Record<string, CredentialData>;
	inputItems?: INodeExecutionData[];
	startNode?: string;
	mode?: WorkflowExecuteMode;
	fillCredentials?: boolean;
	/** Called once the execution runs, with what n8n's Stop button does (cancel the execution). */
	onStart?: (cancel: () => void) => void;
}

export interface RunResult {
	run: IRun;
	runData: IRunData;
	status: IRun['status'];
	error?: ExecutionBaseError;
	executedNodes: string[];
	nodeOutput(node: string, runIndex?: number): INodeExecutionData[][];
	rawItems(node: string, output?: number, runIndex?: number): INodeExecutionData[];
	items(node: string, output?: number, runIndex?: number): IDataObject[];
	pairedItems(node: string, output?: number, runIndex?: number): Array<INodeExecutionData['pairedItem']>;
	nodeError(node: string, runIndex?: number): RunResult['error'] | undefined;
}

let executionCounter = 0;

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunResult> {
	const { Workflow, UnexpectedError, createRunExecutionData } = wf;
	const { workflow: stored, mode = 'manual', fillCredentials = true } = options;
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const nodes = stored.nodes.map((node) => {
		const declared = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? [];
		const missing = declared.filter((c) => !node.credentials?.[c.name] && options.credentials?.[c.name]);
		if (!fillCredentials || missing.length === 0) return node;
		const filled = Object.fromEntries(missing.map((c) => [c.name, { id: c.name, name: c.name }]));
		return { ...node, credentials: { ...node.credentials, ...filled } };
	});
	const settings = { executionOrder: 'v1' as const, ...stored.settings };
	const workflow = new Workflow({ id: stored.id ?? 'harness', name: stored.name ?? 'Harness', nodes,
		connections: stored.connections, active: false, nodeTypes, settings });
	const startNode = options.startNode ? workflow.getNode(options.startNode) : workflow.getNode(nodes[0].name);
	if (!startNode) throw new UnexpectedError(`Start node "${options.startNode}" not found`);

	const executionId = String(++executionCounter);
	const credentialsHelper = new HarnessCredentialsHelper(options.credentialTypes ?? {}, options.credentials ?? {});
	const additionalData = additionalDataFor(credentialsHelper, executionId);
	const hooks = new core.ExecutionLifecycleHooks(mode, executionId, { ...stored, id: workflow.id, name: workflow.name,
		nodes, active: false, settings, createdAt: new Date(), updatedAt: new Date() } as never);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => { executedNodes.push(nodeName); });
	additionalData.hooks = hooks;

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [options.inputItems ?? [{ json: {} }]] }, source: null }],
		},
	});
	const execution = new core.WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
	options.onStart?.(() => execution.cancel());
	const run = await execution;
	const runData = run.data.resultData.runData;
	const task = (node: string, runIndex = 0) => runData[node]?.[runIndex];
	const nodeOutput = (node: string, runIndex = 0) => (task(node, runIndex)?.data?.main ?? []).map((items) => items ?? []);
	const rawItems = (node: string, output = 0, runIndex = 0) => nodeOutput(node, runIndex)[output] ?? [];
	return {
		run, runData, status: run.status, error: run.data.resultData.error, executedNodes,
		nodeOutput, rawItems,
		items: (node, output, runIndex) => rawItems(node, output, runIndex).map((item) => item.json),
		pairedItems: (node, output, runIndex) => rawItems(node, output, runIndex).map((item) => item.pairedItem),
		nodeError: (node, runIndex) => task(node, runIndex)?.error,
	};
}


export interface NodeMethodOptions {
	nodeType: AnyNodeType;
	/** The node's current parameters, as the editor sends them when it asks for options. */
	parameters: INode['parameters'];
	credentialTypes?: Record<string, ICredentialType>;
	credentials?: Record<string, CredentialData>;
	kind: 'listSearch' | 'resourceMapping' | 'loadOptions';
	method: string;
	args?: unknown[];
	/** The parameter asking, e.g. 'parameters.object' (n8n passes it as the context's path). */
	path?: string;
}

/**
 * Calls a node's UI method (list search, resource mapper, load options) the way n8n's server does
 * (DynamicNodeParametersService): a one-node workflow holding the current parameters, and
 * n8n-core's LoadOptionsContext as `this`.
 */
export async function runNodeMethod<T = unknown>(options: NodeMethodOptions): Promise<T> {
	const { Workflow } = wf;
	const nodeTypes = new HarnessNodeTypes({ [options.nodeType.description.name]: options.nodeType });
	const nodeType = nodeTypes.getByNameAndVersion(options.nodeType.description.name);
	const credentials = Object.fromEntries(
		(nodeType.description.credentials ?? []).map((c) => [c.name, { id: c.name, name: c.name }]),
	);
	const node: INode = { id: 'method-node', name: 'Node', type: nodeType.description.name, typeVersion: 1,
		position: [0, 0], parameters: options.parameters, credentials };
	const workflow = new Workflow({ id: 'method', name: 'Method', nodes: [node], connections: {}, active: false,
		nodeTypes, settings: { executionOrder: 'v1' } });
	const credentialsHelper = new HarnessCredentialsHelper(options.credentialTypes ?? {}, options.credentials ?? {});
	const additionalData = additionalDataFor(credentialsHelper, `method-${++executionCounter}`);
	additionalData.currentNodeParameters = options.parameters;
	const context = new core.LoadOptionsContext(workflow, node, additionalData, options.path ?? 'parameters');
	const methods = (nodeType.methods ?? {}) as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
	const method = methods[options.kind]?.[options.method];
	if (!method) throw new wf.UnexpectedError(`The node has no ${options.kind} method "${options.method}"`);
	return (await method.call(context, ...(options.args ?? []))) as T;
}
