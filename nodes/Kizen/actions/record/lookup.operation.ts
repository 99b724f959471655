/**
 * Record → Lookup: `GET /api/records/{object}/lookup?identifier=`. Kizen's lookup is exact and
 * case-sensitive (unlike Create or Update's match); a miss is Kizen's 404, which the user may turn
 * into "no output" or an error.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { isSuccess, kizenApiError } from '../../helpers/errors';
import type { OutputShape } from '../../helpers/output';
import { isWebPage } from '../../transport';
import {
	objectLocator,
	outputOption,
	readOptions,
	transportOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { ReadOptions } from './recordItem';
import { fieldSelection, recordOutput, recordsPath } from './recordItem';

const properties: INodeProperties[] = [
	objectLocator,
	{
		displayName: 'Name or Email',
		name: 'identifier',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.email }}',
		description:
			'The email address for Contacts, the record name for other objects. Kizen’s lookup is exact: case-sensitive and untrimmed ("ada@example.com" does not find "Ada@example.com" or " ada@example.com"), unlike Create or Update.',
	},
	{
		displayName: 'If No Record Matches',
		name: 'onNoMatch',
		type: 'options',
		default: 'empty',
		options: [
			{
				name: 'Output Nothing',
				value: 'empty',
				description:
					'No output item for this input (turn on Settings → Always Output Data to get an empty item)',
			},
			{ name: 'Fail', value: 'error', description: 'Report an error for the item' },
		],
	},
	optionsCollection([
		readOptions.fieldNames,
		outputOption,
		readOptions.returnAllFields,
		...transportOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['lookup'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, {
		properties,
		rerun: 'read',
		prepare: async (itemIndex, { client, schema }) => {
			// Kizen's lookup is exact (no trimming, case-sensitive): the identifier goes as given.
			const identifier = String(this.getNodeParameter('identifier', itemIndex, '') ?? '');
			if (!identifier.trim()) {
				throw new NodeOperationError(this.getNode(), 'Name or Email is empty', {
					description:
						'Set Name or Email to the record’s exact name (email for Contacts). Nothing was sent to Kizen for this item.',
					itemIndex,
				});
			}
			const options = this.getNodeParameter('options', itemIndex, {}) as ReadOptions & {
				output?: OutputShape;
			};
			const onNoMatch = this.getNodeParameter('onNoMatch', itemIndex) as 'empty' | 'error';
			return async () => {
				const response = await client.request({
					method: 'GET',
					path: `${recordsPath(schema)}/lookup`,
					qs: { identifier, ...fieldSelection(schema, options) },
					idempotent: true,
					expect: 'record',
				});
				// Kizen's 404 (JSON, not a web page) is "no record has this identifier".
				const noMatch = response.statusCode === 404 && !isWebPage(response.body);
				if (noMatch && onNoMatch === 'empty') return [];
				if (!isSuccess(response)) {
					throw kizenApiError(this.getNode(), response, {
						itemIndex,
						notFound: {
							what: `the ${schema.identifierFieldName === 'email' ? 'email' : 'name'} ${JSON.stringify(identifier)}`,
							hint: 'Kizen’s lookup is exact: case, spaces and punctuation must match (Create or Update’s match ignores case). Use Search to find records by part of a name.',
						},
						timeoutMs: client.settings.timeoutMs,
					});
				}
				return recordOutput(schema, response.body as IDataObject, options.output, itemIndex);
			};
		},
	});
}
