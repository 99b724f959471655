/**
 * Record → Create: `POST /api/records/{object}/add`. Unlike Create or Update it is **not**
 * idempotent: a repeated request makes a second record, so the transport retries it only when
 * Kizen certainly did not process it (a 429, or a connection that was never made). `/add` takes
 * no query parameters, so Kizen answers the written fields only: a Get after it returns the rest.
 * (A built-in follow-up read was left out on purpose: it could fail after the record was created,
 * and a failed item invites the re-run that duplicates it.)
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

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
import { fieldWritesFor, recordsPath, sendForRecord } from './recordItem';

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
		writeOptions.dateFormat,
		writeOptions.defaultCountryCode,
		writeOptions.unmatchedKeys,
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
	// n8n's Retry On Fail runs the whole node again when an item fails: every record the first run
	// created would be created twice.
	if (this.getNode().retryOnFail) {
		this.addExecutionHints({
			message:
				'Settings → Retry On Fail is on: when an item fails, n8n runs this Create again for every item, and the records already created are created a second time. Turn it off and rely on Options → Max Attempts (it repeats only a request that certainly did not reach Kizen), or use Create or Update, which a re-run cannot duplicate.',
			type: 'warning',
			location: 'outputPane',
		});
	}
	return await runItems.call(this, items, {
		properties,
		rerun: 'duplicates',
		prepare: async (itemIndex, item) => {
			const { client, schema } = item;
			const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
			const fields = await fieldWritesFor.call(this, items, itemIndex, item, options);
			const body: IDataObject = { fields };
			if (options.archivedMatch) body.unarchive = options.archivedMatch;
			const request: KizenRequest = {
				method: 'POST',
				// `/add` declares no query parameters (Kizen's schema snapshot, kizen/builder-cli
				// tests/drift/schema_snapshot.json), so there is no Return All Fields here.
				path: `${recordsPath(schema)}/add`,
				body,
				idempotent: false,
				expect: 'record',
			};
			const context = {
				itemIndex,
				sentFields: fields,
				schema,
				sideEffect: 'created' as const,
				archivedHint: ARCHIVED_MATCH_HINT,
			};
			return sendForRecord.call(this, client, request, context, {
				schema,
				shape: options.output,
				action: 'created',
			});
		},
	});
}
