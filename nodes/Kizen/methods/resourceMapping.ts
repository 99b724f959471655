import type {
	FieldType,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import type { KizenField, ObjectSchema } from '../helpers/interfaces';
import { isWritable, SchemaCache } from '../helpers/schema';
import { TagCache } from '../helpers/tags';
import { isRelationshipMany, MULTI_CHOICE_TYPES, SINGLE_CHOICE_TYPES } from '../helpers/values';
import { KizenClient } from '../transport';

/** Kizen field types → n8n mapper types (the value-conversion module does the real conversion). */
const TYPE_MAP: Record<string, FieldType> = {
	integer: 'number',
	decimal: 'number',
	money: 'number',
	rating: 'number',
	checkbox: 'boolean',
	date: 'dateTime',
	datetime: 'dateTime',
};

/**
 * The object's writable fields for the Fields mapper, keyed by API name and labelled
 * `Display Name (api_name)`, so a user sees the names Map Automatically matches: the visible ones
 * first, then those Kizen hides in its UI (still writable: hidden is a display flag), marked as such.
 * Choice, time zone and tag fields offer their choices (a field's tags come from its tag endpoint);
 * files and to-many relationships take comma-separated IDs as text. Required marks follow the
 * operation (the mapper reloads when it changes: `loadOptionsDependsOn`).
 */
export async function getFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const object = this.getNodeParameter('object', undefined, { extractValue: true }) as string;
	if (!object) return { fields: [] };
	const operation = String(this.getNodeParameter('operation', undefined) ?? 'upsert');
	const client = await KizenClient.create(this);
	const schema = await new SchemaCache(this, client).get(String(object));
	const tags = new TagCache(this, client);
	const writable = schema.fields.filter(isWritable);
	const ordered = [...writable.filter((f) => !f.is_hidden), ...writable.filter((f) => f.is_hidden)];
	const fields: ResourceMapperField[] = [];
	for (const field of ordered) {
		const choices =
			field.field_type === 'dynamictags' ? await tagChoices(tags, schema, field) : optionsOf(field);
		fields.push(toMapperField(schema, field, operation, choices));
	}
	return { fields };
}

/**
 * A tag field's tags as choices. A user who may write the field but not read its tag list still
 * gets the field (typed by name or ID) rather than no field list at all.
 */
async function tagChoices(
	tags: TagCache,
	schema: ObjectSchema,
	field: KizenField,
): Promise<INodePropertyOptions[] | undefined> {
	try {
		return (await tags.get(schema, field)).map((tag) => ({ name: tag.name, value: tag.name }));
	} catch {
		return undefined;
	}
}

/**
 * Required marks follow what Kizen demands of each operation: Create needs the required fields and
 * the name (email for Contacts); Create or Update takes the name from Lookup Value; Update needs none.
 */
function isRequiredFor(schema: ObjectSchema, field: KizenField, operation: string): boolean {
	const isIdentifier = field.name === schema.identifierFieldName;
	if (operation === 'update') return false;
	if (operation === 'create') return isIdentifier || Boolean(field.is_required);
	return Boolean(field.is_required) && !isIdentifier;
}

/** Choice options by label; time zones by label with the zone ID as value (what Kizen stores). */
function optionsOf(field: KizenField): INodePropertyOptions[] | undefined {
	const options = field.options ?? [];
	if (field.field_type === 'timezone') return options.map((o) => ({ name: o.name, value: o.id }));
	if (SINGLE_CHOICE_TYPES.has(field.field_type) || MULTI_CHOICE_TYPES.has(field.field_type)) {
		return options.map((o) => ({ name: o.name, value: o.name }));
	}
	return undefined;
}

function toMapperField(
	schema: ObjectSchema,
	field: KizenField,
	operation: string,
	choices: INodePropertyOptions[] | undefined,
): ResourceMapperField {
	const isIdentifier = field.name === schema.identifierFieldName;
	let displayName = `${field.display_name} (${field.name})`;
	// Create or Update finds the record by Lookup Value; a value here gives it a new name or email.
	if (isIdentifier && operation === 'upsert') displayName += ', renames the matched record';
	if (isListOfIds(field)) displayName += ', comma-separated IDs';
	if (field.is_hidden) displayName += ' (hidden in Kizen)';
	const mapped: ResourceMapperField = {
		id: field.name,
		displayName,
		required: isRequiredFor(schema, field, operation),
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: choices ? 'options' : mapperType(field),
	};
	// Multi-value fields offer their choices one at a time (n8n 2.8's mapper has no multi-select):
	// several values take an expression, e.g. {{ ["VIP", "Partner"] }} or "VIP, Partner".
	if (choices) mapped.options = choices;
	return mapped;
}

function mapperType(field: KizenField): FieldType {
	return TYPE_MAP[field.field_type] ?? 'string';
}

/** Fields whose several values are typed as IDs (files, to-many relationships): text, not a JSON editor. */
function isListOfIds(field: KizenField): boolean {
	return field.field_type === 'files' || isRelationshipMany(field);
}
