/** Record → Get: `GET /api/records/{object}/{id}`. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isSuccess, kizenApiError } from '../../helpers/errors';
import type { OutputShape } from '../../helpers/output';
import {
	objectLocator,
	outputOption,
	readOptions,
	recordIdParameter,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { ReadOptions } from './recordItem';
import { fieldSelection, recordIdFor, recordOutput } from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	recordIdParameter,
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
	return await runItems.call(this, items, async (itemIndex, client, schema) => {
		const recordId = recordIdFor.call(this, itemIndex);
		const options = this.getNodeParameter('options', itemIndex, {}) as ReadOptions & {
			output?: OutputShape;
		};
		const response = await client.request({
			method: 'GET',
			path: `/api/records/${encodeURIComponent(schema.object.name)}/${recordId}`,
			qs: fieldSelection(options),
			idempotent: true,
		});
		if (!isSuccess(response)) {
			throw kizenApiError(this.getNode(), response, { itemIndex, itemLabel: recordId });
		}
		return recordOutput(schema, response.body as IDataObject, options.output, itemIndex);
	});
}
