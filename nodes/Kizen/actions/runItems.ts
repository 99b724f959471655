/**
 * The execution loop every Record operation shares, in two phases:
 *  1. prepare: each item's object schema is resolved (the Object may be a per-item expression),
 *     its values validated and converted, its request built, for **every** item before the first
 *     request that writes. So with n8n's default "Stop on error" an invalid item stops the node
 *     before anything is written, and a re-run cannot duplicate half a batch.
 *  2. send: the prepared items go to Kizen with bounded concurrency; output in input order with
 *     `pairedItem`. Stopping on error starts no new request after a failure, lets those in flight
 *     finish, and says how many items were written.
 * One Kizen client, one schema cache and one tag cache serve the whole execution. Whatever fails, each input item
 * ends as its output, its own error item (Continue), or counted in the error that stops the node.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ExecutionHints } from '../helpers/hints';
import type { ObjectSchema } from '../helpers/interfaces';
import { SchemaCache } from '../helpers/schema';
import { TagCache } from '../helpers/tags';
import { KizenClient, RequestNotStarted, requestSettingsFrom, runConcurrently } from '../transport';
import { checkChoices } from './checkChoices';

export interface ItemContext {
	client: KizenClient;
	schema: ObjectSchema;
	/** The execution's schema cache (for the object's built-in fields, read only when a filter needs them). */
	schemas: SchemaCache;
	/** The execution's tag cache: a field's tags are read once, when a value or filter needs them. */
	tags: TagCache;
	/** Notices for the output panel, added once when the items are done (e.g. unmatched keys). */
	hints: ExecutionHints;
}

/** Sends one prepared item and returns its output item(s). */
export type SendItem = () => Promise<INodeExecutionData | INodeExecutionData[]>;

/**
 * Validates and converts one item, before anything is sent, and returns how to send it. Throws
 * (a NodeOperationError naming the item) when the item cannot be sent as it is.
 */
export type PrepareItem = (itemIndex: number, context: ItemContext) => Promise<SendItem>;

/** What a re-run does to items already done: told to the user when the node stops on an error. */
export type Rerun = 'safe' | 'duplicates' | 'read';

export interface Operation {
	/** The operation's parameters: their choices are checked per item before anything is sent. */
	properties: INodeProperties[];
	rerun: Rerun;
	prepare: PrepareItem;
}

type NodeError = NodeApiError | NodeOperationError;

export async function runItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ properties, rerun, prepare }: Operation,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	let client: KizenClient;
	try {
		// Transport options shape the whole batch, not one item: read once.
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		client = await KizenClient.create(this, requestSettingsFrom(options));
	} catch (caught) {
		// Nothing can start (credential or Base URL refused): every item fails, each on its own.
		if (!continueOnFail) throw asNodeError.call(this, caught);
		return items.map((_, itemIndex) =>
			errorItem(asItemError.call(this, caught, itemIndex), itemIndex),
		);
	}
	const schemas = new SchemaCache(this, client);
	const tags = new TagCache(this, client);
	const hints = new ExecutionHints();
	const output: Array<INodeExecutionData[] | undefined> = new Array(items.length);

	// Phase 1: prepare every item.
	const sends: Array<SendItem | undefined> = new Array(items.length);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		// The user stopped the execution: n8n discards the output, so prepare and send nothing more.
		if (client.cancelled()) return [];
		try {
			checkChoices.call(this, itemIndex, properties);
			const object = this.getNodeParameter('object', itemIndex, '', { extractValue: true });
			const schema = await schemas.get(String(object ?? ''), itemIndex);
			sends[itemIndex] = await prepare(itemIndex, { client, schema, schemas, tags, hints });
		} catch (caught) {
			const error = asItemError.call(this, caught, itemIndex);
			if (!continueOnFail) throw withProgress(error, [], items.length, rerun);
			output[itemIndex] = [errorItem(error, itemIndex)];
		}
	}

	// Phase 2: send what was prepared. As many items are under way as the client may ever have
	// requests in flight; the client's gate decides how many really are (adaptive or fixed).
	const done: boolean[] = new Array(items.length).fill(false);
	let firstFailure: { itemIndex: number; error: NodeError } | undefined;
	const workers = client.settings.concurrency.maxConcurrency;
	await runConcurrently(items.length, workers, async (itemIndex) => {
		const send = sends[itemIndex];
		sends[itemIndex] = undefined; // the prepared body is not needed once sent
		if (!send || client.cancelled()) return;
		// Stopping on error: start no new item once one failed; those in flight finish.
		if (firstFailure && !continueOnFail) return;
		try {
			const result = await send();
			output[itemIndex] = Array.isArray(result) ? result : [result];
			done[itemIndex] = true;
		} catch (caught) {
			// Waiting for its first request when the node stopped starting new ones: not sent.
			if (caught instanceof RequestNotStarted) return;
			const error = asItemError.call(this, caught, itemIndex);
			if (continueOnFail) output[itemIndex] = [errorItem(error, itemIndex)];
			else {
				client.stopNewRequests();
				if (!firstFailure || itemIndex < firstFailure.itemIndex)
					firstFailure = { itemIndex, error };
			}
		}
	});
	// Stopped by the user: n8n discards the output and shows the execution as stopped.
	if (client.cancelled()) return [];
	if (firstFailure) throw withProgress(firstFailure.error, done, items.length, rerun);
	const notices = hints.hints();
	if (notices.length) this.addExecutionHints(...notices);
	return output.flatMap((result) => result ?? []);
}

function asNodeError(this: IExecuteFunctions, caught: unknown): NodeError {
	if (caught instanceof NodeApiError || caught instanceof NodeOperationError) return caught;
	return new NodeOperationError(this.getNode(), caught as Error);
}

/**
 * The error as this item's own: it carries the item's `itemIndex`, from which n8n names the item
 * (the editor adds "[item N]" to the node's error), so the message does not repeat it.
 */
function asItemError(this: IExecuteFunctions, caught: unknown, itemIndex: number): NodeError {
	const error = caught as NodeError & { description?: string | null; context?: IDataObject };
	const named =
		(error instanceof NodeApiError || error instanceof NodeOperationError) &&
		error.context?.itemIndex === itemIndex;
	if (named) return error;
	const message = error?.message ?? String(caught);
	const description = error?.description ?? undefined;
	if (error instanceof NodeApiError) {
		const copy = new NodeApiError(this.getNode(), {} as never, {
			message,
			description,
			httpCode: error.httpCode ?? undefined,
			itemIndex,
		});
		copy.message = message;
		return copy;
	}
	return new NodeOperationError(this.getNode(), message, { description, itemIndex });
}

/**
 * The error that stops the node, with what happened to the rest of the batch: how many items
 * were done before it (their output is lost with the stop, their writes are not) and what
 * running the node again does to them.
 */
function withProgress(error: NodeError, done: boolean[], total: number, rerun: Rerun): NodeError {
	const doneIndexes = done.flatMap((isDone, index) => (isDone ? [index] : []));
	const verb = rerun === 'read' ? 'were read' : 'were written to Kizen';
	const which = doneIndexes.length ? ` (items ${ranges(doneIndexes)})` : '';
	const again =
		rerun === 'duplicates'
			? ' Running Create again would duplicate those: remove them from the input first, or use Create or Update.'
			: rerun === 'safe' && doneIndexes.length
				? ' Running the node again is safe: Kizen matches the written records, so nothing is duplicated.'
				: '';
	const progress = `The node stopped at this error: ${doneIndexes.length} of ${total} items ${verb} before it${which}; the others were not sent.${again}`;
	error.description = [error.description, progress].filter(Boolean).join('\n');
	return error;
}

/** `0–36, 38, 40–45` (at most 10 ranges, then "…"). */
function ranges(indexes: number[]): string {
	const parts: string[] = [];
	for (let start = 0; start < indexes.length; ) {
		let end = start;
		while (end + 1 < indexes.length && indexes[end + 1] === indexes[end] + 1) end++;
		parts.push(end > start ? `${indexes[start]}–${indexes[end]}` : `${indexes[start]}`);
		start = end + 1;
	}
	return parts.length > 10 ? `${parts.slice(0, 10).join(', ')}, …` : parts.join(', ');
}

/**
 * An error item in n8n's Airtable V2 shape, `{message, error}` and no item-level `error`: n8n
 * routes it to the error output when the node has one and there merges the failed input row into
 * it, so the branch can fix and replay the row (an item-level `error` would make n8n replace the
 * json with `{error: message}`). `error` is what to do about it, with Kizen's request ID.
 */
function errorItem(error: NodeError, itemIndex: number): INodeExecutionData {
	const advice = error.description || error.message;
	return { json: { message: error.message, error: advice }, pairedItem: { item: itemIndex } };
}
