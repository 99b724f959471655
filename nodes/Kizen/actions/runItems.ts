/**
 * The execution loop every Record operation shares: one Kizen client and one schema cache per
 * execution, each item's object schema resolved for it (the Object may be a per-item expression),
 * items sent with bounded concurrency, output in input order with `pairedItem`, and n8n's error
 * handling (Continue On Fail, the error output, or stop at the first failed item).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ObjectSchema } from '../helpers/interfaces';
import { SchemaCache } from '../helpers/schema';
import { KizenClient, requestSettingsFrom, runConcurrently } from '../transport';

export type ItemWork = (
	itemIndex: number,
	client: KizenClient,
	schema: ObjectSchema,
) => Promise<INodeExecutionData | INodeExecutionData[]>;

export async function runItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	work: ItemWork,
): Promise<INodeExecutionData[]> {
	// Transport options are read once: they shape the whole batch, not one item.
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const { concurrency, ...settings } = requestSettingsFrom(options);
	const client = await KizenClient.create(this, settings);
	const schemas = new SchemaCache(this, client);
	const continueOnFail = this.continueOnFail();
	let firstFailure: { itemIndex: number; error: Error } | undefined;

	const results = await runConcurrently(items.length, concurrency, async (itemIndex) => {
		// Stopping on error: start no new item once one failed; those in flight finish.
		if (firstFailure && !continueOnFail) return [];
		// The user stopped the execution: n8n discards the output, so send nothing more.
		if (client.cancelled()) return [];
		try {
			const object = this.getNodeParameter('object', itemIndex, '', { extractValue: true });
			const schema = await schemas.get(String(object ?? ''), itemIndex);
			const output = await work(itemIndex, client, schema);
			return Array.isArray(output) ? output : [output];
		} catch (caught) {
			const error = asNodeError.call(this, caught, itemIndex);
			if (continueOnFail) return [errorItem(error, itemIndex)];
			if (!firstFailure || itemIndex < firstFailure.itemIndex) firstFailure = { itemIndex, error };
			return [];
		}
	});
	if (firstFailure) throw firstFailure.error;
	return results.flat();
}

function asNodeError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}

/**
 * An error item: routed to the error output when the node uses one, else kept in place. n8n
 * rewrites its json to `{error: message}`; the hint and Kizen's request ID stay on `error`.
 */
function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
): INodeExecutionData {
	return { json: { error: error.message }, error, pairedItem: { item: itemIndex } };
}
