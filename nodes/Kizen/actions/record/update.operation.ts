/** Record → Update: `PATCH /api/records/{object}/{id}` with the mapped fields. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ARCHIVED_RENAME_HINT } from '../../helpers/errors';
import type { KizenRequest } from '../../transport';
import {
	fieldsMapper,
	objectLocator,
	outputOption,
	recordLocator,
	transportOptions,
	writeOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { WriteOptions } from './recordItem';
import {
	fieldWritesFor,
	recordIdFor,
	recordNotFound,
	sendForRecord,
	recordsPath,
} from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	recordLocator,
	fieldsMapper,
	optionsCollection([
		writeOptions.emptyValues,
		writeOptions.multiValueMode,
		outputOption,
		writeOptions.overwriteArchivedIdentifier,
		writeOptions.returnAllFields,
		writeOptions.dateFormat,
		writeOptions.defaultCountryCode,
		writeOptions.unmatchedKeys,
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
	return await runItems.call(this, items, {
		properties,
		rerun: 'safe',
		prepare: async (itemIndex, item) => {
			const { client, schema } = item;
			const recordId = recordIdFor.call(this, schema, itemIndex);
			const options = this.getNodeParameter('options', itemIndex, {}) as UpdateOptions;
			const fields = await fieldWritesFor.call(this, items, itemIndex, item, options);
			const body: IDataObject = { fields };
			if (options.overwriteArchivedIdentifier) body.archived_conflict = 'overwrite';
			const request: KizenRequest = {
				method: 'PATCH',
				path: `${recordsPath(schema)}/${recordId}`,
				qs: options.returnAllFields ? { return_all_fields: true } : undefined,
				body,
				// Setting the same values twice leaves the record as once: safe to retry.
				idempotent: true,
				expect: 'record',
			};
			const context = {
				itemIndex,
				notFound: recordNotFound(recordId),
				sentFields: fields,
				schema,
				archivedHint: ARCHIVED_RENAME_HINT,
			};
			return sendForRecord.call(this, client, request, context, {
				schema,
				shape: options.output,
				action: 'updated',
			});
		},
	});
}
