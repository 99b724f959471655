'use strict';
/**
 * `POST /api/records/{object}/search`: filter groups, free-text `search`, `ordering`, field
 * selection and pagination. Filters follow what Kizen's web app sends, as Kizen's CLI recorded it
 * (BC src/kizen_builder/docs/filters.md, src/kizen_builder/filtering.py, tests/test_ui_filter_parity.py,
 * tests/test_contact_filter_parity.py; see kizen-recorded.cjs):
 *  - body `{query: [{and, filters: [...]}, ...], and}`: a group's `and` is AND (true) / OR (false)
 *    among its filters, the top-level `and` combines the groups; both default to true [I];
 *  - a built-in field: `{type: "fields", subtype: "non_custom", field: <api name>}`;
 *  - a custom field: `{type: "fields_v2", subtype: "custom", field: "\"custom\"::<field id>"}`
 *    (`subtype` may be left out, as in AE's example);
 *  - a pipeline's stage: `{type: "fields_v2", subtype: "non_custom", field: "stage", overwrite: {type: "stage"}}`;
 *  - only the conditions the UI offers for the field's type, with the recorded value shapes
 *    (`is_blank` + true/false, lists for multi-choice and relationships, bare option ids for
 *    single choices, rating values as strings, numbers as JSON numbers, dates as ISO text).
 * Anything else answers 400: how Kizen answers it is not documented [I], so the simulator refuses
 * rather than guess a meaning.
 */
const { json, paginate } = require('./responses.cjs');
const { CONTACTS } = require('./objects.cjs');
const { CONDITIONS_BY_TYPE, BUILT_IN_CONDITIONS } = require('./kizen-recorded.cjs');
const { SINGLE_CHOICE, typeName, isBlank, isPlainObject } = require('./values.cjs');
const { displayName, serializeRecord } = require('./store.cjs');
const { micros } = require('./clock.cjs');

const CUSTOM_FIELD_RE = /^"custom"::([0-9a-f-]{36})$/i;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const COMPARISONS = {
	'=': (a, b) => a === b,
	'!=': (a, b) => a !== b,
	'<': (a, b) => a < b,
	'<=': (a, b) => a <= b,
	'>': (a, b) => a > b,
	'>=': (a, b) => a >= b,
};

/** Which field a filter names, or why its shape is not one Kizen's UI sends. */
function filterField(obj, f) {
	if (f.type === 'fields' && f.subtype === 'non_custom') {
		const field = obj.fieldByName.get(f.field);
		if (!field || !obj.builtIn.has(field.id)) return { error: `"${f.field}" is not a built-in field of ${obj.spec.object_name}; custom fields are filtered as {"type": "fields_v2", "subtype": "custom", "field": "\\"custom\\"::<field id>"}.` };
		if (field.name === 'stage' && obj.spec.object_type === 'pipeline') return { error: 'The stage is filtered as {"type": "fields_v2", "subtype": "non_custom", "field": "stage", "overwrite": {"type": "stage"}}.' };
		return { field };
	}
	if (f.type === 'fields_v2' && f.subtype === 'non_custom' && f.field === 'stage') {
		const field = obj.fieldByName.get('stage');
		if (!field || obj.spec.object_type !== 'pipeline') return { error: `${obj.spec.object_name} has no pipeline stage.` };
		if (!isPlainObject(f.overwrite) || f.overwrite.type !== 'stage') return { error: 'A stage filter needs "overwrite": {"type": "stage"}.' };
		return { field };
	}
	if (f.type === 'fields_v2' && (f.subtype === 'custom' || f.subtype === undefined)) {
		const m = typeof f.field === 'string' ? CUSTOM_FIELD_RE.exec(f.field) : null;
		const field = m && obj.fieldById.get(m[1].toLowerCase());
		if (!field) return { error: `Unknown custom field reference ${JSON.stringify(f.field)}; expected "\\"custom\\"::<field id>".` };
		if (obj.builtIn.has(field.id)) return { error: `"${field.name}" is a built-in field; it is filtered as {"type": "fields", "subtype": "non_custom", "field": "${field.name}"}.` };
		return { field };
	}
	return { error: `Unsupported filter ${JSON.stringify({ type: f.type, subtype: f.subtype, field: f.field })}.` };
}

function allowedConditions(obj, field) {
	if (obj.builtIn.has(field.id) && BUILT_IN_CONDITIONS[field.name]) return BUILT_IN_CONDITIONS[field.name];
	return CONDITIONS_BY_TYPE[field.field_type] || [];
}

const isStringList = (v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** The value a record's stored field compares as, per type (option ids, counts, epoch ms, lower-cased text). */
function storedAs(state, obj, field, stored) {
	const t = field.field_type;
	if (t === 'files') return Array.isArray(stored) ? stored.length : 0;
	if (isBlank(stored)) return null;
	if (field.name === 'email_status' && obj.name === CONTACTS) {
		// Contacts' built-in email_status filters by the slug of the option's name (BC tests/test_contact_filter_parity.py).
		const o = field.options.find((x) => x.id === stored);
		return o ? o.name.toLowerCase().replace(/ /g, '_') : stored;
	}
	// Date-times compare to the microsecond (Kizen stamps created / updated with microseconds).
	if (t === 'datetime') return micros(stored);
	if (t === 'date') return Date.parse(stored);
	if (typeof stored === 'string' && !SINGLE_CHOICE.has(t) && t !== 'timezone' && t !== 'team_selector' && t !== 'relationship') return stored.toLowerCase();
	return stored;
}

/**
 * A record predicate for one filter, or the reason Kizen's UI would never send it.
 * @returns {{ fn: (rec) => boolean } | { error: string }}
 */
function compileFilter(state, obj, f) {
	if (!isPlainObject(f)) return { error: `Each filter must be an object, got ${typeName(f)}.` };
	const located = filterField(obj, f);
	if (located.error) return located;
	const { field } = located;
	const t = field.field_type;
	const cond = f.condition;
	const allowed = allowedConditions(obj, field);
	if (!allowed.includes(cond)) return { error: `Condition ${JSON.stringify(cond)} is not offered for "${field.name}" (${t}); offered: ${allowed.join(', ')}.` };
	const value = f.value;
	if (value === null || value === undefined) return { error: `"value" may not be null (use "is_blank" with true or false).` };
	const bad = (expected) => ({ error: `Condition "${cond}" on "${field.name}" (${t}) takes ${expected}, got ${JSON.stringify(value)}.` });
	const read = (rec) => storedAs(state, obj, field, rec.fields[field.id]);
	const raw = (rec) => rec.fields[field.id];

	if (cond === 'is_blank') {
		if (typeof value !== 'boolean') return bad('true (is empty) or false (is not empty)');
		return { fn: (rec) => (t === 'files' ? read(rec) === 0 : isBlank(raw(rec))) === value };
	}
	if (t === 'checkboxes' || t === 'dynamictags') {
		if (!isStringList(value)) return bad('a list of option or tag ids');
		const has = (rec) => (Array.isArray(raw(rec)) ? raw(rec) : []);
		const tests = {
			has: (rec) => value.every((id) => has(rec).includes(id)),
			'!has': (rec) => !value.every((id) => has(rec).includes(id)),
			has_any: (rec) => value.some((id) => has(rec).includes(id)),
			'!has_any': (rec) => !value.some((id) => has(rec).includes(id)),
		};
		return { fn: tests[cond] };
	}
	if (t === 'relationship') {
		if (!isStringList(value)) return bad('a list of record ids');
		const ids = (rec) => (Array.isArray(raw(rec)) ? raw(rec) : isBlank(raw(rec)) ? [] : [raw(rec)]);
		const any = (rec) => value.some((id) => ids(rec).includes(id));
		const tests = {
			contains: (rec) => value.every((id) => ids(rec).includes(id)),
			'!contains': (rec) => !value.every((id) => ids(rec).includes(id)),
			is_any_of: any,
			is_none_of: (rec) => !any(rec),
		};
		return { fn: tests[cond] };
	}
	if (cond === 'is_any_of' || cond === 'is_none_of') {
		if (t === 'rating' ? !isStringList(value) || value.some((v) => !/^\d+$/.test(v)) : !isStringList(value)) {
			return bad(t === 'rating' ? 'a list of ratings as strings, e.g. ["2", "4"]' : 'a list of ids');
		}
		const wanted = t === 'rating' ? value.map(Number) : value;
		return { fn: (rec) => wanted.includes(read(rec)) === (cond === 'is_any_of') };
	}
	if (t === 'rating') {
		if (typeof value !== 'string' || !/^\d+$/.test(value)) return bad('a rating as a string, e.g. "3"');
		return { fn: (rec) => read(rec) !== null && COMPARISONS[cond](read(rec), Number(value)) };
	}
	if (t === 'integer' || t === 'decimal' || t === 'money' || t === 'files') {
		if (cond === 'between') {
			if (!Array.isArray(value) || value.length !== 2 || !value.every(isNumber)) return bad('[from, to] as numbers');
			return { fn: (rec) => read(rec) !== null && read(rec) >= value[0] && read(rec) <= value[1] };
		}
		if (!isNumber(value)) return bad('a number');
		return { fn: (rec) => read(rec) !== null && COMPARISONS[cond](read(rec), value) };
	}
	if (t === 'date' || t === 'datetime') {
		const asMicros = (v) => (Number.isNaN(micros(v)) ? Date.parse(v) * 1000 : micros(v));
		const instant = (v) => (typeof v !== 'string' ? NaN : t === 'datetime' ? asMicros(v) : DATE_RE.test(v) ? Date.parse(v) : NaN);
		const ms = (stored) => (t === 'datetime' ? Math.floor(stored / 1000) : stored);
		if (cond === 'month_equals') {
			if (!Number.isInteger(value) || value < 1 || value > 12) return bad('a month number 1-12');
			return { fn: (rec) => read(rec) !== null && new Date(ms(read(rec))).getUTCMonth() + 1 === value };
		}
		if (cond === 'between') {
			if (!Array.isArray(value) || value.length !== 2 || value.some((v) => Number.isNaN(instant(v)))) return bad('[from, to] as ISO dates');
			return { fn: (rec) => read(rec) !== null && read(rec) >= instant(value[0]) && read(rec) <= instant(value[1]) };
		}
		if (Number.isNaN(instant(value))) return bad(t === 'date' ? 'a date YYYY-MM-DD' : 'an ISO-8601 date-time');
		return { fn: (rec) => read(rec) !== null && COMPARISONS[cond](read(rec), instant(value)) };
	}
	if (t === 'checkbox') {
		if (typeof value !== 'boolean') return bad('true or false');
		return { fn: (rec) => (raw(rec) === true) === value };
	}
	// Text-like, single choices, time zones, team members: one string.
	if (typeof value !== 'string') return bad('text');
	const textual = !SINGLE_CHOICE.has(t) && t !== 'timezone' && t !== 'team_selector';
	const wanted = textual ? value.toLowerCase() : value;
	const text = (rec) => (read(rec) === null ? '' : String(read(rec)));
	const tests = {
		'=': (rec) => read(rec) === wanted,
		'!=': (rec) => read(rec) !== wanted,
		contains: (rec) => text(rec).includes(wanted),
		'!contains': (rec) => !text(rec).includes(wanted),
		starts_with: (rec) => text(rec).startsWith(wanted),
		ends_with: (rec) => text(rec).endsWith(wanted),
		'!starts_with': (rec) => !text(rec).startsWith(wanted),
		'!ends_with': (rec) => !text(rec).endsWith(wanted),
	};
	return { fn: tests[cond] };
}

/** `field_names` / `field_ids` in the body narrow the answer; unknown names are dropped silently (BC docs/specs/records.md, confirmed live); none = every field. */
function searchSelection(obj, body) {
	const names = Array.isArray(body.field_names) ? body.field_names : null;
	const ids = Array.isArray(body.field_ids) ? body.field_ids : null;
	if (!names && !ids) return null;
	const include = new Set();
	for (const n of names || []) if (obj.fieldByName.has(n)) include.add(obj.fieldByName.get(n).id);
	for (const id of ids || []) if (obj.fieldById.has(id)) include.add(id);
	return include;
}

function handleSearch(state, bucket, ctx) {
	const obj = bucket.obj;
	if (ctx.bodyError) return json(400, { detail: ctx.bodyError });
	const body = ctx.body === null || ctx.body === undefined ? {} : ctx.body;
	if (!isPlainObject(body)) return json(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(body)}.`] });
	const query = body.query === undefined || body.query === null ? [] : body.query;
	if (!Array.isArray(query)) return json(400, { query: ['Expected a list of items.'] });
	if (body.and !== undefined && typeof body.and !== 'boolean') return json(400, { and: ['Must be a valid boolean.'] });
	const groups = [];
	for (const group of query) {
		if (!isPlainObject(group) || !Array.isArray(group.filters)) return json(400, { query: ['Each query item needs a "filters" list.'] });
		if (group.and !== undefined && typeof group.and !== 'boolean') return json(400, { query: ['A query item\'s "and" must be a boolean.'] });
		const fns = [];
		for (const f of group.filters) {
			const r = compileFilter(state, obj, f);
			if (r.error) return json(400, { query: [r.error] });
			fns.push(r.fn);
		}
		const all = group.and !== false;
		groups.push((rec) => fns.length === 0 || (all ? fns.every((fn) => fn(rec)) : fns.some((fn) => fn(rec))));
	}
	const allGroups = body.and !== false;
	let items = [...bucket.all.values()].filter((r) => !r.archived);
	if (groups.length) items = items.filter((r) => (allGroups ? groups.every((g) => g(r)) : groups.some((g) => g(r))));
	const text = (ctx.query.search || '').toLowerCase();
	if (text) items = items.filter((r) => r.identifier.toLowerCase().includes(text) || displayName(state, bucket, r).toLowerCase().includes(text));
	if (ctx.query.ordering) {
		// [I] `<api name>` ascending, `-<api name>` descending.
		const desc = ctx.query.ordering.startsWith('-');
		const field = obj.fieldByName.get(ctx.query.ordering.replace(/^-/, ''));
		if (!field) return json(400, { ordering: [`Unknown field "${ctx.query.ordering}".`] });
		const val = (r) => storedAs(state, obj, field, r.fields[field.id]);
		items.sort((a, b) => {
			const x = val(a);
			const y = val(b);
			const cmp = x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
			return desc ? -cmp : cmp;
		});
	}
	const include = searchSelection(obj, body);
	const p = paginate(ctx, items);
	if (p.error) return p.error;
	p.page.results = p.page.results.map((r) => serializeRecord(state, bucket, r, include));
	return json(200, p.page);
}

module.exports = { handleSearch };
