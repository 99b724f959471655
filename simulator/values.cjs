'use strict';
/**
 * Field values on the way in: each write endpoint's `fields` entries are validated and coerced to
 * the stored form here, per field type, with DRF-style messages (KIZEN-API.md "Value formats"), and
 * applied to a record's fields (`value`, `add_values`, `remove_values`).
 */

const { findTag } = require('./tags.cjs');

const SINGLE_CHOICE = new Set(['dropdown', 'radio', 'status', 'selector', 'choices', 'yesnomaybe']);
const MULTI_CHOICE = new Set(['checkboxes', 'dynamictags']);
const STRING_TYPES = new Set(['text', 'longtext', 'wysiwyg', 'email', 'phonenumber']);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+[1-9]\d{6,14}$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const NUMERIC_STRING_RE = /^-?\d+(\.\d+)?$/;

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
	// Clearing follows the field's allows_nulls / allows_empty (KIZEN-API.md: fields carry both).
	if (value === null) return field.allows_nulls ? ok(null) : fail('This field may not be null.');
	if (value === '') return field.allows_empty ? ok('') : fail('This field may not be blank.');
	const t = field.field_type;
	if (STRING_TYPES.has(t)) {
		if (typeof value !== 'string') return fail('Not a valid string.');
		if (t === 'text' && value.length > 255) return fail('Ensure this field has no more than 255 characters.');
		if (t === 'email' && !EMAIL_RE.test(value)) return fail('Enter a valid email address.');
		if (t === 'phonenumber' && !PHONE_RE.test(value)) return fail('Enter a valid phone number in E.164 format, e.g. +13125550100.');
		return ok(value);
	}
	switch (t) {
		case 'timezone':
			// [I] exactly one of the field's option ids (a zone outside the list is refused).
			if (typeof value !== 'string') return fail('Not a valid string.');
			if (!field.options.some((o) => o.id === value)) return fail(`"${value}" is not a valid choice.`);
			return ok(value);
		case 'integer':
		case 'rating': {
			if (typeof value !== 'number' || !Number.isInteger(value)) return fail('A valid integer is required.');
			// [I] a rating is the number of one of its options (codes "1".."5" in Kizen's fixtures).
			if (t === 'rating' && !field.options.some((o) => o.code === String(value))) return fail(`"${value}" is not a valid choice.`);
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
			return ok(Number(n.toFixed(places)));
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
			if (isToMany(field)) return coerceList(state, field, value, (v) => coerceRelated(state, field, v));
			return coerceRelated(state, field, value);
		}
		case 'dynamictags':
			return coerceList(state, field, value, (v) => coerceTag(state, field, v));
		case 'checkboxes':
			return coerceList(state, field, value, (v) => coerceOption(field, typeof v === 'string' ? { id: v } : v));
		default:
			if (SINGLE_CHOICE.has(t)) return coerceOption(field, value);
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

/**
 * One tag of a dynamictags value. [I] Both element shapes Kizen's sources disagree on are accepted
 * (`{"id"}` in the CLI, a bare id in app-engine), and `{"name"}` of an existing tag; a tag that
 * does not exist is refused, never created.
 */
function coerceTag(state, field, value) {
	const tag = findTag(state, field, value);
	if (tag) return { ok: true, value: tag.id };
	const shown = typeof value === 'string' ? value : isPlainObject(value) ? value.id ?? value.name : typeName(value);
	return { ok: false, errors: [`"${shown}" is not a valid tag of this field. Tags are listed by the field's tag endpoint.`] };
}

function coerceRelated(state, field, value) {
	if (!isPlainObject(value) || typeof value.id !== 'string') {
		return { ok: false, errors: [`Expected an object with "id" but got type "${typeName(value)}".`] };
	}
	const target = state.store.get(field.relation.related_object);
	const rec = target.all.get(value.id);
	if (!rec || rec.archived) return { ok: false, errors: [`Invalid pk "${value.id}" - object does not exist.`] };
	return { ok: true, value: rec.id };
}

const isToMany = (field) => field.field_type === 'relationship' && /to_many$/.test(field.relation.cardinality);
const isMultiValue = (field) => MULTI_CHOICE.has(field.field_type) || isToMany(field);

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
				// Hidden fields are written like any other: `is_hidden` only hides them in Kizen's UI.
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

module.exports = {
	SINGLE_CHOICE,
	MULTI_CHOICE,
	STRING_TYPES,
	EMAIL_RE,
	NUMERIC_STRING_RE,
	typeName,
	isBlank,
	isPlainObject,
	coerceValue,
	isMultiValue,
	isToMany,
	validateEntries,
	applyOps,
};
