/**
 * Record → Archive: `DELETE /api/records/{object}/{id}` (Kizen archives; the record then 404s and
 * leaves search). A repeat after success would answer 404, so it is retried only when Kizen
 * certainly did not process it.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { KizenRequest } from '../../transport';
import {
	objectLocator,
	recordLocator,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import { recordIdFor, recordNotFound, recordsPath, requestOrThrow } from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	recordLocator,
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
	return await runItems.call(this, items, {
		properties,
		rerun: 'safe',
		prepare: async (itemIndex, { client, schema }) => {
			const recordId = recordIdFor.call(this, schema, itemIndex);
			const request: KizenRequest = {
				method: 'DELETE',
				path: `${recordsPath(schema)}/${recordId}`,
				idempotent: false,
				// Kizen answers 204 without a body.
				expect: 'anything',
			};
			return async () => {
				await requestOrThrow.call(this, client, request, {
					itemIndex,
					notFound: recordNotFound(recordId),
					sideEffect: 'archived',
				});
				return { json: { archived: true, id: recordId }, pairedItem: { item: itemIndex } };
			};
		},
	});
}
