/**
 * Record → Search: `POST /api/records/{object}/search` with filters built in the UI, free text,
 * ordering, and Return All (following pages of up to 1,000) or a Limit. One output item per record.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { buildFilter, searchBody } from '../../helpers/filters';
import type { KizenField, ObjectSchema } from '../../helpers/interfaces';
import type { OutputShape } from '../../helpers/output';
import { describeProblem } from '../../helpers/values';
import type { KizenClient } from '../../transport';
import {
	objectLocator,
	outputOption,
	readOptions,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import type { ItemContext } from '../runItems';
import { runItems } from '../runItems';
import type { ReadOptions } from './recordItem';
import { recordOutput, recordsPath, requestOrThrow } from './recordItem';

const MAX_PAGE_SIZE = 1000;
/** Conditions without a value: the Value box is hidden for them. */
const VALUELESS = ['is_empty', 'is_not_empty', 'is_checked', 'is_not_checked'];

const properties: INodeProperties[] = [
	objectLocator,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'fixedCollection',
		placeholder: 'Add filter',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'Conditions a record must meet. No filter: every live record.',
		options: [
			{
				displayName: 'Condition',
				name: 'conditions',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'field',
						type: 'options',
						typeOptions: {
							loadOptionsMethod: 'getFieldNames',
							loadOptionsDependsOn: ['object.value'],
						},
						default: '',
						description:
							'The field to test. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Condition Name or ID',
						name: 'condition',
						type: 'options',
						typeOptions: {
							loadOptionsMethod: 'getFilterConditions',
							// `&field`: the sibling Field of the same filter (n8n's relative path).
							loadOptionsDependsOn: ['&field', 'object.value'],
						},
						default: '',
						description:
							'What to test. The list offers what Kizen accepts for the chosen field’s type (choose the field first). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						displayOptions: { hide: { condition: VALUELESS } },
						description:
							'The value to compare with, in the forms Create or Update accepts: an option’s label or ID, a tag’s name or ID, a number, a date. For Any Of / None Of / Has, a list or comma-separated values; for Between, "from, to".',
					},
				],
			},
		],
	},
	{
		displayName: 'Combine Filters',
		name: 'combine',
		type: 'options',
		default: 'and',
		options: [
			{ name: 'AND (All Must Match)', value: 'and' },
			{ name: 'OR (Any May Match)', value: 'or' },
		],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'collection',
		placeholder: 'Add sort rule',
		default: {},
		description: 'The order of the results. Not set: Kizen’s order.',
		options: [
			{
				displayName: 'Sort By Field Name or ID',
				name: 'sortBy',
				type: 'options',
				typeOptions: {
					loadOptionsMethod: 'getFieldNames',
					loadOptionsDependsOn: ['object.value'],
				},
				default: '',
				description:
					'The field to order results by. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Sort Direction',
				name: 'sortDirection',
				type: 'options',
				default: 'asc',
				options: [
					{ name: 'Ascending', value: 'asc' },
					{ name: 'Descending', value: 'desc' },
				],
			},
		],
	},
	{
		displayName: 'Search Text',
		name: 'searchText',
		type: 'string',
		default: '',
		placeholder: 'e.g. acme',
		description: 'Free-text search over record names, as Kizen’s search box does',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	optionsCollection([
		readOptions.fieldNames,
		outputOption,
		readOptions.returnAllFields,
		...transportOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['search'] } },
	properties,
);

interface SearchOptions extends ReadOptions {
	output?: OutputShape;
}

interface Sort {
	sortBy?: string;
	sortDirection?: 'asc' | 'desc';
}

interface Condition {
	field?: string;
	condition?: string;
	value?: unknown;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, {
		properties,
		rerun: 'read',
		prepare: async (itemIndex, item) => {
			const { client, schema } = item;
			const options = this.getNodeParameter('options', itemIndex, {}) as SearchOptions;
			const conditions = this.getNodeParameter('filters.conditions', itemIndex, []) as Condition[];
			const combine = this.getNodeParameter('combine', itemIndex, 'and') as 'and' | 'or';
			const body = searchBody(await filtersFor.call(this, item, conditions, itemIndex), combine);
			const fieldNames = chosenFieldNames.call(this, schema, options, itemIndex);
			// Without field_names Kizen returns every field (confirmed live by Kizen's CLI).
			if (fieldNames) body.field_names = fieldNames;
			const qs: IDataObject = {};
			const searchText = String(this.getNodeParameter('searchText', itemIndex, '') ?? '').trim();
			if (searchText) qs.search = searchText;
			const sort = (this.getNodeParameter('sort', itemIndex, {}) ?? {}) as Sort;
			if (sort.sortBy) qs.ordering = `${sort.sortDirection === 'desc' ? '-' : ''}${sort.sortBy}`;
			const limit = limitFor.call(this, itemIndex);
			return async () => {
				const records = await searchPages.call(this, client, schema, body, qs, limit, itemIndex);
				return records.map((record) => recordOutput(schema, record, options.output, itemIndex));
			};
		},
	});
}

/**
 * Fields to Return as the body's `field_names`, with the record's name or email first; undefined
 * for every field. Kizen silently drops a name it does not know (recorded by Kizen's CLI), so an
 * unknown name fails the item here instead of quietly returning less.
 */
function chosenFieldNames(
	this: IExecuteFunctions,
	schema: ObjectSchema,
	options: SearchOptions,
	itemIndex: number,
): string[] | undefined {
	if (options.returnAllFields) return undefined;
	const names = Array.isArray(options.fieldNames)
		? options.fieldNames.map(String)
		: String(options.fieldNames ?? '').split(',');
	const chosen = names.map((name) => name.trim()).filter(Boolean);
	const unknown = chosen.filter((name) => !schema.byApiName.has(name));
	if (unknown.length) {
		throw new NodeOperationError(
			this.getNode(),
			`Fields to Return names no field of "${schema.object.name}": ${unknown.map((name) => JSON.stringify(name)).join(', ')}`,
			{
				description:
					'Choose the fields from the list (Options → Fields to Return), by their API names. Nothing was sent to Kizen for this item.',
				itemIndex,
			},
		);
	}
	if (!chosen.length) return undefined;
	return [...new Set([schema.identifierFieldName, ...chosen])];
}

/**
 * The item's filters in Kizen's recorded shapes (helpers/filters.ts). The object's built-in field
 * list and the tags of tag fields are read first, once per execution, only when a filter needs them.
 */
async function filtersFor(
	this: IExecuteFunctions,
	{ schema, schemas, tags }: ItemContext,
	conditions: Condition[],
	itemIndex: number,
): Promise<IDataObject[]> {
	if (!conditions.length) return [];
	const fields = conditions.map((condition) =>
		filterField.call(this, schema, condition, itemIndex),
	);
	const context = {
		schema,
		builtInIds: await schemas.builtInFieldIds(schema, itemIndex),
		tags: await tags.forFields(schema, fields, itemIndex),
		// A date-time typed without an offset is meant in the workflow's time zone, as for writes.
		timeZone: this.getTimezone(),
	};
	return conditions.map((condition, position) => {
		const field = fields[position];
		const built = buildFilter(context, field, String(condition.condition ?? ''), condition.value);
		if (built.problem === undefined) return built.filter;
		throw new NodeOperationError(
			this.getNode(),
			`Filter ${position + 1}: ${describeProblem({ field, key: field.name, value: condition.value, problem: built.problem })}`,
			{
				description:
					'Correct the filter’s condition or value (Filters → Condition). Nothing was sent to Kizen for this item.',
				itemIndex,
			},
		);
	});
}

function filterField(
	this: IExecuteFunctions,
	schema: ObjectSchema,
	condition: Condition,
	itemIndex: number,
): KizenField {
	const fieldName = String(condition.field ?? '');
	const field = schema.byApiName.get(fieldName) ?? schema.byId.get(fieldName);
	if (field) return field;
	throw new NodeOperationError(
		this.getNode(),
		`The filter field "${fieldName}" is not a field of "${schema.object.name}"`,
		{
			description:
				'Choose the filter’s field from the list (Filters → Field Name or ID). Nothing was sent to Kizen for this item.',
			itemIndex,
		},
	);
}

/** Return All, or the Limit checked: an expression can give text, 0 or a fraction. */
function limitFor(this: IExecuteFunctions, itemIndex: number): number {
	if (this.getNodeParameter('returnAll', itemIndex, false) === true) return Infinity;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as unknown;
	if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 1) return limit;
	throw new NodeOperationError(
		this.getNode(),
		`Limit is ${JSON.stringify(limit)}, not a whole number of at least 1`,
		{
			description:
				'Set Limit to how many records to return, e.g. 50, or turn on Return All. Nothing was sent to Kizen for this item.',
			itemIndex,
		},
	);
}

async function searchPages(
	this: IExecuteFunctions,
	client: KizenClient,
	schema: ObjectSchema,
	body: IDataObject,
	qs: IDataObject,
	limit: number,
	itemIndex: number,
): Promise<IDataObject[]> {
	const records: IDataObject[] = [];
	const pageSize = Math.min(MAX_PAGE_SIZE, limit);
	for (let page = 1; records.length < limit; page++) {
		const answer = await requestOrThrow.call(
			this,
			client,
			{
				method: 'POST',
				path: `${recordsPath(schema)}/search`,
				qs: { ...qs, page, page_size: pageSize },
				body,
				idempotent: true,
				expect: 'page',
			},
			{ itemIndex, refused: 'the search' },
		);
		const { results = [], next } = answer as {
			results?: IDataObject[];
			next?: string | null;
		};
		records.push(...results.slice(0, limit - records.length));
		if (!next || results.length === 0) break;
	}
	return records;
}
