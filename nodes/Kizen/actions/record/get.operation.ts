/** Record → Get: `GET /api/records/{object}/{id}`. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OutputShape } from '../../helpers/output';
import type { KizenRequest } from '../../transport';
import {
	objectLocator,
	outputOption,
	readOptions,
	recordLocator,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { ReadOptions } from './recordItem';
import {
	fieldSelection,
	recordIdFor,
	recordNotFound,
	recordsPath,
	sendForRecord,
} from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	recordLocator,
	optionsCollection([
		readOptions.fieldNames,
		outputOption,
		readOptions.returnAllFields,
		...transportOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, {
		properties,
		rerun: 'read',
		prepare: async (itemIndex, { client, schema }) => {
			const recordId = recordIdFor.call(this, schema, itemIndex);
			const options = this.getNodeParameter('options', itemIndex, {}) as ReadOptions & {
				output?: OutputShape;
			};
			const request: KizenRequest = {
				method: 'GET',
				path: `${recordsPath(schema)}/${recordId}`,
				qs: fieldSelection(schema, options),
				idempotent: true,
				expect: 'record',
			};
			const context = { itemIndex, notFound: recordNotFound(recordId) };
			return sendForRecord.call(this, client, request, context, {
				schema,
				shape: options.output,
			});
		},
	});
}
