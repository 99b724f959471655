/**
 * The one place that builds Kizen search filters, shared by the Search operation and the polling
 * trigger. Payloads are exactly what Kizen's web app sends, as Kizen's CLI recorded them
 * (kizen/builder-cli @ 8caec48b: src/kizen_builder/docs/filters.md, src/kizen_builder/filtering.py,
 * tests/test_ui_filter_parity.py, tests/test_contact_filter_parity.py):
 *  - a built-in field: `{type: "fields", subtype: "non_custom", field: <api name>, condition, value}`;
 *  - a custom field: `{type: "fields_v2", subtype: "custom", field: "\"custom\"::<field id>", ...}`;
 *  - a pipeline's stage: `{type: "fields_v2", subtype: "non_custom", field: "stage", overwrite: {type: "stage"}, ...}`;
 *  - the body: `{and, query: [{and, filters}]}`, where a group's `and` is AND (true) / OR (false)
 *    among its filters.
 * Which fields are built-in comes from the object's settings-search field list (SchemaCache), not
 * from `/fields`. Only the conditions Kizen's UI offers for a field's type are offered, and any
 * other combination (e.g. given by an expression) is refused before a request is sent.
 */
import type { IDataObject } from 'n8n-workflow';

import type { KizenField, ObjectSchema } from './interfaces';
import { CONTACTS_OBJECT } from './interfaces';
import type { ValueContext } from './values';
import { convertValue, listParts, MULTI_CHOICE_TYPES, SINGLE_CHOICE_TYPES } from './values';

/** How a condition's value is read and sent. */
type ValueKind = 'none' | 'text' | 'one' | 'list' | 'number' | 'count' | 'date' | 'range' | 'month';

interface ConditionSpec {
	label: string;
	/** Kizen's condition token. */
	wire: string;
	/** For conditions without a value: what Kizen receives as `value`. */
	fixedValue?: boolean;
}

/**
 * The node's condition keys (n8n option values must not start with "=", so Kizen's tokens are not
 * used directly) and Kizen's token for each.
 */
export const CONDITIONS = {
	equals: { label: 'Equals', wire: '=' },
	not_equals: { label: 'Not Equals', wire: '!=' },
	gt: { label: 'Greater Than', wire: '>' },
	gte: { label: 'Greater Than or Equal', wire: '>=' },
	lt: { label: 'Less Than', wire: '<' },
	lte: { label: 'Less Than or Equal', wire: '<=' },
	between: { label: 'Between', wire: 'between' },
	month_equals: { label: 'Month Is', wire: 'month_equals' },
	contains: { label: 'Contains', wire: 'contains' },
	not_contains: { label: 'Does Not Contain', wire: '!contains' },
	starts_with: { label: 'Starts With', wire: 'starts_with' },
	ends_with: { label: 'Ends With', wire: 'ends_with' },
	not_starts_with: { label: 'Does Not Start With', wire: '!starts_with' },
	not_ends_with: { label: 'Does Not End With', wire: '!ends_with' },
	is_any_of: { label: 'Is Any Of', wire: 'is_any_of' },
	is_none_of: { label: 'Is None Of', wire: 'is_none_of' },
	has: { label: 'Has', wire: 'has' },
	has_not: { label: 'Does Not Have', wire: '!has' },
	has_any_of: { label: 'Has Any Of', wire: 'has_any' },
	has_none_of: { label: 'Has None Of', wire: '!has_any' },
	is_checked: { label: 'Is Checked', wire: '=', fixedValue: true },
	is_not_checked: { label: 'Is Not Checked', wire: '=', fixedValue: false },
	is_empty: { label: 'Is Empty', wire: 'is_blank', fixedValue: true },
	is_not_empty: { label: 'Is Not Empty', wire: 'is_blank', fixedValue: false },
} satisfies Record<string, ConditionSpec>;

export type ConditionKey = keyof typeof CONDITIONS;

const EMPTY: ConditionKey[] = ['is_empty', 'is_not_empty'];
const COMPARE: ConditionKey[] = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte'];
const TEXT: ConditionKey[] = [
	'equals',
	'not_equals',
	'contains',
	'not_contains',
	'starts_with',
	'ends_with',
	'not_starts_with',
	'not_ends_with',
	...EMPTY,
];
const SINGLE: ConditionKey[] = ['equals', 'not_equals', 'is_any_of', 'is_none_of', ...EMPTY];
const DATE: ConditionKey[] = [...COMPARE, 'between', 'month_equals', ...EMPTY];

/** What Kizen's UI offers per field type (filtering.py `_UI_SUPPORTED_CONDITIONS`). */
const CONDITIONS_BY_TYPE: Record<string, ConditionKey[]> = {
	text: TEXT,
	email: TEXT,
	longtext: EMPTY,
	wysiwyg: EMPTY,
	phonenumber: ['equals', 'contains', ...EMPTY],
	checkbox: ['is_checked', 'is_not_checked'],
	checkboxes: ['has', 'has_not', 'has_any_of', 'has_none_of', ...EMPTY],
	dynamictags: ['has', 'has_not', 'has_any_of', 'has_none_of', ...EMPTY],
	timezone: ['equals', 'not_equals', ...EMPTY],
	rating: [...COMPARE, 'is_any_of', 'is_none_of', ...EMPTY],
	integer: [...COMPARE, 'between', ...EMPTY],
	decimal: [...COMPARE, 'between', ...EMPTY],
	money: [...COMPARE, 'between', ...EMPTY],
	files: ['gt', 'gte', 'lt', ...EMPTY],
	date: DATE,
	datetime: DATE,
	team_selector: SINGLE,
	relationship: ['contains', 'not_contains', 'is_any_of', 'is_none_of', ...EMPTY],
};
for (const type of SINGLE_CHOICE_TYPES) CONDITIONS_BY_TYPE[type] = SINGLE;

/** Built-in fields whose UI list is narrower (`_DEFAULT_FIELD_CONDITION_OVERRIDES`, `_STAGE_CONDITIONS`). */
const BUILT_IN_CONDITIONS: Record<string, ConditionKey[]> = {
	created: DATE.filter((key) => !EMPTY.includes(key)),
	updated: DATE.filter((key) => !EMPTY.includes(key)),
	owner: SINGLE.filter((key) => !EMPTY.includes(key)),
	email_status: SINGLE.filter((key) => !EMPTY.includes(key)),
	stage: ['equals', 'not_equals', 'is_any_of', 'is_none_of'],
};

/** Date comparisons read better as before / after. */
const DATE_LABELS: Partial<Record<ConditionKey, string>> = {
	gt: 'Is After',
	gte: 'Is On or After',
	lt: 'Is Before',
	lte: 'Is On or Before',
};

/** What the filter builder needs besides the schema: which fields are built-in, and tags. */
export interface FilterContext extends ValueContext {
	schema: ObjectSchema;
	builtInIds: Set<string>;
}

/** The condition keys Kizen accepts for `field`, in the order its UI lists them. */
export function conditionsFor(field: KizenField, builtInIds: Set<string>): ConditionKey[] {
	if (builtInIds.has(field.id) && BUILT_IN_CONDITIONS[field.name])
		return BUILT_IN_CONDITIONS[field.name];
	return CONDITIONS_BY_TYPE[field.field_type] ?? [];
}

export function conditionLabel(field: KizenField, key: ConditionKey): string {
	const dates = field.field_type === 'date' || field.field_type === 'datetime';
	return (dates && DATE_LABELS[key]) || CONDITIONS[key].label;
}

export type FilterResult = { filter: IDataObject; problem?: undefined } | { problem: string };

/** One filter in Kizen's recorded shape, or what is wrong with the combination or the value. */
export function buildFilter(
	context: FilterContext,
	field: KizenField,
	conditionKey: string,
	rawValue: unknown,
): FilterResult {
	const offered = conditionsFor(field, context.builtInIds);
	const key = conditionKey as ConditionKey;
	if (!offered.includes(key)) {
		const choices = offered.map((k) => `${conditionLabel(field, k)} (${k})`).join(', ');
		return {
			problem: `the condition "${conditionKey}" is not available for a ${field.field_type} field; Kizen accepts ${choices || 'no condition for it'}`,
		};
	}
	const spec: ConditionSpec = CONDITIONS[key];
	const value = spec.fixedValue ?? filterValue(context, field, key, rawValue);
	if (value && typeof value === 'object' && 'problem' in value)
		return { problem: String(value.problem) };
	return {
		filter: {
			...fieldReference(context, field),
			condition: spec.wire,
			value: value as IDataObject['value'],
		},
	};
}

/** The search body for filters that must all match (`and`) or of which any may match (`or`). */
export function searchBody(filters: IDataObject[], combine: 'and' | 'or'): IDataObject {
	const and = combine === 'and';
	return { and, query: filters.length ? [{ and, filters }] : [] };
}

/**
 * Kizen's `ordering` query parameter: the field's API name for oldest / smallest first, with `-`
 * before it for newest / largest first.
 *
 * ASSUMPTION [I] (KIZEN-API.md: the syntax of `ordering` is not documented, `-field` is a guess): this
 * is the one place the node relies on it. Search's Sort By uses it, and the Kizen Trigger pages
 * through changes with `ordering=updated` (or `created`), trusting Kizen to return them oldest first
 * and records with the same time in the same order on every page; it checks each full page and
 * fails the poll rather than skip a change when they are not. `npm run probe` checks both
 * directions on a tenant (`ordering-asc`, `ordering-desc`).
 */
export function searchOrdering(field: string, direction: 'asc' | 'desc'): string {
	return direction === 'desc' ? `-${field}` : field;
}

/**
 * Records changed (`updated`) or created (`created`) at or after `since`, for the polling trigger:
 * the filter Kizen's UI sends on these built-in date-time fields (test_ui_filter_parity.py
 * `test_default_datetime_fields`), with the UI's timestamp form (UTC, milliseconds). Kizen stamps
 * them with microseconds, so the filter takes the whole millisecond (`>=` its start): a record
 * stamped in the same millisecond as the last one seen is read again, and the trigger tells it
 * apart by its ID and time (`npm run probe` checks that the boundary is included: `updated-boundary`).
 */
export function changedSinceFilter(field: 'updated' | 'created', since: Date): IDataObject {
	return {
		type: 'fields',
		subtype: 'non_custom',
		field,
		condition: '>=',
		value: since.toISOString(),
	};
}

/** `body` (a search body) narrowed to the records `filter` also matches: one more group, ANDed. */
export function withFilter(body: IDataObject, filter: IDataObject): IDataObject {
	const groups = Array.isArray(body.query) ? (body.query as IDataObject[]) : [];
	return { ...body, and: true, query: [{ and: true, filters: [filter] }, ...groups] };
}

function fieldReference(context: FilterContext, field: KizenField): IDataObject {
	if (!context.builtInIds.has(field.id)) {
		return { type: 'fields_v2', subtype: 'custom', field: `"custom"::${field.id}` };
	}
	if (field.name === 'stage') {
		return {
			type: 'fields_v2',
			subtype: 'non_custom',
			field: 'stage',
			overwrite: { type: 'stage' },
		};
	}
	return { type: 'fields', subtype: 'non_custom', field: field.name };
}

function valueKind(field: KizenField, key: ConditionKey): ValueKind {
	const type = field.field_type;
	if (CONDITIONS[key] && 'fixedValue' in CONDITIONS[key]) return 'none';
	if (key === 'between') return 'range';
	if (key === 'month_equals') return 'month';
	if (type === 'files') return 'count';
	if (['is_any_of', 'is_none_of', 'has', 'has_not', 'has_any_of', 'has_none_of'].includes(key))
		return 'list';
	if (type === 'relationship') return 'list';
	if (['integer', 'decimal', 'money'].includes(type)) return 'number';
	if (type === 'date' || type === 'datetime') return 'date';
	if (['text', 'email', 'phonenumber'].includes(type)) return 'text';
	return 'one';
}

type Converted = unknown | { problem: string };

function filterValue(
	context: FilterContext,
	field: KizenField,
	key: ConditionKey,
	raw: unknown,
): Converted {
	const kind = valueKind(field, key);
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
		return { problem: 'expected a value to compare with (only Is Empty / Is Not Empty need none)' };
	}
	switch (kind) {
		case 'text':
			// A fragment is fine ("Contains"): no format check, as Kizen's UI sends what was typed.
			return typeof raw === 'object' ? { problem: 'expected text' } : String(raw);
		case 'count': {
			const count = Number(raw);
			return Number.isInteger(count) && count >= 0
				? count
				: { problem: 'expected a number of files, e.g. 1' };
		}
		case 'month': {
			const month = Number(raw);
			return Number.isInteger(month) && month >= 1 && month <= 12
				? month
				: { problem: 'expected a month number, 1 (January) to 12' };
		}
		case 'range': {
			const parts = listParts(raw);
			if (parts.length !== 2)
				return {
					problem: 'expected two values, from and to, e.g. 10, 20 or 2026-01-01, 2026-01-31',
				};
			const bounds = parts.map((part) => one(context, field, part));
			const bad = bounds.find(isProblem);
			return bad ?? bounds;
		}
		case 'list': {
			const values = many(context, field, raw);
			return isProblem(values)
				? values
				: (values as unknown[]).length
					? values
					: { problem: 'expected at least one value' };
		}
		default:
			return one(context, field, raw);
	}
}

const isProblem = (value: unknown): value is { problem: string } =>
	Boolean(value) &&
	typeof value === 'object' &&
	!Array.isArray(value) &&
	'problem' in (value as object);

/** One value, converted as a write would be, then in the form filters take. */
function one(context: FilterContext, field: KizenField, raw: unknown): Converted {
	const converted = convertValue(field, raw, context);
	if (converted.problem !== undefined) return { problem: converted.problem };
	const [value] = asIds(converted.value);
	return filterForm(context, field, value);
}

/** A list of values (an array or a comma-separated string). */
function many(context: FilterContext, field: KizenField, raw: unknown): Converted {
	// Multi-choice conversion splits lists itself (and keeps a label that contains a comma whole).
	const parts = MULTI_CHOICE_TYPES.has(field.field_type) ? [raw] : listParts(raw);
	const values: unknown[] = [];
	for (const part of parts) {
		const converted = convertValue(field, part, context);
		if (converted.problem !== undefined) return { problem: converted.problem };
		for (const value of asIds(converted.value)) {
			const form = filterForm(context, field, value);
			if (isProblem(form)) return form;
			values.push(form);
		}
	}
	return values;
}

/** Writes send options as `{id}` and relations as `{id}`; filters send the bare ids. */
function asIds(value: unknown): unknown[] {
	const list = Array.isArray(value) ? value : [value];
	return list.map((entry) =>
		entry && typeof entry === 'object' && !Array.isArray(entry) ? (entry as IDataObject).id : entry,
	);
}

/** Type-specific filter forms on top of the write form (recorded UI payloads). */
function filterForm(context: FilterContext, field: KizenField, value: unknown): Converted {
	// Rating values are the numbers as strings (test_rating_field_conditions).
	if (field.field_type === 'rating') return String(value);
	// Contacts' built-in email_status filters by the slug of the option's name, not its id
	// (test_contact_filter_parity.py test_email_status_field).
	if (
		field.name === 'email_status' &&
		context.schema.object.name === CONTACTS_OBJECT &&
		context.builtInIds.has(field.id)
	) {
		const option = (field.options ?? []).find((candidate) => candidate.id === value);
		return option ? option.name.toLowerCase().replace(/ /g, '_') : value;
	}
	return value;
}
