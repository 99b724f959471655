'use strict';
/**
 * `POST /api/records/{object}/search`: the filter payload (`query` groups of `filters`, `and`),
 * free-text `search`, `ordering`, field selection and pagination.
 */
const { json, paginate } = require('./responses.cjs');
const { SINGLE_CHOICE, MULTI_CHOICE, NUMERIC_STRING_RE, typeName, isBlank, isPlainObject } = require('./values.cjs');
const { displayName, serializeRecord, selectFields } = require('./store.cjs');

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

module.exports = { handleSearch };
