/** Parameters shared by the Record operations. */
import type { INodeProperties } from 'n8n-workflow';

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
						errorMessage: 'An API name has only letters, digits and underscores, e.g. client_client',
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
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 5,
		description:
			'How many times to try a request in total when Kizen answers 429 (rate limited), 502, 503 or 504, or the connection drops or times out. Waits grow exponentially and honour Retry-After.',
	},
	{
		displayName: 'Max Concurrent Requests',
		name: 'maxConcurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 8,
		description:
			'How many items are sent to Kizen at the same time. 1 sends them one after another. Output order always follows input order.',
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
				'ID, action, object and the fields by API name with plain values (option labels, numbers, related record IDs)',
		},
		{ name: 'Raw', value: 'raw', description: 'Kizen’s response exactly as it came' },
	],
	description: 'The shape of each output item',
};
