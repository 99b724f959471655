'use strict';
/**
 * The seeded tenant's schema: deterministic ids, the demo credentials and employees, the three
 * objects (Contacts, Companies, Deals) with their fields and options, and the schema endpoints
 * (`GET /api/custom-objects`, `/api/custom-objects/{id or api name}`, `.../{id}/fields`,
 * `.../{id}/fields/settings-search`). Tags of dynamictags fields are served by tags.cjs.
 */
const { json, NOT_FOUND, NOT_FOUND_HTML, methodNotAllowed, paginate, truthy } = require('./responses.cjs');
const { CONTACT_FIELDS, EMAIL_STATUS_OPTIONS, TIMEZONE_OPTIONS } = require('./kizen-recorded.cjs');

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
const TAG_GROUP = '7a900000';
/** Contacts' api name. */
const CONTACTS = 'client_client';

/** Fake demo credentials (not a secret: printed by `npm run simulator`). */
const DEMO_CREDENTIALS = Object.freeze({
	apiKey: 'demo-secret-key-kizen-simulator-0000000001',
	userId: uuid('5e4e0000', 1),
	businessId: uuid('b0510e55', 1),
});

/** Team members (employees): what a team_selector field holds, read back in this shape. */
const EMPLOYEES = Object.freeze([
	Object.freeze({ id: uuid(EMPLOYEE_GROUP, 1), first_name: 'Sam', last_name: 'Seller', email: 'sam.seller@demo.example' }),
	Object.freeze({ id: uuid(EMPLOYEE_GROUP, 2), first_name: 'Morgan', last_name: 'Manager', email: 'morgan.manager@demo.example' }),
]);


/**
 * The seeded objects. A field is [api name, display name, type, flags?, extra?]; flags: r = required,
 * o = read-only, h = hidden, b = one of Kizen's built-in fields (`is_default` on settings-search;
 * `/fields` does not say). extra: options [[code, label]], relation [object, cardinality],
 * decimalPlaces, tags (seed tag names of a dynamictags field), nulls / empty (override
 * allows_nulls / allows_empty, see fieldFlags).
 * Contacts carry exactly the field list Kizen's CLI recorded (kizen-recorded.cjs).
 */
const CONTACT_EXTRAS = {
	email_status: { options: EMAIL_STATUS_OPTIONS },
	company_primary: { relation: ['companies', 'many_to_one'] },
	company_additional: { relation: ['companies', 'many_to_many'] },
	titles: { tags: ['CEO', 'CTO', 'Founder', 'VP Sales'] },
	tags: { tags: ['VIP', 'Partner', 'Press', 'Newsletter'] },
	// [I] Django text columns that are blank=True, null=False: "" clears them, null is refused.
	first_name: { nulls: false, empty: true },
	last_name: { nulls: false, empty: true },
};
const CONTACT_READ_ONLY = new Set(['created', 'updated']);

const OBJECT_SPECS = [
	{
		idx: 1,
		name: CONTACTS,
		object_name: 'Contacts',
		entity_name: 'Contact',
		object_type: 'standard',
		is_custom: false,
		identifier: 'email',
		fields: CONTACT_FIELDS.map(([name, display, type]) => [name, display, type, CONTACT_READ_ONLY.has(name) ? 'bo' : 'b', CONTACT_EXTRAS[name]]),
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
			['name', 'Name', 'text', 'rb'],
			['record_number', 'Record Number', 'integer', 'o'],
			['created', 'Date Created', 'datetime', 'ob'],
			['updated', 'Last Modified', 'datetime', 'ob'],
			['owner', 'Owner', 'team_selector', 'b'],
			['description', 'Description', 'longtext'],
			['about', 'About', 'wysiwyg'],
			['industry', 'Industry', 'radio', '', { options: [['software', 'Software'], ['manufacturing', 'Manufacturing'], ['retail', 'Retail']] }],
			['account_status', 'Account Status', 'status', '', { options: [['active', 'Active'], ['dormant', 'Dormant']] }],
			['annual_revenue', 'Annual Revenue', 'money'],
			['employee_count', 'Employee Count', 'integer'],
			['is_partner', 'Partner?', 'checkbox'],
			['satisfaction', 'Satisfaction', 'rating', '', { options: [['1', '1 - Unsatisfied'], ['2', '2'], ['3', '3'], ['4', '4'], ['5', '5 - Satisfied']] }],
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
			['name', 'Name', 'text', 'rb'],
			// A pipeline's stage is a built-in dropdown (BC tests/fixtures/objects/deals.json).
			['stage', 'Stage', 'dropdown', 'rb', { options: [['qualified', 'Qualified'], ['proposal', 'Proposal'], ['won', 'Won'], ['lost', 'Lost']] }],
			['record_number', 'Record Number', 'integer', 'o'],
			['created', 'Date Created', 'datetime', 'ob'],
			['updated', 'Last Modified', 'datetime', 'ob'],
			['owner', 'Owner', 'team_selector', 'b'],
			['amount', 'Amount', 'money'],
			['probability', 'Probability', 'decimal', '', { decimalPlaces: 2 }],
			['close_date', 'Close Date', 'date'],
			['company', 'Company', 'relationship', '', { relation: ['companies', 'many_to_one'] }],
			['contacts', 'Contacts', 'relationship', '', { relation: ['client_client', 'many_to_many'] }],
			// [I] a field that can be neither null nor blank, so Clear has something to refuse.
			['is_priority', 'Priority?', 'yesnomaybe', '', { options: [['yes', 'Yes'], ['no', 'No'], ['maybe', 'Maybe']], nulls: false, empty: false }],
			['products', 'Products', 'checkboxes', '', { options: [['platform', 'Platform'], ['support', 'Support'], ['training', 'Training']] }],
			['labels', 'Labels', 'dynamictags', '', { tags: ['Strategic', 'Renewal', 'At Risk'] }],
			['notes', 'Notes', 'wysiwyg'],
			['next_step_at', 'Next Step At', 'datetime'],
			['legacy_id', 'Legacy ID', 'text', 'h'],
		],
	},
];

const CHOICE_TYPES = new Set(['dropdown', 'radio', 'status', 'selector', 'choices', 'yesnomaybe', 'checkboxes', 'rating']);
const STRING_FIELD_TYPES = new Set(['text', 'longtext', 'wysiwyg', 'email', 'phonenumber']);

/**
 * allows_nulls / allows_empty [I]: Kizen sends both on every field but no source says their
 * values, so: the identifier and read-only fields allow neither; text-like fields allow both; other
 * fields allow null only; `extra.nulls` / `extra.empty` override (see the seeded specs).
 */
function fieldFlags(name, type, flags, extra, identifier) {
	const locked = name === identifier || flags.includes('o');
	return {
		allows_nulls: extra.nulls ?? !locked,
		allows_empty: extra.empty ?? (!locked && STRING_FIELD_TYPES.has(type)),
	};
}

function buildSchema() {
	const objects = OBJECT_SPECS.map((spec) => ({
		spec,
		id: uuid(OBJECT_GROUP, spec.idx),
		name: spec.name,
		fields: [],
		fieldById: new Map(),
		fieldByName: new Map(),
		builtIn: new Set(),
		identField: null,
	}));
	const byName = new Map(objects.map((o) => [o.name, o]));
	for (const obj of objects) {
		obj.spec.fields.forEach(([name, display_name, field_type, flags = '', extra = {}], i) => {
			const fieldNo = obj.spec.idx * 100 + i + 1;
			const related = extra.relation ? byName.get(extra.relation[0]) : null;
			let options = null;
			if (field_type === 'timezone') options = TIMEZONE_OPTIONS.map((o) => ({ ...o }));
			else if (CHOICE_TYPES.has(field_type)) options = (extra.options || []).map(([code, label], j) => ({ id: uuid(OPTION_GROUP, fieldNo * 100 + j + 1), code, name: label }));
			const field = {
				id: uuid(FIELD_GROUP, fieldNo),
				name,
				display_name,
				field_type,
				is_required: flags.includes('r'),
				is_read_only: flags.includes('o'),
				is_hidden: flags.includes('h'),
				...fieldFlags(name, field_type, flags, extra, obj.spec.identifier),
				// dynamictags: `null`, their tags come from the tag endpoints (tags.cjs).
				options,
				relation: related ? relationOf(related, extra.relation[1]) : null,
				money_options: field_type === 'money' ? { currency: 'USD', symbol: '$' } : null,
				decimal_options: field_type === 'money' ? { decimal_places: 2 } : field_type === 'decimal' ? { decimal_places: extra.decimalPlaces ?? 2 } : null,
			};
			obj.fields.push(field);
			obj.fieldById.set(field.id, field);
			obj.fieldByName.set(name, field);
			if (flags.includes('b')) obj.builtIn.add(field.id);
		});
		obj.identField = obj.fieldByName.get(obj.spec.identifier);
	}
	return objects;
}

/** A relationship field's `relation`, in the recorded shape (BC tests/fixtures/objects/client_client.json). */
function relationOf(related, cardinality) {
	return {
		related_object: related.id,
		related_object_name: related.spec.object_name,
		related_object_object_name: related.name,
		related_entity_name: related.spec.entity_name,
		cardinality,
		fetch_url: related.spec.is_custom ? 'standard' : 'client',
	};
}

/** `seedTags` for each dynamictags field: [fieldId, names]. */
function seedTagNames(objects) {
	const out = [];
	for (const obj of objects) {
		obj.spec.fields.forEach(([name, , type, , extra = {}]) => {
			if (type === 'dynamictags') out.push([obj.fieldByName.get(name).id, extra.tags || []]);
		});
	}
	return out;
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

/**
 * `GET /api/custom-objects/{id}/fields/settings-search`: the field list Kizen's UI filter builder
 * and CLI read, which (unlike `/fields`) carries `is_default` (BC src/kizen_builder/api/schema.py).
 * [I] A bare array of `{id, name, display_name, field_type, is_default, options}`.
 */
function settingsSearchFields(obj) {
	return obj.fields.map((f) => ({ id: f.id, name: f.name, display_name: f.display_name, field_type: f.field_type, is_default: obj.builtIn.has(f.id), options: structuredClone(f.options) }));
}

/** `/api/custom-objects[/{ref}[/fields[/settings-search]]]`: `parts` is the path after `/api`, split on `/`. */
function routeObjects(state, ctx, parts) {
	const { method } = ctx;
	if (parts.length === 1) return method === 'GET' ? handleListObjects(state, ctx) : methodNotAllowed(method);
	const settingsSearch = parts.length === 4 && parts[2] === 'fields' && parts[3] === 'settings-search';
	if (!settingsSearch && (parts.length > 3 || (parts.length === 3 && parts[2] !== 'fields'))) return NOT_FOUND_HTML();
	if (method !== 'GET') return methodNotAllowed(method);
	const obj = state.objectByRef(parts[1]);
	if (!obj) return NOT_FOUND();
	if (parts.length === 2) return json(200, publicObject(obj));
	return json(200, settingsSearch ? settingsSearchFields(obj) : structuredClone(obj.fields));
}

module.exports = {
	uuid,
	CONTACTS,
	OBJECT_GROUP,
	FIELD_GROUP,
	OPTION_GROUP,
	RECORD_GROUP,
	NEW_RECORD_GROUP,
	EMPLOYEE_GROUP,
	TAG_GROUP,
	DEMO_CREDENTIALS,
	EMPLOYEES,
	OBJECT_SPECS,
	buildSchema,
	seedTagNames,
	publicObject,
	routeObjects,
};
