/**
 * Output shapes. Raw is Kizen's response as it came. Simplified is what most workflows want next,
 * flat as n8n's Airtable node gives records, so the Table view shows a column per field and later
 * nodes read `$json.email`: `{id, action, <field API name>: plainValue, ...}`, with option and tag
 * labels instead of option objects, related record ids instead of `{id, name}`, numbers for money
 * and decimals (Kizen sends them as numbers or as strings, sources differ), team members as the
 * person Kizen sends `{id, first_name, last_name, email}`, and a field Kizen summarised (more than
 * 100 values) as `{value_summary: {count}}`, never as a silent null. Shared by every node of the
 * package that outputs records.
 */
import type { IDataObject } from 'n8n-workflow';

import type { KizenField, ObjectSchema } from './interfaces';
import { isRelationshipMany, MULTI_CHOICE_TYPES, SINGLE_CHOICE_TYPES } from './values';

export type OutputShape = 'simplified' | 'raw';

interface ReadFieldValue {
	id?: string;
	name?: string;
	value?: unknown;
	value_summary?: { count?: number };
}

/** Keys Simplified output sets itself; a field with such an API name comes out as `field_<name>`. */
export const RESERVED_OUTPUT_KEYS = ['id', 'action'];

export function simplifyRecord(schema: ObjectSchema, body: IDataObject): IDataObject {
	const values = new Map<string, unknown>();
	const entries = (body.fields ?? {}) as Record<string, ReadFieldValue>;
	for (const [fieldId, entry] of Object.entries(entries)) {
		const field = schema.byId.get(entry?.id ?? fieldId);
		const apiName = field?.name ?? entry?.name ?? fieldId;
		if (entry?.value_summary && !('value' in entry))
			values.set(apiName, { value_summary: entry.value_summary });
		else values.set(apiName, field ? plainValue(field, entry?.value) : entry?.value);
	}
	const simplified: IDataObject = { id: body.id };
	if (body.action !== undefined) simplified.action = body.action;
	const taken = new Set([...RESERVED_OUTPUT_KEYS, ...values.keys()]);
	for (const [apiName, value] of values) {
		let key = apiName;
		if (RESERVED_OUTPUT_KEYS.includes(apiName)) {
			do key = `field_${key}`;
			while (taken.has(key));
			taken.add(key);
		}
		simplified[key] = value as IDataObject[keyof IDataObject];
	}
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
	if (type === 'team_selector') return teamMember(value);
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

/** A team member as Kizen reads it back; a bare employee ID (as written) becomes `{id}`. */
function teamMember(value: unknown): IDataObject {
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const { id, first_name, last_name, email } = value as IDataObject;
		return { id, first_name, last_name, email };
	}
	return { id: String(value) };
}

function idOf(value: unknown): string {
	return value && typeof value === 'object'
		? String((value as IDataObject).id ?? '')
		: String(value);
}

/** Decimals and money amounts come as numbers (recorded) or strings (app-engine docs): numbers out. */
function toNumber(value: unknown): number | string {
	const number = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(number) ? number : String(value);
}
