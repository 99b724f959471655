'use strict';
/**
 * The record endpoints under `/api/records/{object}`: upsert, add, update (PATCH), get, lookup,
 * archive (DELETE) and unarchive, all writes going through one commit path (validate every entry,
 * then apply atomically). Search lives in search.cjs.
 */
const { json, NOT_FOUND, NOT_FOUND_HTML, methodNotAllowed, truthy } = require('./responses.cjs');
const { EMAIL_RE, typeName, isBlank, isPlainObject, validateEntries, applyOps } = require('./values.cjs');
const {
	keyOf,
	setIdentifier,
	moveArchivedOutOfTheWay,
	setArchived,
	newRecord,
	touch,
	serializeRecord,
	writtenFieldIds,
	selectFields,
} = require('./store.cjs');
const { handleSearch } = require('./search.cjs');

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
	touch(state, bucket, rec);
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
	// `/add` declares no query parameters (BC tests/drift/schema_snapshot.json): return_all_fields is ignored.
	const respond = (status, rec) => json(status, serializeRecord(state, bucket, rec, writtenFieldIds(bucket, v.ops)));
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
// Routing
// ---------------------------------------------------------------------------------------------

/** `/api/records/{object}/...`: `parts` is the path after `/api`, split on `/`. */
function routeRecords(state, ctx, parts) {
	const { method } = ctx;
	if (parts.length < 3 || parts.length > 4) return NOT_FOUND_HTML();
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
		touch(state, bucket, rec);
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

module.exports = { routeRecords };
