/**
 * Record → Search: `POST /api/records/{object}/search` with filters built in the UI, free text,
 * ordering, and Return All (following pages of up to 1,000) or a Limit. One output item per record.
 * The filters, the fields to return and the page request are shared with the Kizen Trigger
 * (searchRequest.ts).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { searchBody, searchOrdering } from '../../helpers/filters';
import type { ObjectSchema } from '../../helpers/interfaces';
import type { OutputShape } from '../../helpers/output';
import type { KizenClient } from '../../transport';
import {
	objectLocator,
	outputOption,
	readOptions,
	searchFilterParameters,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { ReadOptions } from './recordItem';
import { recordOutput } from './recordItem';
import type { FilterCondition } from './searchRequest';
import {
	fieldNamesToReturn,
	MAX_PAGE_SIZE,
	requestSearchPage,
	searchFilters,
} from './searchRequest';

const properties: INodeProperties[] = [
	objectLocator,
	...searchFilterParameters,
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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, {
		properties,
		rerun: 'read',
		prepare: async (itemIndex, item) => {
			const { client, schema } = item;
			const node = this.getNode();
			const options = this.getNodeParameter('options', itemIndex, {}) as SearchOptions;
			const conditions = this.getNodeParameter(
				'filters.conditions',
				itemIndex,
				[],
			) as FilterCondition[];
			const combine = this.getNodeParameter('combine', itemIndex, 'and') as 'and' | 'or';
			// A date-time typed without an offset is meant in the workflow's time zone, as for writes.
			const setup = { node, ...item, timeZone: this.getTimezone() };
			const filters = await searchFilters(setup, conditions, itemIndex);
			const body = searchBody(filters, combine);
			const fieldNames = fieldNamesToReturn(node, schema, options, itemIndex);
			// Without field_names Kizen returns every field (confirmed live by Kizen's CLI).
			if (fieldNames) body.field_names = fieldNames;
			const qs: IDataObject = {};
			const searchText = String(this.getNodeParameter('searchText', itemIndex, '') ?? '').trim();
			if (searchText) qs.search = searchText;
			const sort = (this.getNodeParameter('sort', itemIndex, {}) ?? {}) as Sort;
			if (sort.sortBy) {
				qs.ordering = searchOrdering(sort.sortBy, sort.sortDirection === 'desc' ? 'desc' : 'asc');
			}
			const limit = limitFor.call(this, itemIndex);
			return async () => {
				const records = await searchPages(node, client, schema, body, qs, limit, itemIndex);
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
		`Limit is ${JSON.stringify(limit)}, not a whole number of at least 1`,
		{
			description:
				'Set Limit to how many records to return, e.g. 50, or turn on Return All. Nothing was sent to Kizen for this item.',
			itemIndex,
		},
	);
}

async function searchPages(
	node: INode,
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
		const { results, more } = await requestSearchPage(
			node,
			client,
			schema,
			body,
			{ ...qs, page, page_size: pageSize },
			itemIndex,
		);
		records.push(...results.slice(0, limit - records.length));
		if (!more) break;
	}
	return records;
}
