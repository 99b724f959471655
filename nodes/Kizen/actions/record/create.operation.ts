/**
 * Record → Create: `POST /api/records/{object}/add`. Unlike Create or Update it is **not**
 * idempotent: a repeated request makes a second record, so the transport retries it only when
 * Kizen certainly did not process it (a 429, or a connection that was never made).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ErrorContext } from '../../helpers/errors';
import { ARCHIVED_MATCH_HINT } from '../../helpers/errors';
import type { KizenRequest } from '../../transport';
import {
	fieldsMapper,
	objectLocator,
	outputOption,
	transportOptions,
	writeOptions,
	optionsCollection,
} from '../common.descriptions';
import { runItems } from '../runItems';
import type { WriteOptions } from './recordItem';
import { fieldWritesFor, recordOutput, recordsPath, requestOrThrow } from './recordItem';

const NOT_RETRIED =
	' Create is never repeated once the request may have reached Kizen (a repeat would create a duplicate); use Create or Update for runs you may need to repeat.';

const properties: INodeProperties[] = [
	objectLocator,
	{
		...fieldsMapper,
		description: `${fieldsMapper.description} Include the record’s name (email for Contacts).`,
	},
	optionsCollection([
		writeOptions.emptyValues,
		writeOptions.archivedMatch,
		outputOption,
		writeOptions.returnAllFields,
		// Max Attempts says plainly that Create is the exception to retrying.
		...transportOptions.map((option) =>
			option.name === 'maxAttempts'
				? { ...option, description: `${option.description}${NOT_RETRIED}` }
				: option,
		),
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['record'], operation: ['create'] } },
	properties,
);

interface CreateOptions extends WriteOptions {
	archivedMatch?: 'prompt' | 'unarchive' | 'overwrite';
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runItems.call(this, items, {
		properties,
		rerun: 'duplicates',
		prepare: async (itemIndex, { client, schema }) => {
			const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
			const context: ErrorContext = { itemIndex };
			const fields = fieldWritesFor.call(this, items, itemIndex, schema, options, context);
			// The new record is known to the user by its name (email for Contacts).
			const identifierId = schema.byApiName.get(schema.identifierFieldName)?.id;
			const identifier = fields.find((write) => write.id === identifierId)?.value;
			if (typeof identifier === 'string') context.itemLabel = identifier;
			const body: IDataObject = { fields };
			if (options.archivedMatch) body.unarchive = options.archivedMatch;
			const request: KizenRequest = {
				method: 'POST',
				path: `${recordsPath(schema)}/add`,
				qs: options.returnAllFields ? { return_all_fields: true } : undefined,
				body,
				idempotent: false,
				expect: 'record',
			};
			return async () => {
				const record = await requestOrThrow.call(this, client, request, {
					...context,
					sentFields: fields,
					schema,
					sideEffect: 'created',
					archivedHint: ARCHIVED_MATCH_HINT,
				});
				return recordOutput(schema, record, options.output, itemIndex);
			};
		},
	});
}
