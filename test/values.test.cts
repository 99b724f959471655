/**
 * The value-conversion module, rule by rule: what each Kizen field type accepts from an n8n item,
 * what it sends, and what it refuses (with the expected form in the message).
 */
import { DateTime } from 'luxon';

import type { KizenField } from '../nodes/Kizen/helpers/interfaces';
import { simplifyRecord } from '../nodes/Kizen/helpers/output';
import { buildSchema } from '../nodes/Kizen/helpers/schema';
import type { ValueContext } from '../nodes/Kizen/helpers/values';
import {
	convertValue,
	describeProblem,
	fieldForKey,
	toFieldWrites,
} from '../nodes/Kizen/helpers/values';

let nextId = 0;
function field(field_type: string, extra: Partial<KizenField> = {}): KizenField {
	nextId += 1;
	return {
		id: `00000000-0000-4000-8000-${String(nextId).padStart(12, '0')}`,
		name: extra.name ?? `${field_type}_field`,
		display_name: extra.display_name ?? `My ${field_type}`,
		field_type,
		...extra,
	};
}
const options = [
	{ id: 'a1a1a1a1-0000-4000-8000-000000000001', code: 'new', name: 'New Lead' },
	{ id: 'a1a1a1a1-0000-4000-8000-000000000002', code: 'qualified', name: 'Qualified' },
	{ id: 'a1a1a1a1-0000-4000-8000-000000000003', code: 'sales_emea', name: 'Sales, EMEA' },
];
const RECORD = 'b2b2b2b2-0000-4000-8000-000000000001';
const RECORD2 = 'b2b2b2b2-0000-4000-8000-000000000002';

const sent = (f: KizenField, raw: unknown, context?: ValueContext) => {
	const result = convertValue(f, raw, context);
	if (result.problem !== undefined) throw new Error(`refused: ${result.problem}`);
	return result.value;
};
const refused = (f: KizenField, raw: unknown, context?: ValueContext) => {
	const result = convertValue(f, raw, context);
	if (result.problem === undefined) throw new Error(`accepted ${JSON.stringify(result.value)}`);
	return result.problem;
};

describe('text-like fields', () => {
	it('sends text as is, turns numbers and booleans into text, refuses over 255 characters', () => {
		const text = field('text');
		expect(sent(text, 'Acme')).toBe('Acme');
		expect(sent(text, 42)).toBe('42');
		expect(sent(text, true)).toBe('true');
		expect(sent(text, 'x'.repeat(255))).toHaveLength(255);
		expect(refused(text, 'x'.repeat(256))).toMatch(/at most 255 characters, got 256/);
		expect(refused(text, { a: 1 })).toMatch(/expected text/);
	});
	it('lets long text and rich text exceed 255 characters', () => {
		expect(sent(field('longtext'), 'y'.repeat(5000))).toHaveLength(5000);
		expect(sent(field('wysiwyg'), '<p>Hi</p>')).toBe('<p>Hi</p>');
	});
	it('checks emails', () => {
		expect(sent(field('email'), ' jane@acme.com ')).toBe('jane@acme.com');
		expect(refused(field('email'), 'jane.acme.com')).toMatch(/email address/);
	});
	it('normalises phone numbers to E.164 and refuses numbers without a country code', () => {
		const phone = field('phonenumber');
		expect(sent(phone, '+1 (312) 555-0100')).toBe('+13125550100');
		expect(sent(phone, '+44 20 7946 0958')).toBe('+442079460958');
		expect(refused(phone, '312-555-0100')).toMatch(/E\.164.*\+13125550100/);
		expect(refused(phone, 13125550100)).toMatch(/E\.164/);
		// Where the operation offers the option, the refusal names it.
		expect(refused(phone, '(312) 555-0100', { offersFormatOptions: true })).toMatch(
			/set Options → Default Country Code to read national numbers/,
		);
	});
	it('reads national numbers with Options → Default Country Code', () => {
		const phone = field('phonenumber');
		const us = { defaultCountryCode: '1' };
		expect(sent(phone, '(312) 555-0100', us)).toBe('+13125550100');
		expect(sent(phone, '312.555.0100', us)).toBe('+13125550100');
		expect(sent(phone, '1-312-555-0100', us)).toBe('+13125550100');
		// A spreadsheet cell of digits arrives as a number.
		expect(sent(phone, 3125550100, us)).toBe('+13125550100');
		// International numbers keep their own code.
		expect(sent(phone, '+44 20 7946 0958', us)).toBe('+442079460958');
		expect(sent(phone, '0044 20 7946 0958', us)).toBe('+442079460958');
		// The trunk 0 goes: 020 7946 0958 in the UK.
		expect(sent(phone, '020 7946 0958', { defaultCountryCode: '44' })).toBe('+442079460958');
		// North American numbers have ten digits: a seven-digit local number is not enough.
		expect(refused(phone, '555-0199', us)).toMatch(
			/national for country code \+1 \(Options → Default Country Code\), ten digits/,
		);
		expect(refused(phone, 'call me', us)).toMatch(/national for country code \+1/);
		expect(refused(phone, 1.5, us)).toMatch(/E\.164 form as text/);
	});
	it('accepts IANA time zones only', () => {
		expect(sent(field('timezone'), 'America/Chicago')).toBe('America/Chicago');
		expect(refused(field('timezone'), 'Chicago time')).toMatch(/IANA/);
	});
});

describe('numbers', () => {
	it('integers and ratings take whole numbers and numeric strings', () => {
		expect(sent(field('integer'), 42)).toBe(42);
		expect(sent(field('integer'), ' 42 ')).toBe(42);
		expect(sent(field('integer'), '-7')).toBe(-7);
		expect(sent(field('rating'), '4')).toBe(4);
		expect(refused(field('integer'), '4.5')).toMatch(/whole number/);
		expect(refused(field('integer'), 'forty')).toMatch(/whole number/);
		expect(refused(field('rating'), 4.5)).toMatch(/whole number/);
	});
	it('decimals and money take numbers and numeric strings, not currency text', () => {
		expect(sent(field('decimal'), '12.50')).toBe(12.5);
		expect(sent(field('money'), 1250.5)).toBe(1250.5);
		expect(sent(field('money'), '1e3')).toBe(1000);
		expect(refused(field('money'), '$1,250.50')).toMatch(/no currency sign/);
		expect(refused(field('decimal'), Number.NaN)).toMatch(/a number/);
	});
});

describe('checkboxes', () => {
	it('take booleans, "true"/"false" and 1/0', () => {
		const box = field('checkbox');
		expect(sent(box, true)).toBe(true);
		expect(sent(box, 'FALSE')).toBe(false);
		expect(sent(box, 1)).toBe(true);
		expect(sent(box, '0')).toBe(false);
		expect(refused(box, 'maybe')).toMatch(/true or false/);
	});
});

describe('dates and datetimes', () => {
	const date = field('date');
	const datetime = field('datetime');
	it('dates send YYYY-MM-DD from strings, Luxon, JS dates and timestamps', () => {
		expect(sent(date, '2026-03-01')).toBe('2026-03-01');
		expect(sent(date, '2026-03-01T23:30:00-05:00')).toBe('2026-03-01');
		expect(sent(date, DateTime.fromISO('2026-03-01T10:00:00', { zone: 'America/Chicago' }))).toBe(
			'2026-03-01',
		);
		expect(sent(date, new Date(Date.UTC(2026, 2, 1, 12)))).toBe('2026-03-01');
		expect(sent(date, Date.UTC(2026, 2, 1))).toBe('2026-03-01');
		expect(sent(date, Date.UTC(2026, 2, 1) / 1000)).toBe('2026-03-01');
		expect(refused(date, '2026-02-30')).toMatch(/YYYY-MM-DD/);
		expect(refused(date, '03/01/2026')).toMatch(/YYYY-MM-DD/);
		// Ambiguous text is refused, naming the option that reads it, where the operation has it.
		expect(refused(date, '03/01/2026', { offersFormatOptions: true })).toMatch(
			/For dates written otherwise, such as 03\/01\/2026, set Options → Date Format \(e\.g\. MM\/dd\/yyyy/,
		);
	});
	it('reads dates written in Options → Date Format, and ISO dates besides', () => {
		const us = { dateFormat: 'MM/dd/yyyy', timeZone: 'America/Chicago' };
		expect(sent(date, '03/01/2026', us)).toBe('2026-03-01');
		expect(sent(date, '12/31/2026', us)).toBe('2026-12-31');
		expect(sent(date, '2026-03-01', us)).toBe('2026-03-01');
		expect(sent(date, '01.03.2026', { dateFormat: 'dd.MM.yyyy' })).toBe('2026-03-01');
		expect(sent(date, '1 Mar 2026', { dateFormat: 'd MMM yyyy' })).toBe('2026-03-01');
		// A date-time field: the written time in the workflow's zone (Chicago is UTC-6 in March).
		expect(sent(datetime, '03/01/2026 14:30', { ...us, dateFormat: 'MM/dd/yyyy HH:mm' })).toBe(
			'2026-03-01T20:30:00.000Z',
		);
		expect(sent(datetime, '03/01/2026', us)).toBe('2026-03-01T06:00:00.000Z');
		// Not a real day in that form, and not ISO either: refused, naming the form.
		expect(refused(date, '02/30/2026', us)).toMatch(
			/or text in the form "MM\/dd\/yyyy" \(Options → Date Format\)/,
		);
		expect(refused(date, '31/03/2026', us)).toMatch(/Options → Date Format/);
	});
	it('reads a date-time without an offset in the workflow’s time zone', () => {
		const chicago = { timeZone: 'America/Chicago' };
		expect(sent(datetime, '2026-03-01T14:30:00', chicago)).toBe('2026-03-01T20:30:00.000Z');
		expect(sent(datetime, '2026-07-01 14:30', chicago)).toBe('2026-07-01T19:30:00.000Z');
		expect(sent(datetime, '2026-03-01', chicago)).toBe('2026-03-01T06:00:00.000Z');
		// An offset or Z says which instant: the zone does not move it.
		expect(sent(datetime, '2026-03-01T14:30:00Z', chicago)).toBe('2026-03-01T14:30:00.000Z');
		expect(sent(datetime, '2026-03-01T14:30:00+02:00', chicago)).toBe('2026-03-01T12:30:00.000Z');
		// A date is the date written, whatever the zone.
		expect(sent(date, '2026-03-01T23:30:00', chicago)).toBe('2026-03-01');
		// The timestamp rules stay: 11 and 12 digits and years outside 1900–2200 are refused.
		expect(refused(datetime, 253402300800, chicago)).toMatch(/not a clear Unix timestamp/);
		expect(refused(datetime, 1e15, chicago)).toMatch(/years 1900 to 2200 only/);
	});
	it('datetimes send ISO-8601, keeping the instant; without a time zone, a string without offset is UTC', () => {
		expect(sent(datetime, '2026-03-01T14:30:00Z')).toBe('2026-03-01T14:30:00.000Z');
		expect(sent(datetime, '2026-03-01T14:30:00+02:00')).toBe('2026-03-01T12:30:00.000Z');
		expect(sent(datetime, '2026-03-01 14:30')).toBe('2026-03-01T14:30:00.000Z');
		expect(sent(datetime, DateTime.fromISO('2026-03-01T14:30:00+02:00', { setZone: true }))).toBe(
			'2026-03-01T14:30:00.000+02:00',
		);
		expect(sent(datetime, new Date('2026-03-01T14:30:00Z'))).toBe('2026-03-01T14:30:00.000Z');
		expect(sent(datetime, '1772375400')).toBe('2026-03-01T14:30:00.000Z');
		expect(refused(datetime, 'tomorrow')).toMatch(/ISO-8601/);
		expect(refused(datetime, DateTime.invalid('bad'))).toMatch(/ISO-8601/);
	});
});

describe('choices', () => {
	const dropdown = field('dropdown', { options });
	it('take the label, the code or the option id, and send {id}', () => {
		expect(sent(dropdown, 'Qualified')).toEqual({ id: options[1].id });
		expect(sent(dropdown, 'qualified')).toEqual({ id: options[1].id });
		expect(sent(dropdown, 'NEW')).toEqual({ id: options[0].id });
		expect(sent(dropdown, options[0].id)).toEqual({ id: options[0].id });
		expect(sent(dropdown, { name: 'New Lead' })).toEqual({ id: options[0].id });
	});
	it('refuse an unknown label and list the valid choices', () => {
		expect(refused(dropdown, 'Won')).toBe(
			"expected one of the field's choices: New Lead, Qualified, Sales, EMEA",
		);
	});
	it('every single-choice type uses the same rule', () => {
		for (const type of ['radio', 'status', 'selector', 'choices']) {
			expect(sent(field(type, { options }), 'Qualified')).toEqual({ id: options[1].id });
		}
		const yesNo = field('yesnomaybe', {
			options: [
				{ id: 'c0000000-0000-4000-8000-000000000001', code: 'yes', name: 'Yes' },
				{ id: 'c0000000-0000-4000-8000-000000000002', code: 'no', name: 'No' },
				{ id: 'c0000000-0000-4000-8000-000000000003', code: 'maybe', name: 'Maybe' },
			],
		});
		expect(sent(yesNo, false)).toEqual({ id: 'c0000000-0000-4000-8000-000000000002' });
		expect(sent(yesNo, 'maybe')).toEqual({ id: 'c0000000-0000-4000-8000-000000000003' });
	});
	it('multi-choice takes an array or a comma-separated string', () => {
		const tags = field('checkboxes', { options });
		expect(sent(tags, ['New Lead', 'qualified'])).toEqual([
			{ id: options[0].id },
			{ id: options[1].id },
		]);
		expect(sent(tags, 'New Lead, Qualified')).toEqual([
			{ id: options[0].id },
			{ id: options[1].id },
		]);
		expect(sent(tags, 'Sales, EMEA')).toEqual([{ id: options[2].id }]);
		expect(refused(tags, 'New Lead, Nope')).toMatch(/New Lead, Qualified/);
	});
	it("tags (dynamictags, options null) come from the field's tag list: name case-insensitively or ID", () => {
		const tagField = field('dynamictags', { options: null });
		const tagList = [
			{ id: 'd0000000-0000-4000-8000-000000000001', name: 'VIP' },
			{ id: 'd0000000-0000-4000-8000-000000000002', name: 'Partner, EMEA' },
			{ id: 'd0000000-0000-4000-8000-000000000003', name: 'Press' },
		];
		const lookups = { tags: new Map([[tagField.id, tagList]]) };
		const convert = (raw: unknown) => convertValue(tagField, raw, lookups);
		expect(convert('vip, PRESS')).toEqual({
			value: [{ id: tagList[0].id }, { id: tagList[2].id }],
		});
		expect(convert('Partner, EMEA')).toEqual({ value: [{ id: tagList[1].id }] });
		expect(convert([tagList[2].id, { name: 'vip' }])).toEqual({
			value: [{ id: tagList[2].id }, { id: tagList[0].id }],
		});
		expect(convert('VPI').problem).toBe(
			'expected one of the field\'s tags (a name or ID); there is no tag "VPI", closest: "VIP", "Press", "Partner, EMEA". Tags are created in Kizen, not by a write',
		);
		// An ID that is not one of the field's tags is refused too (a tag of another field, a typo).
		expect(convert('d0000000-0000-4000-8000-000000000009').problem).toMatch(/there is no tag/);
		expect(convertValue(tagField, 'VIP', { tags: new Map([[tagField.id, []]]) }).problem).toMatch(
			/has no tags in Kizen yet/,
		);
		// Without the tags loaded the rule refuses rather than guessing.
		expect(convertValue(tagField, 'VIP').problem).toMatch(/tags were not loaded/);
	});
});

describe("time zones and ratings (the field's option list)", () => {
	const zones = ['US/Central', 'America/Chicago', 'America/Los_Angeles', 'UTC'].map((id) => ({
		id,
		code: id,
		name: id.replace(/_/g, ' '),
	}));
	const timezone = field('timezone', { options: zones });
	it('match the zone ID or label case-insensitively and send the option ID', () => {
		expect(sent(timezone, 'America/Los_Angeles')).toBe('America/Los_Angeles');
		expect(sent(timezone, 'america/los angeles')).toBe('America/Los_Angeles');
		expect(sent(timezone, ' utc ')).toBe('UTC');
	});
	it('refuse a zone outside the list, even a real one, naming close ones', () => {
		expect(refused(timezone, 'America/New_York')).toMatch(
			/^expected one of the field's 4 time zones, e\.g\. America\/Chicago; closest: /,
		);
		expect(refused(timezone, 3)).toMatch(/time zone/);
	});
	it('a time zone field without a list takes any IANA zone', () => {
		expect(sent(field('timezone'), 'Europe/Tallinn')).toBe('Europe/Tallinn');
		expect(refused(field('timezone'), 'Mars/Olympus')).toMatch(/IANA/);
	});
	it("a rating is one of its options' numbers", () => {
		const rating = field('rating', {
			options: ['1', '2', '3', '4', '5'].map((code) => ({ id: `r${code}`, code, name: code })),
		});
		expect(sent(rating, '4')).toBe(4);
		expect(refused(rating, 6)).toBe('expected a rating: 1, 2, 3, 4, 5');
		expect(refused(rating, 2.5)).toMatch(/whole number/);
	});
});

describe('references', () => {
	it('relationships take a record id or {id}; to-many take lists', () => {
		const one = field('relationship', { relation: { cardinality: 'many_to_one' } });
		const many = field('relationship', { relation: { cardinality: 'many_to_many' } });
		expect(sent(one, RECORD)).toEqual({ id: RECORD });
		expect(sent(one, { id: RECORD, name: 'Acme' })).toEqual({ id: RECORD });
		expect(sent(many, `${RECORD}, ${RECORD2}`)).toEqual([{ id: RECORD }, { id: RECORD2 }]);
		expect(refused(one, 'Acme Corp')).toMatch(/record ID \(a UUID\)/);
	});
	it('team selectors take an employee id; files take upload ids', () => {
		expect(sent(field('team_selector'), RECORD)).toBe(RECORD);
		expect(refused(field('team_selector'), 'Jane')).toMatch(/team member/);
		expect(sent(field('files'), ['upload-1', 'upload-2'])).toEqual(['upload-1', 'upload-2']);
	});
});

describe('toFieldWrites', () => {
	const name = field('text', { name: 'name', display_name: 'Name' });
	const score = field('integer', { name: 'lead_score', display_name: 'Lead Score' });
	const tags = field('checkboxes', { name: 'tags', display_name: 'Tags', options });
	const created = field('datetime', {
		name: 'created',
		display_name: 'Created',
		is_read_only: true,
	});
	const secret = field('text', { name: 'internal', display_name: 'Internal', is_hidden: true });
	const schema = buildSchema({ id: 'o1', name: 'deals', object_name: 'Deals' }, [
		name,
		score,
		tags,
		created,
		secret,
	]);
	const base = {
		emptyValues: 'skip' as const,
		multiValueMode: 'replace' as const,
		autoMap: false,
	};
	const NONE = { unknown: [], readOnly: [] };

	it('keys every write by field id', () => {
		expect(toFieldWrites(schema, { lead_score: '7', tags: 'Qualified' }, base)).toEqual({
			writes: [
				{ id: score.id, value: 7 },
				{ id: tags.id, value: [{ id: options[1].id }] },
			],
			notWritten: NONE,
		});
	});
	it('skips or clears empty values as asked, never clearing the identifier', () => {
		const values = { name: '', lead_score: null, tags: [] };
		expect(toFieldWrites(schema, values, base)).toEqual({ writes: [], notWritten: NONE });
		expect(toFieldWrites(schema, values, { ...base, emptyValues: 'clear' })).toEqual({
			writes: [
				{ id: score.id, value: null },
				{ id: tags.id, value: null },
			],
			notWritten: NONE,
		});
	});
	it('clears with null where the field allows nulls, "" where it allows only empty, and refuses otherwise', () => {
		const onlyEmpty = field('text', { name: 'nick', allows_nulls: false, allows_empty: true });
		const nullable = field('date', { name: 'due', allows_nulls: true, allows_empty: false });
		const neither = field('yesnomaybe', {
			name: 'flag',
			display_name: 'Flag',
			allows_nulls: false,
			allows_empty: false,
			options,
		});
		const fields = buildSchema({ id: 'o2', name: 'things', object_name: 'Things' }, [
			field('text', { name: 'name' }),
			onlyEmpty,
			nullable,
			neither,
		]);
		const clear = { ...base, emptyValues: 'clear' as const };
		expect(toFieldWrites(fields, { nick: '', due: null }, clear)).toEqual({
			writes: [
				{ id: onlyEmpty.id, value: '' },
				{ id: nullable.id, value: null },
			],
			notWritten: NONE,
		});
		const refusedClear = toFieldWrites(fields, { flag: null }, clear);
		expect(refusedClear.problem && describeProblem(refusedClear.problem)).toBe(
			'"Flag" (flag) cannot take null: Kizen does not let this field be emptied (it allows neither null nor ""). Give it a value, or set Options → Empty Values to Skip',
		);
		// Skip never sends anything for them.
		expect(toFieldWrites(fields, { flag: null }, base)).toEqual({ writes: [], notWritten: NONE });
	});
	it('sends add_values / remove_values for multi-value fields only', () => {
		const result = toFieldWrites(
			schema,
			{ lead_score: 3, tags: 'New Lead' },
			{ ...base, multiValueMode: 'add' },
		);
		expect(result).toEqual({
			writes: [
				{ id: score.id, value: 3 },
				{ id: tags.id, add_values: [{ id: options[0].id }] },
			],
			notWritten: NONE,
		});
		const removal = toFieldWrites(
			schema,
			{ tags: ['Qualified'] },
			{ ...base, multiValueMode: 'remove' },
		);
		expect(removal).toEqual({
			writes: [{ id: tags.id, remove_values: [{ id: options[1].id }] }],
			notWritten: NONE,
		});
	});
	it('refuses unknown and read-only keys when defined below, reports them when auto-mapping; writes hidden ones', () => {
		const values = { colour: 'red', created: '2026-01-01', internal: 'x', lead_score: 1 };
		const refusedUnknown = toFieldWrites(schema, { colour: 'red' }, base);
		expect(refusedUnknown.problem && describeProblem(refusedUnknown.problem)).toMatch(
			/"colour" cannot take "red": the object "deals" has no such field/,
		);
		const refusedReadOnly = toFieldWrites(schema, { created: '2026-01-01' }, base);
		expect(refusedReadOnly.problem && describeProblem(refusedReadOnly.problem)).toMatch(
			/this field is read-only in Kizen/,
		);
		// A hidden field is written like any other (hidden only hides it in Kizen's UI).
		expect(toFieldWrites(schema, values, { ...base, autoMap: true })).toEqual({
			writes: [
				{ id: secret.id, value: 'x' },
				{ id: score.id, value: 1 },
			],
			notWritten: { unknown: ['colour'], readOnly: ['created'] },
		});
	});
	it('names the field, the value and the expected form when a value cannot be converted', () => {
		const result = toFieldWrites(schema, { lead_score: 'abc' }, base);
		expect(result.problem && describeProblem(result.problem)).toBe(
			'"Lead Score" (lead_score) cannot take "abc": expected a whole number, e.g. 42',
		);
	});
});

describe('which field an input key names (Map Automatically)', () => {
	const first = field('text', { name: 'first_name', display_name: 'First Name' });
	const score = field('integer', { name: 'lead_score', display_name: 'Score' });
	const phone = field('phonenumber', { name: 'phone', display_name: 'Phone' });
	const mobile = field('phonenumber', { name: 'mobile', display_name: 'Mobile Phone' });
	// Two writable fields whose names fit "Work Phone" loosely: one by API name, one by display name.
	const workA = field('phonenumber', { name: 'work_phone', display_name: 'Office' });
	const workB = field('phonenumber', { name: 'office_line', display_name: 'Work Phone' });
	// A read-only field and a writable one share a display name: the key can only mean the writable.
	const createdRo = field('datetime', { name: 'created', display_name: 'Signed Up', is_read_only: true });
	const signedUp = field('date', { name: 'joined_on', display_name: 'Signed-Up Date' });
	const signup = field('date', { name: 'signup', display_name: 'Signed Up' });
	const schema = buildSchema({ id: 'o9', name: 'leads', object_name: 'Leads' }, [
		first,
		score,
		phone,
		mobile,
		workA,
		workB,
		createdRo,
		signedUp,
		signup,
	]);
	const auto = {
		emptyValues: 'skip' as const,
		multiValueMode: 'replace' as const,
		autoMap: true,
	};

	it.each([
		['first_name', first],
		['First Name', first],
		['FIRST NAME', first],
		['first-name', first],
		['firstName', first],
		[' first_name ', first],
		['Score', score],
		['lead score', score],
		['LEAD-SCORE', score],
		[first.id, first],
		['Mobile Phone', mobile],
		['Signed Up', signup],
	])('%j names %s', (key, expected) => {
		expect(fieldForKey(schema, key).field).toBe(expected);
	});
	it('names no field for a key that fits none, and is ambiguous for one that fits two', () => {
		expect(fieldForKey(schema, 'Lead Scores')).toEqual({});
		expect(fieldForKey(schema, 'Work Phone').ambiguous).toEqual([workA, workB]);
	});
	it('writes every spreadsheet column that names a field, by display name too', () => {
		const result = toFieldWrites(
			schema,
			{ 'First Name': 'Ada', 'Lead Score': '7', Phone: '+13125550100', Region: 'EMEA' },
			auto,
		);
		expect(result).toEqual({
			writes: [
				{ id: first.id, value: 'Ada' },
				{ id: score.id, value: 7 },
				{ id: phone.id, value: '+13125550100' },
			],
			notWritten: { unknown: ['Region'], readOnly: [] },
		});
	});
	it('refuses a key that fits two fields, naming both', () => {
		const result = toFieldWrites(schema, { 'Work Phone': '+13125550100' }, auto);
		expect(result.problem && describeProblem(result.problem)).toBe(
			'Input key "Work Phone": it fits 2 fields: "Office" (work_phone), "Work Phone" (office_line). Name the field by its API name (rename the key, e.g. in an Edit Fields node), or use Define Below',
		);
	});
	it('refuses two keys for one field, naming both keys', () => {
		const result = toFieldWrites(schema, { 'First Name': 'Ada', first_name: 'Grace' }, auto);
		expect(result.problem && describeProblem(result.problem)).toBe(
			'"First Name" (first_name) cannot take "Grace": the field is given twice, as "First Name" and as "first_name". Keep one of them',
		);
	});
	it('with Unmatched Input Keys → Fail the Item, refuses the item, naming every unmatched key', () => {
		const result = toFieldWrites(
			schema,
			{ first_name: 'Ada', 'Lead Scores': 1, Region: 'EMEA', 'Signed Up': '2026-01-01', created: 'x' },
			{ ...auto, unmatchedKeys: 'fail' },
		);
		expect(result.problem && describeProblem(result.problem)).toBe(
			'Not written to Kizen: "Lead Scores", "Region": no field of Leads has these names (API name or display name); rename them or use Define Below. "created": read-only in Kizen. Options → Unmatched Input Keys decides whether such keys are ignored, reported or fail the item',
		);
	});
});

describe('reads (Simplified output)', () => {
	const money = field('money', { name: 'amount' });
	const decimal = field('decimal', { name: 'share' });
	const owner = field('team_selector', { name: 'owner' });
	const schema = buildSchema({ id: 'o3', name: 'deals', object_name: 'Deals' }, [
		money,
		decimal,
		owner,
	]);
	const read = (values: Record<string, unknown>) => {
		const { id, ...fields } = simplifyRecord(schema, {
			id: 'r1',
			fields: Object.fromEntries(
				[money, decimal, owner]
					.filter((f) => f.name in values)
					.map((f) => [f.id, { id: f.id, name: f.name, value: values[f.name] }]),
			),
		});
		expect(id).toBe('r1');
		return fields;
	};
	it('gives decimals and money amounts as numbers, whether Kizen sends numbers or strings', () => {
		expect(read({ amount: { currency: 'USD', symbol: '$', amount: 320.81 }, share: 5.0 })).toEqual({
			amount: 320.81,
			share: 5,
		});
		expect(
			read({ amount: { currency: 'USD', symbol: '$', amount: '320.81' }, share: '12.50' }),
		).toEqual({
			amount: 320.81,
			share: 12.5,
		});
	});
	it('gives a team member as the person Kizen reads back, or {id} for a bare ID', () => {
		const person = {
			id: RECORD,
			deleted: false,
			first_name: 'Alex',
			last_name: 'Example',
			email: 'alex@example.com',
		};
		expect(read({ owner: person })).toEqual({
			owner: { id: RECORD, first_name: 'Alex', last_name: 'Example', email: 'alex@example.com' },
		});
		expect(read({ owner: RECORD })).toEqual({ owner: { id: RECORD } });
	});
});

describe('Simplified output is flat', () => {
	it('gives {id, action, <API name>: value}, a field named id or action under field_<name>', () => {
		const idField = field('text', { name: 'id', display_name: 'External ID' });
		const actionField = field('text', { name: 'action', display_name: 'Next Action' });
		const taken = field('text', { name: 'field_id', display_name: 'Field ID' });
		const email = field('email', { name: 'email', display_name: 'Email' });
		const schema = buildSchema({ id: 'o4', name: 'client_client', object_name: 'Contacts' }, [
			idField,
			actionField,
			taken,
			email,
		]);
		const value = (f: KizenField, v: unknown) => [f.id, { id: f.id, name: f.name, value: v }];
		const out = simplifyRecord(schema, {
			id: 'r1',
			action: 'created',
			fields: Object.fromEntries([
				value(idField, 'ext-7'),
				value(actionField, 'Call back'),
				value(taken, 'taken'),
				value(email, 'ada@example.com'),
			]),
		});
		expect(out).toEqual({
			id: 'r1',
			action: 'created',
			field_field_id: 'ext-7',
			field_action: 'Call back',
			field_id: 'taken',
			email: 'ada@example.com',
		});
		expect(Object.keys(out).slice(0, 2)).toEqual(['id', 'action']);
	});
});
