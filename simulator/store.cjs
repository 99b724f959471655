'use strict';
/**
 * The in-memory record store and the record's API shape: records per object indexed by id and by
 * identifier (live and archived), the seed records, the field selection of reads (`all_fields`,
 * `field_names`, `field_ids`), and serialisation to the record shape every record endpoint answers.
 */
const { uuid, RECORD_GROUP, NEW_RECORD_GROUP, EMPLOYEES } = require('./objects.cjs');
const { json, truthy } = require('./responses.cjs');
const { SINGLE_CHOICE, MULTI_CHOICE, isBlank, validateEntries, applyOps } = require('./values.cjs');

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

/** A fresh store for `state.objects`, with the seed records unless `seed` is false. */
function seedStore(state, seed) {
	state.store = createStore(state.objects);
	state.recordCounter = 0;
	state.recordSeq = 0;
	if (!seed) return;
	// Pass 1 creates every record with its identifier; pass 2 writes fields (relations need targets).
	const pending = [];
	for (const obj of state.objects) {
		const bucket = state.store.get(obj.id);
		SEED_RECORDS[obj.name].forEach(([identifier, values, archived], i) => {
			const rec = newRecord(state, bucket, identifier, {}, archived, uuid(RECORD_GROUP, obj.spec.idx * 1000 + i + 1));
			pending.push({ bucket, rec, values });
		});
	}
	for (const { bucket, rec, values } of pending) writeSetupValues(state, bucket, rec, values);
}

/** Seed and test-setup values (API `value` format keyed by api name or id); throws when invalid. */
function writeSetupValues(state, bucket, rec, values) {
	const entries = Object.entries(values || {}).map(([ref, value]) => (bucket.obj.fieldById.has(ref) ? { id: ref, value } : { name: ref, value }));
	const v = validateEntries(state, bucket.obj, entries);
	if (v.failed) throw new Error(`Invalid record values for ${bucket.obj.name}: ${JSON.stringify(v.errors)}`);
	applyOps(rec.fields, v.ops);
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

module.exports = {
	SEED_RECORDS,
	createStore,
	keyOf,
	indexRecord,
	unindexRecord,
	setIdentifier,
	moveArchivedOutOfTheWay,
	setArchived,
	newRecord,
	seedStore,
	writeSetupValues,
	displayName,
	serializeRecord,
	writtenFieldIds,
	selectFields,
};
