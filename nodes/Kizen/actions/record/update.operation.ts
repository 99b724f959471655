/** Record → Update: `PATCH /api/records/{object}/{id}` with the mapped fields. */
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
	recordIdParameter,
	transportOptions,
	writeOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { WriteOptions } from './recordItem';
import { fieldWritesFor, recordIdFor, recordOutput } from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	recordIdParameter,
	fieldsMapper,
	optionsCollection([
		writeOptions.emptyValues,
		writeOptions.multiValueMode,
		outputOption,
		writeOptions.overwriteArchivedIdentifier,
		writeOptions.returnAllFields,
		...transportOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['update'] } },
	properties,
);

interface UpdateOptions extends WriteOptions {
	overwriteArchivedIdentifier?: boolean;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, async (itemIndex, client, schema) => {
		const recordId = recordIdFor.call(this, itemIndex);
		const options = this.getNodeParameter('options', itemIndex, {}) as UpdateOptions;
		const context = { itemIndex, itemLabel: recordId };
		const fields = fieldWritesFor.call(this, items, itemIndex, schema, options, context);
		const body: IDataObject = { fields };
		if (options.overwriteArchivedIdentifier) body.archived_conflict = 'overwrite';
		const response = await client.request({
			method: 'PATCH',
			path: `/api/records/${encodeURIComponent(schema.object.name)}/${recordId}`,
			qs: options.returnAllFields ? { return_all_fields: true } : undefined,
			body,
			// Setting the same values twice leaves the record as once: safe to retry.
			idempotent: true,
		});
		if (!isSuccess(response)) {
			throw kizenApiError(this.getNode(), response, {
				...context,
				sentFields: fields,
				schema,
				timeoutMs: client.settings.timeoutMs,
			});
		}
		return recordOutput(schema, response.body as IDataObject, options.output, itemIndex);
	});
}
