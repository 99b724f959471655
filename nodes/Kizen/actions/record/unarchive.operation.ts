/**
 * Record → Unarchive: `PATCH /api/records/{object}/{id}/unarchive`. A repeat after success would
 * fail ("not archived"), so it is retried only when Kizen certainly did not process it.
 */
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
	recordIdParameter,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import { recordIdFor, recordOutput } from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	recordIdParameter,
	optionsCollection([outputOption, ...transportOptions]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['unarchive'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, async (itemIndex, client, schema) => {
		const recordId = recordIdFor.call(this, itemIndex);
		const options = this.getNodeParameter('options', itemIndex, {}) as { output?: OutputShape };
		const response = await client.request({
			method: 'PATCH',
			path: `/api/records/${encodeURIComponent(schema.object.name)}/${recordId}/unarchive`,
			idempotent: false,
		});
		if (!isSuccess(response)) {
			throw kizenApiError(this.getNode(), response, { itemIndex, itemLabel: recordId });
		}
		return recordOutput(schema, response.body as IDataObject, options.output, itemIndex);
	});
}
