/**
 * The one value-conversion module: a rule per Kizen field type that turns what an n8n item holds
 * (strings from a spreadsheet, numbers, booleans, Luxon or JS dates, option labels) into the form
 * Kizen's API accepts (KIZEN-API.md, "Value formats"). A rule either returns the value to send or
 * says what form it expected; the caller turns that into a per-item error naming the field.
 */
import type { IDataObject } from 'n8n-workflow';

import type { FieldWrite, KizenField, KizenFieldOption, ObjectSchema } from './interfaces';
import { isWritable } from './schema';

export type Conversion = { value: unknown; problem?: undefined } | { problem: string };

export type EmptyValues = 'skip' | 'clear';
export type MultiValueMode = 'replace' | 'add' | 'remove';

export const SINGLE_CHOICE_TYPES = new Set([
	'dropdown',
	'radio',
	'status',
	'selector',
	'choices',
	'yesnomaybe',
]);
export const MULTI_CHOICE_TYPES = new Set(['checkboxes', 'dynamictags']);
const TEXT_MAX_LENGTH = 255;
/** Kizen's integers are 4-byte (KIZEN-API.md); out of range it may answer 500, so refuse here. */
const INTEGER_MIN = -2_147_483_648;
const INTEGER_MAX = 2_147_483_647;
/** A JavaScript number carries 15 significant decimal digits exactly; more are silently rounded. */
const MAX_SIGNIFICANT_DIGITS = 15;
/** Unix timestamps are read as dates in this range only: outside it, seconds vs milliseconds is a guess. */
const TIMESTAMP_YEARS = { min: 1900, max: 2200 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INTEGER = /^[+-]?\d+(\.0+)?$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME =
	/^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

export function isEmailAddress(text: string): boolean {
	return EMAIL.test(text);
}

export function isRelationshipMany(field: KizenField): boolean {
	const cardinality = field.relation?.cardinality ?? '';
	return field.field_type === 'relationship' && /to_many$/.test(cardinality);
}

/** Fields that hold a list and so accept Kizen's `add_values` / `remove_values`. */
export function isMultiValue(field: KizenField): boolean {
	return (
		MULTI_CHOICE_TYPES.has(field.field_type) ||
		field.field_type === 'files' ||
		isRelationshipMany(field)
	);
}

export function isEmptyValue(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(typeof value === 'string' && value.trim() === '') ||
		(Array.isArray(value) && value.length === 0)
	);
}

/** Converts one non-empty value for `field`. */
export function convertValue(field: KizenField, raw: unknown): Conversion {
	const type = field.field_type;
	if (SINGLE_CHOICE_TYPES.has(type)) return toChoice(field, raw);
	if (MULTI_CHOICE_TYPES.has(type)) {
		// A label that itself contains a comma ("Sales, EMEA") is one choice, not two.
		if (typeof raw === 'string' && findOption(field.options ?? [], raw.trim())) {
			return each([raw], (part) => toChoice(field, part));
		}
		return each(raw, (part) => toChoice(field, part));
	}
	switch (type) {
		case 'text':
			return toText(raw, TEXT_MAX_LENGTH);
		case 'longtext':
		case 'wysiwyg':
			return toText(raw);
		case 'email':
			return matching(
				toText(raw, TEXT_MAX_LENGTH),
				EMAIL,
				'an email address, e.g. jane@example.com',
			);
		case 'phonenumber':
			return toPhone(raw);
		case 'timezone':
			return toTimezone(raw);
		case 'integer':
		case 'rating':
			return toNumber(raw, true);
		case 'decimal':
		case 'money':
			return toNumber(raw, false);
		case 'checkbox':
			return toBoolean(raw);
		case 'date':
			return toDate(raw, false);
		case 'datetime':
			return toDate(raw, true);
		case 'relationship':
			return isRelationshipMany(field) ? each(raw, toRecordRef) : toRecordRef(raw);
		case 'team_selector':
			return toUuid(raw, 'a team member (employee) ID, a UUID');
		case 'files':
			return each(raw, (part) => toText(part));
		default:
			// A type Kizen added after this node was written: send the value as the user gave it.
			return { value: raw };
	}
}

/**
 * A search filter's value: the same conversion as a write, but options compare by their ID and a
 * list is a set of alternatives. Text stays text (a filter may hold a fragment, e.g. "Contains").
 */
export function toFilterValue(field: KizenField, raw: unknown): Conversion {
	const type = field.field_type;
	const typed =
		SINGLE_CHOICE_TYPES.has(type) ||
		MULTI_CHOICE_TYPES.has(type) ||
		[
			'integer',
			'rating',
			'decimal',
			'money',
			'checkbox',
			'date',
			'datetime',
			'relationship',
		].includes(type);
	if (!typed) return { value: raw === undefined || raw === null ? '' : String(raw) };
	const converted = convertValue(field, raw);
	if (converted.problem !== undefined) return converted;
	const idOf = (value: unknown) =>
		value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject).id : value;
	return {
		value: Array.isArray(converted.value) ? converted.value.map(idOf) : idOf(converted.value),
	};
}

export interface FieldWriteOptions {
	emptyValues: EmptyValues;
	multiValueMode: MultiValueMode;
	/** Auto-map: input keys that are not writable fields are ignored rather than refused. */
	ignoreUnknownKeys: boolean;
}

/** A value the user gave that cannot be sent; the operation reports it for the item. */
export interface ValueProblem {
	field?: KizenField;
	key: string;
	value: unknown;
	problem: string;
}

/**
 * Turns `{apiName: value}` into Kizen's `fields` array, keyed by field **id** (name-keyed writes
 * to Contacts can be refused). Returns the first problem instead when a value cannot be sent.
 */
export function toFieldWrites(
	schema: ObjectSchema,
	values: IDataObject,
	options: FieldWriteOptions,
): { writes: FieldWrite[]; problem?: undefined } | { problem: ValueProblem } {
	const writes: FieldWrite[] = [];
	const keyOfField = new Map<string, string>();
	for (const [key, raw] of Object.entries(values)) {
		const field = schema.byApiName.get(key) ?? schema.byId.get(key);
		if (field && keyOfField.has(field.id)) {
			const problem = `the field is given twice, as "${keyOfField.get(field.id)}" and as "${key}". Keep one of them`;
			return { problem: { field, key, value: raw, problem } };
		}
		if (field) keyOfField.set(field.id, key);
		if (!field || !isWritable(field)) {
			if (options.ignoreUnknownKeys) continue;
			const problem = field
				? 'this field is read-only or hidden in Kizen and cannot be written'
				: `the object "${schema.object.name}" has no such field. Refresh the field list (Fields → ⋯ → Refresh Field List)`;
			return { problem: { field, key, value: raw, problem } };
		}
		if (isEmptyValue(raw)) {
			// Clearing the record's identifier would orphan it; Kizen refuses it anyway.
			if (options.emptyValues === 'clear' && field.name !== schema.identifierFieldName) {
				writes.push({ id: field.id, value: null });
			}
			continue;
		}
		const converted = convertValue(field, raw);
		if (converted.problem !== undefined) {
			return { problem: { field, key, value: raw, problem: converted.problem } };
		}
		const valueKey =
			isMultiValue(field) && options.multiValueMode !== 'replace'
				? `${options.multiValueMode}_values`
				: 'value';
		writes.push({ id: field.id, [valueKey]: converted.value } as FieldWrite);
	}
	return { writes };
}

/** The text of a problem: `"Lead Score" cannot take "abc": expected a whole number, e.g. 42`. */
export function describeProblem({ field, key, value, problem }: ValueProblem): string {
	const name = field ? `"${field.display_name}" (${field.name})` : `"${key}"`;
	return `${name} cannot take ${preview(value)}: ${problem}`;
}

function preview(value: unknown): string {
	const text = typeof value === 'string' ? JSON.stringify(value) : safeJson(value);
	const chars = [...text];
	return chars.length > 80 ? `${chars.slice(0, 77).join('')}...` : text;
}

/**
 * How a value is named in a message: JSON, except what JSON would hide (NaN and Infinity become
 * `null`, an invalid date becomes `null` too).
 */
function safeJsonName(value: unknown): string | undefined {
	if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
	if (typeof value === 'bigint') return `${value}`;
	if (isJsDate(value) && Number.isNaN(value.getTime())) return 'Invalid Date';
	if (isLuxon(value) && !value.isValid) return 'an invalid Luxon DateTime';
	return undefined;
}

function safeJson(value: unknown): string {
	const named = safeJsonName(value);
	if (named !== undefined) return named;
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

// ---- the rules --------------------------------------------------------------------------------

function toText(raw: unknown, maxLength?: number): Conversion {
	if (typeof raw === 'number' || typeof raw === 'boolean') raw = String(raw);
	if (typeof raw !== 'string') return { problem: 'expected text' };
	// Kizen (Django) counts characters as code points: an emoji is one character, not two.
	const length = [...raw].length;
	if (maxLength !== undefined && length > maxLength) {
		return {
			problem: `expected at most ${maxLength} characters, got ${length}. Shorten it, or store it in a long text field`,
		};
	}
	return { value: raw };
}

function matching(conversion: Conversion, pattern: RegExp, expected: string): Conversion {
	if (conversion.problem !== undefined) return conversion;
	const text = String(conversion.value).trim();
	return pattern.test(text) ? { value: text } : { problem: `expected ${expected}` };
}

function toPhone(raw: unknown): Conversion {
	if (typeof raw !== 'string') {
		return { problem: 'expected a phone number in E.164 form as text, e.g. +13125550100' };
	}
	// People write +1 (312) 555-0100; Kizen wants +13125550100.
	const compact = raw.trim().replace(/[\s().-]/g, '');
	return E164.test(compact)
		? { value: compact }
		: {
				problem:
					'expected a phone number in E.164 form: + country code and number, e.g. +13125550100',
			};
}

function toTimezone(raw: unknown): Conversion {
	if (typeof raw !== 'string' || !raw.trim()) {
		return { problem: 'expected an IANA time zone name, e.g. America/Chicago' };
	}
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: raw.trim() });
		return { value: raw.trim() };
	} catch {
		return { problem: 'expected an IANA time zone name, e.g. America/Chicago' };
	}
}

function toNumber(raw: unknown, integer: boolean): Conversion {
	const expected = integer
		? 'a whole number, e.g. 42'
		: 'a number, e.g. 1250.50 (no currency sign or thousands separator)';
	let value: number;
	if (typeof raw === 'number') {
		if (!Number.isFinite(raw)) return { problem: `expected ${expected}, not ${raw}` };
		value = raw;
	} else if (typeof raw === 'string' && (integer ? INTEGER : DECIMAL).test(raw.trim())) {
		const digits = significantDigits(raw.trim());
		if (digits > MAX_SIGNIFICANT_DIGITS) {
			return {
				problem: `expected ${expected} of at most ${MAX_SIGNIFICANT_DIGITS} significant digits, got ${digits}: more would be rounded on the way to Kizen`,
			};
		}
		value = Number(raw.trim());
	} else {
		return { problem: `expected ${expected}` };
	}
	if (integer && !Number.isInteger(value))
		return { problem: `expected ${expected}, not a fraction` };
	if (integer && (value < INTEGER_MIN || value > INTEGER_MAX)) {
		return {
			problem:
				'expected a whole number from -2147483648 to 2147483647 (Kizen stores whole numbers in 4 bytes)',
		};
	}
	if (Math.abs(value) > Number.MAX_SAFE_INTEGER) {
		return {
			problem: `expected a number below 9007199254740991 in size: larger ones lose their last digits on the way to Kizen`,
		};
	}
	return { value };
}

/** Significant digits of a decimal string: "0012.500" → 4 ("12.5"), "1e3" → 1. */
function significantDigits(text: string): number {
	const mantissa = text.replace(/^[+-]/, '').replace(/e.*$/i, '').replace('.', '');
	return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

function toBoolean(raw: unknown): Conversion {
	if (typeof raw === 'boolean') return { value: raw };
	if (raw === 1 || raw === 0) return { value: raw === 1 };
	if (typeof raw === 'string') {
		const text = raw.trim().toLowerCase();
		if (text === 'true' || text === '1') return { value: true };
		if (text === 'false' || text === '0') return { value: false };
	}
	return { problem: 'expected true or false (or 1 / 0)' };
}

interface LuxonLike {
	isValid: boolean;
	toISO(): string | null;
	toISODate(): string | null;
}

function isLuxon(raw: unknown): raw is LuxonLike {
	const candidate = raw as LuxonLike | null;
	return (
		typeof candidate === 'object' &&
		candidate !== null &&
		typeof candidate.toISO === 'function' &&
		typeof candidate.toISODate === 'function'
	);
}

function isJsDate(raw: unknown): raw is Date {
	return Object.prototype.toString.call(raw) === '[object Date]';
}

/**
 * Dates: `YYYY-MM-DD`. Datetimes: ISO-8601 in UTC. Accepts ISO strings, Luxon DateTimes (n8n's
 * `$now`, `DateTime.fromISO`), JS Dates and Unix timestamps (seconds or milliseconds, see below).
 * A datetime string without an offset is read as UTC, since the item carries no time zone.
 */
function toDate(raw: unknown, withTime: boolean): Conversion {
	const expected = withTime
		? 'expected a date and time: ISO-8601 like 2026-03-01T14:30:00Z, a Luxon or JS date, or a Unix timestamp'
		: 'expected a date: YYYY-MM-DD like 2026-03-01, an ISO date-time, a Luxon or JS date, or a Unix timestamp';
	let instant: Date | undefined;
	if (isLuxon(raw)) {
		if (!raw.isValid) return { problem: `${expected} (this Luxon DateTime is invalid)` };
		const text = withTime ? raw.toISO() : raw.toISODate();
		if (!text || /^[+-]/.test(text)) return { problem: YEAR_RANGE_PROBLEM };
		return { value: text };
	}
	if (isJsDate(raw)) {
		if (Number.isNaN(raw.getTime())) return { problem: expected };
		instant = raw;
	} else if (typeof raw === 'number') {
		const read = fromTimestamp(raw);
		if (read.problem !== undefined) return read;
		instant = read.value as Date;
	} else if (typeof raw === 'string') {
		const text = raw.trim();
		if (/^-?\d{9,14}$/.test(text)) return toDate(Number(text), withTime);
		if (/^[+-]?\d{5,}-/.test(text)) return { problem: YEAR_RANGE_PROBLEM };
		const match = ISO_DATETIME.exec(text);
		if (!match || !isRealDate(match[1])) return { problem: expected };
		if (!withTime) return { value: match[1] };
		const [, day, time = '00:00', offset = 'Z'] = match;
		instant = new Date(`${day}T${time}${offset.toUpperCase()}`);
	} else {
		return { problem: expected };
	}
	const iso = instant.toISOString();
	if (/^[+-]/.test(iso)) return { problem: YEAR_RANGE_PROBLEM };
	return { value: withTime ? iso : iso.slice(0, 10) };
}

const YEAR_RANGE_PROBLEM = 'expected a date in the years 0001 to 9999';

/** `2026-03-01`, or `the year 10000` where ISO needs more than four digits. */
function dayOf(epochMs: number): string {
	const instant = new Date(epochMs);
	const year = instant.getUTCFullYear();
	return year >= 0 && year <= 9999 ? instant.toISOString().slice(0, 10) : `the year ${year}`;
}

/**
 * A Unix timestamp: seconds up to 10 digits, milliseconds from 13 digits. 11 and 12 digits are
 * refused: read as seconds they land after the year 2286, read as milliseconds before 2001, and
 * guessing would put a date silently in the wrong century (year 10000 in seconds is 1978 in ms).
 * Either way the date must fall in 1900–2200.
 */
function fromTimestamp(raw: number): Conversion {
	if (!Number.isFinite(raw)) return { problem: `expected a date, not ${raw}` };
	const size = Math.abs(raw);
	if (size >= 1e10 && size < 1e12) {
		return {
			problem: `${raw} is not a clear Unix timestamp: in seconds it is ${dayOf(raw * 1000)}, in milliseconds ${dayOf(raw)}. Give seconds (10 digits), milliseconds (13 digits) or an ISO date`,
		};
	}
	const instant = new Date(size < 1e10 ? raw * 1000 : raw);
	const year = instant.getUTCFullYear();
	if (Number.isNaN(year) || year < TIMESTAMP_YEARS.min || year > TIMESTAMP_YEARS.max) {
		return {
			problem: `the Unix timestamp ${raw} is the year ${Number.isNaN(year) ? '(none)' : year}; timestamps are read for the years ${TIMESTAMP_YEARS.min} to ${TIMESTAMP_YEARS.max} only. Give an ISO date for others`,
		};
	}
	return { value: instant };
}

function isRealDate(day: string): boolean {
	const match = ISO_DATE.exec(day);
	if (!match) return false;
	const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
	// setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
	const check = new Date(0);
	check.setUTCFullYear(year, month - 1, date);
	return year >= 1 && check.getUTCMonth() === month - 1 && check.getUTCDate() === date;
}

/** A choice by label, code or option id (labels and codes case-insensitively) → `{id}`. */
function toChoice(field: KizenField, raw: unknown): Conversion {
	const options = field.options ?? [];
	let wanted: string | undefined;
	if (typeof raw === 'string' || typeof raw === 'number') wanted = String(raw).trim();
	else if (typeof raw === 'boolean' && field.field_type === 'yesnomaybe')
		wanted = raw ? 'yes' : 'no';
	else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const { id, code, name } = raw as IDataObject;
		wanted = [id, code, name].find((part) => typeof part === 'string') as string | undefined;
	}
	const option = wanted === undefined ? undefined : findOption(options, wanted);
	if (option) return { value: { id: option.id } };
	const valid = options.map((choice) => choice.name).join(', ');
	return { problem: `expected one of the field's choices: ${valid || '(none defined in Kizen)'}` };
}

function findOption(options: KizenFieldOption[], wanted: string): KizenFieldOption | undefined {
	const lower = wanted.toLowerCase();
	return (
		options.find((option) => option.id === wanted) ??
		options.find((option) => option.name.toLowerCase() === lower) ??
		options.find((option) => (option.code ?? '').toLowerCase() === lower)
	);
}

function toUuid(raw: unknown, expected: string): Conversion {
	const candidate =
		raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as IDataObject).id : raw;
	return typeof candidate === 'string' && UUID.test(candidate.trim())
		? { value: candidate.trim() }
		: { problem: `expected ${expected}` };
}

function toRecordRef(raw: unknown): Conversion {
	const id = toUuid(raw, 'a related record ID (a UUID) or an object with an id');
	return id.problem !== undefined ? id : { value: { id: id.value } };
}

/** A list rule: an array, or a comma-separated string, converted element by element. */
function each(raw: unknown, rule: (part: unknown) => Conversion): Conversion {
	const parts = Array.isArray(raw)
		? raw
		: typeof raw === 'string'
			? raw
					.split(',')
					.map((part) => part.trim())
					.filter(Boolean)
			: [raw];
	const values: unknown[] = [];
	for (const part of parts) {
		const converted = rule(part);
		if (converted.problem !== undefined) return converted;
		values.push(converted.value);
	}
	return { value: values };
}
