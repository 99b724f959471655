/**
 * Shared fixtures for the Kizen node's engine tests: a simulator per test file, the node as n8n
 * stores it in a workflow, and a runner that executes it through the in-process n8n engine.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	ResourceMapperValue,
} from 'n8n-workflow';

import { KizenApi } from '../../credentials/KizenApi.credentials';
import { Kizen } from '../../nodes/Kizen/Kizen.node';
import type { Simulator } from '../../simulator/kizen-simulator.cjs';

const engine: typeof import('../harness/engine.cjs') = require('../harness/engine.cts');
const {
	startSimulator,
}: typeof import('../../simulator/kizen-simulator.cjs') = require('../../simulator/kizen-simulator.cjs');
const {
	assertValid,
}: typeof import('../fixtures/openapi-schemas.cjs') = require('../fixtures/openapi-schemas.cjs');

export { engine, startSimulator, assertValid };
export type { Simulator };

export const KIZEN_TYPE = 'n8n-nodes-kizen.kizen';
export const CREDENTIAL_ID = 'kizen-cred';

export const byName = (value: string) => ({ __rl: true, mode: 'name', value });
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const fromList = (value: string) => ({ __rl: true, mode: 'list', value });
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
	const inputItems = (items as Array<INodeExecutionData | IDataObject>).map((item) =>
		'json' in item && typeof item.json === 'object'
			? (item as INodeExecutionData)
			: { json: item as IDataObject },
	);
	return await engine.runWorkflow({
		workflow: { nodes: [kizenNode(parameters, extra)], connections: {} },
		nodeTypes: { [KIZEN_TYPE]: new Kizen() },
		credentialTypes: { kizenApi: new KizenApi() },
		credentials: { [CREDENTIAL_ID]: credentials },
		inputItems,
		onStart,
	});
}

/** Calls one of the node's UI methods (list search, resource mapper) as the editor would. */
export async function callMethod<T>(
	sim: Simulator,
	kind: 'listSearch' | 'resourceMapping',
	method: string,
	parameters: INodeParameters,
	args: unknown[] = [],
): Promise<T> {
	return await engine.runNodeMethod<T>({
		nodeType: new Kizen(),
		parameters: { resource: 'record', operation: 'upsert', ...parameters },
		credentialTypes: { kizenApi: new KizenApi() },
		credentials: { kizenApi: credentialsFor(sim) },
		kind,
		method,
		args,
	});
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
