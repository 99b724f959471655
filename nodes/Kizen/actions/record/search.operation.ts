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

import type { ObjectSchema } from '../../helpers/interfaces';
import type { OutputShape } from '../../helpers/output';
import { describeProblem, toFilterValue } from '../../helpers/values';
import type { KizenClient } from '../../transport';
import {
	objectLocator,
	outputOption,
	readOptions,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { ReadOptions } from './recordItem';
import { fieldSelection, recordOutput, recordsPath, requestOrThrow } from './recordItem';

const MAX_PAGE_SIZE = 1000;
const VALUELESS_CONDITIONS = ['is_empty', 'is_not_empty'];
/** UI condition → Kizen's operator (a parameter value starting with "=" would be an n8n expression). */
const OPERATORS: Record<string, string> = {
	equals: '=',
	not_equals: '!=',
	gt: '>',
	gte: '>=',
	lt: '<',
	lte: '<=',
	contains: 'contains',
	starts_with: 'starts_with',
	is_empty: 'is_empty',
	is_not_empty: 'is_not_empty',
};

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
						displayName: 'Condition',
						name: 'condition',
						type: 'options',
						default: 'equals',
						options: [
							{ name: 'Contains', value: 'contains' },
							{ name: 'Equals', value: 'equals' },
							{ name: 'Greater Than', value: 'gt' },
							{ name: 'Greater Than or Equal', value: 'gte' },
							{ name: 'Is Empty', value: 'is_empty' },
							{ name: 'Is Not Empty', value: 'is_not_empty' },
							{ name: 'Less Than', value: 'lt' },
							{ name: 'Less Than or Equal', value: 'lte' },
							{ name: 'Not Equals', value: 'not_equals' },
							{ name: 'Starts With', value: 'starts_with' },
						],
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description:
							'The value to compare with, in the same forms Create or Update accepts (an option’s label, a date, a number)',
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
		{
			displayName: 'Sort By Field Name or ID',
			name: 'sortBy',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getFieldNames', loadOptionsDependsOn: ['object.value'] },
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
		...transportOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['search'] } },
	properties,
);

interface SearchOptions extends ReadOptions {
	output?: OutputShape;
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
		prepare: async (itemIndex, { client, schema }) => {
			const options = this.getNodeParameter('options', itemIndex, {}) as SearchOptions;
			const conditions = this.getNodeParameter('filters.conditions', itemIndex, []) as Condition[];
			const body: IDataObject = {
				query: conditions.length
					? [{ filters: conditions.map((c) => filterFor.call(this, schema, c, itemIndex)) }]
					: [],
				and: this.getNodeParameter('combine', itemIndex, 'and') === 'and',
			};
			const selection = fieldSelection(schema, options);
			if (typeof selection.field_names === 'string')
				body.field_names = selection.field_names.split(',');
			const qs: IDataObject = { ...(selection.all_fields ? selection : {}) };
			const searchText = String(this.getNodeParameter('searchText', itemIndex, '') ?? '').trim();
			if (searchText) qs.search = searchText;
			if (options.sortBy)
				qs.ordering = `${options.sortDirection === 'desc' ? '-' : ''}${options.sortBy}`;
			const limit = limitFor.call(this, itemIndex);
			return async () => {
				const records = await searchPages.call(this, client, schema, body, qs, limit, itemIndex);
				return records.map((record) => recordOutput(schema, record, options.output, itemIndex));
			};
		},
	});
}

/** Return All, or the Limit checked: an expression can give text, 0 or a fraction. */
function limitFor(this: IExecuteFunctions, itemIndex: number): number {
	if (this.getNodeParameter('returnAll', itemIndex, false) === true) return Infinity;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as unknown;
	if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 1) return limit;
	throw new NodeOperationError(
		this.getNode(),
		`Item ${itemIndex}: Limit is ${JSON.stringify(limit)}, not a whole number of at least 1`,
		{
			description:
				'Set Limit to how many records to return, e.g. 50, or turn on Return All. Nothing was sent to Kizen for this item.',
			itemIndex,
		},
	);
}

/** One filter in Kizen's `fields_v2` form, with the value converted for the field's type. */
function filterFor(
	this: IExecuteFunctions,
	schema: ObjectSchema,
	condition: Condition,
	itemIndex: number,
): IDataObject {
	const fieldName = String(condition.field ?? '');
	const field = schema.byApiName.get(fieldName) ?? schema.byId.get(fieldName);
	if (!field) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: the filter field "${fieldName}" is not a field of "${schema.object.name}"`,
			{
				description: 'Choose the filter’s field from the list (Filters → Field Name or ID).',
				itemIndex,
			},
		);
	}
	const operator = OPERATORS[condition.condition ?? 'equals'] ?? String(condition.condition);
	const filter: IDataObject = {
		type: 'fields_v2',
		field: `"${field.is_default ? 'default' : 'custom'}"::${field.id}`,
		condition: operator,
	};
	if (VALUELESS_CONDITIONS.includes(operator)) return filter;
	const converted = toFilterValue(field, condition.value);
	if (converted.problem !== undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: filter ${describeProblem({ field, key: field.name, value: condition.value, problem: converted.problem })}`,
			{
				description: 'Correct the filter’s value. Nothing was sent to Kizen for this item.',
				itemIndex,
			},
		);
	}
	filter.value = converted.value as IDataObject['value'];
	return filter;
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
			{ itemIndex },
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
