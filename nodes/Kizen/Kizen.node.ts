import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as record from './actions/record/Record.resource';
import { router } from './actions/router';
import { listSearch, loadOptions, resourceMapping } from './methods';

export class Kizen implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kizen',
		name: 'kizen',
		icon: { light: 'file:../../icons/kizen.svg', dark: 'file:../../icons/kizen.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Create or update (upsert) records of any Kizen CRM object, such as Contacts or custom objects',
		defaults: { name: 'Kizen' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kizenApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Record', value: 'record' }],
				default: 'record',
			},
			...record.description,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await router.call(this);
	}
}
