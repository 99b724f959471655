/**
 * The workflows of the queue-mode run (`npm run e2e:queue`), built here because they name the
 * webhook process's address, which is a free port chosen per run.
 *
 * - parent "sync": Webhook (the contacts to sync) → Split Out → Loop Over Items (one batch) →
 *   Aggregate (the batch as one list) → HTTP Request (POST the batch to the child's production
 *   webhook) → back to the loop. Each POST makes the webhook process enqueue one execution of the
 *   child, which any worker may take: Execute Workflow cannot do that in n8n 2.8.4, it runs the
 *   sub-execution in the process of the parent, waiting or not.
 * - child "batch": Webhook (answers as soon as the execution is queued) → Split Out → Kizen
 *   Create or Update Contacts by email (first_name, last_name) → "Upserted" | "Failed items".
 */
import { CREDENTIAL_ID, CREDENTIAL_NAME, NODE_TYPE } from './n8n.mjs';

export const SYNC_WORKFLOW_ID = 'kizen-queue-sync';
export const BATCH_WORKFLOW_ID = 'kizen-queue-batch';
export const SYNC_PATH = 'kizen-queue-sync';
export const BATCH_PATH = 'kizen-queue-batch';

const connect = (from, to, output = 0) => ({ from, to, output });

function workflow(id, name, nodes, links) {
	const connections = {};
	for (const { from, to, output } of links) {
		const outputs = (connections[from] ??= { main: [] }).main;
		while (outputs.length <= output) outputs.push([]);
		outputs[output].push({ node: to, type: 'main', index: 0 });
	}
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		tags: [],
		nodes: nodes.map((node, n) => ({ id: `${id}-${n}`, position: [n * 220, 0], ...node })),
		connections,
	};
}

function webhookNode(path, webhookId) {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId,
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

function splitOutNode(field) {
	return {
		name: 'Split Out',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		parameters: { fieldToSplitOut: field, include: 'noOtherFields', options: {} },
	};
}

/** @param batchUrl the child's production webhook on the webhook process */
export function syncWorkflow({ batchUrl, batchSize }) {
	return workflow(
		SYNC_WORKFLOW_ID,
		'Kizen queue e2e: sync contacts in batches (parent)',
		[
			webhookNode(SYNC_PATH, '6f1f3c52-2d0e-4a43-9b43-6a5f1d1e0a01'),
			splitOutNode('body.contacts'),
			{
				name: 'Loop Over Items',
				type: 'n8n-nodes-base.splitInBatches',
				typeVersion: 3,
				parameters: { batchSize, options: {} },
			},
			{
				name: 'Aggregate',
				type: 'n8n-nodes-base.aggregate',
				typeVersion: 1,
				parameters: { aggregate: 'aggregateAllItemData', destinationFieldName: 'contacts', options: {} },
			},
			{
				name: 'Start batch',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				parameters: {
					method: 'POST',
					url: batchUrl,
					sendBody: true,
					contentType: 'json',
					specifyBody: 'json',
					// $runIndex: this node's run within the loop, so batches are numbered 0, 1, 2, ...
					jsonBody: '={{ { batch: $runIndex, contacts: $json.contacts } }}',
					options: {},
				},
			},
			{ name: 'All batches started', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
		],
		[
			connect('Webhook', 'Split Out'),
			connect('Split Out', 'Loop Over Items'),
			connect('Loop Over Items', 'All batches started', 0),
			connect('Loop Over Items', 'Aggregate', 1),
			connect('Aggregate', 'Start batch'),
			connect('Start batch', 'Loop Over Items'),
		],
	);
}

export function batchWorkflow() {
	return workflow(
		BATCH_WORKFLOW_ID,
		'Kizen queue e2e: upsert one batch of contacts (child)',
		[
			webhookNode(BATCH_PATH, '6f1f3c52-2d0e-4a43-9b43-6a5f1d1e0a02'),
			splitOutNode('body.contacts'),
			{
				name: 'Kizen',
				type: NODE_TYPE,
				typeVersion: 1,
				credentials: { kizenApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
				onError: 'continueErrorOutput',
				parameters: {
					resource: 'record',
					operation: 'upsert',
					object: { __rl: true, mode: 'name', value: 'client_client' },
					lookupValue: '={{ $json.email }}',
					fields: {
						mappingMode: 'defineBelow',
						value: { first_name: '={{ $json.first_name }}', last_name: '={{ $json.last_name }}' },
						matchingColumns: [],
						schema: [],
						attemptToConvertTypes: false,
						convertFieldsToString: false,
					},
					options: {},
				},
			},
			{ name: 'Upserted', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
			{ name: 'Failed items', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
		],
		[
			connect('Webhook', 'Split Out'),
			connect('Split Out', 'Kizen'),
			connect('Kizen', 'Upserted', 0),
			connect('Kizen', 'Failed items', 1),
		],
	);
}
