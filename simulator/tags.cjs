'use strict';
/**
 * Tags of dynamictags fields. Their field definitions carry `options: null`; the tags are listed,
 * paginated, by `GET /api/client/fields/{field}/tags` (Contacts) or
 * `GET /api/pipelines/{object}/fields/{field}/tags` (every other object), with `search`,
 * `ordering=name`, `page` and `page_size` (KIZEN-API.md; BC src/kizen_builder/api/schema.py
 * `get_field_tags`). Writes name tags by id (or `{name}`); a tag that does not exist is refused, not
 * created [I].
 */
const { uuid, TAG_GROUP, CONTACTS } = require('./objects.cjs');
const { json, NOT_FOUND, NOT_FOUND_HTML, methodNotAllowed, paginate } = require('./responses.cjs');

/** A fresh tag store: per dynamictags field id, its tags `{id, name}` in creation order. */
function seedTags(state) {
	state.tags = new Map();
	state.tagCounter = 0;
	for (const obj of state.objects) {
		for (const field of obj.fields) if (field.field_type === 'dynamictags') state.tags.set(field.id, []);
	}
	for (const [fieldId, names] of state.seedTagNames) for (const name of names) addTag(state, fieldId, name);
}

function addTag(state, fieldId, name) {
	const list = state.tags.get(fieldId);
	if (!list) throw new Error(`Field ${fieldId} is not a dynamictags field`);
	if (typeof name !== 'string' || !name.trim()) throw new Error('A tag needs a name');
	if (list.some((t) => t.name.toLowerCase() === name.toLowerCase())) throw new Error(`Tag "${name}" exists already`);
	const tag = { id: uuid(TAG_GROUP, ++state.tagCounter), name };
	list.push(tag);
	return { ...tag };
}

/** The tag a write names: a tag id, `{id}`, or `{name}` (case-insensitive); null if none. */
function findTag(state, field, ref) {
	const list = state.tags.get(field.id) || [];
	if (typeof ref === 'string') return list.find((t) => t.id === ref) || null;
	if (ref && typeof ref === 'object' && !Array.isArray(ref)) {
		if (typeof ref.id === 'string') return list.find((t) => t.id === ref.id) || null;
		if (typeof ref.name === 'string') return list.find((t) => t.name.toLowerCase() === ref.name.toLowerCase()) || null;
	}
	return null;
}

function tagById(state, field, id) {
	return (state.tags.get(field.id) || []).find((t) => t.id === id) || null;
}

/**
 * `/api/client/fields/{field}/tags` and `/api/pipelines/{object}/fields/{field}/tags`. Each family
 * serves only its own objects' fields: Contacts' tags are not under `/pipelines` and vice versa.
 */
function routeTags(state, ctx, parts) {
	let obj;
	let fieldRef;
	if (parts[0] === 'client' && parts.length === 4 && parts[1] === 'fields' && parts[3] === 'tags') {
		obj = state.objectByRef(CONTACTS);
		fieldRef = parts[2];
	} else if (parts[0] === 'pipelines' && parts.length === 5 && parts[2] === 'fields' && parts[4] === 'tags') {
		obj = state.objectByRef(parts[1]);
		if (!obj || obj.name === CONTACTS) return NOT_FOUND();
		fieldRef = parts[3];
	} else return NOT_FOUND_HTML();
	if (ctx.method !== 'GET') return methodNotAllowed(ctx.method);
	const field = obj.fieldById.get(fieldRef);
	if (!field || field.field_type !== 'dynamictags') return NOT_FOUND();
	const search = (ctx.query.search || '').toLowerCase();
	let items = state.tags.get(field.id).filter((t) => t.name.toLowerCase().includes(search));
	const ordering = ctx.query.ordering;
	if (ordering !== undefined && ordering !== '') {
		if (ordering !== 'name' && ordering !== '-name') return json(400, { ordering: [`Invalid ordering "${ordering}".`] });
		items = [...items].sort((a, b) => a.name.localeCompare(b.name) * (ordering === '-name' ? -1 : 1));
	}
	const p = paginate(ctx, items.map((t) => ({ ...t })));
	return p.error || json(200, p.page);
}

module.exports = { seedTags, addTag, findTag, tagById, routeTags };
