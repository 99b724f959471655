/**
 * What the Record operations share per item: the record ID, the field writes from the mapper, the
 * request sent and checked, the fields a read returns, and the output shape. One place, so every
 * operation converts, sends and reports alike.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ErrorContext } from '../../helpers/errors';
import { isSuccess, itemPrefix, kizenApiError } from '../../helpers/errors';
import type { FieldWrite, ObjectSchema } from '../../helpers/interfaces';
import type { OutputShape } from '../../helpers/output';
import { simplifyRecord } from '../../helpers/output';
import type { EmptyValues, MultiValueMode } from '../../helpers/values';
import { describeProblem, toFieldWrites } from '../../helpers/values';
import type { KizenClient, KizenRequest } from '../../transport';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WriteOptions {
	emptyValues?: EmptyValues;
	multiValueMode?: MultiValueMode;
	output?: OutputShape;
	returnAllFields?: boolean;
}

/** The item's Record ID, checked before any request. */
export function recordIdFor(this: IExecuteFunctions, itemIndex: number): string {
	const recordId = String(this.getNodeParameter('recordId', itemIndex, '') ?? '').trim();
	if (!UUID.test(recordId)) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: Record ID ${JSON.stringify(recordId.slice(0, 100))} is not a record ID`,
			{
				description:
					'A Kizen record ID is a UUID such as 7c9e6679-7425-40de-944b-e07fc1f90ae7, e.g. {{ $json.id }} from Create or Update, Lookup or Search. Nothing was sent to Kizen for this item.',
				itemIndex,
			},
		);
	}
	return recordId;
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
 * The `fields` array for the item, from the Fields mapper. The mapper is read whole: n8n's
 * per-field type check would refuse option labels and date strings that the value-conversion
 * module accepts and explains better.
 */
export function fieldWritesFor(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	itemIndex: number,
	schema: ObjectSchema,
	options: WriteOptions,
	context: ErrorContext,
): FieldWrite[] {
	const mapper = this.getNodeParameter('fields', itemIndex, {}) as {
		mappingMode?: string;
		value?: IDataObject | null;
	};
	const autoMap = mapper.mappingMode === 'autoMapInputData';
	const converted = toFieldWrites(schema, autoMap ? items[itemIndex].json : (mapper.value ?? {}), {
		emptyValues: options.emptyValues ?? 'skip',
		multiValueMode: options.multiValueMode ?? 'replace',
		ignoreUnknownKeys: autoMap,
	});
	if (converted.problem) {
		throw new NodeOperationError(
			this.getNode(),
			`${itemPrefix(context)}${describeProblem(converted.problem)}`,
			{
				description:
					'Correct the value in the input or in Fields. Nothing was sent to Kizen for this item.',
				itemIndex,
			},
		);
	}
	return converted.writes;
}

/** A record (or an upsert answer) as the output item the user chose. */
export function recordOutput(
	schema: ObjectSchema,
	record: IDataObject,
	output: OutputShape | undefined,
	itemIndex: number,
): INodeExecutionData {
	const json = output === 'raw' ? record : simplifyRecord(schema, record);
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
