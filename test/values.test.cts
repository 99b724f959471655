/**
 * The value-conversion module, rule by rule: what each Kizen field type accepts from an n8n item,
 * what it sends, and what it refuses (with the expected form in the message).
 */
import { DateTime } from 'luxon';

import type { KizenField } from '../nodes/Kizen/helpers/interfaces';
import { simplifyRecord } from '../nodes/Kizen/helpers/output';
import { buildSchema } from '../nodes/Kizen/helpers/schema';
import { convertValue, describeProblem, toFieldWrites } from '../nodes/Kizen/helpers/values';

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

const sent = (f: KizenField, raw: unknown) => {
	const result = convertValue(f, raw);
	if (result.problem !== undefined) throw new Error(`refused: ${result.problem}`);
	return result.value;
};
const refused = (f: KizenField, raw: unknown) => {
	const result = convertValue(f, raw);
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
	});
	it('datetimes send ISO-8601, keeping the instant; a string without offset is UTC', () => {
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
		ignoreUnknownKeys: false,
	};

	it('keys every write by field id', () => {
		expect(toFieldWrites(schema, { lead_score: '7', tags: 'Qualified' }, base)).toEqual({
			writes: [
				{ id: score.id, value: 7 },
				{ id: tags.id, value: [{ id: options[1].id }] },
			],
		});
	});
	it('skips or clears empty values as asked, never clearing the identifier', () => {
		const values = { name: '', lead_score: null, tags: [] };
		expect(toFieldWrites(schema, values, base)).toEqual({ writes: [] });
		expect(toFieldWrites(schema, values, { ...base, emptyValues: 'clear' })).toEqual({
			writes: [
				{ id: score.id, value: null },
				{ id: tags.id, value: null },
			],
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
		});
		const refusedClear = toFieldWrites(fields, { flag: null }, clear);
		expect(refusedClear.problem && describeProblem(refusedClear.problem)).toBe(
			'"Flag" (flag) cannot take null: Kizen does not let this field be emptied (it allows neither null nor ""). Give it a value, or set Options → Empty Values to Skip',
		);
		// Skip never sends anything for them.
		expect(toFieldWrites(fields, { flag: null }, base)).toEqual({ writes: [] });
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
		});
		const removal = toFieldWrites(
			schema,
			{ tags: ['Qualified'] },
			{ ...base, multiValueMode: 'remove' },
		);
		expect(removal).toEqual({ writes: [{ id: tags.id, remove_values: [{ id: options[1].id }] }] });
	});
	it('refuses unknown and read-only keys when defined below, ignores them when auto-mapping; writes hidden ones', () => {
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
		expect(toFieldWrites(schema, values, { ...base, ignoreUnknownKeys: true })).toEqual({
			writes: [
				{ id: secret.id, value: 'x' },
				{ id: score.id, value: 1 },
			],
		});
	});
	it('names the field, the value and the expected form when a value cannot be converted', () => {
		const result = toFieldWrites(schema, { lead_score: 'abc' }, base);
		expect(result.problem && describeProblem(result.problem)).toBe(
			'"Lead Score" (lead_score) cannot take "abc": expected a whole number, e.g. 42',
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
	const read = (values: Record<string, unknown>) =>
		simplifyRecord(schema, {
			id: 'r1',
			fields: Object.fromEntries(
				[money, decimal, owner]
					.filter((f) => f.name in values)
					.map((f) => [f.id, { id: f.id, name: f.name, value: values[f.name] }]),
			),
		}).fields;
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
