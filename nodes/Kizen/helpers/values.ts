/**
 * The one value-conversion module: a rule per Kizen field type that turns what an n8n item holds
 * (strings from a spreadsheet, numbers, booleans, Luxon or JS dates, option labels) into the form
 * Kizen's API accepts (KIZEN-API.md, "Value formats"). A rule either returns the value to send or
 * says what form it expected; the caller turns that into a per-item error naming the field. It also
 * decides which field an input key names (`fieldForKey`: Map Automatically and Define Below alike).
 */
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import type {
	FieldWrite,
	KizenField,
	KizenFieldOption,
	KizenTag,
	ObjectSchema,
} from './interfaces';
import { isWritable, looseName } from './schema';
import { closestNames, findTag } from './tags';

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

/**
 * How one element of a multi-choice value (checkboxes, dynamictags) is written. Kizen's own sources
 * disagree (KIZEN-API.md): its CLI writes `[{"id": uuid}]`, the app-engine table and its sample
 * plugins bare `["uuid"]`. The CLI's form is the one live-tested for single choices (`{"id"}`), so
 * it is the choice here; `npm run probe -- --write` reports which forms a tenant accepts, and a
 * finding changes this one line to 'bare'.
 */
const MULTI_CHOICE_ELEMENT: 'object' | 'bare' = 'object';

/** What the value rules need beyond the field itself: data loaded from Kizen, and the settings. */
export interface ValueContext {
	/** Tags of dynamictags fields by field ID (TagCache.forFields). */
	tags?: Map<string, KizenTag[]>;
	/** The workflow's time zone (IANA): a date-time without an offset is read in it. UTC if unset. */
	timeZone?: string;
	/** Options → Date Format: a Luxon format such as `MM/dd/yyyy`, for dates that are not ISO-8601. */
	dateFormat?: string;
	/** Options → Default Country Code: the calling code (`1`, `44`) national phone numbers get. */
	defaultCountryCode?: string;
	/** Whether the operation offers those two options, so a refusal can point to them. */
	offersFormatOptions?: boolean;
}
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
export function convertValue(
	field: KizenField,
	raw: unknown,
	context: ValueContext = {},
): Conversion {
	const type = field.field_type;
	if (SINGLE_CHOICE_TYPES.has(type)) return toChoice(field, raw);
	if (type === 'checkboxes') {
		// A label that itself contains a comma ("Sales, EMEA") is one choice, not two.
		const whole = typeof raw === 'string' && findOption(field.options ?? [], raw.trim());
		return each(whole ? [raw] : raw, (part) => multiChoice(toChoice(field, part)));
	}
	if (type === 'dynamictags') {
		const tags = context.tags?.get(field.id);
		if (!tags) return { problem: 'the field’s tags were not loaded from Kizen' };
		const whole = typeof raw === 'string' && findTag(tags, raw.trim());
		return each(whole ? [raw] : raw, (part) => multiChoice(toTag(tags, part)));
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
			return toPhone(raw, context);
		case 'timezone':
			return toTimezone(field, raw);
		case 'integer':
			return toNumber(raw, true);
		case 'rating':
			return toRating(field, raw);
		case 'decimal':
		case 'money':
			return toNumber(raw, false);
		case 'checkbox':
			return toBoolean(raw);
		case 'date':
			return toDate(raw, false, context);
		case 'datetime':
			return toDate(raw, true, context);
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

export type UnmatchedKeys = 'ignore' | 'warn' | 'fail';

export interface FieldWriteOptions {
	emptyValues: EmptyValues;
	multiValueMode: MultiValueMode;
	/**
	 * Map Automatically: the keys are an item's own (spreadsheet columns), so a key that fits no
	 * writable field is reported (`notWritten`) or, with `unmatchedKeys: 'fail'`, refused. Define
	 * Below: the keys come from the field mapper, and one that fits no field is always refused.
	 */
	autoMap: boolean;
	unmatchedKeys?: UnmatchedKeys;
	context?: ValueContext;
}

/** A value the user gave that cannot be sent; the operation reports it for the item. */
export interface ValueProblem {
	field?: KizenField;
	key: string;
	value: unknown;
	problem: string;
	/** The problem is the key itself (it names no field, or several), not its value. */
	aboutKey?: boolean;
	/** The whole text, when the problem is about several keys at once. */
	text?: string;
}

/** Input keys Map Automatically did not write: no field has their name, or the field is read-only. */
export interface NotWritten {
	unknown: string[];
	readOnly: string[];
}

/** Which field an input key names (see `fieldForKey`). */
export type KeyMatch =
	| { field: KizenField; ambiguous?: undefined }
	| { field?: undefined; ambiguous: KizenField[] }
	| { field?: undefined; ambiguous?: undefined };

/**
 * The one place that decides which field an input key names: the field whose API name or ID it
 * is, else the field whose API name or display name it equals ignoring case, spaces, `_` and `-`.
 * A key that loosely fits several fields names the one of them that is writable, if exactly one is;
 * otherwise it is ambiguous and names none.
 */
export function fieldForKey(schema: ObjectSchema, key: string): KeyMatch {
	const exact = schema.byApiName.get(key) ?? schema.byId.get(key);
	if (exact) return { field: exact };
	const loose = schema.byLooseName.get(looseName(key)) ?? [];
	if (loose.length === 1) return { field: loose[0] };
	const writable = loose.filter(isWritable);
	if (writable.length === 1) return { field: writable[0] };
	return loose.length ? { ambiguous: writable.length ? writable : loose } : {};
}

/** `"First Name" (first_name)`: how a message names a field, by display name and API name. */
export function fieldLabel(field: KizenField): string {
	return `"${field.display_name}" (${field.name})`;
}

/**
 * Turns `{key: value}` into Kizen's `fields` array, keyed by field **id** (name-keyed writes to
 * Contacts can be refused). Returns the first problem instead when a value cannot be sent.
 */
export function toFieldWrites(
	schema: ObjectSchema,
	values: IDataObject,
	options: FieldWriteOptions,
):
	| { writes: FieldWrite[]; notWritten: NotWritten; problem?: undefined }
	| { problem: ValueProblem } {
	const writes: FieldWrite[] = [];
	const notWritten: NotWritten = { unknown: [], readOnly: [] };
	const keyOfField = new Map<string, string>();
	for (const [key, raw] of Object.entries(values)) {
		const match = fieldForKey(schema, key);
		if (match.ambiguous) {
			const fits = match.ambiguous.map(fieldLabel).join(', ');
			const problem = `it fits ${match.ambiguous.length} fields: ${fits}. Name the field by its API name (rename the key, e.g. in an Edit Fields node), or use Define Below`;
			return { problem: { key, value: raw, problem, aboutKey: true } };
		}
		const { field } = match;
		if (field && keyOfField.has(field.id)) {
			const problem = `the field is given twice, as "${keyOfField.get(field.id)}" and as "${key}". Keep one of them`;
			return { problem: { field, key, value: raw, problem } };
		}
		if (field) keyOfField.set(field.id, key);
		if (!field || !isWritable(field)) {
			if (options.autoMap) {
				(field ? notWritten.readOnly : notWritten.unknown).push(key);
				continue;
			}
			const problem = field
				? 'this field is read-only in Kizen and cannot be written'
				: `the object "${schema.object.name}" has no such field. Refresh the field list (Fields → ⋯ → Refresh Field List)`;
			return { problem: { field, key, value: raw, problem } };
		}
		if (isEmptyValue(raw)) {
			// Clearing the record's identifier would orphan it; Kizen refuses it anyway.
			if (options.emptyValues === 'clear' && field.name !== schema.identifierFieldName) {
				const cleared = clearValue(field);
				if (cleared.problem !== undefined)
					return { problem: { field, key, value: raw, problem: cleared.problem } };
				writes.push({ id: field.id, value: cleared.value as null | string });
			}
			continue;
		}
		const converted = convertValue(field, raw, options.context);
		if (converted.problem !== undefined) {
			return { problem: { field, key, value: raw, problem: converted.problem } };
		}
		const valueKey =
			isMultiValue(field) && options.multiValueMode !== 'replace'
				? `${options.multiValueMode}_values`
				: 'value';
		writes.push({ id: field.id, [valueKey]: converted.value } as FieldWrite);
	}
	const unmatched = [...notWritten.unknown, ...notWritten.readOnly];
	if (options.autoMap && options.unmatchedKeys === 'fail' && unmatched.length) {
		const [key] = unmatched;
		const text = `Not written to Kizen: ${notWrittenText(schema, notWritten)}`;
		return { problem: { key, value: values[key], problem: text, aboutKey: true, text } };
	}
	return { writes, notWritten };
}

/**
 * Why Map Automatically did not write some keys, and what to do:
 * `"Lead Score", "Region": no field of Contacts has these names; ...`.
 */
export function notWrittenText(schema: ObjectSchema, { unknown, readOnly }: NotWritten): string {
	const quoted = (keys: string[]) => {
		const shown = keys.slice(0, 10).map((key) => JSON.stringify(key));
		return keys.length > 10 ? `${shown.join(', ')} and ${keys.length - 10} more` : shown.join(', ');
	};
	const object = schema.object.object_name || schema.object.name;
	const parts: string[] = [];
	if (unknown.length) {
		parts.push(
			`${quoted(unknown)}: no field of ${object} has ${unknown.length === 1 ? 'this name' : 'these names'} (API name or display name); rename ${unknown.length === 1 ? 'it' : 'them'} or use Define Below`,
		);
	}
	if (readOnly.length) parts.push(`${quoted(readOnly)}: read-only in Kizen`);
	return `${parts.join('. ')}. Options → Unmatched Input Keys decides whether such keys are ignored, reported or fail the item`;
}

/**
 * What empties `field` (Empty Values → Clear): `null` where the field allows nulls, `""` where it
 * allows only empty, nothing where it allows neither (KIZEN-API.md: fields carry `allows_nulls` /
 * `allows_empty`; do not send null to a field that allows neither). A field whose definition
 * leaves `allows_nulls` out is sent null [I], the API's documented way to clear.
 */
function clearValue(field: KizenField): Conversion {
	if (field.allows_nulls !== false) return { value: null };
	if (field.allows_empty === true) return { value: '' };
	return {
		problem:
			'Kizen does not let this field be emptied (it allows neither null nor ""). Give it a value, or set Options → Empty Values to Skip',
	};
}

/**
 * The text of a problem: `"Lead Score" (lead_score) cannot take "abc": expected a whole number,
 * e.g. 42`, or for a key that names no field or several: `Input key "Phone": it fits 2 fields...`.
 */
export function describeProblem({
	field,
	key,
	value,
	problem,
	aboutKey,
	text,
}: ValueProblem): string {
	if (text) return text;
	if (aboutKey) return `Input key ${JSON.stringify(key)}: ${problem}`;
	const name = field ? fieldLabel(field) : `"${key}"`;
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

/**
 * A phone number in E.164 (`+13125550100`). People write `+1 (312) 555-0100`: the punctuation goes.
 * With Options → Default Country Code, a national number gets that code: a trunk `0` is dropped
 * (`020 7946 0958` with 44 → `+442079460958`), `00` is read as the international prefix, and with
 * code 1 a number must have the ten digits of the North American plan (a leading 1 is the code).
 */
function toPhone(
	raw: unknown,
	{ defaultCountryCode, offersFormatOptions }: ValueContext,
): Conversion {
	const code = defaultCountryCode?.replace(/^\+/, '');
	// A spreadsheet cell of digits comes as a number: fine once a country code says how to read it.
	if (typeof raw === 'number' && code && Number.isSafeInteger(raw) && raw > 0) raw = String(raw);
	if (typeof raw !== 'string') {
		return { problem: 'expected a phone number in E.164 form as text, e.g. +13125550100' };
	}
	const compact = raw.trim().replace(/[\s().\-/]/g, '');
	if (E164.test(compact)) return { value: compact };
	if (code) {
		const national = /^\d+$/.test(compact) ? nationalNumber(compact, code) : undefined;
		if (national !== undefined && E164.test(`+${code}${national}`)) {
			return { value: `+${code}${national}` };
		}
		if (/^00\d+$/.test(compact) && E164.test(`+${compact.slice(2)}`)) {
			return { value: `+${compact.slice(2)}` };
		}
		return {
			problem: `expected a phone number: national for country code +${code} (Options → Default Country Code)${code === '1' ? ', ten digits such as (312) 555-0100' : ''}, or international, e.g. +13125550100`,
		};
	}
	const option = offersFormatOptions
		? ', or set Options → Default Country Code to read national numbers such as (312) 555-0100'
		: '';
	return {
		problem: `expected a phone number in E.164 form: + country code and number, e.g. +13125550100${option}`,
	};
}

/** The national significant number of `digits` for `code`, or undefined when it cannot be one. */
function nationalNumber(digits: string, code: string): string | undefined {
	if (digits.startsWith('00')) return undefined;
	if (code === '1') {
		// North American numbers: 10 digits, the leading 1 of an 11-digit number is the country code.
		const ten = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
		return /^[2-9]\d{9}$/.test(ten) ? ten : undefined;
	}
	return digits.replace(/^0/, '');
}

/**
 * A time zone: one of the field's options (Kizen's recorded Contacts field has 93, id = the IANA
 * name, e.g. `America/Los_Angeles`, name = its label, `America/Los Angeles`), matched by id or
 * label, case-insensitively, and sent as the option's id. A zone outside the list is refused
 * [I: Kizen may refuse it]. A field without a list takes any IANA zone.
 */
function toTimezone(field: KizenField, raw: unknown): Conversion {
	const expected = 'expected a time zone, e.g. America/Chicago';
	if (typeof raw !== 'string' || !raw.trim()) return { problem: expected };
	const wanted = raw.trim();
	const options = field.options ?? [];
	if (!options.length) {
		try {
			new Intl.DateTimeFormat('en-US', { timeZone: wanted });
			return { value: wanted };
		} catch {
			return { problem: `${expected} (an IANA time zone name)` };
		}
	}
	const option = findOption(options, wanted);
	if (option) return { value: option.id };
	const closest = closestNames(
		options.map((o) => o.id),
		wanted,
	);
	return {
		problem: `expected one of the field's ${options.length} time zones, e.g. America/Chicago; closest: ${closest.join(', ')}`,
	};
}

/** A rating: a whole number that is one of the field's options (codes "1".."5" in Kizen's fixtures). */
function toRating(field: KizenField, raw: unknown): Conversion {
	const converted = toNumber(raw, true);
	const codes = (field.options ?? [])
		.map((option) => option.code ?? '')
		.filter((code) => /^\d+$/.test(code));
	if (converted.problem !== undefined || !codes.length) return converted;
	return codes.includes(String(converted.value))
		? converted
		: { problem: `expected a rating: ${codes.join(', ')}` };
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
 * `$now`, `DateTime.fromISO`), JS Dates and Unix timestamps (seconds or milliseconds, see below),
 * and with Options → Date Format, text in that form (`03/01/2026` with `MM/dd/yyyy`). A datetime
 * written without an offset is read in the workflow's time zone (Settings → Timezone), as a person
 * typing it there means it; a date is sent as written.
 */
function toDate(raw: unknown, withTime: boolean, context: ValueContext): Conversion {
	const expected = withTime
		? 'expected a date and time: ISO-8601 like 2026-03-01T14:30:00Z, a Luxon or JS date, or a Unix timestamp'
		: 'expected a date: YYYY-MM-DD like 2026-03-01, an ISO date-time, a Luxon or JS date, or a Unix timestamp';
	const zone = context.timeZone || 'UTC';
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
		if (context.dateFormat) {
			const formatted = fromDateFormat(text, context.dateFormat, zone, withTime);
			if (formatted) return formatted;
		}
		if (/^-?\d{9,14}$/.test(text)) return toDate(Number(text), withTime, context);
		if (/^[+-]?\d{5,}-/.test(text)) return { problem: YEAR_RANGE_PROBLEM };
		const match = ISO_DATETIME.exec(text);
		if (!match || !isRealDate(match[1])) return { problem: dateFormatAdvice(expected, context) };
		if (!withTime) return { value: match[1] };
		const [, day, time = '00:00', offset] = match;
		if (offset) instant = new Date(`${day}T${time}${offset.toUpperCase()}`);
		else {
			const local = DateTime.fromISO(`${day}T${time}`, { zone });
			if (!local.isValid) return { problem: `${expected} (${local.invalidExplanation ?? ''})` };
			instant = new Date(local.toMillis());
		}
	} else {
		return { problem: expected };
	}
	const iso = instant.toISOString();
	if (/^[+-]/.test(iso)) return { problem: YEAR_RANGE_PROBLEM };
	return { value: withTime ? iso : iso.slice(0, 10) };
}

/** Text read with Options → Date Format (in the workflow's time zone), or undefined if it does not fit. */
function fromDateFormat(
	text: string,
	format: string,
	zone: string,
	withTime: boolean,
): Conversion | undefined {
	const parsed = DateTime.fromFormat(text, format, { zone, locale: 'en-US' });
	if (!parsed.isValid) return undefined;
	if (parsed.year < 1 || parsed.year > 9999) return { problem: YEAR_RANGE_PROBLEM };
	return { value: withTime ? new Date(parsed.toMillis()).toISOString() : parsed.toISODate() };
}

/** What to do about a date that is not ISO-8601: point to Options → Date Format where it exists. */
function dateFormatAdvice(
	expected: string,
	{ dateFormat, offersFormatOptions }: ValueContext,
): string {
	if (dateFormat) {
		return `${expected}, or text in the form ${JSON.stringify(dateFormat)} (Options → Date Format)`;
	}
	if (!offersFormatOptions) return expected;
	return `${expected}. For dates written otherwise, such as 03/01/2026, set Options → Date Format (e.g. MM/dd/yyyy or dd.MM.yyyy)`;
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

/** One multi-choice element in the form MULTI_CHOICE_ELEMENT says. */
function multiChoice(choice: Conversion): Conversion {
	if (choice.problem !== undefined || MULTI_CHOICE_ELEMENT === 'object') return choice;
	return { value: (choice.value as IDataObject).id };
}

/**
 * A tag by name (case-insensitive) or ID → `{id}`. Tags are not created by a write [I: undocumented],
 * so a name the field does not have is refused, naming the closest ones.
 */
function toTag(tags: KizenTag[], raw: unknown): Conversion {
	let wanted: string | undefined;
	if (typeof raw === 'string' || typeof raw === 'number') wanted = String(raw).trim();
	else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const { id, name } = raw as IDataObject;
		wanted = [id, name].find((part) => typeof part === 'string') as string | undefined;
	}
	const tag = wanted ? findTag(tags, wanted) : undefined;
	if (tag) return { value: { id: tag.id } };
	if (!tags.length)
		return { problem: 'the field has no tags in Kizen yet: create the tag in Kizen first' };
	const closest = closestNames(
		tags.map((t) => t.name),
		wanted ?? '',
	);
	return {
		problem: `expected one of the field's tags (a name or ID); there is no tag ${JSON.stringify(wanted ?? raw)}, closest: ${closest.map((n) => JSON.stringify(n)).join(', ')}. Tags are created in Kizen, not by a write`,
	};
}

export function findOption(
	options: KizenFieldOption[],
	wanted: string,
): KizenFieldOption | undefined {
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

/** The elements of a list value: an array, or a comma-separated string. */
export function listParts(raw: unknown): unknown[] {
	if (Array.isArray(raw)) return raw;
	if (typeof raw === 'string') {
		return raw
			.split(',')
			.map((part) => part.trim())
			.filter(Boolean);
	}
	return [raw];
}

/** A list rule: each element of `listParts(raw)` converted. */
function each(raw: unknown, rule: (part: unknown) => Conversion): Conversion {
	const parts = listParts(raw);
	const values: unknown[] = [];
	for (const part of parts) {
		const converted = rule(part);
		if (converted.problem !== undefined) return converted;
		values.push(converted.value);
	}
	return { value: values };
}
