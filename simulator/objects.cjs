'use strict';
/**
 * The seeded tenant's schema: deterministic ids, the demo credentials and employees, the three
 * objects (Contacts, Companies, Deals) with their fields and options, and the schema endpoints
 * (`GET /api/custom-objects`, `/api/custom-objects/{id or api name}`, `.../{id}/fields`).
 */
const { json, NOT_FOUND, NOT_FOUND_HTML, methodNotAllowed, paginate, truthy } = require('./responses.cjs');

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

/** `/api/custom-objects[/{ref}[/fields]]`: `parts` is the path after `/api`, split on `/`. */
function routeObjects(state, ctx, parts) {
	const { method } = ctx;
	if (parts.length === 1) return method === 'GET' ? handleListObjects(state, ctx) : methodNotAllowed(method);
	if (parts.length > 3 || (parts.length === 3 && parts[2] !== 'fields')) return NOT_FOUND_HTML();
	if (method !== 'GET') return methodNotAllowed(method);
	const obj = state.objectByRef(parts[1]);
	if (!obj) return NOT_FOUND();
	return parts.length === 2 ? json(200, publicObject(obj)) : json(200, structuredClone(obj.fields));
}

module.exports = {
	uuid,
	OBJECT_GROUP,
	FIELD_GROUP,
	OPTION_GROUP,
	RECORD_GROUP,
	NEW_RECORD_GROUP,
	EMPLOYEE_GROUP,
	DEMO_CREDENTIALS,
	EMPLOYEES,
	OBJECT_SPECS,
	buildSchema,
	publicObject,
	routeObjects,
};
