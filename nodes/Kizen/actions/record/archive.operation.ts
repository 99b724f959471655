/**
 * Record → Archive: `DELETE /api/records/{object}/{id}` (Kizen archives; the record then 404s and
 * leaves search). A repeat after success would answer 404, so it is retried only when Kizen
 * certainly did not process it.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isSuccess, kizenApiError } from '../../helpers/errors';
import {
	objectLocator,
	recordIdParameter,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import { recordIdFor } from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	recordIdParameter,
	optionsCollection(transportOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['archive'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, async (itemIndex, client, schema) => {
		const recordId = recordIdFor.call(this, itemIndex);
		const response = await client.request({
			method: 'DELETE',
			path: `/api/records/${encodeURIComponent(schema.object.name)}/${recordId}`,
			idempotent: false,
		});
		if (!isSuccess(response)) {
			throw kizenApiError(this.getNode(), response, { itemIndex, itemLabel: recordId });
		}
		return { json: { archived: true, id: recordId }, pairedItem: { item: itemIndex } };
	});
}
