/**
 * Bad input, refused before sending (issue 9): one batch through n8n's engine in which every bad
 * input is one item, each followed by a good neighbour. Each bad item must fail with its own error
 * item naming the item, the field (display and API name), the value and the expected form; no write
 * may be sent for it (nor, for a refused Object, any request on its behalf); and every neighbour
 * must be created. The Object, the Lookup Value and the options are per-item expressions, so the
 * batch mixes Companies, Contacts and refused objects as a real workflow could.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

const { autoMap, isErrorItem, runKizen, useSimulator }: typeof import('./helpers/kizen.cjs') =
	require('./helpers/kizen.cts');

const sim = useSimulator();

interface BadInput {
	label: string;
	/** The item's JSON: `object`, `lookup`, `policy`, `mode`, `empty` drive the node's parameters. */
	item: IDataObject;
	message: RegExp;
	/** An Object value that must never reach a URL. */
	refusedObject?: boolean;
}

const COMPANY = 'companies';
const CONTACTS = 'client_client';
const company = (label: string, fields: IDataObject): IDataObject => ({
	object: COMPANY,
	lookup: `Bad ${label}`,
	...fields,
});
const contact = (n: number, fields: IDataObject): IDataObject => ({
	object: CONTACTS,
	lookup: `bad${n}@input.example`,
	...fields,
});
const field = (display: string, api: string) =>
	`"${display.replace(/[?]/g, '\\?')}" \\(${api}\\) cannot take`;
const emoji = (n: number) => '😀'.repeat(n);

const BAD: BadInput[] = [
	// Whole numbers: Kizen's 4-byte integers; what JSON would hide (NaN) named as it is.
	{ label: 'integer above 2^31-1', item: company('int high', { employee_count: 2147483648 }), message: new RegExp(`${field('Employee Count', 'employee_count')} 2147483648: expected a whole number from -2147483648 to 2147483647`) },
	{ label: 'integer below -2^31', item: company('int low', { employee_count: -2147483649 }), message: /cannot take -2147483649: expected a whole number from -2147483648/ },
	{ label: 'integer text out of range', item: company('int text', { employee_count: '99999999999' }), message: /cannot take "99999999999": expected a whole number from -2147483648/ },
	{ label: 'fraction for an integer', item: company('fraction', { employee_count: 1.5 }), message: /cannot take 1\.5: expected a whole number, e\.g\. 42, not a fraction/ },
	{ label: 'NaN', item: company('nan', { employee_count: NaN }), message: /cannot take NaN: expected a whole number, e\.g\. 42, not NaN/ },
	{ label: 'Infinity', item: company('inf', { employee_count: Infinity }), message: /cannot take Infinity: expected a whole number, e\.g\. 42, not Infinity/ },
	{ label: 'digits and letters', item: company('12abc', { employee_count: '12abc' }), message: /cannot take "12abc": expected a whole number/ },
	{ label: 'a boolean for a number', item: company('bool num', { employee_count: true }), message: /cannot take true: expected a whole number/ },
	// Decimals and money: no silent rounding.
	{ label: 'number beyond 2^53', item: company('2^60', { annual_revenue: 2 ** 60 }), message: new RegExp(`${field('Annual Revenue', 'annual_revenue')} 1152921504606847000: expected a number below 9007199254740991`) },
	{ label: '19 significant digits', item: company('precision', { annual_revenue: '12345678901234567.89' }), message: /expected a number, e\.g\. 1250\.50 .* of at most 15 significant digits, got 19/ },
	{ label: 'currency sign and separator', item: company('currency', { annual_revenue: '$1,200' }), message: /cannot take "\$1,200": expected a number, e\.g\. 1250\.50 \(no currency sign or thousands separator\)/ },
	{ label: '-Infinity', item: company('-inf', { annual_revenue: -Infinity }), message: /cannot take -Infinity: expected a number/ },
	{ label: 'a word for a rating', item: company('rating', { satisfaction: 'five' }), message: new RegExp(`${field('Satisfaction', 'satisfaction')} "five": expected a whole number`) },
	// Dates: no timestamp lands in the wrong century.
	{ label: '12-digit timestamp (year 10000 in seconds, 1978 in ms)', item: company('ts 12', { founded: 253402300800 }), message: /253402300800 is not a clear Unix timestamp: in seconds it is the year 10000, in milliseconds 1978-01-11/ },
	{ label: 'milliseconds in year 33658', item: company('ts ms', { founded: 1e15 }), message: /the Unix timestamp 1000000000000000 is the year 33658; timestamps are read for the years 1900 to 2200 only/ },
	{ label: 'seconds in 1811', item: company('ts s', { founded: -5e9 }), message: /the Unix timestamp -5000000000 is the year 1811/ },
	{ label: 'ISO year beyond 9999', item: company('iso 10000', { founded: '+010000-01-01' }), message: /expected a date in the years 0001 to 9999/ },
	{ label: 'Invalid Date', item: company('invalid date', { founded: new Date('not a date') }), message: new RegExp(`${field('Founded', 'founded')} Invalid Date: expected a date`) },
	{ label: 'February 30', item: company('feb 30', { founded: '2026-02-30' }), message: /cannot take "2026-02-30": expected a date: YYYY-MM-DD/ },
	{ label: 'US date without a format', item: company('us date', { founded: '03/01/2026' }), message: /cannot take "03\/01\/2026": expected a date: YYYY-MM-DD.*For dates written otherwise, such as 03\/01\/2026, set Options → Date Format/ },
	{ label: 'year 0', item: company('year 0', { founded: '0000-01-01' }), message: /cannot take "0000-01-01": expected a date/ },
	// Text, email, choices, references.
	{ label: 'not an email', item: company('email', { support_email: 'not-an-email' }), message: new RegExp(`${field('Support Email', 'support_email')} "not-an-email": expected an email address`) },
	{ label: 'an object for long text', item: company('object text', { description: { a: 1 } }), message: /"Description" \(description\) cannot take \{"a":1\}: expected text/ },
	{ label: 'unknown choice', item: company('choice', { industry: 'Aerospace' }), message: /"Industry" \(industry\) cannot take "Aerospace": expected one of the field's choices: Software, Manufacturing, Retail/ },
	{ label: 'a list for a single choice', item: company('choice list', { region: ['na'] }), message: /"Region" \(region\) cannot take \["na"\]: expected one of the field's choices/ },
	{ label: 'an object without an id for a choice', item: company('choice object', { size_band: {} }), message: /"Size Band" \(size_band\) cannot take \{\}: expected one of the field's choices/ },
	{ label: 'a name for a team member', item: company('owner', { owner: 'sam' }), message: /"Owner" \(owner\) cannot take "sam": expected a team member \(employee\) ID, a UUID/ },
	{ label: 'not a record ID', item: company('relation', { primary_contact: '123' }), message: /"Primary Contact" \(primary_contact\) cannot take "123": expected a related record ID/ },
	{ label: 'an object in a file list', item: company('files', { attachments: [{}] }), message: /"Attachments" \(attachments\) cannot take \[\{\}\]: expected text/ },
	// The same field twice, by API name and by ID (filled in below).
	{ label: 'one field given twice', item: company('twice', { employee_count: 5 }), message: /"Employee Count" \(employee_count\) cannot take 6: the field is given twice, as "employee_count" and as "[0-9a-f-]{36}"/ },
	// The Lookup Value.
	{ label: 'empty lookup value', item: { object: COMPANY, lookup: '   ' }, message: /Lookup Value is empty/ },
	{ label: 'lookup value over 255 characters', item: { object: COMPANY, lookup: 'x'.repeat(300) }, message: /"Lookup Value" cannot take "x{70,}\.\.\.: expected at most 255 characters, got 300/ },
	{ label: 'lookup value of 256 emoji (code points, not UTF-16)', item: { object: COMPANY, lookup: emoji(256) }, message: /expected at most 255 characters, got 256\./ },
	{ label: 'a Contacts lookup that is not an email', item: { object: CONTACTS, lookup: 'Ada Lovelace' }, message: /"Lookup Value" cannot take "Ada Lovelace": expected an email address/ },
	{ label: 'a lookup expression that fails for this item', item: { object: COMPANY, unnamed: true }, message: /^Referenced node doesn't exist/ },
	// The Object: nothing but an API name or a UUID reaches a URL.
	{ label: 'Object "."', item: { object: '.', lookup: 'dot' }, message: /Object "\." is not an object's API name/, refusedObject: true },
	{ label: 'Object ".."', item: { object: '..', lookup: 'dotdot' }, message: /Object "\.\." is not an object's API name/, refusedObject: true },
	{ label: 'Object with a path', item: { object: 'client_client/../x', lookup: 'path' }, message: /Object "client_client\/\.\.\/x" is not an object's API name/, refusedObject: true },
	{ label: 'Object with an encoded slash', item: { object: 'records%2F..', lookup: 'encoded' }, message: /Object "records%2F\.\." is not an object's API name/, refusedObject: true },
	{ label: 'empty Object', item: { object: '', lookup: 'none' }, message: /No Kizen object is selected/, refusedObject: true },
	// Choices given by expression.
	{ label: 'archived-match policy misspelt', item: company('policy', { policy: 'unarchve' }), message: /Options → If an Archived Record Matches is "unarchve", which is not one of its choices/ },
	{ label: 'multi-value mode unknown', item: company('mode', { mode: 'append' }), message: /Options → Multi-Value Fields is "append", which is not one of its choices/ },
	{ label: 'empty-values mode unknown', item: company('empty', { empty: 'nothing' }), message: /Options → Empty Values is "nothing", which is not one of its choices/ },
	// Contacts fields.
	{ label: 'text over 255 characters in emoji', item: contact(1, { first_name: emoji(256) }), message: /"First Name" \(first_name\) cannot take "(😀){70,}\.\.\.: expected at most 255 characters, got 256/u },
	{ label: 'phone without country code', item: contact(2, { mobile_phone: '555-0199' }), message: /"Mobile Phone" \(mobile_phone\) cannot take "555-0199": expected a phone number in E\.164 form.*set Options → Default Country Code/ },
	{ label: 'phone as a number', item: contact(3, { mobile_phone: 3125550100 }), message: /cannot take 3125550100: expected a phone number in E\.164 form as text/ },
	{ label: '[true] for a checkbox', item: company('checkbox list', { is_partner: [true] }), message: new RegExp(`${field('Partner?', 'is_partner')} \\[true\\]: expected true or false`) },
	{ label: '"yes" for a checkbox', item: company('checkbox yes', { is_partner: 'yes' }), message: /cannot take "yes": expected true or false/ },
	{ label: 'an object for a whole number', item: company('int object', { employee_count: {} }), message: /"Employee Count" \(employee_count\) cannot take \{\}: expected a whole number/ },
	{ label: 'an object for a date', item: contact(7, { birthday: { year: 1990 } }), message: /"Birthday" \(birthday\) cannot take \{"year":1990\}: expected a date/ },
	{ label: 'an unknown tag in a list', item: contact(8, { titles: 'CTO, Unknown' }), message: /"Titles" \(titles\) cannot take "CTO, Unknown": expected one of the field's tags \(a name or ID\); there is no tag "Unknown", closest: / },
];

const goodNeighbour = (n: number): IDataObject => ({
	object: COMPANY,
	lookup: `Good ${n}`,
	employee_count: n,
});

const parameters = {
	object: { __rl: true, mode: 'name', value: '={{ $json.object }}' },
	// n8n fails an expression that names a node the workflow does not have: here, only for the item
	// without a lookup.
	lookupValue: "={{ $json.lookup ?? $('Missing Node').item.json.name }}",
	fields: autoMap(),
	options: {
		archivedMatch: '={{ $json.policy ?? "unarchive" }}',
		multiValueMode: '={{ $json.mode ?? "replace" }}',
		emptyValues: '={{ $json.empty ?? "skip" }}',
	},
};

describe('bad input is refused before sending, item by item', () => {
	let out: INodeExecutionData[] = [];
	let writes: Array<{ path: string; lookup: unknown }> = [];
	let paths: string[] = [];

	beforeAll(async () => {
		// `useSimulator` resets before each test; the batch runs once, here, on the fresh simulator.
		sim.reset();
		const twice = BAD.find((bad) => bad.label === 'one field given twice')!;
		twice.item[sim.field(COMPANY, 'employee_count').id] = 6;
		const items = BAD.flatMap((bad, n) => [bad.item, goodNeighbour(n)]);
		const result = await runKizen(sim, parameters, items, { onError: 'continueRegularOutput' });
		expect(result.error).toBeUndefined();
		out = result.rawItems('Kizen');
		writes = sim.requests
			.filter((r) => r.method === 'POST')
			.map((r) => ({ path: r.path, lookup: (r.body as IDataObject).lookup_value }));
		paths = sim.requests.map((r) => `${r.method} ${r.path}`);
	});

	it(`covers at least 40 distinct bad inputs (${BAD.length})`, () => {
		expect(new Set(BAD.map((bad) => bad.label)).size).toBe(BAD.length);
		expect(BAD.length).toBeGreaterThanOrEqual(40);
		expect(out).toHaveLength(BAD.length * 2);
	});

	it.each(BAD.map((bad, n) => [bad.label, bad, n] as const))(
		'%s: its own error item, nothing sent for it, its neighbour created',
		(_label, bad, n) => {
			const itemIndex = 2 * n;
			const item = out[itemIndex];
			// Its own error item, named by its pairing with the input (n8n's link; the editor's
			// "[item N]" comes from the error's itemIndex), with the fix next to the message.
			expect(item.pairedItem).toEqual({ item: itemIndex });
			expect(isErrorItem(item)).toBe(true);
			expect(item.json.message).toMatch(bad.message);
			expect(item.json.message).not.toMatch(/^Item \d/);
			expect(item.json.error).not.toBe('');
			// No write for this item: its lookup value never reached Kizen.
			if (typeof bad.item.lookup === 'string' && bad.item.lookup.trim()) {
				expect(writes.filter((write) => write.lookup === bad.item.lookup)).toEqual([]);
			}
			if (bad.refusedObject) {
				const object = encodeURIComponent(String(bad.item.object));
				// The schema reads, the Titles tags read (for the unknown-tag item) and the neighbours' writes.
				const known = /^(GET \/api\/custom-objects\/(companies|client_client|[0-9a-f-]{36}\/fields)|GET \/api\/client\/fields\/[0-9a-f-]{36}\/tags|POST \/api\/records\/(companies|client_client)\/upsert)$/;
				expect(paths.filter((path) => !known.test(path))).toEqual([]);
				expect(paths.filter((path) => path.includes(`/${object}`) && object)).toEqual([]);
			}
			const neighbour = out[itemIndex + 1];
			expect(neighbour.pairedItem).toEqual({ item: itemIndex + 1 });
			expect(neighbour.json).toMatchObject({ action: 'created', name: `Good ${n}` });
		},
	);

	it('sends exactly one write per good neighbour and nothing else', () => {
		expect(writes.map((write) => write.lookup).sort()).toEqual(
			BAD.map((_, n) => `Good ${n}`).sort(),
		);
	});
});
