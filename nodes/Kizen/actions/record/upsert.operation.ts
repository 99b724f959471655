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

import { kizenApiError, isSuccess, itemPrefix } from '../../helpers/errors';
import type { ObjectSchema } from '../../helpers/interfaces';
import { CONTACTS_OBJECT } from '../../helpers/interfaces';
import type { OutputShape } from '../../helpers/output';
import { simplifyRecord } from '../../helpers/output';
import type { EmptyValues, MultiValueMode } from '../../helpers/values';
import { describeProblem, toFieldWrites } from '../../helpers/values';
import type { KizenClient } from '../../transport';
import { fieldsMapper, objectLocator, outputOption, transportOptions } from '../common.descriptions';
import { runItems } from '../runItems';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Empty Values',
				name: 'emptyValues',
				type: 'options',
				default: 'skip',
				options: [
					{
						name: 'Skip',
						value: 'skip',
						description: 'Leave the field as it is in Kizen when the input value is empty',
					},
					{
						name: 'Clear',
						value: 'clear',
						description: 'Empty the field in Kizen when the input value is empty (sends null)',
					},
				],
				description: 'What an empty input value (empty text, null, empty list) does to the Kizen field',
			},
			{
				displayName: 'If an Archived Record Matches',
				name: 'archivedMatch',
				type: 'options',
				default: 'prompt',
				options: [
					{
						name: 'Fail',
						value: 'prompt',
						description: 'Report an error for the item (Kizen’s default)',
					},
					{
						name: 'Unarchive It',
						value: 'unarchive',
						description: 'Restore the archived record and apply the fields to it',
					},
					{
						name: 'Create a New Record',
						value: 'overwrite',
						description: 'Leave the archived record archived and create a new one',
					},
				],
				description:
					'What to do when no live record matches the lookup value but an archived one does. Not set: Kizen’s default (fail).',
			},
			...transportOptions.slice(0, 2),
			{
				displayName: 'Multi-Value Fields',
				name: 'multiValueMode',
				type: 'options',
				default: 'replace',
				options: [
					{ name: 'Replace', value: 'replace', description: 'Set the field to exactly the given values' },
					{ name: 'Add', value: 'add', description: 'Add the given values to those already there' },
					{ name: 'Remove', value: 'remove', description: 'Remove the given values from the field' },
				],
				description:
					'How values for multi-value fields (checkboxes, tags, to-many relationships, files) are applied',
			},
			outputOption,
			{
				displayName: 'Overwrite Archived Identifier on Update',
				name: 'overwriteArchivedIdentifier',
				type: 'boolean',
				default: false,
				description:
					'Whether an update that renames the record (new name or email) may take an identifier an archived record holds. Kizen then changes the archived record’s identifier; otherwise the item fails.',
			},
			{
				displayName: 'Return All Fields',
				name: 'returnAllFields',
				type: 'boolean',
				default: false,
				description: 'Whether to return every field of the record, not only the fields written',
			},
			...transportOptions.slice(2),
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['upsert'] } },
	properties,
);

interface UpsertOptions {
	emptyValues?: EmptyValues;
	archivedMatch?: 'prompt' | 'unarchive' | 'overwrite';
	multiValueMode?: MultiValueMode;
	output?: OutputShape;
	overwriteArchivedIdentifier?: boolean;
	returnAllFields?: boolean;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, async (itemIndex, client, schemas) => {
		const objectIdentifier = this.getNodeParameter('object', itemIndex, '', {
			extractValue: true,
		}) as string;
		const schema = await schemas.get(String(objectIdentifier), itemIndex);
		return await upsertItem.call(this, items, itemIndex, client, schema);
	});
}

async function upsertItem(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	itemIndex: number,
	client: KizenClient,
	schema: ObjectSchema,
): Promise<INodeExecutionData> {
	const node = this.getNode();
	const options = this.getNodeParameter('options', itemIndex, {}) as UpsertOptions;
	const lookupValue = String(this.getNodeParameter('lookupValue', itemIndex, '') ?? '').trim();
	checkLookupValue.call(this, schema, lookupValue, itemIndex);

	// Read the mapper whole: n8n's per-field type check would refuse option labels and date
	// strings that the value-conversion module accepts and explains better.
	const mapper = this.getNodeParameter('fields', itemIndex, {}) as {
		mappingMode?: string;
		value?: IDataObject | null;
	};
	const autoMap = mapper.mappingMode === 'autoMapInputData';
	const values = autoMap ? items[itemIndex].json : (mapper.value ?? {});
	const converted = toFieldWrites(schema, values, {
		emptyValues: options.emptyValues ?? 'skip',
		multiValueMode: options.multiValueMode ?? 'replace',
		ignoreUnknownKeys: autoMap,
	});
	const context = { itemIndex, itemLabel: lookupValue };
	if (converted.problem) {
		throw new NodeOperationError(node, `${itemPrefix(context)}${describeProblem(converted.problem)}`, {
			description:
				'Correct the value in the input or in Fields. Nothing was sent to Kizen for this item.',
			itemIndex,
		});
	}

	const body: IDataObject = { lookup_value: lookupValue, fields: converted.writes };
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
		throw kizenApiError(node, response, {
			...context,
			sentFields: converted.writes,
			schema,
			timeoutMs: client.settings.timeoutMs,
		});
	}
	const record = response.body as IDataObject;
	const json = options.output === 'raw' ? record : simplifyRecord(schema, record);
	return { json, pairedItem: { item: itemIndex } };
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
	if (isContacts && !EMAIL.test(lookupValue)) {
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
