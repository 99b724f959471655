import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	objectLocator,
	optionsCollection,
	outputOption,
	readOptions,
	searchFilterParameters,
} from '../Kizen/actions/common.descriptions';
import { listSearch, loadOptions } from '../Kizen/methods';
import { pollKizen } from './poll';

/**
 * Starts a workflow when Kizen records are created or updated. Kizen has no webhook subscription for
 * record events (KIZEN-API.md), so this polls, on the times set in the node (n8n's Poll Times):
 * poll.ts reads the parameters and searches, changes.ts decides what is new. For events at once, a
 * Kizen automation can call an n8n Webhook node instead (README, "Events at once").
 */
export class KizenTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kizen Trigger',
		name: 'kizenTrigger',
		icon: { light: 'file:../../icons/kizen.svg', dark: 'file:../../icons/kizen.dark.svg' },
		group: ['trigger'],
		// See Kizen.node.ts for how a version 2 would be added without breaking saved workflows.
		version: [1],
		defaultVersion: 1,
		subtitle:
			'={{ { created: "Record Created", updated: "Record Updated", createdOrUpdated: "Record Created or Updated" }[$parameter["event"]] }}',
		description: 'Starts the workflow when Kizen records are created or updated',
		defaults: { name: 'Kizen Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kizenApi', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				default: 'created',
				options: [
					{
						name: 'Record Created',
						value: 'created',
						description: 'A new record (followed by its built-in Date Created)',
					},
					{
						name: 'Record Updated',
						value: 'updated',
						description: 'A change to a record that existed before (followed by Last Modified)',
					},
					{
						name: 'Record Created or Updated',
						value: 'createdOrUpdated',
						description: 'Either; each item says which in "event"',
					},
				],
			},
			objectLocator,
			{
				displayName:
					'Kizen is asked for changes at the Poll Times above; each record is output once per change, with "event" saying whether it was created or updated. The first activation starts from now.',
				name: 'pollingNotice',
				type: 'notice',
				default: '',
			},
			...searchFilterParameters,
			optionsCollection([readOptions.fieldNames, readOptions.returnAllFields, outputOption]),
		],
	};

	methods = { listSearch, loadOptions };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollKizen.call(this);
	}
}
