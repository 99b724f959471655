'use strict';
/**
 * In-memory Kizen REST API simulator (test infrastructure, Node built-ins only).
 *
 * It follows the contract in KIZEN-API.md, not the node's convenience. Where that contract marks a
 * behaviour as inferred ([I]) the simulator implements the choice named there; where the contract
 * is silent the simulator's own choices are listed here so tests do not mistake them for Kizen's:
 *  - rating fields take integers 1..5;
 *  - decimal/money accept JSON numbers and numeric strings; they are stored with the field's decimal
 *    places and read back as strings (decimal "12.50", money {currency, symbol, amount: "12.50"});
 *  - integer/rating/text/email/phonenumber/timezone take JSON values of exactly that type (no coercion);
 *  - choice values are `{id}` (option uuid) or `{name}` (option label, case-insensitive); dynamictags
 *    do not create unknown tags;
 *  - team_selector is an employee uuid string and reads back as that string; files are upload-id strings;
 *  - on the create branch `lookup_value` is the identifier (a fields entry for the identifier is overridden);
 *    on the update branch a fields entry for the identifier renames the record;
 *  - an archived record moved "out of the way" gets identifier `<name> (archived <id8>)`, or for
 *    Contacts `archived-<id8>.<email>` so it stays an email;
 *  - UpsertRecordResponse.object_type is the object's api name (`client_client` for Contacts);
 *  - without return_all_fields a write answers the written fields plus the identifier field;
 *    GET record without field selection answers the object's `is_default` fields;
 *  - auth is checked before routing for every /api path; unknown /api paths then get an HTML 404.
 */
const http = require('node:http');
const crypto = require('node:crypto');

// ---------------------------------------------------------------------------------------------
// Deterministic ids
// ---------------------------------------------------------------------------------------------

/** `${group}-0000-4000-8000-${n as 12 decimal digits}`: a valid, readable, deterministic uuid. */
function uuid(group, n) {
	return `${group}-0000-4000-8000-${String(n).padStart(12, '0')}`;
}
const OBJECT_GROUP = '0b1ec700';
const FIELD_GROUP = 'f1e1d000';
const OPTION_GROUP = '0971a000';
const RECORD_GROUP = 'ec0d0000';
const NEW_RECORD_GROUP = 'ec0d0001';
const EMPLOYEE_GROUP = 'e1e1e000';

/** Fake demo credentials (not a secret: printed by `npm run simulator`). */
const DEMO_CREDENTIALS = Object.freeze({
	apiKey: 'demo-secret-key-kizen-simulator-0000000001',
	userId: uuid('5e4e0000', 1),
	businessId: uuid('b0510e55', 1),
});

const EMPLOYEES = Object.freeze([
	Object.freeze({ id: uuid(EMPLOYEE_GROUP, 1), display_name: 'Sam Seller', email: 'sam.seller@demo.example' }),
	Object.freeze({ id: uuid(EMPLOYEE_GROUP, 2), display_name: 'Morgan Manager', email: 'morgan.manager@demo.example' }),
]);

// ---------------------------------------------------------------------------------------------
// Seeded schema
// ---------------------------------------------------------------------------------------------

const SINGLE_CHOICE = new Set(['dropdown', 'radio', 'status', 'selector', 'choices', 'yesnomaybe']);
const MULTI_CHOICE = new Set(['checkboxes', 'dynamictags']);
const STRING_TYPES = new Set(['text', 'longtext', 'wysiwyg', 'email', 'phonenumber', 'timezone']);

/** [api name, display name, type, flags?] flags: r=required, o=read-only, h=hidden, d=default */
const OBJECT_SPECS = [
	{
		idx: 1,
		name: 'client_client',
		object_name: 'Contacts',
		entity_name: 'Contact',
		object_type: 'standard',
		is_custom: false,
		identifier: 'email',
		fields: [
			['first_name', 'First Name', 'text', 'd'],
			['last_name', 'Last Name', 'text', 'd'],
			['email', 'Email', 'email', 'rd'],
			['mobile_phone', 'Mobile Phone', 'phonenumber'],
			['birthday', 'Birthday', 'date'],
			['created', 'Date Created', 'datetime', 'o'],
			['lifecycle_stage', 'Lifecycle Stage', 'dropdown', '', { options: [['lead', 'Lead'], ['qualified', 'Qualified'], ['customer', 'Customer'], ['churned', 'Churned']] }],
			['newsletter', 'Newsletter Opt-in', 'checkbox'],
			['lead_score', 'Lead Score', 'integer'],
			['interests', 'Interests', 'checkboxes', '', { options: [['product', 'Product'], ['pricing', 'Pricing'], ['events', 'Events']] }],
			['tags', 'Tags', 'dynamictags', '', { options: [['vip', 'VIP'], ['partner', 'Partner'], ['press', 'Press']] }],
			['timezone', 'Time Zone', 'timezone'],
			['internal_notes', 'Internal Notes', 'longtext', 'h'],
		],
	},
	{
		idx: 2,
		name: 'companies',
		object_name: 'Companies',
		entity_name: 'Company',
		object_type: 'standard',
		is_custom: true,
		identifier: 'name',
		fields: [
			['name', 'Name', 'text', 'rd'],
			['record_number', 'Record Number', 'integer', 'o'],
			['created', 'Date Created', 'datetime', 'o'],
			['description', 'Description', 'longtext'],
			['about', 'About', 'wysiwyg'],
			['industry', 'Industry', 'radio', '', { options: [['software', 'Software'], ['manufacturing', 'Manufacturing'], ['retail', 'Retail']] }],
			['annual_revenue', 'Annual Revenue', 'money'],
			['employee_count', 'Employee Count', 'integer'],
			['satisfaction', 'Satisfaction', 'rating'],
			['owner', 'Owner', 'team_selector'],
			['timezone', 'Time Zone', 'timezone'],
			['region', 'Region', 'selector', '', { options: [['na', 'North America'], ['emea', 'EMEA'], ['apac', 'APAC']] }],
			['size_band', 'Size Band', 'choices', '', { options: [['small', 'Small'], ['mid', 'Mid-market'], ['enterprise', 'Enterprise']] }],
			['attachments', 'Attachments', 'files'],
			['primary_contact', 'Primary Contact', 'relationship', '', { relation: ['client_client', 'many_to_one'] }],
			['internal_code', 'Internal Code', 'text', 'h'],
			['support_email', 'Support Email', 'email'],
			['founded', 'Founded', 'date'],
		],
	},
	{
		idx: 3,
		name: 'deals',
		object_name: 'Deals',
		entity_name: 'Deal',
		object_type: 'pipeline',
		is_custom: true,
		identifier: 'name',
		fields: [
			['name', 'Name', 'text', 'rd'],
			['stage', 'Stage', 'status', 'rd', { options: [['qualified', 'Qualified'], ['proposal', 'Proposal'], ['won', 'Won'], ['lost', 'Lost']] }],
			['record_number', 'Record Number', 'integer', 'o'],
			['created', 'Date Created', 'datetime', 'o'],
			['amount', 'Amount', 'money'],
			['probability', 'Probability', 'decimal', '', { decimalPlaces: 2 }],
			['close_date', 'Close Date', 'date'],
			['company', 'Company', 'relationship', '', { relation: ['companies', 'many_to_one'] }],
			['contacts', 'Contacts', 'relationship', '', { relation: ['client_client', 'many_to_many'] }],
			['is_priority', 'Priority?', 'yesnomaybe', '', { options: [['yes', 'Yes'], ['no', 'No'], ['maybe', 'Maybe']] }],
			['products', 'Products', 'checkboxes', '', { options: [['platform', 'Platform'], ['support', 'Support'], ['training', 'Training']] }],
			['notes', 'Notes', 'wysiwyg'],
			['next_step_at', 'Next Step At', 'datetime'],
			['legacy_id', 'Legacy ID', 'text', 'h'],
		],
	},
];

/** Seed records: [identifier, { apiName: API-format value }, archived?] */
const SEED_RECORDS = {
	client_client: [
		['ada@example.com', { first_name: 'Ada', last_name: 'Lovelace', mobile_phone: '+13125550100', birthday: '1815-12-10', lifecycle_stage: { name: 'Customer' }, newsletter: true, lead_score: 90, interests: [{ name: 'Product' }], tags: [{ name: 'VIP' }], timezone: 'Europe/London' }],
		['grace@example.com', { first_name: 'Grace', last_name: 'Hopper', lifecycle_stage: { name: 'Qualified' }, newsletter: false, lead_score: 75 }],
		['alan@example.com', { first_name: 'Alan', last_name: 'Turing', lifecycle_stage: { name: 'Lead' } }],
		['former@example.com', { first_name: 'Former', last_name: 'Customer', lifecycle_stage: { name: 'Churned' } }, true],
	],
	companies: [
		['Acme Corp', { description: 'Makers of everything.', industry: { name: 'Manufacturing' }, annual_revenue: 1250000.5, employee_count: 250, satisfaction: 4, owner: EMPLOYEES[0].id, region: { name: 'North America' }, size_band: { name: 'Enterprise' }, primary_contact: { id: uuid(RECORD_GROUP, 1001) }, founded: '1947-03-01' }],
		['Globex', { industry: { name: 'Software' }, employee_count: 40, region: { name: 'EMEA' } }],
		['Initech', { industry: { name: 'Software' }, size_band: { name: 'Small' } }],
		['Umbrella Corp', { industry: { name: 'Retail' } }, true],
		['Vandelay Industries', { industry: { name: 'Retail' } }, true],
	],
	deals: [
		['Acme Renewal', { stage: { name: 'Proposal' }, amount: 50000, probability: 0.6, close_date: '2030-06-30', company: { id: uuid(RECORD_GROUP, 2001) }, contacts: [{ id: uuid(RECORD_GROUP, 1001) }], is_priority: { name: 'Yes' }, products: [{ name: 'Platform' }] }],
		['Globex Expansion', { stage: { name: 'Qualified' }, amount: 12000, company: { id: uuid(RECORD_GROUP, 2002) } }],
		['Lost Deal', { stage: { name: 'Lost' } }, true],
	],
};
const SEED_CREATED = '2024-01-15T12:00:00.000Z';

function buildSchema() {
	const objects = OBJECT_SPECS.map((spec) => ({
		spec,
		id: uuid(OBJECT_GROUP, spec.idx),
		name: spec.name,
		fields: [],
		fieldById: new Map(),
		fieldByName: new Map(),
		identField: null,
	}));
	const byName = new Map(objects.map((o) => [o.name, o]));
	for (const obj of objects) {
		obj.spec.fields.forEach(([name, display_name, field_type, flags = '', extra = {}], i) => {
			const fieldNo = obj.spec.idx * 100 + i + 1;
			const related = extra.relation ? byName.get(extra.relation[0]) : null;
			const field = {
				id: uuid(FIELD_GROUP, fieldNo),
				name,
				display_name,
				field_type,
				is_required: flags.includes('r'),
				is_read_only: flags.includes('o'),
				is_hidden: flags.includes('h'),
				is_default: flags.includes('d'),
				options: (extra.options || []).map(([code, label], j) => ({ id: uuid(OPTION_GROUP, fieldNo * 100 + j + 1), code, name: label })),
				relation: related ? { related_object: { id: related.id, name: related.name }, cardinality: extra.relation[1] } : null,
				money_options: field_type === 'money' ? { currency: 'USD', symbol: '$' } : null,
				decimal_options: field_type === 'money' ? { decimal_places: 2 } : field_type === 'decimal' ? { decimal_places: extra.decimalPlaces ?? 2 } : null,
			};
			if (field_type === 'rating') field.rating_options = { min_value: 1, max_value: 5 };
			obj.fields.push(field);
			obj.fieldById.set(field.id, field);
			obj.fieldByName.set(name, field);
		});
		obj.identField = obj.fieldByName.get(obj.spec.identifier);
	}
	return objects;
}

function publicObject(obj) {
	const s = obj.spec;
	return {
		id: obj.id,
		name: s.name,
		object_name: s.object_name,
		entity_name: s.entity_name,
		object_type: s.object_type,
		is_custom: s.is_custom,
		fetch_url: s.is_custom ? 'standard' : 'client',
		access: { view: true, edit: true, remove: true },
	};
}

// ---------------------------------------------------------------------------------------------
// Value validation (shared by every write endpoint)
// ---------------------------------------------------------------------------------------------

const TIMEZONES = new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+[1-9]\d{6,14}$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const NUMERIC_STRING_RE = /^-?\d+(\.\d+)?$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function typeName(v) {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'list';
	if (typeof v === 'string') return 'str';
	if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
	if (typeof v === 'boolean') return 'bool';
	return 'dict';
}

function isBlank(stored) {
	return stored === undefined || stored === null || stored === '' || (Array.isArray(stored) && stored.length === 0);
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Turn one API `value` into the stored form, or an array of DRF-style messages.
 * @returns {{ ok: true, value: any } | { ok: false, errors: string[] }}
 */
function coerceValue(state, field, value) {
	const fail = (...errors) => ({ ok: false, errors });
	const ok = (v) => ({ ok: true, value: v });
	if (value === null) return ok(null);
	const t = field.field_type;
	if (STRING_TYPES.has(t)) {
		if (typeof value !== 'string') return fail('Not a valid string.');
		if (value === '') return ok('');
		if (t === 'text' && value.length > 255) return fail('Ensure this field has no more than 255 characters.');
		if (t === 'email' && !EMAIL_RE.test(value)) return fail('Enter a valid email address.');
		if (t === 'phonenumber' && !PHONE_RE.test(value)) return fail('Enter a valid phone number in E.164 format, e.g. +13125550100.');
		if (t === 'timezone' && !TIMEZONES.has(value)) return fail(`"${value}" is not a valid choice.`);
		return ok(value);
	}
	switch (t) {
		case 'integer':
		case 'rating': {
			if (typeof value !== 'number' || !Number.isInteger(value)) return fail('A valid integer is required.');
			if (t === 'rating' && (value < 1 || value > 5)) return fail(value < 1 ? 'Ensure this value is greater than or equal to 1.' : 'Ensure this value is less than or equal to 5.');
			if (value > 2147483647) return fail('Ensure this value is less than or equal to 2147483647.');
			if (value < -2147483648) return fail('Ensure this value is greater than or equal to -2147483648.');
			return ok(value);
		}
		case 'decimal':
		case 'money': {
			let text;
			if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
			else if (typeof value === 'string' && NUMERIC_STRING_RE.test(value.trim())) text = value.trim();
			else return fail('A valid number is required.');
			const places = field.decimal_options.decimal_places;
			const m = /\.(\d+)$/.exec(text);
			if (m && !/e/i.test(text) && m[1].replace(/0+$/, '').length > places) return fail(`Ensure that there are no more than ${places} decimal places.`);
			const n = Number(text);
			if (Math.abs(n) >= 1e13) return fail('Ensure that there are no more than 15 digits in total.');
			return ok(n.toFixed(places));
		}
		case 'checkbox':
			if (typeof value !== 'boolean') return fail('Must be a valid boolean.');
			return ok(value);
		case 'date': {
			const m = typeof value === 'string' ? DATE_RE.exec(value) : null;
			const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
			if (!m || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
				return fail('Date has wrong format. Use one of these formats instead: YYYY-MM-DD.');
			}
			return ok(value);
		}
		case 'datetime': {
			if (typeof value !== 'string' || !DATETIME_RE.test(value) || Number.isNaN(Date.parse(value))) {
				return fail('Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].');
			}
			return ok(new Date(value).toISOString());
		}
		case 'team_selector':
			if (typeof value !== 'string') return fail('Not a valid string.');
			if (!state.employeeById.has(value)) return fail(`Invalid pk "${value}" - object does not exist.`);
			return ok(value);
		case 'files': {
			if (!Array.isArray(value)) return fail(`Expected a list of items but got type "${typeName(value)}".`);
			const bad = value.find((v) => typeof v !== 'string' || v === '');
			if (bad !== undefined) return fail('Each file must be a non-empty upload id string.');
			return ok([...new Set(value)]);
		}
		case 'relationship': {
			if (field.relation.cardinality === 'many_to_many') return coerceList(state, field, value, (v) => coerceRelated(state, field, v));
			return coerceRelated(state, field, value);
		}
		default:
			if (SINGLE_CHOICE.has(t)) return coerceOption(field, value);
			if (MULTI_CHOICE.has(t)) return coerceList(state, field, value, (v) => coerceOption(field, v));
			return fail(`Unsupported field type "${t}".`);
	}
}

function coerceList(state, field, value, one) {
	if (!Array.isArray(value)) return { ok: false, errors: [`Expected a list of items but got type "${typeName(value)}".`] };
	const out = [];
	for (const v of value) {
		const r = one(v);
		if (!r.ok) return r;
		if (!out.includes(r.value)) out.push(r.value);
	}
	return { ok: true, value: out };
}

function coerceOption(field, value) {
	if (!isPlainObject(value) || (value.id === undefined && value.name === undefined)) {
		return { ok: false, errors: [`Expected an object with "id" or "name" but got type "${typeName(value)}".`] };
	}
	let opt;
	if (value.id !== undefined) opt = field.options.find((o) => o.id === value.id);
	else if (typeof value.name === 'string') {
		const lower = value.name.toLowerCase();
		opt = field.options.find((o) => o.name === value.name) || field.options.find((o) => o.name.toLowerCase() === lower);
	}
	if (!opt) return { ok: false, errors: [`"${value.id !== undefined ? value.id : value.name}" is not a valid choice.`] };
	return { ok: true, value: opt.id };
}

function coerceRelated(state, field, value) {
	if (!isPlainObject(value) || typeof value.id !== 'string') {
		return { ok: false, errors: [`Expected an object with "id" but got type "${typeName(value)}".`] };
	}
	const target = state.store.get(field.relation.related_object.id);
	const rec = target.all.get(value.id);
	if (!rec || rec.archived) return { ok: false, errors: [`Invalid pk "${value.id}" - object does not exist.`] };
	return { ok: true, value: rec.id };
}

const isMultiValue = (field) =>
	MULTI_CHOICE.has(field.field_type) || (field.field_type === 'relationship' && field.relation.cardinality === 'many_to_many');

/**
 * Validate a request's `fields` array against an object.
 * @returns {{ ops: Array<{field, kind: 'value'|'add_values'|'remove_values', value}>, errors: object[], failed: boolean }}
 */
function validateEntries(state, obj, entries) {
	const ops = [];
	const errors = [];
	let failed = false;
	for (const entry of entries) {
		const err = {};
		const bad = (key, msg) => {
			(err[key] = err[key] || []).push(msg);
		};
		if (!isPlainObject(entry)) {
			errors.push({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(entry)}.`] });
			failed = true;
			continue;
		}
		const hasId = entry.id !== undefined;
		const hasName = entry.name !== undefined;
		let field;
		if (hasId && hasName) bad('id', 'Provide either "id" or "name", not both.');
		else if (!hasId && !hasName) bad('id', 'This field is required when "name" is not provided.');
		else if (hasId) {
			field = typeof entry.id === 'string' ? obj.fieldById.get(entry.id) : undefined;
			if (!field) bad('id', `Field with id "${entry.id}" does not exist on ${obj.spec.object_name}.`);
		} else {
			field = typeof entry.name === 'string' ? obj.fieldByName.get(entry.name) : undefined;
			if (!field) bad('name', `Field with name "${entry.name}" does not exist on ${obj.spec.object_name}.`);
		}
		const kinds = ['value', 'add_values', 'remove_values'].filter((k) => entry[k] !== undefined);
		if (kinds.length === 0) bad('value', 'This field is required when "add_values" and "remove_values" are not provided.');
		else if (kinds.length > 1) for (const k of kinds) bad(k, 'Provide only one of "value", "add_values" or "remove_values".');
		if (field && kinds.length === 1) {
			const kind = kinds[0];
			const raw = entry[kind];
			if (field.is_read_only) bad(kind, `Field "${field.name}" is read-only.`);
			else if (kind !== 'value' && !isMultiValue(field)) bad(kind, `"${kind}" is only supported for multi-value fields; "${field.name}" is ${field.field_type}.`);
			else if (kind !== 'value' && !Array.isArray(raw)) bad(kind, `Expected a list of items but got type "${typeName(raw)}".`);
			else {
				const r = coerceValue(state, field, raw);
				if (!r.ok) for (const m of r.errors) bad(kind, m);
				else if (kind === 'value' && field.is_required && isBlank(r.value)) bad(kind, raw === null ? 'This field may not be null.' : 'This field may not be blank.');
				else ops.push({ field, kind, value: r.value });
			}
		}
		if (Object.keys(err).length) failed = true;
		errors.push(err);
	}
	return { ops, errors, failed };
}

function applyOps(fieldsDraft, ops) {
	for (const { field, kind, value } of ops) {
		const cur = fieldsDraft[field.id];
		let next = value;
		if (kind === 'add_values') next = [...(cur || []), ...value.filter((v) => !(cur || []).includes(v))];
		else if (kind === 'remove_values') next = (cur || []).filter((v) => !value.includes(v));
		if (isBlank(next)) delete fieldsDraft[field.id];
		else fieldsDraft[field.id] = next;
	}
}

// ---------------------------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------------------------

/** Per object: all records by id, live records by lower-cased identifier, archived ones likewise. */
function createStore(objects) {
	const store = new Map();
	for (const obj of objects) {
		store.set(obj.id, { obj, all: new Map(), live: new Map(), archived: new Map(), recordNumber: 0 });
	}
	return store;
}

const keyOf = (identifier) => String(identifier).toLowerCase();

function indexRecord(bucket, rec) {
	const key = keyOf(rec.identifier);
	if (rec.archived) {
		let set = bucket.archived.get(key);
		if (!set) bucket.archived.set(key, (set = new Set()));
		set.add(rec);
	} else bucket.live.set(key, rec);
}

function unindexRecord(bucket, rec) {
	const key = keyOf(rec.identifier);
	if (rec.archived) {
		const set = bucket.archived.get(key);
		if (set) {
			set.delete(rec);
			if (!set.size) bucket.archived.delete(key);
		}
	} else if (bucket.live.get(key) === rec) bucket.live.delete(key);
}

function setIdentifier(bucket, rec, identifier) {
	unindexRecord(bucket, rec);
	rec.identifier = identifier;
	rec.fields[bucket.obj.identField.id] = identifier;
	indexRecord(bucket, rec);
}

function moveArchivedOutOfTheWay(bucket, key) {
	const set = bucket.archived.get(key);
	if (!set) return;
	for (const rec of [...set]) {
		const id8 = rec.id.replace(/-/g, '').slice(-8);
		const ident = bucket.obj.identField.field_type === 'email' ? `archived-${id8}.${rec.identifier}` : `${rec.identifier} (archived ${id8})`;
		setIdentifier(bucket, rec, ident);
	}
}

function setArchived(bucket, rec, archived) {
	unindexRecord(bucket, rec);
	rec.archived = archived;
	indexRecord(bucket, rec);
}

function newRecord(state, bucket, identifier, fields, archived, id) {
	const obj = bucket.obj;
	const rec = { id: id || uuid(NEW_RECORD_GROUP, ++state.recordCounter), identifier, fields: { ...fields }, archived: !!archived, seq: ++state.recordSeq };
	rec.fields[obj.identField.id] = identifier;
	const created = obj.fieldByName.get('created');
	if (created && rec.fields[created.id] === undefined) rec.fields[created.id] = id ? SEED_CREATED : new Date().toISOString();
	const recNo = obj.fieldByName.get('record_number');
	if (recNo) rec.fields[recNo.id] = ++bucket.recordNumber;
	bucket.all.set(rec.id, rec);
	indexRecord(bucket, rec);
	return rec;
}

// ---------------------------------------------------------------------------------------------
// Serialisation
// ---------------------------------------------------------------------------------------------

function displayName(state, bucket, rec) {
	if (bucket.obj.name === 'client_client') {
		const first = rec.fields[bucket.obj.fieldByName.get('first_name').id];
		const last = rec.fields[bucket.obj.fieldByName.get('last_name').id];
		const full = [first, last].filter(Boolean).join(' ');
		return full || rec.identifier;
	}
	return rec.identifier;
}

function renderValue(state, field, stored) {
	const t = field.field_type;
	if (SINGLE_CHOICE.has(t)) return optionOut(field, stored);
	if (MULTI_CHOICE.has(t)) return stored.map((id) => optionOut(field, id));
	if (t === 'money') return { currency: 'USD', symbol: '$', amount: stored };
	if (t === 'relationship') {
		const target = state.store.get(field.relation.related_object.id);
		const one = (id) => {
			const rec = target.all.get(id);
			return { id, name: rec ? displayName(state, target, rec) : '' };
		};
		return Array.isArray(stored) ? stored.map(one) : one(stored);
	}
	if (Array.isArray(stored)) return [...stored];
	return stored;
}

function optionOut(field, id) {
	const o = field.options.find((x) => x.id === id);
	return o ? { id: o.id, code: o.code, name: o.name } : { id, code: '', name: '' };
}

/**
 * The record shape of every record endpoint (upsert adds `action`).
 * @param {Set<string>|null} include field ids to include; null = every non-blank field
 */
function serializeRecord(state, bucket, rec, include) {
	const fields = {};
	for (const field of bucket.obj.fields) {
		if (include && !include.has(field.id)) continue;
		const stored = rec.fields[field.id];
		if (isBlank(stored)) continue;
		fields[field.id] = { id: field.id, name: field.name, field_type: field.field_type, display_name: field.display_name, value: renderValue(state, field, stored) };
	}
	return {
		id: rec.id,
		object_type: bucket.obj.name,
		fields,
		client_info: { display_name: displayName(state, bucket, rec), email_on_suppression_list: false, num_addresses_v2: 0 },
		access: { view: true, edit: true, remove: true },
		lead_source_types: [],
		num_upcoming_activities: 0,
		num_associated_team_members: 0,
	};
}

function writtenFieldIds(bucket, ops) {
	const ids = new Set(ops.map((o) => o.field.id));
	ids.add(bucket.obj.identField.id);
	return ids;
}

// ---------------------------------------------------------------------------------------------
// Writes (upsert, add, update, unarchive) — one code path
// ---------------------------------------------------------------------------------------------

const emptyEntryErrors = (entries) => entries.map(() => ({}));

function errorBody(nonFieldErrors, entries, extra) {
	return { ...(extra || {}), non_field_errors: nonFieldErrors, fields: emptyEntryErrors(entries) };
}

/**
 * Apply `ops` to `rec` (update/unarchive) or to a new record (rec = null), atomically.
 * @returns {{ error: object } | { record: object }}
 */
function commitWrite(state, bucket, rec, ops, entries, { identifier, archivedConflict }) {
	const obj = bucket.obj;
	const identId = obj.identField.id;
	const draft = rec ? { ...rec.fields } : {};
	applyOps(draft, ops);
	if (!rec) {
		if (identifier !== undefined) draft[identId] = identifier;
		const missing = obj.fields.filter((f) => f.is_required && !f.is_read_only && isBlank(draft[f.id])).map((f) => f.name);
		if (missing.length) return { error: errorBody(missing.map((n) => `Field "${n}" is required.`), entries) };
	}
	const newIdent = draft[identId];
	const oldKey = rec ? keyOf(rec.identifier) : null;
	const newKey = keyOf(newIdent);
	const label = obj.identField.name;
	if (newKey !== oldKey) {
		const holder = bucket.live.get(newKey);
		if (holder && holder !== rec) return { error: errorBody([`A record with this ${label} already exists.`], entries) };
		// `rec` is always live here, so any archived holder is another record.
		if (rec && bucket.archived.has(newKey) && archivedConflict !== 'overwrite') {
			return { error: errorBody([`An archived record with this ${label} already exists. Set the archived conflict option to "overwrite" to rename the archived record.`], entries) };
		}
	}
	// Everything validated: commit.
	if (rec && newKey !== oldKey && archivedConflict === 'overwrite') moveArchivedOutOfTheWay(bucket, newKey);
	if (!rec) return { record: newRecord(state, bucket, newIdent, draft, false) };
	rec.fields = draft;
	if (rec.identifier !== newIdent) setIdentifier(bucket, rec, newIdent);
	return { record: rec };
}

const ONCREATE_CHOICES = ['prompt', 'unarchive', 'overwrite'];

/** Validate the `fields` member of a body. */
function readEntries(body) {
	if (body.fields === undefined || body.fields === null) return { entries: [] };
	if (!Array.isArray(body.fields)) return { entries: [], error: `"fields" must be a list of items but got type "${typeName(body.fields)}".` };
	return { entries: body.fields };
}

function handleUpsert(state, bucket, ctx) {
	const obj = bucket.obj;
	const body = ctx.body;
	if (ctx.bodyError) return json(400, { non_field_errors: [ctx.bodyError], fields: [] });
	if (!isPlainObject(body)) return json(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(body)}.`], fields: [] });
	const { entries, error: entriesError } = readEntries(body);
	const top = {};
	const nonField = entriesError ? [entriesError] : [];
	const lv = body.lookup_value;
	if (lv === undefined || lv === null) top.lookup_value = [lv === null ? 'This field may not be null.' : 'This field is required.'];
	else if (typeof lv !== 'string') top.lookup_value = ['Not a valid string.'];
	else if (lv.trim() === '') top.lookup_value = ['This field may not be blank.'];
	else if (obj.identField.field_type === 'email' && !EMAIL_RE.test(lv.trim())) top.lookup_value = ['Enter a valid email address.'];
	else if (obj.identField.field_type === 'text' && lv.trim().length > 255) top.lookup_value = ['Ensure this field has no more than 255 characters.'];
	const onCreate = body.oncreate_unarchive ?? 'prompt';
	if (!ONCREATE_CHOICES.includes(onCreate)) top.oncreate_unarchive = [`"${onCreate}" is not a valid choice.`];
	const onUpdate = body.onupdate_archived_conflict ?? null;
	if (onUpdate !== null && onUpdate !== 'overwrite') top.onupdate_archived_conflict = [`"${onUpdate}" is not a valid choice.`];
	const v = validateEntries(state, obj, entries);
	if (v.failed || nonField.length || Object.keys(top).length) {
		const out = { ...top, fields: v.errors };
		if (nonField.length) out.non_field_errors = nonField;
		return json(400, out);
	}
	const lookup = lv.trim();
	const key = keyOf(lookup);
	const returnAll = truthy(ctx.query.return_all_fields);
	const respond = (status, action, rec) => {
		const out = serializeRecord(state, bucket, rec, returnAll ? null : writtenFieldIds(bucket, v.ops));
		return json(status, { ...out, action });
	};
	const live = bucket.live.get(key);
	if (live) {
		const r = commitWrite(state, bucket, live, v.ops, entries, { archivedConflict: onUpdate });
		return r.error ? json(400, r.error) : respond(200, 'updated', r.record);
	}
	const archivedSet = bucket.archived.get(key);
	if (archivedSet) {
		const label = obj.identField.name;
		if (onCreate === 'prompt') {
			return json(400, errorBody([`An archived record with this ${label} already exists. Choose whether to unarchive it or create a new record.`], entries));
		}
		if (onCreate === 'unarchive') {
			const rec = [...archivedSet][0];
			const r = unarchiveAndWrite(state, bucket, rec, v.ops, entries, onUpdate);
			return r.error ? json(400, r.error) : respond(201, 'unarchived', r.record);
		}
		const r = createWithOverwrite(state, bucket, v.ops, entries, lookup);
		return r.error ? json(400, r.error) : respond(201, 'created', r.record);
	}
	const r = commitWrite(state, bucket, null, v.ops, entries, { identifier: lookup });
	return r.error ? json(400, r.error) : respond(201, 'created', r.record);
}

/** Restore an archived record and apply writes; rolls the restore back if the write is refused. */
function unarchiveAndWrite(state, bucket, rec, ops, entries, archivedConflict) {
	if (bucket.live.has(keyOf(rec.identifier))) {
		return { error: errorBody([`A record with this ${bucket.obj.identField.name} already exists.`], entries) };
	}
	setArchived(bucket, rec, false);
	const r = commitWrite(state, bucket, rec, ops, entries, { archivedConflict });
	if (r.error) setArchived(bucket, rec, true);
	return r;
}

/** "overwrite": dry-run the create first so nothing moves when it would fail. */
function createWithOverwrite(state, bucket, ops, entries, identifier) {
	const draft = {};
	applyOps(draft, ops);
	draft[bucket.obj.identField.id] = identifier;
	const missing = bucket.obj.fields.filter((f) => f.is_required && !f.is_read_only && isBlank(draft[f.id])).map((f) => f.name);
	if (missing.length) return { error: errorBody(missing.map((n) => `Field "${n}" is required.`), entries) };
	moveArchivedOutOfTheWay(bucket, keyOf(identifier));
	return commitWrite(state, bucket, null, ops, entries, { identifier });
}

function handleAdd(state, bucket, ctx) {
	const obj = bucket.obj;
	const body = ctx.body;
	if (ctx.bodyError) return json(400, { non_field_errors: [ctx.bodyError], fields: [] });
	if (!isPlainObject(body)) return json(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(body)}.`], fields: [] });
	const { entries, error: entriesError } = readEntries(body);
	const top = {};
	const mode = body.unarchive ?? 'prompt';
	if (!ONCREATE_CHOICES.includes(mode)) top.unarchive = [`"${mode}" is not a valid choice.`];
	const v = validateEntries(state, obj, entries);
	if (v.failed || entriesError || Object.keys(top).length) {
		return json(400, { ...top, ...(entriesError ? { non_field_errors: [entriesError] } : {}), fields: v.errors });
	}
	const identOp = v.ops.filter((o) => o.field === obj.identField && o.kind === 'value').pop();
	if (!identOp) return json(400, errorBody([`Field "${obj.identField.name}" is required.`], entries));
	const ident = identOp.value;
	const key = keyOf(ident);
	const returnAll = truthy(ctx.query.return_all_fields);
	const respond = (status, rec) => json(status, serializeRecord(state, bucket, rec, returnAll ? null : writtenFieldIds(bucket, v.ops)));
	if (bucket.live.has(key)) return json(400, errorBody([`A record with this ${obj.identField.name} already exists.`], entries));
	const archivedSet = bucket.archived.get(key);
	if (archivedSet) {
		if (mode === 'prompt') {
			return json(400, errorBody([`An archived record with this ${obj.identField.name} already exists. Choose whether to unarchive it or create a new record.`], entries));
		}
		if (mode === 'unarchive') {
			const r = unarchiveAndWrite(state, bucket, [...archivedSet][0], v.ops, entries, null);
			return r.error ? json(400, r.error) : respond(201, r.record);
		}
		const r = createWithOverwrite(state, bucket, v.ops, entries, ident);
		return r.error ? json(400, r.error) : respond(201, r.record);
	}
	const r = commitWrite(state, bucket, null, v.ops, entries, { identifier: ident });
	return r.error ? json(400, r.error) : respond(201, r.record);
}

function handleUpdate(state, bucket, rec, ctx) {
	const body = ctx.body;
	if (ctx.bodyError) return json(400, { non_field_errors: [ctx.bodyError], fields: [] });
	if (!isPlainObject(body)) return json(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(body)}.`], fields: [] });
	const { entries, error: entriesError } = readEntries(body);
	const top = {};
	const conflict = body.archived_conflict ?? null;
	if (conflict !== null && conflict !== 'overwrite') top.archived_conflict = [`"${conflict}" is not a valid choice.`];
	const v = validateEntries(state, bucket.obj, entries);
	if (v.failed || entriesError || Object.keys(top).length) {
		return json(400, { ...top, ...(entriesError ? { non_field_errors: [entriesError] } : {}), fields: v.errors });
	}
	const r = commitWrite(state, bucket, rec, v.ops, entries, { archivedConflict: conflict });
	if (r.error) return json(400, r.error);
	const returnAll = truthy(ctx.query.return_all_fields);
	return json(200, serializeRecord(state, bucket, r.record, returnAll ? null : writtenFieldIds(bucket, v.ops)));
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

/** all_fields / field_names / field_ids selection; default = the object's is_default fields. */
function selectFields(bucket, query) {
	const obj = bucket.obj;
	if (truthy(query.all_fields)) return { include: null };
	const include = new Set([obj.identField.id]);
	let picked = false;
	const unknown = [];
	for (const [param, map] of [['field_names', obj.fieldByName], ['field_ids', obj.fieldById]]) {
		if (!query[param]) continue;
		picked = true;
		for (const part of String(query[param]).split(',').map((s) => s.trim()).filter(Boolean)) {
			const f = map.get(part);
			if (f) include.add(f.id);
			else unknown.push(part);
		}
	}
	if (unknown.length) return { error: json(400, { detail: `Unknown field(s): ${unknown.join(', ')}.` }) };
	if (!picked) for (const f of obj.fields) if (f.is_default) include.add(f.id);
	return { include };
}

function paginate(ctx, items, { defaultSize = 100 } = {}) {
	const pageSizeRaw = ctx.query.page_size;
	const pageRaw = ctx.query.page;
	let pageSize = defaultSize;
	if (pageSizeRaw !== undefined) {
		if (!/^\d+$/.test(pageSizeRaw) || +pageSizeRaw < 1) return { error: json(400, { page_size: ['A valid integer greater than or equal to 1 is required.'] }) };
		if (+pageSizeRaw > 1000) return { error: json(400, { page_size: ['Ensure this value is less than or equal to 1000.'] }) };
		pageSize = +pageSizeRaw;
	}
	let page = 1;
	if (pageRaw !== undefined) {
		if (!/^\d+$/.test(pageRaw) || +pageRaw < 1) return { error: json(404, { detail: 'Invalid page.' }) };
		page = +pageRaw;
	}
	const pages = Math.max(1, Math.ceil(items.length / pageSize));
	if (page > pages) return { error: json(404, { detail: 'Invalid page.' }) };
	const link = (n) => {
		const q = new URLSearchParams(ctx.rawQuery);
		q.set('page', String(n));
		return `http://${ctx.host}${ctx.path}?${q.toString()}`;
	};
	return {
		page: {
			count: items.length,
			next: page < pages ? link(page + 1) : null,
			previous: page > 1 ? link(page - 1) : null,
			results: items.slice((page - 1) * pageSize, page * pageSize),
		},
	};
}

function handleListObjects(state, ctx) {
	const customOnly = ctx.query.custom_only === undefined ? true : truthy(ctx.query.custom_only);
	const search = (ctx.query.search || '').toLowerCase();
	const items = state.objects
		.filter((o) => !customOnly || o.spec.is_custom)
		.filter((o) => !search || o.spec.object_name.toLowerCase().includes(search) || o.name.toLowerCase().includes(search))
		.map(publicObject);
	const p = paginate(ctx, items);
	return p.error || json(200, p.page);
}

/** Comparable forms of a stored value for search filters. */
function comparable(state, field, stored) {
	if (isBlank(stored)) return [];
	const list = Array.isArray(stored) ? stored : [stored];
	if (SINGLE_CHOICE.has(field.field_type) || MULTI_CHOICE.has(field.field_type)) {
		return list.flatMap((id) => {
			const o = field.options.find((x) => x.id === id);
			return o ? [o.id, o.code.toLowerCase(), o.name.toLowerCase()] : [id];
		});
	}
	return list.map((v) => (typeof v === 'string' ? v.toLowerCase() : v));
}

function filterValue(v) {
	if (isPlainObject(v)) v = v.id !== undefined ? v.id : v.name;
	return typeof v === 'string' ? v.toLowerCase() : v;
}

function makeFilter(state, obj, f) {
	if (!isPlainObject(f) || f.type !== 'fields_v2' || typeof f.field !== 'string') return { error: 'Each filter needs type "fields_v2" and a "field".' };
	const m = /^"(custom|default)"::(.+)$/.exec(f.field);
	const ref = m ? m[2] : f.field;
	const field = obj.fieldById.get(ref) || obj.fieldByName.get(ref);
	if (!field) return { error: `Unknown field "${f.field}".` };
	const cond = f.condition || '=';
	const wanted = Array.isArray(f.value) ? f.value.map(filterValue) : [filterValue(f.value)];
	const num = (x) => (typeof x === 'string' && NUMERIC_STRING_RE.test(x) ? Number(x) : x);
	const tests = {
		'=': (vals) => wanted.some((w) => vals.some((v) => v === w || num(v) === num(w))),
		'!=': (vals) => !wanted.some((w) => vals.some((v) => v === w || num(v) === num(w))),
		contains: (vals) => vals.some((v) => typeof v === 'string' && wanted.some((w) => typeof w === 'string' && v.includes(w))),
		starts_with: (vals) => vals.some((v) => typeof v === 'string' && wanted.some((w) => typeof w === 'string' && v.startsWith(w))),
		is_empty: (vals) => vals.length === 0,
		is_not_empty: (vals) => vals.length > 0,
		'>': (vals) => vals.some((v) => num(v) > num(wanted[0])),
		'<': (vals) => vals.some((v) => num(v) < num(wanted[0])),
		'>=': (vals) => vals.some((v) => num(v) >= num(wanted[0])),
		'<=': (vals) => vals.some((v) => num(v) <= num(wanted[0])),
	};
	const test = tests[cond];
	if (!test) return { error: `Unknown condition "${cond}".` };
	return { fn: (rec) => test(comparable(state, field, rec.fields[field.id])) };
}

function handleSearch(state, bucket, ctx) {
	const obj = bucket.obj;
	if (ctx.bodyError) return json(400, { detail: ctx.bodyError });
	const body = ctx.body === null || ctx.body === undefined ? {} : ctx.body;
	if (!isPlainObject(body)) return json(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(body)}.`] });
	const query = body.query === undefined || body.query === null ? [] : body.query;
	if (!Array.isArray(query)) return json(400, { query: ['Expected a list of items.'] });
	const and = body.and === undefined ? true : !!body.and;
	const fns = [];
	for (const group of query) {
		const filters = isPlainObject(group) && Array.isArray(group.filters) ? group.filters : null;
		if (!filters) return json(400, { query: ['Each query item needs a "filters" list.'] });
		for (const f of filters) {
			const r = makeFilter(state, obj, f);
			if (r.error) return json(400, { query: [r.error] });
			fns.push(r.fn);
		}
	}
	let items = [...bucket.all.values()].filter((r) => !r.archived);
	if (fns.length) items = items.filter((r) => (and ? fns.every((fn) => fn(r)) : fns.some((fn) => fn(r))));
	const text = (ctx.query.search || '').toLowerCase();
	if (text) items = items.filter((r) => r.identifier.toLowerCase().includes(text) || displayName(state, bucket, r).toLowerCase().includes(text));
	if (ctx.query.ordering) {
		const desc = ctx.query.ordering.startsWith('-');
		const field = obj.fieldByName.get(ctx.query.ordering.replace(/^-/, ''));
		if (!field) return json(400, { ordering: [`Unknown field "${ctx.query.ordering}".`] });
		const val = (r) => {
			const c = comparable(state, field, r.fields[field.id]);
			return c.length ? c[0] : null;
		};
		items.sort((a, b) => {
			const x = val(a);
			const y = val(b);
			const cmp = x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
			return desc ? -cmp : cmp;
		});
	}
	let sel;
	if (Array.isArray(body.field_names)) sel = selectFields(bucket, { field_names: body.field_names.join(',') });
	else sel = selectFields(bucket, ctx.query);
	if (sel.error) return sel.error;
	const p = paginate(ctx, items);
	if (p.error) return p.error;
	p.page.results = p.page.results.map((r) => serializeRecord(state, bucket, r, sel.include));
	return json(200, p.page);
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------------------------

const truthy = (v) => v !== undefined && ['true', '1', 'yes'].includes(String(v).toLowerCase());
const json = (status, body) => ({ status, body });
const html = (status, title, text) => ({
	status,
	html: `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`,
});
const NOT_FOUND_HTML = () => html(404, 'Not Found', 'The requested resource was not found on this server.');
const NOT_FOUND = () => json(404, { detail: 'Not found.' });
const methodNotAllowed = (method) => json(405, { detail: `Method "${method}" not allowed.` });

function checkAuth(state, headers) {
	const key = headers['x-api-key'];
	const user = headers['x-user-id'];
	const business = headers['x-business-id'];
	if (!key || !user || !business) {
		return json(401, { code: 'missing_business_context', detail: 'The X-API-KEY, X-USER-ID and X-BUSINESS-ID headers are required.' });
	}
	const c = state.credentials;
	if (key !== c.apiKey) return json(401, { detail: 'Invalid API key.', code: 'authentication_failed' });
	if (user !== c.userId) return json(401, { detail: 'Invalid user for this API key.', code: 'authentication_failed' });
	if (business !== c.businessId) return json(401, { detail: 'Invalid business for this API key.', code: 'authentication_failed' });
	return null;
}

function route(state, ctx) {
	const { method, path } = ctx;
	if (path !== '/api' && !path.startsWith('/api/')) return html(200, 'Kizen', 'Kizen simulator web host. The API lives under /api.');
	const authError = checkAuth(state, ctx.headers);
	if (authError) return authError;
	const parts = path.split('/').slice(2).map((p) => {
		try {
			return decodeURIComponent(p);
		} catch {
			return p;
		}
	});
	if (parts.some((p) => p === '')) return NOT_FOUND_HTML(); // trailing or double slash
	if (parts[0] === 'custom-objects') {
		if (parts.length === 1) return method === 'GET' ? handleListObjects(state, ctx) : methodNotAllowed(method);
		if (parts.length > 3 || (parts.length === 3 && parts[2] !== 'fields')) return NOT_FOUND_HTML();
		if (method !== 'GET') return methodNotAllowed(method);
		const obj = state.objectByRef(parts[1]);
		if (!obj) return NOT_FOUND();
		return parts.length === 2 ? json(200, publicObject(obj)) : json(200, structuredClone(obj.fields));
	}
	if (parts[0] === 'records' && parts.length >= 3 && parts.length <= 4) {
		const obj = state.objectByRef(parts[1]);
		const bucket = obj && state.store.get(obj.id);
		const action = parts[2];
		if (parts.length === 3 && ['upsert', 'add', 'search', 'lookup'].includes(action)) {
			const want = action === 'lookup' ? 'GET' : 'POST';
			if (method !== want) return methodNotAllowed(method);
			if (!bucket) return NOT_FOUND();
			if (action === 'upsert') return handleUpsert(state, bucket, ctx);
			if (action === 'add') return handleAdd(state, bucket, ctx);
			if (action === 'search') return handleSearch(state, bucket, ctx);
			const identifier = ctx.query.identifier;
			if (identifier === undefined || identifier === '') return json(400, { identifier: ['This field is required.'] });
			const rec = bucket.live.get(keyOf(identifier));
			if (!rec || rec.identifier !== identifier) return NOT_FOUND();
			const sel = selectFields(bucket, ctx.query);
			return sel.error || json(200, serializeRecord(state, bucket, rec, sel.include));
		}
		if (parts.length === 4 && parts[3] !== 'unarchive') return NOT_FOUND_HTML();
		if (parts.length === 4) {
			if (method !== 'PATCH') return methodNotAllowed(method);
			if (!bucket) return NOT_FOUND();
			const rec = bucket.all.get(action);
			if (!rec) return NOT_FOUND();
			if (!rec.archived) return json(400, { detail: 'This record is not archived.', code: 'not_archived' });
			if (bucket.live.has(keyOf(rec.identifier))) return json(400, { non_field_errors: [`A record with this ${obj.identField.name} already exists.`], fields: [] });
			setArchived(bucket, rec, false);
			return json(200, serializeRecord(state, bucket, rec, selectFields(bucket, {}).include));
		}
		if (!['GET', 'PATCH', 'DELETE'].includes(method)) return methodNotAllowed(method);
		if (!bucket) return NOT_FOUND();
		const rec = bucket.all.get(action);
		if (!rec || rec.archived) return NOT_FOUND();
		if (method === 'GET') {
			const sel = selectFields(bucket, ctx.query);
			return sel.error || json(200, serializeRecord(state, bucket, rec, sel.include));
		}
		if (method === 'PATCH') return handleUpdate(state, bucket, rec, ctx);
		setArchived(bucket, rec, true);
		return { status: 204 };
	}
	return NOT_FOUND_HTML();
}

/** mulberry32: small seeded PRNG so `probability` faults are repeatable. */
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const STATUS_DETAIL = {
	429: 'Request was throttled. Expected available in 1 second.',
	500: 'A server error occurred.',
	502: 'Bad Gateway',
	503: 'Service temporarily unavailable, try again later.',
	504: 'Gateway Timeout',
};

/**
 * @typedef {{ perSecond: number, burst: number, retryAfterSeconds?: number }} RateLimit
 * @typedef {{ method?: string, path?: string|RegExp, predicate?: (info: object) => boolean }} FaultMatch
 * @typedef {{ kind: 'status'|'drop'|'slow'|'html', status?: number, retryAfter?: string, body?: any,
 *   when?: 'before'|'after', delayMs?: number, match?: FaultMatch, times?: number, everyNth?: number,
 *   probability?: number, seed?: number }} FaultSpec
 */

/**
 * Start a simulator.
 * @param {{ port?: number, host?: string, credentials?: {apiKey: string, userId: string, businessId: string},
 *   latencyMs?: number, rateLimit?: RateLimit|null, seed?: boolean }} [options]
 */
async function startSimulator(options = {}) {
	const { port = 0, host = '127.0.0.1', credentials = DEMO_CREDENTIALS, latencyMs = 0, rateLimit = null, seed = true } = options;
	const objects = buildSchema();
	const objectById = new Map(objects.map((o) => [o.id, o]));
	const objectByName = new Map(objects.map((o) => [o.name, o]));
	const state = {
		objects,
		credentials: { ...credentials },
		employeeById: new Map(EMPLOYEES.map((e) => [e.id, e])),
		store: null,
		recordCounter: 0,
		recordSeq: 0,
		objectByRef: (ref) => objectById.get(ref) || objectByName.get(ref),
	};
	let requests = [];
	let faults = [];
	let latency = latencyMs;
	let bucketLimit = null;
	let seq = 0;
	let inFlight = 0;
	let maxInFlight = 0;

	function seedData() {
		state.store = createStore(objects);
		state.recordCounter = 0;
		state.recordSeq = 0;
		if (!seed) return;
		// Pass 1 creates every record with its identifier; pass 2 writes fields (relations need targets).
		const pending = [];
		for (const obj of objects) {
			const bucket = state.store.get(obj.id);
			SEED_RECORDS[obj.name].forEach(([identifier, values, archived], i) => {
				const rec = newRecord(state, bucket, identifier, {}, archived, uuid(RECORD_GROUP, obj.spec.idx * 1000 + i + 1));
				pending.push({ bucket, rec, values });
			});
		}
		for (const { bucket, rec, values } of pending) writeSetupValues(bucket, rec, values);
	}

	function writeSetupValues(bucket, rec, values) {
		const entries = Object.entries(values || {}).map(([ref, value]) => (bucket.obj.fieldById.has(ref) ? { id: ref, value } : { name: ref, value }));
		const v = validateEntries(state, bucket.obj, entries);
		if (v.failed) throw new Error(`Invalid record values for ${bucket.obj.name}: ${JSON.stringify(v.errors)}`);
		applyOps(rec.fields, v.ops);
	}

	function setRateLimit(rl) {
		bucketLimit = rl ? { perSecond: rl.perSecond, burst: rl.burst ?? rl.perSecond, retryAfterSeconds: rl.retryAfterSeconds ?? 1, tokens: rl.burst ?? rl.perSecond, last: Date.now() } : null;
	}

	function takeToken() {
		if (!bucketLimit) return true;
		const now = Date.now();
		const b = bucketLimit;
		b.tokens = Math.min(b.burst, b.tokens + ((now - b.last) / 1000) * b.perSecond);
		b.last = now;
		if (b.tokens >= 1) {
			b.tokens -= 1;
			return true;
		}
		return false;
	}

	function pickFault(info) {
		for (const f of faults) {
			const m = f.spec.match || {};
			if (m.method && m.method.toUpperCase() !== info.method) continue;
			if (m.path !== undefined && (m.path instanceof RegExp ? !m.path.test(info.path) : !info.path.includes(m.path))) continue;
			if (m.predicate && !m.predicate(info)) continue;
			if (f.hits >= (f.spec.times ?? Infinity)) continue;
			f.matched += 1;
			if (f.spec.everyNth && f.matched % f.spec.everyNth !== 0) continue;
			if (f.spec.probability !== undefined && !(f.random() < f.spec.probability)) continue;
			f.hits += 1;
			return f;
		}
		return null;
	}

	function send(res, entry, out) {
		entry.status = out.status;
		const headers = { 'X-Request-ID': entry.requestId };
		if (out.headers) Object.assign(headers, out.headers);
		let payload = '';
		if (out.html !== undefined) {
			headers['Content-Type'] = 'text/html; charset=utf-8';
			payload = out.html;
		} else if (out.body !== undefined && out.status !== 204) {
			headers['Content-Type'] = 'application/json';
			payload = JSON.stringify(out.body);
		}
		headers['Content-Length'] = Buffer.byteLength(payload);
		res.writeHead(out.status, headers);
		res.end(payload);
	}

	function handleRequest(req, res, raw) {
		const url = new URL(req.url || '/', 'http://simulator.invalid');
		const query = {};
		for (const [k, v] of url.searchParams) query[k] = v;
		let body = null;
		let bodyError = null;
		if (raw.length) {
			const text = raw.toString('utf8');
			try {
				body = JSON.parse(text);
			} catch (e) {
				body = text;
				bodyError = `JSON parse error - ${e.message}`;
			}
		}
		const s = ++seq;
		const entry = {
			seq: s,
			method: req.method,
			path: url.pathname,
			query,
			headers: { ...req.headers },
			body,
			status: null,
			requestId: `req-${s}-${crypto.randomBytes(4).toString('hex')}`,
			fault: null,
			receivedAt: Date.now(),
			respondedAt: null,
			inFlight: 0,
		};
		requests.push(entry);
		// Inspection only: how many requests the server holds at once (received, not yet answered).
		inFlight += 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		entry.inFlight = inFlight;
		let finished = false;
		const finish = () => {
			if (finished) return;
			finished = true;
			inFlight -= 1;
			entry.respondedAt = Date.now();
		};
		res.once('finish', finish);
		res.once('close', finish);
		const ctx = { method: req.method, path: url.pathname, query, rawQuery: url.search, headers: req.headers, body, bodyError, host: req.headers.host || `${host}:${api.port}` };
		const run = () => {
			if (res.destroyed) return;
			if (!takeToken()) {
				entry.fault = 'rate_limit';
				const n = bucketLimit.retryAfterSeconds;
				return send(res, entry, { status: 429, headers: { 'Retry-After': String(n) }, body: { detail: `Request was throttled. Expected available in ${n} second${n === 1 ? '' : 's'}.` } });
			}
			const fault = pickFault({ method: entry.method, path: entry.path, query, headers: entry.headers, body, seq: s });
			if (!fault) return send(res, entry, route(state, ctx));
			const spec = fault.spec;
			entry.fault = spec.kind;
			switch (spec.kind) {
				case 'status': {
					const headers = {};
					if (spec.retryAfter !== undefined) headers['Retry-After'] = String(spec.retryAfter);
					const body = spec.body !== undefined ? spec.body : { detail: STATUS_DETAIL[spec.status] || 'Error.' };
					return send(res, entry, { status: spec.status, headers, body });
				}
				case 'html':
					return send(res, entry, html(spec.status ?? 200, 'Kizen', 'An HTML page where JSON was expected.'));
				case 'drop':
					if ((spec.when ?? 'before') === 'after') route(state, ctx);
					req.socket.destroy();
					return undefined;
				case 'slow': {
					const delay = spec.delayMs ?? 1000;
					if ((spec.when ?? 'after') === 'before') {
						return void setTimeout(() => !res.destroyed && send(res, entry, route(state, ctx)), delay);
					}
					const out = route(state, ctx);
					return void setTimeout(() => !res.destroyed && send(res, entry, out), delay);
				}
				default:
					throw new Error(`Unknown fault kind ${spec.kind}`);
			}
		};
		if (latency > 0) setTimeout(run, latency);
		else run();
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			try {
				handleRequest(req, res, Buffer.concat(chunks));
			} catch (e) {
				if (!res.headersSent) {
					res.writeHead(500, { 'Content-Type': 'application/json', 'X-Request-ID': `req-error-${Date.now()}` });
					res.end(JSON.stringify({ detail: `Simulator error: ${e.message}` }));
				}
			}
		});
	});
	server.keepAliveTimeout = 30000;

	seedData();
	setRateLimit(rateLimit);

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	const api = {
		port: address.port,
		url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
		credentials: { ...state.credentials },
		employees: EMPLOYEES.map((e) => ({ ...e })),
		get requests() {
			return requests;
		},
		clearRequests() {
			requests = [];
			maxInFlight = inFlight;
		},
		/** Requests received and not yet answered (or dropped), right now. */
		get inFlight() {
			return inFlight;
		},
		/** The most requests held at once since the start, the last reset() or clearRequests(). */
		get maxInFlight() {
			return maxInFlight;
		},
		objects: () => objects.map(publicObject),
		fields(ref) {
			const obj = mustObject(ref);
			return structuredClone(obj.fields);
		},
		/** Look a field up by api name or id: handy for building fields entries in tests. */
		field(ref, fieldRef) {
			const obj = mustObject(ref);
			const f = obj.fieldByName.get(fieldRef) || obj.fieldById.get(fieldRef);
			if (!f) throw new Error(`No field ${fieldRef} on ${obj.name}`);
			return structuredClone(f);
		},
		records(ref) {
			const bucket = state.store.get(mustObject(ref).id);
			const live = [];
			const archived = [];
			for (const rec of bucket.all.values()) {
				const copy = { id: rec.id, identifier: rec.identifier, fields: structuredClone(rec.fields), archived: rec.archived };
				(rec.archived ? archived : live).push(copy);
			}
			return { live, archived };
		},
		addRecord(ref, { identifier, fields = {}, archived = false } = {}) {
			const bucket = state.store.get(mustObject(ref).id);
			if (typeof identifier !== 'string' || !identifier) throw new Error('addRecord needs an identifier');
			if (!archived && bucket.live.has(keyOf(identifier))) throw new Error(`A live record "${identifier}" already exists`);
			const rec = newRecord(state, bucket, identifier, {}, archived);
			try {
				writeSetupValues(bucket, rec, fields);
			} catch (e) {
				unindexRecord(bucket, rec);
				bucket.all.delete(rec.id);
				throw e;
			}
			return { id: rec.id, identifier: rec.identifier, fields: structuredClone(rec.fields), archived: rec.archived };
		},
		setLatency(ms) {
			latency = ms || 0;
		},
		setRateLimit,
		/** @param {FaultSpec} spec */
		addFault(spec) {
			if (!spec || !['status', 'drop', 'slow', 'html'].includes(spec.kind)) throw new Error(`Unknown fault kind ${spec && spec.kind}`);
			const f = { spec, hits: 0, matched: 0, random: prng(spec.seed ?? 0x5eed) };
			faults.push(f);
			return {
				get hits() {
					return f.hits;
				},
				remove() {
					faults = faults.filter((x) => x !== f);
				},
			};
		},
		clearFaults() {
			faults = [];
		},
		reset() {
			seedData();
			requests = [];
			maxInFlight = inFlight;
			faults = [];
			latency = 0;
			bucketLimit = null;
		},
		close() {
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};

	function mustObject(ref) {
		const obj = state.objectByRef(ref);
		if (!obj) throw new Error(`Unknown object ${ref}`);
		return obj;
	}

	return api;
}

module.exports = { startSimulator, DEMO_CREDENTIALS, EMPLOYEES };
