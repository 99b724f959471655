/**
 * What the Record operations share per item: the record ID, the field writes from the mapper, the
 * request sent and checked, the fields a read returns, and the output shape. One place, so every
 * operation converts, sends and reports alike.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameterResourceLocator,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ErrorContext } from '../../helpers/errors';
import { isSuccess, kizenApiError } from '../../helpers/errors';
import type { FieldWrite, KizenField, ObjectSchema } from '../../helpers/interfaces';
import { isWritable } from '../../helpers/schema';
import type { OutputShape } from '../../helpers/output';
import { simplifyRecord } from '../../helpers/output';
import { recordIdFromUrl } from '../../helpers/recordUrl';
import type { EmptyValues, MultiValueMode, UnmatchedKeys } from '../../helpers/values';
import {
	describeProblem,
	fieldForKey,
	isEmptyValue,
	notWrittenText,
	toFieldWrites,
} from '../../helpers/values';
import type { KizenClient, KizenRequest } from '../../transport';
import type { ItemContext, SendItem } from '../runItems';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WriteOptions {
	emptyValues?: EmptyValues;
	multiValueMode?: MultiValueMode;
	output?: OutputShape;
	returnAllFields?: boolean;
	dateFormat?: string;
	defaultCountryCode?: string;
	unmatchedKeys?: UnmatchedKeys;
}

/**
 * The item's record ID from the Record locator (a record picked from the list, an ID, or a Kizen
 * record URL; a workflow saved with a plain ID string works too), checked before any request.
 */
export function recordIdFor(
	this: IExecuteFunctions,
	schema: ObjectSchema,
	itemIndex: number,
): string {
	const located = this.getNodeParameter('recordId', itemIndex, '') as
		| INodeParameterResourceLocator
		| string;
	const mode = typeof located === 'object' && located !== null ? located.mode : 'id';
	const value = String(
		(typeof located === 'object' && located !== null ? located.value : located) ?? '',
	).trim();
	const refuse = (problem: string, fix: string) =>
		new NodeOperationError(this.getNode(), problem, {
			description: `${fix} Nothing was sent to Kizen for this item.`,
			itemIndex,
		});
	if (mode === 'url') {
		const fromUrl = recordIdFromUrl(schema, value);
		if (fromUrl.problem === undefined) return fromUrl.recordId;
		throw refuse(
			`Record URL ${JSON.stringify(value.slice(0, 200))}: ${fromUrl.problem}`,
			'Copy the address of the record’s page in Kizen, or choose the record From List or By ID.',
		);
	}
	if (!UUID.test(value)) {
		throw refuse(
			`Record ${JSON.stringify(value.slice(0, 100))} is not a record ID`,
			'A Kizen record ID is a UUID such as 7c9e6679-7425-40de-944b-e07fc1f90ae7, e.g. {{ $json.id }} from Create or Update, Lookup or Search.',
		);
	}
	return value;
}

/** What a 404 says for a request that names a record by its ID. */
export function recordNotFound(recordId: string): ErrorContext['notFound'] {
	return {
		what: `Record ID ${recordId}`,
		hint: 'Check the Record ID: the record may be archived (Kizen does not find archived records), belong to another object, or be hidden from the API user.',
	};
}

/** `/api/records/{object}`, the root of every record request. */
export function recordsPath(schema: ObjectSchema): string {
	return `/api/records/${encodeURIComponent(schema.object.name)}`;
}

/**
 * Sends one request and returns Kizen's answer, or throws the error that explains it (naming the
 * item, the fields sent, and, for a request that is not idempotent, that it may have happened).
 */
export async function requestOrThrow(
	this: IExecuteFunctions,
	client: KizenClient,
	request: KizenRequest,
	context: ErrorContext,
): Promise<IDataObject> {
	const response = await client.request(request);
	if (!isSuccess(response)) {
		throw kizenApiError(this.getNode(), response, {
			timeoutMs: client.settings.timeoutMs,
			...context,
		});
	}
	return response.body as IDataObject;
}

/**
 * The send step of an operation whose answer is one record: the request, then that record as the
 * output item the user chose. `action` is what the operation did (see recordOutput).
 */
export function sendForRecord(
	this: IExecuteFunctions,
	client: KizenClient,
	request: KizenRequest,
	context: ErrorContext & { itemIndex: number },
	output: { schema: ObjectSchema; shape?: OutputShape; action?: RecordAction },
): SendItem {
	return async () => {
		const record = await requestOrThrow.call(this, client, request, context);
		return recordOutput(output.schema, record, output.shape, context.itemIndex, output.action);
	};
}

/**
 * The `fields` array for the item, from the Fields mapper. The mapper is read whole: n8n's
 * per-field type check would refuse option labels and date strings that the value-conversion
 * module accepts and explains better. Tags of the tag fields given a value are loaded first
 * (once per execution and field), so a tag name can become its ID. Under Map Automatically, keys
 * that fit no writable field are noted for one notice per execution (Options → Unmatched Input Keys).
 */
export async function fieldWritesFor(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	itemIndex: number,
	{ schema, tags, hints }: ItemContext,
	options: WriteOptions,
): Promise<FieldWrite[]> {
	const mapper = this.getNodeParameter('fields', itemIndex, {}) as {
		mappingMode?: string;
		value?: IDataObject | null;
	};
	const autoMap = mapper.mappingMode === 'autoMapInputData';
	const values = autoMap ? items[itemIndex].json : (mapper.value ?? {});
	const tagFields = Object.entries(values)
		.filter(([, raw]) => !isEmptyValue(raw))
		.map(([key]) => fieldForKey(schema, key).field)
		.filter(
			(field): field is KizenField => field?.field_type === 'dynamictags' && isWritable(field),
		);
	const unmatchedKeys = options.unmatchedKeys ?? 'warn';
	const converted = toFieldWrites(schema, values, {
		emptyValues: options.emptyValues ?? 'skip',
		multiValueMode: options.multiValueMode ?? 'replace',
		autoMap,
		unmatchedKeys,
		context: {
			tags: await tags.forFields(schema, tagFields, itemIndex),
			timeZone: this.getTimezone(),
			dateFormat: String(options.dateFormat ?? '').trim() || undefined,
			defaultCountryCode: countryCodeFor.call(this, options, itemIndex),
			offersFormatOptions: true,
		},
	});
	if (converted.problem) {
		throw new NodeOperationError(this.getNode(), describeProblem(converted.problem), {
			description:
				'Correct the value in the input or in Fields. Nothing was sent to Kizen for this item.',
			itemIndex,
		});
	}
	const { unknown, readOnly } = converted.notWritten;
	if (unmatchedKeys === 'warn' && (unknown.length || readOnly.length)) {
		// One notice per object, naming each key once whichever items had it.
		const noted = [...unknown.map((key) => `?${key}`), ...readOnly.map((key) => `!${key}`)];
		hints.note(`keys not written to ${schema.object.id}`, noted, (keys) => {
			const kind = (mark: string) => keys.filter((k) => k[0] === mark).map((k) => k.slice(1));
			return `Not written: ${notWrittenText(schema, { unknown: kind('?'), readOnly: kind('!') })}.`;
		});
	}
	return converted.writes;
}

/** Options → Default Country Code as digits (`+44` → `44`), refused when it cannot be a calling code. */
function countryCodeFor(
	this: IExecuteFunctions,
	options: WriteOptions,
	itemIndex: number,
): string | undefined {
	const code = String(options.defaultCountryCode ?? '').trim();
	if (!code) return undefined;
	if (/^\+?[1-9]\d{0,2}$/.test(code)) return code.replace(/^\+/, '');
	throw new NodeOperationError(
		this.getNode(),
		`Options → Default Country Code is ${JSON.stringify(code.slice(0, 20))}, not a country calling code`,
		{
			description:
				'Set it to the calling code national numbers belong to: 1 (United States, Canada), 44 (United Kingdom), 49 (Germany)... Nothing was sent to Kizen for this item.',
			itemIndex,
		},
	);
}

type RecordAction = 'created' | 'updated' | 'unarchived';

/**
 * A record (or an upsert answer) as the output item the user chose. `action` is what the operation
 * did, for Simplified output when Kizen's answer does not say (only the upsert's answer does).
 */
export function recordOutput(
	schema: ObjectSchema,
	record: IDataObject,
	output: OutputShape | undefined,
	itemIndex: number,
	action?: RecordAction,
): INodeExecutionData {
	if (output === 'raw') return { json: record, pairedItem: { item: itemIndex } };
	const json = simplifyRecord(
		schema,
		action && record.action === undefined ? { ...record, action } : record,
	);
	return { json, pairedItem: { item: itemIndex } };
}

export interface ReadOptions {
	fieldNames?: string[] | string;
	returnAllFields?: boolean;
}

/**
 * The query that selects the fields a read returns. Chosen fields always include the record's
 * name (email for Contacts), as Fields to Return promises: a record without it is hard to use.
 */
export function fieldSelection(schema: ObjectSchema, options: ReadOptions): IDataObject {
	if (options.returnAllFields) return { all_fields: true };
	const names = Array.isArray(options.fieldNames)
		? options.fieldNames.map(String)
		: String(options.fieldNames ?? '').split(',');
	const chosen = names.map((name) => name.trim()).filter(Boolean);
	if (!chosen.length) return {};
	if (!chosen.includes(schema.identifierFieldName)) chosen.unshift(schema.identifierFieldName);
	return { field_names: chosen.join(',') };
}
