/**
 * Record → Unarchive: `PATCH /api/records/{object}/{id}/unarchive`. A repeat after success would
 * fail ("not archived"), so it is retried only when Kizen certainly did not process it.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { KizenRequest } from '../../transport';
import type { OutputShape } from '../../helpers/output';
import {
	objectLocator,
	outputOption,
	recordLocator,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import {
	recordIdFor,
	recordNotFound,
	recordOutput,
	recordsPath,
	requestOrThrow,
} from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	recordLocator,
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
	return await runItems.call(this, items, {
		properties,
		rerun: 'safe',
		prepare: async (itemIndex, { client, schema }) => {
			const recordId = recordIdFor.call(this, schema, itemIndex);
			const options = this.getNodeParameter('options', itemIndex, {}) as { output?: OutputShape };
			const request: KizenRequest = {
				method: 'PATCH',
				path: `${recordsPath(schema)}/${recordId}/unarchive`,
				idempotent: false,
				// Kizen documents a 200 without saying what it holds (KIZEN-API.md).
				expect: 'anything',
			};
			return async () => {
				const answer = await requestOrThrow.call(this, client, request, {
					itemIndex,
					notFound: recordNotFound(recordId),
					sideEffect: 'unarchived',
				});
				const isRecord = answer && typeof answer === 'object' && typeof answer.id === 'string';
				return isRecord
					? recordOutput(schema, answer, options.output, itemIndex, 'unarchived')
					: { json: { unarchived: true, id: recordId }, pairedItem: { item: itemIndex } };
			};
		},
	});
}
