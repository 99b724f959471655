/**
 * Record → Create: `POST /api/records/{object}/add`. Unlike Create or Update it is **not**
 * idempotent: a repeated request makes a second record, so the transport retries it only when
 * Kizen certainly did not process it (a 429, or a connection that was never made).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isSuccess, kizenApiError } from '../../helpers/errors';
import {
	fieldsMapper,
	objectLocator,
	outputOption,
	transportOptions,
	writeOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { WriteOptions } from './recordItem';
import { fieldWritesFor, recordOutput } from './recordItem';

const NOT_RETRIED =
	' Create is never repeated once the request may have reached Kizen (a repeat would create a duplicate); use Create or Update for runs you may need to repeat.';

const properties: INodeProperties[] = [
	objectLocator,
	{
		...fieldsMapper,
		description: `${fieldsMapper.description} Include the record’s name (email for Contacts).`,
	},
	optionsCollection([
		writeOptions.emptyValues,
		writeOptions.archivedMatch,
		outputOption,
		writeOptions.returnAllFields,
		// Max Attempts says plainly that Create is the exception to retrying.
		...transportOptions.map((option) =>
			option.name === 'maxAttempts'
				? { ...option, description: `${option.description}${NOT_RETRIED}` }
				: option,
		),
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['create'] } },
	properties,
);

interface CreateOptions extends WriteOptions {
	archivedMatch?: 'prompt' | 'unarchive' | 'overwrite';
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, async (itemIndex, client, schema) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
		const context = { itemIndex };
		const fields = fieldWritesFor.call(this, items, itemIndex, schema, options, context);
		const body: IDataObject = { fields };
		if (options.archivedMatch) body.unarchive = options.archivedMatch;
		const response = await client.request({
			method: 'POST',
			path: `/api/records/${encodeURIComponent(schema.object.name)}/add`,
			qs: options.returnAllFields ? { return_all_fields: true } : undefined,
			body,
			idempotent: false,
		});
		if (!isSuccess(response)) {
			throw kizenApiError(this.getNode(), response, {
				...context,
				sentFields: fields,
				schema,
				timeoutMs: client.settings.timeoutMs,
				notIdempotent: true,
			});
		}
		return recordOutput(schema, response.body as IDataObject, options.output, itemIndex);
	});
}
