import type { INodeProperties } from 'n8n-workflow';

import * as archive from './archive.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as lookup from './lookup.operation';
import * as search from './search.operation';
import * as unarchive from './unarchive.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export { archive, create, get, lookup, search, unarchive, update, upsert };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['record'] } },
		options: [
			{
				name: 'Archive',
				value: 'archive',
				description: 'Archive a record by ID (Kizen keeps it, hidden from search)',
				action: 'Archive a record',
			},
			{
				name: 'Create',
				value: 'create',
				description:
					'Create a new record (never retried once sent: use Create or Update for re-runnable syncs)',
				action: 'Create a record',
			},
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a record',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a record by ID',
				action: 'Get a record',
			},
			{
				name: 'Lookup',
				value: 'lookup',
				description: 'Find a record by its exact name, or email for Contacts (case-sensitive)',
				action: 'Look up a record by name or email',
			},
			{
				name: 'Search',
				value: 'search',
				description: 'Find records by field filters and free text',
				action: 'Search records',
			},
			{
				name: 'Unarchive',
				value: 'unarchive',
				description: 'Restore an archived record by ID',
				action: 'Unarchive a record',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update a record’s fields by ID',
				action: 'Update a record',
			},
		],
		default: 'upsert',
	},
	...archive.description,
	...create.description,
	...upsert.description,
	...get.description,
	...lookup.description,
	...search.description,
	...unarchive.description,
	...update.description,
];
