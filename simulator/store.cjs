'use strict';
/**
 * The in-memory record store and the record's API shape: records per object indexed by id and by
 * identifier (live and archived), the seed records, the field selection of reads (`all_fields`,
 * `field_names`, `field_ids`), and serialisation to the record shape every record endpoint answers.
 */
const { uuid, CONTACTS, RECORD_GROUP, NEW_RECORD_GROUP, EMPLOYEES } = require('./objects.cjs');
const { seedTags, tagById } = require('./tags.cjs');
const { json, truthy } = require('./responses.cjs');
const { SINGLE_CHOICE, isBlank, validateEntries, applyOps } = require('./values.cjs');
const { render } = require('./clock.cjs');

/**
 * Seed records: [identifier, { apiName: API-format value }, archived?]. Contacts use only the
 * fields of Kizen's recorded Contacts object; ids are uuid(RECORD_GROUP, object idx * 1000 + n).
 */
const ACME = uuid(RECORD_GROUP, 2001);
const ADA = uuid(RECORD_GROUP, 1001);
const SEED_RECORDS = {
	client_client: [
		['ada@example.com', { first_name: 'Ada', last_name: 'Lovelace', mobile_phone: '+13125550100', birthday: '1815-12-10', email_status: { name: 'Opted In' }, titles: [{ name: 'Founder' }], tags: [{ name: 'VIP' }], timezone: 'Europe/London', company_primary: { id: ACME } }],
		['grace@example.com', { first_name: 'Grace', last_name: 'Hopper', business_phone: '+12025550123', email_status: { name: 'Not Opted In' }, titles: [{ name: 'CTO' }], timezone: 'America/New_York' }],
		['alan@example.com', { first_name: 'Alan', last_name: 'Turing', tags: [{ name: 'Press' }] }],
		['former@example.com', { first_name: 'Former', last_name: 'Customer' }, true],
	],
	companies: [
		['Acme Corp', { description: 'Makers of everything.', industry: { name: 'Manufacturing' }, account_status: { name: 'Active' }, annual_revenue: 1250000.5, employee_count: 250, satisfaction: 4, owner: EMPLOYEES[0].id, region: { name: 'North America' }, size_band: { name: 'Enterprise' }, primary_contact: { id: ADA }, founded: '1947-03-01' }],
		['Globex', { industry: { name: 'Software' }, employee_count: 40, region: { name: 'EMEA' } }],
		['Initech', { industry: { name: 'Software' }, size_band: { name: 'Small' } }],
		['Umbrella Corp', { industry: { name: 'Retail' } }, true],
		['Vandelay Industries', { industry: { name: 'Retail' } }, true],
	],
	deals: [
		['Acme Renewal', { stage: { name: 'Proposal' }, owner: EMPLOYEES[1].id, amount: 50000, probability: 0.6, close_date: '2030-06-30', company: { id: ACME }, contacts: [{ id: ADA }], is_priority: { name: 'Yes' }, products: [{ name: 'Platform' }], labels: [{ name: 'Renewal' }] }],
		['Globex Expansion', { stage: { name: 'Qualified' }, amount: 12000, company: { id: uuid(RECORD_GROUP, 2002) }, is_priority: { name: 'No' } }],
		['Lost Deal', { stage: { name: 'Lost' }, is_priority: { name: 'Maybe' } }, true],
	],
};
const SEED_CREATED = '2024-01-15T12:00:00.000000Z';

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

function newRecord(state, bucket, identifier, fields, archived, id, stamps = {}) {
	const obj = bucket.obj;
	const rec = { id: id || uuid(NEW_RECORD_GROUP, ++state.recordCounter), identifier, fields: { ...fields }, archived: !!archived, seq: ++state.recordSeq };
	rec.fields[obj.identField.id] = identifier;
	// Kizen stamps both at the same write (clock.cjs); `stamps` backdates them (sim.addRecord).
	const now = stamps.created ?? (id ? SEED_CREATED : state.clock.now());
	const created = obj.fieldByName.get('created');
	if (created && rec.fields[created.id] === undefined) rec.fields[created.id] = now;
	const updated = obj.fieldByName.get('updated');
	if (updated) rec.fields[updated.id] = stamps.updated ?? (created ? rec.fields[created.id] : now);
	const recNo = obj.fieldByName.get('record_number');
	if (recNo) rec.fields[recNo.id] = ++bucket.recordNumber;
	bucket.all.set(rec.id, rec);
	indexRecord(bucket, rec);
	return rec;
}

/** Kizen's built-in `updated` ("Last Modified") moves on every write: what a polling trigger filters on. */
function touch(state, bucket, rec) {
	const updated = bucket.obj.fieldByName.get('updated');
	if (updated) rec.fields[updated.id] = state.clock.now();
}

/** The built-in `created` / `updated` stamps, read back as Kizen reads them (clock.cjs). */
const STAMPS = new Set(['created', 'updated']);
const isStamp = (obj, field) => STAMPS.has(field.name) && obj.builtIn.has(field.id);

/** A fresh store for `state.objects` and fresh tags, with the seed records unless `seed` is false. */
function seedStore(state, seed) {
	seedTags(state);
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
	if (bucket.obj.name === CONTACTS) {
		const { first_name: first, last_name: last } = contactNames(bucket, rec);
		const full = [first, last].filter(Boolean).join(' ');
		return full || rec.identifier;
	}
	return rec.identifier;
}

function contactNames(bucket, rec) {
	const value = (name) => rec.fields[bucket.obj.fieldByName.get(name).id] ?? '';
	return { first_name: value('first_name'), last_name: value('last_name'), email: rec.identifier };
}

/** Read encodings [C: KIZEN-API.md "Read encodings", BC tests/fixtures/records/get_tax_lot.json]. */
function renderValue(state, field, stored) {
	const t = field.field_type;
	if (SINGLE_CHOICE.has(t)) return optionOut(field, stored);
	if (t === 'checkboxes') return stored.map((id) => optionOut(field, id));
	// [I] a tag reads as {id, name} (tags have no code).
	if (t === 'dynamictags') return stored.map((id) => ({ ...(tagById(state, field, id) || { id, name: '' }) }));
	if (t === 'money') return { currency: 'USD', symbol: '$', amount: stored };
	if (t === 'team_selector') {
		const e = state.employeeById.get(stored);
		return { id: stored, deleted: false, first_name: e ? e.first_name : '', last_name: e ? e.last_name : '', email: e ? e.email : '' };
	}
	if (t === 'relationship') {
		const target = state.store.get(field.relation.related_object);
		const one = (id) => {
			const rec = target.all.get(id);
			if (target.obj.name === CONTACTS) return { id, ...(rec ? contactNames(target, rec) : { first_name: '', last_name: '', email: '' }) };
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

/** Kizen summarises a multi-value field holding more than this many values (AE docs/05-platform-api.md). */
const SUMMARY_THRESHOLD = 100;

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
		const entry = { id: field.id, name: field.name, field_type: field.field_type, display_name: field.display_name };
		if (Array.isArray(stored) && stored.length > SUMMARY_THRESHOLD) entry.value_summary = { count: stored.length };
		else entry.value = isStamp(bucket.obj, field) ? render(stored) : renderValue(state, field, stored);
		fields[field.id] = entry;
	}
	return {
		id: rec.id,
		// `standard` or `pipeline` (BC tests/fixtures/records/get_tax_lot.json); [I] Contacts: `standard`.
		object_type: bucket.obj.spec.object_type,
		fields,
		client_info: { display_name: displayName(state, bucket, rec), email_on_suppression_list: false, num_addresses_v2: 0 },
		access: { view: true, edit: true, remove: true },
		lead_source_types: [],
		num_upcoming_activities: 0,
		num_associated_team_members: 0,
	};
}

/** What a write answers without return_all_fields: the written fields, the identifier and `updated` (AE: PATCH). */
function writtenFieldIds(bucket, ops) {
	const ids = new Set(ops.map((o) => o.field.id));
	ids.add(bucket.obj.identField.id);
	const updated = bucket.obj.fieldByName.get('updated');
	if (updated) ids.add(updated.id);
	return ids;
}

/** all_fields / field_names / field_ids selection; default [I] = the object's built-in fields. */
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
	if (!picked) for (const id of obj.builtIn) include.add(id);
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
	touch,
	seedStore,
	writeSetupValues,
	displayName,
	serializeRecord,
	writtenFieldIds,
	selectFields,
};
