/** Parameters shared by the Record operations. */
import type { INodeProperties } from 'n8n-workflow';

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
		'The record’s fields. Map Automatically matches input keys to Kizen field API names; Define Below lets you set each field. Read-only and hidden fields are not offered.',
	typeOptions: {
		loadOptionsDependsOn: ['object.value'],
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
			'How many times to try a request in total when Kizen answers 502, 503 or 504, or the connection drops or times out. Waits grow exponentially and honour Retry-After. A 429 (rate limited) does not use up attempts: see Rate Limit Wait.',
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

export const recordIdParameter: INodeProperties = {
	displayName: 'Record ID',
	name: 'recordId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 7c9e6679-7425-40de-944b-e07fc1f90ae7',
	description: 'The record’s ID (a UUID), as output by Create or Update, Lookup or Search',
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
				'ID, action (for writes), object and the fields by API name with plain values (option labels, numbers, related record IDs)',
		},
		{ name: 'Raw', value: 'raw', description: 'Kizen’s response exactly as it came' },
	],
	description: 'The shape of each output item',
};
