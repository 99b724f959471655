import type {
	FieldType,
	ILoadOptionsFunctions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import type { KizenField, ObjectSchema } from '../helpers/interfaces';
import { isWritable, SchemaCache } from '../helpers/schema';
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
	files: 'array',
};

/** The object's writable fields for the Fields mapper, keyed by API name. */
export async function getFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const object = this.getNodeParameter('object', undefined, { extractValue: true }) as string;
	if (!object) return { fields: [] };
	const operation = String(this.getNodeParameter('operation', undefined) ?? 'upsert');
	const client = await KizenClient.create(this);
	const schema = await new SchemaCache(this, client).get(String(object));
	return {
		fields: schema.fields
			.filter(isWritable)
			.map((field) => toMapperField(schema, field, operation)),
	};
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

function toMapperField(
	schema: ObjectSchema,
	field: KizenField,
	operation: string,
): ResourceMapperField {
	const isIdentifier = field.name === schema.identifierFieldName;
	const mapped: ResourceMapperField = {
		id: field.name,
		displayName:
			isIdentifier && operation === 'upsert'
				? `${field.display_name} (optional)`
				: field.display_name,
		required: isRequiredFor(schema, field, operation),
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: mapperType(field),
	};
	if (SINGLE_CHOICE_TYPES.has(field.field_type)) {
		mapped.options = (field.options ?? []).map((option) => ({
			name: option.name,
			value: option.name,
		}));
	}
	return mapped;
}

function mapperType(field: KizenField): FieldType {
	if (SINGLE_CHOICE_TYPES.has(field.field_type)) return 'options';
	if (MULTI_CHOICE_TYPES.has(field.field_type) || isRelationshipMany(field)) return 'array';
	return TYPE_MAP[field.field_type] ?? 'string';
}
