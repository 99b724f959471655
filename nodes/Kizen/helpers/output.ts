/**
 * Output shapes. Raw is Kizen's response as it came. Simplified is what most workflows want next:
 * `{id, action, object, fields: {apiName: plainValue}}`, with option labels instead of option
 * objects, related record ids instead of `{id, name}`, and numbers instead of money/decimal strings.
 */
import type { IDataObject } from 'n8n-workflow';

import type { KizenField, ObjectSchema } from './interfaces';
import { isRelationshipMany, MULTI_CHOICE_TYPES, SINGLE_CHOICE_TYPES } from './values';

export type OutputShape = 'simplified' | 'raw';

interface ReadFieldValue {
	id?: string;
	name?: string;
	value?: unknown;
}

export function simplifyRecord(schema: ObjectSchema, body: IDataObject): IDataObject {
	const fields: IDataObject = {};
	const entries = (body.fields ?? {}) as Record<string, ReadFieldValue>;
	for (const [fieldId, entry] of Object.entries(entries)) {
		const field = schema.byId.get(entry?.id ?? fieldId);
		const apiName = field?.name ?? entry?.name ?? fieldId;
		fields[apiName] = field ? plainValue(field, entry?.value) : (entry?.value as IDataObject);
	}
	const simplified: IDataObject = { id: body.id };
	if (body.action !== undefined) simplified.action = body.action;
	simplified.object = schema.object.name;
	simplified.fields = fields;
	return simplified;
}

function plainValue(field: KizenField, value: unknown): IDataObject[keyof IDataObject] {
	const type = field.field_type;
	if (value === null || value === undefined) return null;
	if (SINGLE_CHOICE_TYPES.has(type)) return labelOf(value);
	if (MULTI_CHOICE_TYPES.has(type)) return asList(value).map(labelOf);
	if (type === 'relationship') {
		return isRelationshipMany(field) ? asList(value).map(idOf) : idOf(value);
	}
	if (type === 'team_selector') return idOf(value);
	if (type === 'money') return toNumber((value as IDataObject).amount ?? value);
	if (type === 'decimal' || type === 'integer' || type === 'rating') return toNumber(value);
	return value as IDataObject[keyof IDataObject];
}

function asList(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [value];
}

function labelOf(value: unknown): string {
	return value && typeof value === 'object'
		? String((value as IDataObject).name ?? '')
		: String(value);
}

function idOf(value: unknown): string {
	return value && typeof value === 'object'
		? String((value as IDataObject).id ?? '')
		: String(value);
}

/** Kizen sends decimals and money amounts as strings ("12.50"); n8n users want numbers. */
function toNumber(value: unknown): number | string {
	const number = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(number) ? number : String(value);
}
