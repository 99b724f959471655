/** Parameters shared by the Record operations. */
import type { INodeProperties } from 'n8n-workflow';

import { RECORD_URL_EXAMPLE, RECORD_URL_REGEX } from '../helpers/recordUrl';

/** An operation's "Options" collection, its entries in the alphabetical order n8n's lint wants. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

const UUID_REGEX = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const objectLocator: INodeProperties = {
	displayName: 'Object',
	name: 'object',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The Kizen object the record belongs to, e.g. Contacts (API name client_client) or a custom object',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchObjects', searchable: true },
		},
		{
			displayName: 'By API Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. client_client',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[A-Za-z0-9_]+$',
						errorMessage:
							'An API name has only letters, digits and underscores, e.g. client_client',
					},
				},
			],
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 2b4d6f80-1a3c-4e5f-8a9b-0c1d2e3f4a5b',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: UUID_REGEX,
						errorMessage: 'An object ID is a UUID, e.g. 2b4d6f80-1a3c-4e5f-8a9b-0c1d2e3f4a5b',
					},
				},
			],
		},
	],
};

export const fieldsMapper: INodeProperties = {
	displayName: 'Fields',
	name: 'fields',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	description:
		'The record’s fields. Map Automatically writes each input key to the field with that API name or display name (case, spaces, _ and - ignored: "First Name" fills first_name); Define Below lets you set each field. Read-only fields are not offered.',
	typeOptions: {
		// The operation decides which fields are required (Create: the name; Update: none).
		loadOptionsDependsOn: ['object.value', 'operation'],
		resourceMapper: {
			resourceMapperMethod: 'getFields',
			mode: 'add',
			fieldWords: { singular: 'field', plural: 'fields' },
			addAllFields: false,
			multiKeyMatch: false,
			supportAutoMap: true,
		},
	},
	displayOptions: { hide: { object: [''] } },
};

/** Options every Record operation offers: how hard to push Kizen and how long to wait. */
export const transportOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrencyMode',
		type: 'options',
		default: 'adaptive',
		options: [
			{
				name: 'Adaptive',
				value: 'adaptive',
				description:
					'Start with a few requests at once and send more while Kizen answers as fast as at its quickest, up to Max Concurrent Requests; send fewer when its answers slow down or it rate-limits',
			},
			{
				name: 'Fixed',
				value: 'fixed',
				description: 'Always send Max Concurrent Requests at once',
			},
		],
		description:
			'How many requests are sent to Kizen at the same time. Adaptive finds what Kizen handles well without a setting; Fixed is for a number you know.',
	},
	{
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 5,
		description:
			'How many times to try a request in total when Kizen answers 502, 503 or 504, or the connection drops or times out. Waits grow exponentially and honour Retry-After. A 429 (rate limited) does not use up attempts: see Rate Limit Wait. Only the failed request is repeated, and only when repeating it is safe; Settings → Retry On Fail instead runs the whole node again, every item.',
	},
	{
		displayName: 'Max Concurrent Requests',
		name: 'maxConcurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 32,
		description:
			'The most requests sent to Kizen at the same time: the ceiling with Concurrency Adaptive, the number with Fixed. 1 sends items one after another. Output order always follows input order.',
	},
	{
		displayName: 'Rate Limit Wait (Seconds)',
		name: 'rateLimitWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 3600 },
		default: 300,
		description:
			'How long one item may keep being rate-limited (Kizen answers 429) before it fails. Meanwhile every request waits for Retry-After and the node resumes at the rate Kizen accepts. 0 fails an item at its first 429.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 30,
		description: 'How long to wait for Kizen to answer one request before trying again',
	},
];

const RECORD_ID_EXAMPLE = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** The record Get, Update, Archive and Unarchive act on: from a list, by ID or by its Kizen URL. */
export const recordLocator: INodeProperties = {
	displayName: 'Record',
	name: 'recordId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The record to act on: pick it from the list (search by name, or email for Contacts), give its ID (as output by Create or Update, Lookup or Search), or paste the address of its page in Kizen',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a record...',
			typeOptions: { searchListMethod: 'searchRecords', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: `e.g. ${RECORD_ID_EXAMPLE}`,
			validation: [
				{
					type: 'regex',
					properties: {
						regex: UUID_REGEX,
						errorMessage: `A record ID is a UUID, e.g. ${RECORD_ID_EXAMPLE}`,
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: `e.g. ${RECORD_URL_EXAMPLE}`,
			extractValue: { type: 'regex', regex: RECORD_URL_REGEX },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: RECORD_URL_REGEX,
						errorMessage: `A Kizen record URL, as the address bar shows it on the record's page, e.g. ${RECORD_URL_EXAMPLE}`,
					},
				},
			],
		},
	],
};

/** Options shared by the operations that write fields. */
export const writeOptions = {
	emptyValues: {
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
	archivedMatch: {
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
			'What to do when no live record has this name or email but an archived one does. Not set: Kizen’s default (fail).',
	},
	multiValueMode: {
		displayName: 'Multi-Value Fields',
		name: 'multiValueMode',
		type: 'options',
		default: 'replace',
		options: [
			{
				name: 'Replace',
				value: 'replace',
				description: 'Set the field to exactly the given values',
			},
			{ name: 'Add', value: 'add', description: 'Add the given values to those already there' },
			{ name: 'Remove', value: 'remove', description: 'Remove the given values from the field' },
		],
		description:
			'How values for multi-value fields (checkboxes, tags, to-many relationships, files) are applied',
	},
	overwriteArchivedIdentifier: {
		displayName: 'Overwrite Archived Identifier on Update',
		name: 'overwriteArchivedIdentifier',
		type: 'boolean',
		default: false,
		description:
			'Whether an update that renames the record (new name or email) may take an identifier an archived record holds. Kizen then changes the archived record’s identifier; otherwise the item fails.',
	},
	returnAllFields: {
		displayName: 'Return All Fields',
		name: 'returnAllFields',
		type: 'boolean',
		default: false,
		description: 'Whether to return every field of the record, not only the fields written',
	},
	dateFormat: {
		displayName: 'Date Format',
		name: 'dateFormat',
		type: 'string',
		default: '',
		placeholder: 'e.g. MM/dd/yyyy',
		description:
			'How dates that are not ISO-8601 are written in the input, in Luxon’s tokens: MM/dd/yyyy (03/31/2026), dd.MM.yyyy (31.03.2026), d MMM yyyy (31 Mar 2026), MM/dd/yyyy HH:mm. ISO dates and timestamps are read as well. Without it, such dates fail the item rather than be guessed. Times without an offset are read in the workflow’s time zone (Settings → Timezone).',
	},
	defaultCountryCode: {
		displayName: 'Default Country Code',
		name: 'defaultCountryCode',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1',
		description:
			'The calling code national phone numbers belong to: 1 turns (312) 555-0100 into +13125550100, 44 turns 020 7946 0958 into +442079460958. Numbers that start with + are sent as given. Without it, numbers without a country code fail the item.',
	},
	unmatchedKeys: {
		displayName: 'Unmatched Input Keys',
		name: 'unmatchedKeys',
		type: 'options',
		default: 'warn',
		options: [
			{
				name: 'Warn',
				value: 'warn',
				description: 'Write the others and list the unmatched keys once in a notice',
			},
			{ name: 'Ignore', value: 'ignore', description: 'Write the others, say nothing' },
			{
				name: 'Fail the Item',
				value: 'fail',
				description: 'Report an error for each item that has such a key',
			},
		],
		description:
			'Map Automatically only: what to do with input keys that name no writable field (no API name or display name fits, or the field is read-only)',
	},
} satisfies Record<string, INodeProperties>;

/** Options of the operations that read records: which fields come back. */
export const readOptions = {
	fieldNames: {
		displayName: 'Fields to Return',
		name: 'fieldNames',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getFieldNames', loadOptionsDependsOn: ['object.value'] },
		default: [],
		description:
			'Which fields to return (the record’s name or email always comes back). Empty: Kizen’s default fields. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	returnAllFields: {
		displayName: 'Return All Fields',
		name: 'returnAllFields',
		type: 'boolean',
		default: false,
		description: 'Whether to return every field of the record; overrides Fields to Return',
	},
} satisfies Record<string, INodeProperties>;

export const outputOption: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	default: 'simplified',
	options: [
		{
			name: 'Simplified',
			value: 'simplified',
			description:
				'ID, action (for writes) and one key per field, by API name, with plain values (option labels, numbers, related record IDs)',
		},
		{ name: 'Raw', value: 'raw', description: 'Kizen’s response exactly as it came' },
	],
	description: 'The shape of each output item',
};

/** Conditions without a value: the Value box is hidden for them. */
const VALUELESS_CONDITIONS = ['is_empty', 'is_not_empty', 'is_checked', 'is_not_checked'];

/**
 * Filters and Combine Filters, as Record → Search and the Kizen Trigger offer them (read by
 * actions/record/searchRequest.ts `searchFilters`).
 */
export const searchFilterParameters: INodeProperties[] = [
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
						displayOptions: { hide: { condition: VALUELESS_CONDITIONS } },
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
];
