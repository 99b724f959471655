/**
 * Record → Create or Update: `POST /api/records/{object}/upsert`, one request per item.
 * Kizen matches the lookup value (email for Contacts, name otherwise) case-insensitively, so a
 * re-run updates instead of duplicating; that is also what makes retrying an upsert safe.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { isSuccess, kizenApiError } from '../../helpers/errors';
import type { ObjectSchema } from '../../helpers/interfaces';
import { CONTACTS_OBJECT } from '../../helpers/interfaces';
import { isEmailAddress } from '../../helpers/values';
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

const properties: INodeProperties[] = [
	objectLocator,
	{
		displayName: 'Lookup Value',
		name: 'lookupValue',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.email }}',
		description:
			'How Kizen finds the record to update: the email address for Contacts, the record name for every other object. Matched case-insensitively; when nothing matches, a new record is created with this value.',
		hint: 'Contacts: the email address. Other objects: the record name.',
	},
	fieldsMapper,
	optionsCollection([
		writeOptions.emptyValues,
		writeOptions.archivedMatch,
		writeOptions.multiValueMode,
		outputOption,
		writeOptions.overwriteArchivedIdentifier,
		writeOptions.returnAllFields,
		...transportOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['upsert'] } },
	properties,
);

interface UpsertOptions extends WriteOptions {
	archivedMatch?: 'prompt' | 'unarchive' | 'overwrite';
	overwriteArchivedIdentifier?: boolean;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, async (itemIndex, client, schema) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as UpsertOptions;
		const lookupValue = String(this.getNodeParameter('lookupValue', itemIndex, '') ?? '').trim();
		checkLookupValue.call(this, schema, lookupValue, itemIndex);
		const context = { itemIndex, itemLabel: lookupValue };
		const fields = fieldWritesFor.call(this, items, itemIndex, schema, options, context);

		const body: IDataObject = { lookup_value: lookupValue, fields };
		if (options.archivedMatch) body.oncreate_unarchive = options.archivedMatch;
		if (options.overwriteArchivedIdentifier) body.onupdate_archived_conflict = 'overwrite';
		const response = await client.request({
			method: 'POST',
			path: `/api/records/${encodeURIComponent(schema.object.name)}/upsert`,
			qs: options.returnAllFields ? { return_all_fields: true } : undefined,
			body,
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

function checkLookupValue(
	this: IExecuteFunctions,
	schema: ObjectSchema,
	lookupValue: string,
	itemIndex: number,
): void {
	const isContacts = schema.object.name === CONTACTS_OBJECT;
	const what = isContacts ? 'the contact’s email address' : 'the record’s name';
	if (!lookupValue) {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: Lookup Value is empty`, {
			description: `Set Lookup Value to ${what}, e.g. ${isContacts ? '{{ $json.email }}' : '{{ $json.name }}'}. Nothing was sent to Kizen for this item.`,
			itemIndex,
		});
	}
	if (isContacts && !isEmailAddress(lookupValue)) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: Lookup Value "${lookupValue}" is not an email address`,
			{
				description:
					'Contacts are matched by email: set Lookup Value to the contact’s email, e.g. {{ $json.email }}. Nothing was sent to Kizen for this item.',
				itemIndex,
			},
		);
	}
}
