/**
 * A polling trigger as n8n's server runs it, in-process: n8n-core's `PollContext` on one `Workflow`
 * object that lives across polls (its static data in memory, as in ActiveWorkflows), with what
 * n8n 2.8's cli does around each poll (packages/cli/src/active-workflow-manager.ts,
 * packages/core/src/execution-engine/active-workflows.ts):
 *  - activation runs a poll at once (`executeTrigger(true)`): an error fails the activation, items are
 *    emitted; afterwards the static data is saved;
 *  - a scheduled poll: items (non-null) are emitted and the static data saved (in `__emit`); an error
 *    becomes an error execution (`__emitError`) and nothing is saved;
 *  - "saved" is what the database holds: `restart()` builds a new Workflow from it, as n8n does when
 *    it starts again. Saving happens only when the static data changed (`__dataChanged`).
 *
 *   const poller = createPoller({ node, nodeTypes, credentialTypes, credentials });
 *   await poller.activate();           // → items | null; throws like a failed activation
 *   const result = await poller.poll();// → { items } | { items: null } | { error }
 *   poller.staticData / poller.saved   // in memory / as saved
 */
import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	WorkflowActivateMode,
} from 'n8n-workflow';
import type { AnyNodeType, CredentialData } from './core.cjs';

const {
	core,
	wf,
	HarnessNodeTypes,
	HarnessCredentialsHelper,
	additionalDataFor,
}: typeof import('./core.cjs') = require('./core.cts');

export interface PollerOptions {
	node: INode;
	nodeTypes: Record<string, AnyNodeType>;
	credentialTypes?: Record<string, ICredentialType>;
	credentials?: Record<string, CredentialData>;
	/** The workflow's static data as saved (e.g. from an earlier run). */
	staticData?: IDataObject;
}

export type PollResult =
	| { items: INodeExecutionData[] | null; error?: undefined }
	| { items?: undefined; error: Error };

export interface Poller {
	/** Activation: the first poll (n8n runs it at once); throws what would fail the activation. */
	activate(): Promise<INodeExecutionData[] | null>;
	/** One scheduled poll. */
	poll(): Promise<PollResult>;
	/**
	 * "Fetch Test Event" on this workflow (n8n runs the poll in manual mode, WorkflowExecute
	 * `executePollNode`): its items; nothing is emitted or saved.
	 */
	manual(): Promise<INodeExecutionData[] | null>;
	/** n8n restarts: the workflow comes back with the saved static data (then `activate()` again). */
	restart(): void;
	/** The trigger node's static data in memory (`getWorkflowStaticData('node')`). */
	readonly staticData: IDataObject;
	/** The trigger node's static data as last saved to the database. */
	readonly saved: IDataObject | undefined;
	/** Items emitted so far, per execution started. */
	readonly executions: INodeExecutionData[][];
	/** Errors that became error executions. */
	readonly errors: Error[];
}

let pollerCounter = 0;

export function createPoller(options: PollerOptions): Poller {
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const credentialsHelper = new HarnessCredentialsHelper(
		options.credentialTypes ?? {},
		options.credentials ?? {},
	);
	const workflowId = `poller-${++pollerCounter}`;
	let saved: IDataObject = structuredClone(options.staticData ?? {});
	const executions: INodeExecutionData[][] = [];
	const errors: Error[] = [];
	let workflow = build();
	/** n8n keeps the activation's PollContext for every later poll: 'activate', or 'init' after a restart. */
	let activation: WorkflowActivateMode = 'activate';

	function build() {
		return new wf.Workflow({
			id: workflowId,
			name: 'Poller',
			nodes: [options.node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: structuredClone(saved),
			settings: { executionOrder: 'v1' },
		});
	}

	/** WorkflowStaticDataService.saveStaticData: only when something changed. */
	function save() {
		if (workflow.staticData.__dataChanged === true) {
			saved = JSON.parse(JSON.stringify(workflow.staticData));
			workflow.staticData.__dataChanged = false;
		}
	}

	let runs = 0;
	async function runPoll(activation: WorkflowActivateMode): Promise<INodeExecutionData[] | null> {
		const additionalData = additionalDataFor(credentialsHelper, `${workflowId}-${++runs}`);
		let emitted: INodeExecutionData[] | null = null;
		const context = new core.PollContext(
			workflow,
			options.node,
			additionalData,
			'trigger',
			activation,
			(data: INodeExecutionData[][]) => {
				save();
				emitted = data[0] ?? [];
				executions.push(emitted);
			},
			(error: Error) => {
				errors.push(error);
			},
		);
		const nodeType = nodeTypes.getByNameAndVersion(options.node.type, options.node.typeVersion);
		// ActiveWorkflows.createPollExecuteFn
		const response = await nodeType.poll!.call(context);
		if (response !== null) context.__emit(response);
		return emitted;
	}

	return {
		async activate() {
			const items = await runPoll(activation);
			save(); // ActiveWorkflowManager.add saves the static data after activating
			return items;
		},
		async poll() {
			try {
				return { items: await runPoll(activation) };
			} catch (error) {
				errors.push(error as Error);
				return { error: error as Error };
			}
		},
		async manual() {
			const additionalData = additionalDataFor(credentialsHelper, `${workflowId}-${++runs}`);
			const context = new core.PollContext(
				workflow,
				options.node,
				additionalData,
				'manual',
				'manual',
			);
			const nodeType = nodeTypes.getByNameAndVersion(options.node.type, options.node.typeVersion);
			const response = await nodeType.poll!.call(context);
			return response?.[0] ?? null;
		},
		restart() {
			workflow = build();
			activation = 'init';
		},
		get staticData() {
			return workflow.getStaticData('node', options.node);
		},
		get saved() {
			return (saved[`node:${options.node.name}`] as IDataObject | undefined) ?? undefined;
		},
		executions,
		errors,
	};
}
