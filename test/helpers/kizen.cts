/**
 * Shared fixtures for the Kizen node's engine tests: a simulator per test file, the node as n8n
 * stores it in a workflow, and a runner that executes it through the in-process n8n engine.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IConnections,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeTypeDescription,
	IWorkflowSettings,
	ResourceMapperValue,
} from 'n8n-workflow';

import { KizenApi } from '../../credentials/KizenApi.credentials';
import { Kizen } from '../../nodes/Kizen/Kizen.node';
import { KizenTrigger } from '../../nodes/KizenTrigger/KizenTrigger.node';
import type { Simulator } from '../../simulator/kizen-simulator.cjs';

const engine: typeof import('../harness/engine.cjs') = require('../harness/engine.cts');
const {
	startSimulator,
}: typeof import('../../simulator/kizen-simulator.cjs') = require('../../simulator/kizen-simulator.cjs');
const {
	assertValid,
}: typeof import('../fixtures/openapi-schemas.cjs') = require('../fixtures/openapi-schemas.cjs');
const {
	assertRecordedSearch,
}: typeof import('../fixtures/recorded-search.cjs') = require('../fixtures/recorded-search.cjs');

export { engine, startSimulator, assertValid, assertRecordedSearch };
export type { Simulator };

export const KIZEN_TYPE = 'n8n-nodes-kizen.kizen';
export const KIZEN_TRIGGER_TYPE = 'n8n-nodes-kizen.kizenTrigger';
export const CREDENTIAL_ID = 'kizen-cred';

export const byName = (value: string) => ({ __rl: true, mode: 'name', value });
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const fromList = (value: string) => ({ __rl: true, mode: 'list', value });
/** The Record locator, as n8n stores it: By ID (the default for an expression), From List, By URL. */
export const recordById = (value: string) => ({ __rl: true, mode: 'id', value });
export const recordFromList = (value: string) => ({ __rl: true, mode: 'list', value });
export const recordByUrl = (value: string) => ({ __rl: true, mode: 'url', value });

/**
 * The item an error names, as n8n reads it: its `itemIndex` (the editor shows "[item N]" from it;
 * messages no longer repeat it).
 */
export const itemOf = (error: unknown): number | undefined =>
	(error as { context?: { itemIndex?: number } } | undefined)?.context?.itemIndex;

/**
 * An error item as the node puts it out, n8n's Airtable V2 shape: json `{message, error}` and no
 * item-level `error`, so n8n routes it to the error output and merges the input row into it.
 */
export function isErrorItem(item: { json: IDataObject; error?: unknown }): boolean {
	return (
		item.error === undefined &&
		typeof item.json.message === 'string' &&
		typeof item.json.error === 'string' &&
		item.json.error !== ''
	);
}
/** The Fields mapper as n8n stores it (schema left empty: the node reads its own schema). */
const mapper = (
	mappingMode: 'autoMapInputData' | 'defineBelow',
	value: IDataObject | null,
): ResourceMapperValue => ({
	mappingMode,
	value: value as ResourceMapperValue['value'],
	matchingColumns: [],
	schema: [],
	attemptToConvertTypes: false,
	convertFieldsToString: false,
});
export const autoMap = () => mapper('autoMapInputData', null);
export const defineBelow = (value: IDataObject) => mapper('defineBelow', value);

export function kizenNode(parameters: INodeParameters, extra: Partial<INode> = {}): INode {
	return {
		id: 'kizen-node',
		name: 'Kizen',
		type: KIZEN_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'record', operation: 'upsert', ...parameters },
		credentials: { kizenApi: { id: CREDENTIAL_ID, name: 'Kizen account' } },
		...extra,
	};
}

export function credentialsFor(sim: Simulator) {
	return { environment: 'custom', baseUrl: sim.url, ...sim.credentials };
}

/** Runs one Kizen node with `items` as its input, through WorkflowExecute. */
export async function runKizen(
	sim: Simulator,
	parameters: INodeParameters,
	items: INodeExecutionData[] | IDataObject[],
	extra: Partial<INode> = {},
	credentials: ICredentialDataDecryptedObject = credentialsFor(sim),
	onStart?: (cancel: () => void) => void,
) {
	return await runKizenWith(sim, parameters, items, { node: extra, credentials, onStart });
}

/** A node that passes its input on, so the Kizen node has a previous node as in a real workflow. */
const INPUT_TYPE = 'test.input';
class InputNode {
	description = {
		displayName: 'Input',
		name: INPUT_TYPE,
		group: ['input'],
		version: 1,
		description: 'Passes its input on',
		defaults: { name: 'Input' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

export interface RunOptions {
	/** The Kizen node's own settings (onError, retryOnFail...). */
	node?: Partial<INode>;
	/** Workflow settings, e.g. `{ timezone: 'America/Chicago' }`. */
	settings?: IWorkflowSettings;
	/**
	 * Feed the items through an "Input" node first, as a real workflow does: n8n then merges a
	 * failed item's input row into its error item on the error output.
	 */
	afterInput?: boolean;
	credentials?: ICredentialDataDecryptedObject;
	onStart?: (cancel: () => void) => void;
}

export async function runKizenWith(
	sim: Simulator,
	parameters: INodeParameters,
	items: INodeExecutionData[] | IDataObject[],
	options: RunOptions = {},
) {
	const inputItems = (items as Array<INodeExecutionData | IDataObject>).map((item) =>
		'json' in item && typeof item.json === 'object'
			? (item as INodeExecutionData)
			: { json: item as IDataObject },
	);
	const kizen = kizenNode(parameters, options.node);
	const input: INode = {
		id: 'input-node',
		name: 'Input',
		type: INPUT_TYPE,
		typeVersion: 1,
		position: [-200, 0],
		parameters: {},
	};
	const workflow: { nodes: INode[]; connections: IConnections } = options.afterInput
		? {
				nodes: [input, kizen],
				connections: { Input: { main: [[{ node: 'Kizen', type: 'main', index: 0 }]] } },
			}
		: { nodes: [kizen], connections: {} };
	return await engine.runWorkflow({
		workflow: { ...workflow, settings: options.settings },
		nodeTypes: { [KIZEN_TYPE]: new Kizen(), [INPUT_TYPE]: new InputNode() as never },
		credentialTypes: { kizenApi: new KizenApi() },
		credentials: { [CREDENTIAL_ID]: options.credentials ?? credentialsFor(sim) },
		inputItems,
		onStart: options.onStart,
	});
}

/** The Kizen Trigger as n8n stores it in a workflow. */
export function kizenTriggerNode(parameters: INodeParameters): INode {
	return {
		id: 'kizen-trigger-node',
		name: 'Kizen Trigger',
		type: KIZEN_TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { event: 'createdOrUpdated', options: {}, ...parameters },
		credentials: { kizenApi: { id: CREDENTIAL_ID, name: 'Kizen account' } },
	};
}

/**
 * The Kizen Trigger in an active workflow, polled as n8n's server polls it (harness/poll.cts).
 * `staticData` is the workflow's static data as saved, e.g. another poller's `saved`.
 */
export function kizenPoller(
	sim: Simulator,
	parameters: INodeParameters,
	{
		staticData,
		credentials = credentialsFor(sim),
	}: { staticData?: IDataObject; credentials?: ICredentialDataDecryptedObject } = {},
) {
	const node = kizenTriggerNode(parameters);
	return engine.createPoller({
		node,
		nodeTypes: { [KIZEN_TRIGGER_TYPE]: new KizenTrigger() },
		credentialTypes: { kizenApi: new KizenApi() },
		credentials: { [CREDENTIAL_ID]: credentials },
		staticData: staticData && { [`node:${node.name}`]: staticData },
	});
}

/** Calls one of the node's UI methods (list search, resource mapper) as the editor would. */
export async function callMethod<T>(
	sim: Simulator,
	kind: 'listSearch' | 'resourceMapping' | 'loadOptions',
	method: string,
	parameters: INodeParameters,
	args: unknown[] = [],
	/** The asking parameter's path, e.g. 'parameters.filters.conditions[0].condition'. */
	path?: string,
): Promise<T> {
	return await engine.runNodeMethod<T>({
		nodeType: new Kizen(),
		parameters: { resource: 'record', operation: 'upsert', ...parameters },
		credentialTypes: { kizenApi: new KizenApi() },
		credentials: { kizenApi: credentialsFor(sim) },
		kind,
		method,
		args,
		path,
	});
}

/** The search requests the simulator received, each checked against Kizen's recorded search payloads. */
export function searchRequests(sim: Simulator) {
	const requests = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/search'));
	for (const request of requests) assertRecordedSearch(request.body);
	return requests;
}

/** The upsert requests the simulator received, each checked against the seed's request schema. */
export function upsertRequests(sim: Simulator) {
	const requests = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/upsert'));
	for (const request of requests) assertValid('EntityRecordUpsertRequest', request.body);
	return requests;
}

/**
 * One simulator for the test file, reset before each test, closed (with n8n-core's timer) after
 * the file. The returned object stands for the current simulator, so tests write `sim.records(...)`.
 */
export function useSimulator(): Simulator {
	let current: Simulator | undefined;
	beforeAll(async () => {
		current = await startSimulator({ port: 0 });
	});
	afterAll(async () => {
		engine.shutdownEngine();
		await current?.close();
	});
	beforeEach(() => current!.reset());
	return new Proxy({} as Simulator, {
		get(_target, key) {
			const value = Reflect.get(current!, key, current);
			return typeof value === 'function' ? value.bind(current) : value;
		},
	});
}
