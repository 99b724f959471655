/**
 * A records search as Record → Search and the Kizen Trigger send it: the Filters parameter turned
 * into Kizen's recorded filters (helpers/filters.ts), Fields to Return into `field_names`, and one
 * page of `POST /api/records/{object}/search` requested and checked. One place, so both read the same
 * filters the same way and explain a mistake the same way.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isSuccess, kizenApiError } from '../../helpers/errors';
import { buildFilter } from '../../helpers/filters';
import type { KizenField, ObjectSchema } from '../../helpers/interfaces';
import type { SchemaCache } from '../../helpers/schema';
import type { TagCache } from '../../helpers/tags';
import { describeProblem } from '../../helpers/values';
import type { KizenClient } from '../../transport';
import type { ReadOptions } from './recordItem';
import { recordsPath } from './recordItem';

/** Kizen's largest page (KIZEN-API.md: page_size ≤ 1000). */
export const MAX_PAGE_SIZE = 1000;

/** One entry of the Filters parameter. */
export interface FilterCondition {
	field?: string;
	condition?: string;
	value?: unknown;
}

/** What building a search needs: the object, and the execution's schema and tag caches. */
export interface SearchSetup {
	node: INode;
	schema: ObjectSchema;
	schemas: SchemaCache;
	tags: TagCache;
	/** The workflow's time zone: a date-time in a filter without an offset is read in it (else UTC). */
	timeZone?: string;
}

/** An operation names the item; the trigger has no input item. */
const nothingSent = (itemIndex?: number) =>
	`Nothing was sent to Kizen${itemIndex === undefined ? '' : ' for this item'}.`;

/**
 * The Filters parameter in Kizen's recorded shapes. The object's built-in field list and the tags of
 * tag fields are read first, once per execution, only when a filter needs them. A field, condition or
 * value Kizen would not take fails before anything is sent, naming the filter and the fix.
 */
export async function searchFilters(
	{ node, schema, schemas, tags, timeZone }: SearchSetup,
	conditions: FilterCondition[],
	itemIndex?: number,
): Promise<IDataObject[]> {
	if (!conditions.length) return [];
	const fields = conditions.map((condition) => filterField(node, schema, condition, itemIndex));
	const context = {
		schema,
		builtInIds: await schemas.builtInFieldIds(schema, itemIndex),
		tags: await tags.forFields(schema, fields, itemIndex),
		timeZone,
	};
	return conditions.map((condition, position) => {
		const field = fields[position];
		const built = buildFilter(context, field, String(condition.condition ?? ''), condition.value);
		if (built.problem === undefined) return built.filter;
		throw new NodeOperationError(
			node,
			`Filter ${position + 1}: ${describeProblem({ field, key: field.name, value: condition.value, problem: built.problem })}`,
			{
				description: `Correct the filter’s condition or value (Filters → Condition). ${nothingSent(itemIndex)}`,
				itemIndex,
			},
		);
	});
}

function filterField(
	node: INode,
	schema: ObjectSchema,
	condition: FilterCondition,
	itemIndex?: number,
): KizenField {
	const fieldName = String(condition.field ?? '');
	const field = schema.byApiName.get(fieldName) ?? schema.byId.get(fieldName);
	if (field) return field;
	throw new NodeOperationError(
		node,
		`The filter field "${fieldName}" is not a field of "${schema.object.name}"`,
		{
			description: `Choose the filter’s field from the list (Filters → Field Name or ID). ${nothingSent(itemIndex)}`,
			itemIndex,
		},
	);
}

/**
 * Fields to Return as the body's `field_names`, with the record's name or email and the `required`
 * fields first; undefined for every field. Kizen silently drops a name it does not know (recorded by
 * Kizen's CLI), so an unknown name fails here instead of quietly returning less.
 */
export function fieldNamesToReturn(
	node: INode,
	schema: ObjectSchema,
	options: ReadOptions,
	itemIndex?: number,
	required: string[] = [],
): string[] | undefined {
	if (options.returnAllFields) return undefined;
	const names = Array.isArray(options.fieldNames)
		? options.fieldNames.map(String)
		: String(options.fieldNames ?? '').split(',');
	const chosen = names.map((name) => name.trim()).filter(Boolean);
	const unknown = chosen.filter((name) => !schema.byApiName.has(name));
	if (unknown.length) {
		throw new NodeOperationError(
			node,
			`Fields to Return names no field of "${schema.object.name}": ${unknown.map((name) => JSON.stringify(name)).join(', ')}`,
			{
				description: `Choose the fields from the list (Options → Fields to Return), by their API names. ${nothingSent(itemIndex)}`,
				itemIndex,
			},
		);
	}
	if (!chosen.length) return undefined;
	return [...new Set([schema.identifierFieldName, ...required, ...chosen])];
}

export interface SearchPage {
	results: IDataObject[];
	/** Whether Kizen has another page (`next`). */
	more: boolean;
}

/** One page of the search, or the error that explains why Kizen did not give it. */
export async function requestSearchPage(
	node: INode,
	client: KizenClient,
	schema: ObjectSchema,
	body: IDataObject,
	qs: IDataObject,
	itemIndex?: number,
): Promise<SearchPage> {
	const response = await client.request({
		method: 'POST',
		path: `${recordsPath(schema)}/search`,
		qs,
		body,
		idempotent: true,
		expect: 'page',
	});
	if (!isSuccess(response)) {
		throw kizenApiError(node, response, {
			itemIndex,
			timeoutMs: client.settings.timeoutMs,
			refused: 'the search',
		});
	}
	const { results, next } = response.body as { results: IDataObject[]; next?: unknown };
	return { results, more: Boolean(next) && results.length > 0 };
}
