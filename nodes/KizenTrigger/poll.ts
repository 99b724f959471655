/**
 * One poll of the Kizen Trigger: the parameters read and checked, the search built as Record →
 * Search builds it (searchRequest.ts), then either the newest matching record (Fetch Test Event) or
 * the changes since the saved position (changes.ts). The position is written to the static data only
 * after every page was read, so a failed poll leaves it where it was and the next poll reads the same
 * changes again.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FilterCondition, SearchSetup } from '../Kizen/actions/record/searchRequest';
import {
	fieldNamesToReturn,
	MAX_PAGE_SIZE,
	requestSearchPage,
	searchFilters,
} from '../Kizen/actions/record/searchRequest';
import type { ReadOptions } from '../Kizen/actions/record/recordItem';
import {
	changedSinceFilter,
	searchBody,
	searchOrdering,
	withFilter,
} from '../Kizen/helpers/filters';
import type { KizenField, ObjectSchema } from '../Kizen/helpers/interfaces';
import type { OutputShape } from '../Kizen/helpers/output';
import { simplifyRecord } from '../Kizen/helpers/output';
import { SchemaCache } from '../Kizen/helpers/schema';
import { TagCache } from '../Kizen/helpers/tags';
import { KizenClient } from '../Kizen/transport';
import type { Change, ChangeEvent, ChangeField, ChangeSource } from './changes';
import { isPosition, latestSample, readChanges, startingPosition, timeKey } from './changes';

/** The Event parameter's values. */
export const EVENTS = ['created', 'updated', 'createdOrUpdated'] as const;
export type TriggerEvent = (typeof EVENTS)[number];

/** How many of the newest records the first activation and Fetch Test Event read. */
const NEWEST_SAMPLE = 100;

interface TriggerOptions extends ReadOptions {
	output?: OutputShape;
}

export async function pollKizen(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const node = this.getNode();
	const event = this.getNodeParameter('event', 'created') as TriggerEvent;
	if (!EVENTS.includes(event)) {
		throw new NodeOperationError(
			node,
			`Event ${JSON.stringify(event)} is not one the trigger offers`,
			{
				description: 'Choose Record Created, Record Updated or Record Created or Updated.',
			},
		);
	}
	const field: ChangeField = event === 'created' ? 'created' : 'updated';
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const conditions = this.getNodeParameter('filters.conditions', []) as FilterCondition[];
	const combine = this.getNodeParameter('combine', 'and') as 'and' | 'or';
	const object = this.getNodeParameter('object', '', { extractValue: true });

	// A refused credential or an unreadable object fails the poll here, before any search.
	const client = await KizenClient.create(this);
	const schemas = new SchemaCache(this, client);
	const schema = await schemas.get(String(object ?? ''));
	const setup: SearchSetup = {
		node,
		schema,
		schemas,
		tags: new TagCache(this, client),
		timeZone: this.getTimezone(),
	};
	const body = searchBody(await searchFilters(setup, conditions), combine);
	const fieldNames = fieldNamesToReturn(node, schema, options, undefined, ['created', 'updated']);
	if (fieldNames) body.field_names = fieldNames;
	const source = changeSource(this, client, schema, body, field);
	const output = (change: Change) => outputItem(schema, change, options.output);

	if (this.getMode() === 'manual') {
		// Fetch Test Event: the newest matching record; the saved position is not touched.
		const { results } = await requestSearchPage(node, client, schema, body, {
			ordering: searchOrdering(field, 'desc'),
			page: 1,
			page_size: NEWEST_SAMPLE,
		});
		const sample = latestSample(
			source,
			field,
			results,
			event === 'createdOrUpdated' ? 'any' : event,
		);
		return sample ? [[output(sample)]] : null;
	}

	const staticData = this.getWorkflowStaticData('node');
	if (!isPosition(staticData.position, schema.object.id, field)) {
		// The first activation (or another object or event): start from Kizen's newest record.
		const { results, more } = await requestSearchPage(
			node,
			client,
			schema,
			{ and: true, query: [], field_names: [schema.identifierFieldName, field] },
			{ ordering: searchOrdering(field, 'desc'), page: 1, page_size: NEWEST_SAMPLE },
		);
		staticData.position = startingPosition(
			node,
			source,
			schema.object.id,
			field,
			results,
			more,
			new Date(),
		) as unknown as IDataObject;
		return null;
	}
	const { changes, next } = await readChanges(node, staticData.position, source);
	staticData.position = next as unknown as IDataObject;
	const wanted = changes.filter((change) => event === 'createdOrUpdated' || change.event === event);
	return wanted.length ? [wanted.map(output)] : null;
}

/** The searches a poll sends: the user's filters and `field >= from`, oldest first. */
function changeSource(
	ctx: IPollFunctions,
	client: KizenClient,
	schema: ObjectSchema,
	body: IDataObject,
	field: ChangeField,
): ChangeSource {
	const node = ctx.getNode();
	const timeFields = {
		created: builtInTimeField(ctx, schema, 'created'),
		updated: builtInTimeField(ctx, schema, 'updated'),
	};
	return {
		page: async (from, page) =>
			await requestSearchPage(
				node,
				client,
				schema,
				withFilter(body, changedSinceFilter(field, from)),
				{
					ordering: searchOrdering(field, 'asc'),
					page,
					page_size: MAX_PAGE_SIZE,
				},
			),
		time: (record, which) => timeKey(fieldValue(record, timeFields[which])),
	};
}

function builtInTimeField(
	ctx: IPollFunctions,
	schema: ObjectSchema,
	name: ChangeField,
): KizenField {
	const field = schema.byApiName.get(name);
	if (field) return field;
	throw new NodeOperationError(
		ctx.getNode(),
		`"${schema.object.name}" has no built-in "${name}" field, so the trigger cannot tell what changed`,
		{
			description:
				'Kizen gives every object "created" and "updated"; check that this user can see them.',
		},
	);
}

/** A field's value in a record as Kizen reads it (`fields` keyed by field ID; by name as a fallback). */
function fieldValue(record: IDataObject, field: KizenField): unknown {
	const entries = (record.fields ?? {}) as Record<string, { name?: string; value?: unknown }>;
	const entry =
		entries[field.id] ?? Object.values(entries).find((candidate) => candidate?.name === field.name);
	return entry?.value;
}

/** The record as the chosen Output shows it, with the event that fired: `{id, event, ...}`. */
function outputItem(
	schema: ObjectSchema,
	{ record, event }: Change,
	shape?: OutputShape,
): INodeExecutionData {
	const { id, ...rest } = shape === 'raw' ? record : simplifyRecord(schema, record);
	const json: IDataObject = { id, event: event satisfies ChangeEvent, ...rest };
	return { json };
}
