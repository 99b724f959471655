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

import { ARCHIVED_MATCH_HINT, ARCHIVED_RENAME_HINT } from '../../helpers/errors';
import type { ObjectSchema } from '../../helpers/interfaces';
import { CONTACTS_OBJECT } from '../../helpers/interfaces';
import { convertValue, describeProblem } from '../../helpers/values';
import type { KizenRequest } from '../../transport';
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
import { fieldWritesFor, recordsPath, sendForRecord } from './recordItem';

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
		writeOptions.dateFormat,
		writeOptions.defaultCountryCode,
		writeOptions.unmatchedKeys,
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
	return await runItems.call(this, items, {
		properties,
		rerun: 'safe',
		prepare: async (itemIndex, item) => {
			const { client, schema } = item;
			const options = this.getNodeParameter('options', itemIndex, {}) as UpsertOptions;
			const lookupValue = lookupValueFor.call(this, schema, itemIndex);
			const fields = await fieldWritesFor.call(this, items, itemIndex, item, options);
			const body: IDataObject = { lookup_value: lookupValue, fields };
			if (options.archivedMatch) body.oncreate_unarchive = options.archivedMatch;
			if (options.overwriteArchivedIdentifier) body.onupdate_archived_conflict = 'overwrite';
			const renames = fields.some(
				(write) => write.id === schema.byApiName.get(schema.identifierFieldName)?.id,
			);
			const request: KizenRequest = {
				method: 'POST',
				path: `${recordsPath(schema)}/upsert`,
				qs: options.returnAllFields ? { return_all_fields: true } : undefined,
				body,
				idempotent: true,
				expect: 'record',
			};
			const context = {
				itemIndex,
				sentFields: fields,
				schema,
				// The update branch renames when the fields hold the identifier.
				archivedHint: renames
					? `${ARCHIVED_MATCH_HINT} ${ARCHIVED_RENAME_HINT}`
					: ARCHIVED_MATCH_HINT,
			};
			return sendForRecord.call(this, client, request, context, { schema, shape: options.output });
		},
	});
}

/**
 * The item's Lookup Value, checked before any request: not empty, and a value the record's
 * identifier field (email for Contacts, name otherwise) can hold, by the same conversion rule.
 */
function lookupValueFor(this: IExecuteFunctions, schema: ObjectSchema, itemIndex: number): string {
	const lookupValue = String(this.getNodeParameter('lookupValue', itemIndex, '') ?? '').trim();
	const isContacts = schema.object.name === CONTACTS_OBJECT;
	const what = isContacts ? 'the contact’s email address' : 'the record’s name';
	const example = isContacts ? '{{ $json.email }}' : '{{ $json.name }}';
	if (!lookupValue) {
		throw new NodeOperationError(this.getNode(), 'Lookup Value is empty', {
			description: `Set Lookup Value to ${what}, e.g. ${example}. Nothing was sent to Kizen for this item.`,
			itemIndex,
		});
	}
	const identifier = schema.byApiName.get(schema.identifierFieldName) ?? {
		id: '',
		name: schema.identifierFieldName,
		display_name: isContacts ? 'Email' : 'Name',
		field_type: isContacts ? 'email' : 'text',
	};
	const converted = convertValue(identifier, lookupValue);
	if (converted.problem !== undefined) {
		throw new NodeOperationError(
			this.getNode(),
			describeProblem({ key: 'Lookup Value', value: lookupValue, problem: converted.problem }),
			{
				description: `Kizen matches ${isContacts ? 'Contacts by email' : 'records by name'}: set Lookup Value to ${what}, e.g. ${example}. Nothing was sent to Kizen for this item.`,
				itemIndex,
			},
		);
	}
	return lookupValue;
}
