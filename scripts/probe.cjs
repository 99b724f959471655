#!/usr/bin/env node
'use strict';
/**
 * `npm run probe`: checks, against a real Kizen account, each assumption the node makes where
 * Kizen's documentation is silent (the [I] entries of KIZEN-API.md), and prints
 * assumption → confirmed / contradicted / not tested, with Kizen's request IDs, plus a JSON report.
 *
 *   KIZEN_BASE_URL=https://app.go.kizen.com KIZEN_API_KEY=… KIZEN_USER_ID=… KIZEN_BUSINESS_ID=… \
 *     npm run probe -- [--write] [--object client_client] [--report probe-report.json]
 *
 * Without --write it only reads. With --write it creates a few scratch records whose name or email
 * starts with `n8n-kizen-probe-<run id>`, changes and archives them, and archives everything it
 * created before it ends (README "Prove it on your tenant" says what else a run can leave).
 * Requests go to the Base URL only: redirects are not followed, so the API key cannot leave for
 * another host. In CI it runs against the simulator (test/probe.test.cts).
 */
const path = require('node:path');
const fs = require('node:fs');
const crypto = require('node:crypto');

/**
 * What the probe checks. `ifContradicted` is what the node would have to change (README "Prove it
 * on your tenant" shows the same table).
 */
const ASSUMPTIONS = [
	{ id: 'wrong-key-401', write: false, claim: 'A wrong API key answers 401 with a {"detail": …} body', ifContradicted: 'The credential test and the 401 message read `detail`; they would read the body Kizen sends instead.' },
	{ id: 'fields-clearing-flags', write: false, claim: 'GET /fields gives every field allows_nulls and allows_empty', ifContradicted: 'Empty Values → Clear decides null / "" from these flags; without them it sends null.' },
	{ id: 'settings-search-is-default', write: false, claim: 'GET /fields/settings-search marks every field is_default true/false', ifContradicted: 'Search tells built-in from custom fields by it; filters would need another source.' },
	{ id: 'tags-endpoint', write: false, claim: 'dynamictags fields have options: null and list their tags {id, name} at the tag endpoint', ifContradicted: 'Tag names could not be turned into ids; the node would accept only tag IDs.' },
	{ id: 'updated-filter', write: false, claim: 'Search accepts {type: "fields", subtype: "non_custom", field: "updated", condition: ">", value: <ISO>}', ifContradicted: 'A polling trigger on "changed since" would need another filter.' },
	{ id: 'ordering-desc', write: false, claim: 'ordering=-updated sorts newest first', ifContradicted: 'Sort Direction → Descending (a "-" before the field) does not work and would be removed; the Kizen Trigger\'s first activation and Fetch Test Event read the newest records this way.' },
	{ id: 'ordering-asc', write: false, claim: 'ordering=updated sorts oldest first', ifContradicted: 'The Kizen Trigger pages through changes oldest first (searchOrdering in nodes/Kizen/helpers/filters.ts); it stops with an error rather than skip one, so it would need another way to page.' },
	{ id: 'updated-boundary', write: false, claim: 'updated >= <a record\'s own updated, to the millisecond> finds that record (the Kizen Trigger\'s filter)', ifContradicted: 'The trigger could miss a change made in the same millisecond as the last one it saw; changedSinceFilter in nodes/Kizen/helpers/filters.ts would reach back one more millisecond.' },
	{ id: 'create-status', write: true, claim: 'Create (POST /add, no query parameters) answers 201 with the written fields', ifContradicted: 'Nothing breaks (any 2xx is success); README and the simulator would show the real status.' },
	{ id: 'null-clears', write: true, claim: '"value": null clears a field that allows nulls', ifContradicted: 'Empty Values → Clear would send another form.' },
	{ id: 'empty-clears', write: true, claim: '"value": "" clears a field that allows empty but not nulls', ifContradicted: 'Clear would refuse such fields instead of sending "".' },
	{ id: 'multi-choice-shape', write: true, claim: 'A multi-choice value as a list of {"id": …} is accepted (the node\'s choice)', ifContradicted: 'Flip MULTI_CHOICE_ELEMENT in nodes/Kizen/helpers/values.ts to bare ids.' },
	{ id: 'unknown-tag', write: true, claim: 'A write naming a tag that does not exist is refused, not created', ifContradicted: 'The node refuses unknown tag names before sending; it could let Kizen create them instead.' },
	{ id: 'zone-outside-list', write: true, claim: 'A time zone outside the field\'s option list is refused', ifContradicted: 'The node refuses such zones before sending; it could accept any IANA zone.' },
	{ id: 'hidden-writable', write: true, claim: 'A hidden field can be written', ifContradicted: 'The field mapper would stop offering hidden fields.' },
	{ id: 'lookup-exact', write: true, claim: 'Lookup is exact: the identifier finds the record, a leading space finds nothing (404)', ifContradicted: 'Lookup would trim the identifier as Create or Update does.' },
	{ id: 'prompt-conflict', write: true, claim: 'An upsert matching only an archived record, no policy (prompt), answers 400 naming the archived record', ifContradicted: 'The archived-record hint keys on 400/409 and the word "archived"; it would key on the real answer.' },
	{ id: 'unarchive-same-id', write: true, claim: 'oncreate_unarchive=unarchive restores the same record: 201, action "unarchived"', ifContradicted: 'If an Archived Record Matches → Unarchive It would be documented as Kizen really behaves.' },
	{ id: 'overwrite-new-record', write: true, claim: 'oncreate_unarchive=overwrite creates a new record (201 "created", new id) and leaves the archived one archived', ifContradicted: 'If an Archived Record Matches → Create a New Record would be documented as Kizen really behaves.' },
];

const CONTACTS = 'client_client';
const SIMPLE_VALUES = {
	text: (marker) => `${marker} text`,
	longtext: (marker) => `${marker} long text`,
	phonenumber: () => '+13125550100',
	date: () => '2001-02-03',
	integer: () => 7,
	decimal: () => 1.5,
};
/** Real IANA zones unlikely to be in a field's list (the first one not in it is used). */
const ZONES_OUTSIDE = ['Europe/Tallinn', 'Africa/Nairobi', 'Asia/Kolkata', 'America/Lima', 'Pacific/Fiji'];

/** One Kizen client: the three headers, no redirects, a timeout, every answer's X-Request-ID kept. */
function client({ baseUrl, apiKey, userId, businessId, timeoutMs = 30000 }) {
	const origin = new URL(baseUrl).origin;
	return async function call(method, apiPath, { qs, body, key = apiKey } = {}) {
		const url = new URL(`${baseUrl}${apiPath}`);
		for (const [k, v] of Object.entries(qs || {})) url.searchParams.set(k, String(v));
		if (url.origin !== origin) throw new Error(`Refusing to send the API key to ${url.origin}`);
		const headers = { 'X-API-KEY': key, 'X-USER-ID': userId, 'X-BUSINESS-ID': businessId, Accept: 'application/json' };
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		const res = await fetch(url, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await res.text();
		let parsed = text;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			// An HTML page or plain text stays text: the report shows it.
		}
		return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id') || '' };
	};
}

const ok = (r) => r.status >= 200 && r.status < 300;
const short = (value) => {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text === undefined ? '' : text.length > 160 ? `${text.slice(0, 157)}...` : text;
};
const recordValue = (record, field) => record && record.fields && record.fields[field.id];

/**
 * Runs every check and returns `{results, created, cleanup}`. Never throws for an answer Kizen
 * gives; a check that cannot run says why ("not tested").
 */
async function runProbe({ baseUrl, apiKey, userId, businessId, write = false, object = CONTACTS, runId = newRunId() }) {
	const call = client({ baseUrl, apiKey, userId, businessId });
	const results = new Map(ASSUMPTIONS.map((a) => [a.id, { ...a, outcome: 'not tested', detail: a.write && !write ? 'needs --write' : '', requestIds: [] }]));
	const record = (id, outcome, detail, ...responses) => {
		const r = results.get(id);
		Object.assign(r, { outcome, detail, requestIds: [...r.requestIds, ...responses.filter(Boolean).map((x) => x.requestId)] });
	};
	const created = new Set();
	const marker = `n8n-kizen-probe-${runId}`;

	// ---- reads ---------------------------------------------------------------------------------
	const auth = await call('GET', '/api/custom-objects', { qs: { page_size: 1 } });
	if (!ok(auth)) throw new Error(`The credentials do not work (HTTP ${auth.status} ${short(auth.body)}, request ID ${auth.requestId})`);
	const wrong = await call('GET', '/api/custom-objects', { qs: { page_size: 1 }, key: `${marker}-wrong-key` });
	record('wrong-key-401', wrong.status === 401 && typeof wrong.body?.detail === 'string' ? 'confirmed' : 'contradicted', `HTTP ${wrong.status} ${short(wrong.body)}`, wrong);

	const objectAnswer = await call('GET', `/api/custom-objects/${encodeURIComponent(object)}`);
	if (!ok(objectAnswer)) throw new Error(`No object "${object}" (HTTP ${objectAnswer.status}, request ID ${objectAnswer.requestId})`);
	const obj = objectAnswer.body;
	const fieldsAnswer = await call('GET', `/api/custom-objects/${obj.id}/fields`);
	if (!ok(fieldsAnswer) || !Array.isArray(fieldsAnswer.body)) throw new Error(`Could not read the fields of "${object}" (HTTP ${fieldsAnswer.status}, request ID ${fieldsAnswer.requestId})`);
	const fields = fieldsAnswer.body;
	const byName = new Map(fields.map((f) => [f.name, f]));
	const missingFlags = fields.filter((f) => typeof f.allows_nulls !== 'boolean' || typeof f.allows_empty !== 'boolean');
	record('fields-clearing-flags', missingFlags.length ? 'contradicted' : 'confirmed', missingFlags.length ? `missing on ${missingFlags.map((f) => f.name).join(', ')}` : `${fields.length} fields`, fieldsAnswer);

	const settings = await call('GET', `/api/custom-objects/${obj.id}/fields/settings-search`);
	const withFlag = Array.isArray(settings.body) ? settings.body.filter((f) => typeof f.is_default === 'boolean') : [];
	record(
		'settings-search-is-default',
		ok(settings) && Array.isArray(settings.body) && withFlag.length === settings.body.length ? 'confirmed' : 'contradicted',
		ok(settings) ? `${withFlag.length} of ${Array.isArray(settings.body) ? settings.body.length : '?'} fields marked; built-in: ${withFlag.filter((f) => f.is_default).map((f) => f.name).join(', ')}` : `HTTP ${settings.status} ${short(settings.body)}`,
		settings,
	);

	const tagField = fields.find((f) => f.field_type === 'dynamictags');
	let tags = [];
	const tagPath = (field) => (obj.name === CONTACTS ? `/api/client/fields/${field.id}/tags` : `/api/pipelines/${obj.id}/fields/${field.id}/tags`);
	if (tagField) {
		const tagAnswer = await call('GET', tagPath(tagField), { qs: { ordering: 'name', page: 1, page_size: 100 } });
		tags = Array.isArray(tagAnswer.body?.results) ? tagAnswer.body.results : [];
		const shaped = ok(tagAnswer) && tagField.options === null && tags.every((t) => typeof t.id === 'string' && typeof t.name === 'string');
		record('tags-endpoint', shaped ? 'confirmed' : 'contradicted', `field ${tagField.name}: options ${short(tagField.options)}, endpoint HTTP ${tagAnswer.status}, ${tags.length} tag(s)`, tagAnswer);
	} else record('tags-endpoint', 'not tested', `"${object}" has no dynamictags field`);

	// What a polling trigger sends: records changed since a time, newest first and oldest first.
	const updatedFilter = { type: 'fields', subtype: 'non_custom', field: 'updated', condition: '>', value: '2000-01-01T00:00:00.000Z' };
	const poll = (ordering = '-updated', filter = updatedFilter) => call('POST', `/api/records/${obj.id}/search`, { qs: { page_size: 5, ordering }, body: { and: true, query: [{ and: true, filters: [filter] }], field_names: ['updated'] } });
	const polled = await poll();
	record('updated-filter', ok(polled) ? 'confirmed' : 'contradicted', `HTTP ${polled.status}${ok(polled) ? `, ${polled.body?.count ?? polled.body?.results?.length} record(s)` : ` ${short(polled.body)}`}`, polled);
	const orderingChecks = async () => {
		if (!ok(polled)) return;
		checkOrdering(await poll(), record, 'ordering-desc', 'desc');
		checkOrdering(await poll('updated'), record, 'ordering-asc', 'asc');
		await checkBoundary(poll, record);
	};
	await orderingChecks();
	if (!write) return finish(results, created, []);

	// ---- writes (scratch records only) ------------------------------------------------------------
	const identifierField = byName.get(obj.name === CONTACTS ? 'email' : 'name');
	const identifierOf = (n) => (obj.name === CONTACTS ? `${marker}-${n}@example.com` : `${marker} #${n}`);
	const track = (answer) => {
		if (ok(answer) && answer.body?.id) created.add(answer.body.id);
		return answer;
	};
	const upsert = (lookup, fieldsList, extra = {}) => call('POST', `/api/records/${obj.id}/upsert`, { body: { lookup_value: lookup, fields: fieldsList, ...extra } }).then(track);
	const get = (id) => call('GET', `/api/records/${obj.id}/${id}`, { qs: { all_fields: true } });

	// Create: /add with only the identifier, no query parameters.
	const add = track(await call('POST', `/api/records/${obj.id}/add`, { body: { fields: [{ id: identifierField.id, value: identifierOf(1) }] } }));
	const writtenOnly = ok(add) && Object.values(add.body?.fields || {}).every((f) => f.id === identifierField.id || ['updated', 'created'].includes(f.name));
	record('create-status', add.status === 201 && writtenOnly ? 'confirmed' : ok(add) ? 'contradicted' : 'not tested', `HTTP ${add.status}${ok(add) ? `, fields: ${Object.values(add.body.fields || {}).map((f) => f.name).join(', ')}` : ` ${short(add.body)} (required fields other than the identifier?)`}`, add);
	const a = ok(add) ? add.body : null;

	if (a) {
		// Lookup: exact identifier found, with a leading space not.
		const exact = await call('GET', `/api/records/${obj.id}/lookup`, { qs: { identifier: identifierOf(1) } });
		const spaced = await call('GET', `/api/records/${obj.id}/lookup`, { qs: { identifier: ` ${identifierOf(1)}` } });
		record('lookup-exact', exact.status === 200 && spaced.status === 404 ? 'confirmed' : 'contradicted', `exact: HTTP ${exact.status}, leading space: HTTP ${spaced.status}`, exact, spaced);

		await clearingChecks({ call, obj, fields, a, marker, record, get });
		await choiceChecks({ call, obj, fields, tags, tagField, tagPath, a, marker, record, upsert, identifierOf });
		const hidden = fields.find((f) => f.is_hidden && !f.is_read_only && SIMPLE_VALUES[f.field_type]);
		if (hidden) {
			const wrote = await upsert(identifierOf(1), [{ id: hidden.id, value: SIMPLE_VALUES[hidden.field_type](marker) }]);
			const back = ok(wrote) ? await get(a.id) : null;
			const seen = back && recordValue(back.body, hidden);
			record('hidden-writable', ok(wrote) && seen ? 'confirmed' : 'contradicted', `field ${hidden.name}: HTTP ${wrote.status}${back ? `, read back ${short(seen?.value)}` : ` ${short(wrote.body)}`}`, wrote, back);
		} else record('hidden-writable', 'not tested', `"${object}" has no hidden, writable text/number/date field`);
	}

	// Archived-record policies on a second scratch record B.
	const bIdent = identifierOf(2);
	const b = await upsert(bIdent, []);
	if (ok(b)) {
		const archiveB = await call('DELETE', `/api/records/${obj.id}/${b.body.id}`);
		const prompt = await upsert(bIdent, []);
		const promptText = JSON.stringify(prompt.body || '');
		record('prompt-conflict', prompt.status === 400 && /archiv/i.test(promptText) ? 'confirmed' : 'contradicted', `HTTP ${prompt.status} ${short(prompt.body)}`, archiveB, prompt);
		if (!ok(prompt)) {
			const un = await upsert(bIdent, [], { oncreate_unarchive: 'unarchive' });
			const same = un.status === 201 && un.body?.action === 'unarchived' && un.body?.id === b.body.id;
			record('unarchive-same-id', same ? 'confirmed' : 'contradicted', `HTTP ${un.status}, action ${un.body?.action}, same id: ${un.body?.id === b.body.id}`, un);
			if (ok(un)) {
				const archiveAgain = await call('DELETE', `/api/records/${obj.id}/${b.body.id}`);
				const over = await upsert(bIdent, [], { oncreate_unarchive: 'overwrite' });
				const oldStill = await call('GET', `/api/records/${obj.id}/${b.body.id}`);
				const fresh = over.status === 201 && over.body?.action === 'created' && over.body?.id !== b.body.id && oldStill.status === 404;
				record('overwrite-new-record', fresh ? 'confirmed' : 'contradicted', `HTTP ${over.status}, action ${over.body?.action}, new id: ${over.body?.id !== b.body.id}, archived one: HTTP ${oldStill.status}`, archiveAgain, over, oldStill);
			}
		}
	} else record('prompt-conflict', 'not tested', `could not create a scratch record: HTTP ${b.status} ${short(b.body)}`, b);

	// The scratch records were just written at different times: ordering is testable now if it was not.
	if (['ordering-desc', 'ordering-asc', 'updated-boundary'].some((id) => results.get(id).outcome === 'not tested')) await orderingChecks();

	const cleanup = [];
	for (const id of created) {
		const del = await call('DELETE', `/api/records/${obj.id}/${id}`);
		const after = await call('GET', `/api/records/${obj.id}/${id}`);
		cleanup.push({ id, archive: del.status, afterwards: after.status, requestIds: [del.requestId, after.requestId] });
	}
	return finish(results, created, cleanup);
}

const updatedOf = (r) => Object.values(r.fields || {}).find((f) => f.name === 'updated')?.value;

/** Confirmed only when at least two different `updated` times came back, in the asked order. */
function checkOrdering(polled, record, id, direction) {
	const stamps = (polled.body?.results || []).map((r) => Date.parse(updatedOf(r) ?? ''));
	if (stamps.length < 2 || stamps.some(Number.isNaN) || new Set(stamps).size < 2) {
		record(id, 'not tested', `${stamps.length} record(s), ${new Set(stamps).size} different updated time(s)`);
		return;
	}
	const sorted = stamps.every((t, i) => i === 0 || (direction === 'desc' ? stamps[i - 1] >= t : stamps[i - 1] <= t));
	record(id, sorted ? 'confirmed' : 'contradicted', `updated: ${stamps.map((t) => new Date(t).toISOString()).join(direction === 'desc' ? ' ≥ ' : ' ≤ ')}`, polled);
}

/** The newest record's own `updated`, cut to the millisecond as the trigger sends it, finds it with >=. */
async function checkBoundary(poll, record) {
	const newest = await poll();
	const [first] = newest.body?.results || [];
	const stamp = first && updatedOf(first);
	if (!ok(newest) || !stamp || Number.isNaN(Date.parse(stamp))) {
		record('updated-boundary', 'not tested', `no record with an updated time (HTTP ${newest.status})`, newest);
		return;
	}
	const value = new Date(Date.parse(stamp)).toISOString();
	const found = await poll('updated', { type: 'fields', subtype: 'non_custom', field: 'updated', condition: '>=', value });
	const includes = ok(found) && (found.body?.results || []).some((r) => r.id === first.id);
	record('updated-boundary', includes ? 'confirmed' : 'contradicted', `record ${first.id} updated ${stamp}; updated >= ${value}: HTTP ${found.status}, ${includes ? 'found' : 'not found'}`, newest, found);
}

async function clearingChecks({ call, obj, fields, a, marker, record, get }) {
	const candidate = (test) => fields.find((f) => !f.is_read_only && !f.is_hidden && !f.is_required && SIMPLE_VALUES[f.field_type] && test(f));
	const write = (field, value) => call('PATCH', `/api/records/${obj.id}/${a.id}`, { body: { fields: [{ id: field.id, value }] } });
	for (const [id, field, clearing] of [
		['null-clears', candidate((f) => f.allows_nulls === true), null],
		['empty-clears', candidate((f) => f.allows_empty === true && f.allows_nulls === false), ''],
	]) {
		if (!field) {
			record(id, 'not tested', `"${obj.name}" has no suitable field`);
			continue;
		}
		const set = await write(field, SIMPLE_VALUES[field.field_type](marker));
		const cleared = ok(set) ? await write(field, clearing) : null;
		const back = cleared && ok(cleared) ? await get(a.id) : null;
		const gone = back && ok(back) && !recordValue(back.body, field);
		record(id, gone ? 'confirmed' : 'contradicted', `field ${field.name}: set HTTP ${set.status}, clear HTTP ${cleared ? cleared.status : '-'} ${cleared && !ok(cleared) ? short(cleared.body) : ''}${back ? `, afterwards ${gone ? 'empty' : short(recordValue(back.body, field)?.value)}` : ''}`, set, cleared, back);
	}
}

async function choiceChecks({ call, obj, fields, tags, tagField, tagPath, marker, record, upsert, identifierOf }) {
	// Element shapes: a dynamictags field with a tag, else a checkboxes field with an option.
	const checkboxes = fields.find((f) => f.field_type === 'checkboxes' && !f.is_read_only && (f.options || []).length);
	const multi = tagField && !tagField.is_read_only && tags.length ? { field: tagField, id: tags[0].id } : checkboxes ? { field: checkboxes, id: checkboxes.options[0].id } : null;
	if (multi) {
		const objects = await upsert(identifierOf(1), [{ id: multi.field.id, value: [{ id: multi.id }] }]);
		const bare = await upsert(identifierOf(1), [{ id: multi.field.id, value: [multi.id] }]);
		await upsert(identifierOf(1), [{ id: multi.field.id, value: [] }]);
		const accepted = [ok(objects) && '[{"id"}]', ok(bare) && 'bare ids'].filter(Boolean).join(' and ') || 'neither';
		record('multi-choice-shape', ok(objects) ? 'confirmed' : 'contradicted', `field ${multi.field.name}: accepted ${accepted} ({"id"}: HTTP ${objects.status}, bare: HTTP ${bare.status})`, objects, bare);
	} else record('multi-choice-shape', 'not tested', `"${obj.name}" has no multi-choice field with a tag or option`);

	if (tagField && !tagField.is_read_only) {
		const name = `${marker} tag`;
		const unknown = await upsert(identifierOf(1), [{ id: tagField.id, value: [{ name }] }]);
		const lookup = await call('GET', tagPath(tagField), { qs: { search: name } });
		const createdTag = (lookup.body?.results || []).some((t) => t.name === name);
		record('unknown-tag', !ok(unknown) && !createdTag ? 'confirmed' : 'contradicted', `HTTP ${unknown.status} ${short(unknown.body)}${createdTag ? `; Kizen created the tag "${name}" (remove it in Kizen)` : ''}`, unknown, lookup);
	} else record('unknown-tag', 'not tested', `"${obj.name}" has no writable dynamictags field`);

	const zoneField = fields.find((f) => f.field_type === 'timezone' && !f.is_read_only);
	const outside = zoneField && ZONES_OUTSIDE.find((z) => !(zoneField.options || []).some((o) => o.id === z));
	if (outside) {
		const zone = await upsert(identifierOf(1), [{ id: zoneField.id, value: outside }]);
		record('zone-outside-list', ok(zone) ? 'contradicted' : 'confirmed', `${outside} (not among ${(zoneField.options || []).length} options): HTTP ${zone.status} ${short(zone.body)}`, zone);
	} else record('zone-outside-list', 'not tested', zoneField ? 'every candidate zone is in the list' : `"${obj.name}" has no time zone field`);
}

function finish(results, created, cleanup) {
	return { results: [...results.values()], created: [...created], cleanup };
}

function newRunId() {
	return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${crypto.randomBytes(2).toString('hex')}`;
}

function table(results) {
	const rows = results.map((r) => [r.id, r.outcome, r.detail, r.requestIds.filter(Boolean).join(' ')]);
	const head = ['assumption', 'result', 'evidence', 'Kizen request IDs'];
	const widths = head.map((h, i) => Math.min(i === 2 ? 70 : 60, Math.max(h.length, ...rows.map((r) => r[i].length))));
	const line = (cells) => cells.map((c, i) => (c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c.padEnd(widths[i]))).join('  ');
	return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function parseArgs(argv) {
	const out = { write: false, object: CONTACTS, report: 'probe-report.json' };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--write') out.write = true;
		else if (arg === '--object') out.object = argv[++i];
		else if (arg === '--report') out.report = argv[++i];
		else if (arg === '--help' || arg === '-h') out.help = true;
		else throw new Error(`Unknown argument ${arg}`);
	}
	return out;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log('Usage: KIZEN_BASE_URL=… KIZEN_API_KEY=… KIZEN_USER_ID=… KIZEN_BUSINESS_ID=… npm run probe -- [--write] [--object <api name>] [--report <file>]');
		return 0;
	}
	const env = ['KIZEN_BASE_URL', 'KIZEN_API_KEY', 'KIZEN_USER_ID', 'KIZEN_BUSINESS_ID'];
	const missing = env.filter((name) => !process.env[name]);
	if (missing.length) {
		console.error(`Set ${missing.join(', ')} (Kizen → My Profile → API Connections). Nothing was sent.`);
		return 2;
	}
	// The node's own Base URL rules (https, API host, no trailing / or /api).
	const { normalizeBaseUrl } = require(path.resolve(__dirname, '../dist/nodes/Kizen/transport/baseUrl.js'));
	const base = normalizeBaseUrl(process.env.KIZEN_BASE_URL);
	if (base.problem) {
		console.error(`KIZEN_BASE_URL: ${base.problem}. Nothing was sent.`);
		return 2;
	}
	console.log(`Probing ${base.url}, object ${args.object}, ${args.write ? 'WITH scratch writes (--write)' : 'read-only (add --write to run the write checks)'}`);
	const report = await runProbe({ baseUrl: base.url, apiKey: process.env.KIZEN_API_KEY, userId: process.env.KIZEN_USER_ID, businessId: process.env.KIZEN_BUSINESS_ID, write: args.write, object: args.object });
	console.log(`\n${table(report.results)}\n`);
	for (const r of report.results.filter((x) => x.outcome === 'contradicted')) console.log(`contradicted ${r.id}: ${r.ifContradicted}`);
	if (report.cleanup.length) {
		const left = report.cleanup.filter((c) => c.afterwards !== 404);
		console.log(`Scratch records archived: ${report.cleanup.length - left.length} of ${report.cleanup.length}${left.length ? ` (still live: ${left.map((c) => c.id).join(', ')})` : ''}`);
	}
	fs.writeFileSync(args.report, `${JSON.stringify({ baseUrl: base.url, object: args.object, write: args.write, at: new Date().toISOString(), ...report }, null, 2)}\n`);
	console.log(`Report: ${path.resolve(args.report)}`);
	const counts = ['confirmed', 'contradicted', 'not tested'].map((o) => `${report.results.filter((r) => r.outcome === o).length} ${o}`);
	console.log(counts.join(', '));
	return report.results.some((r) => r.outcome === 'contradicted') ? 1 : 0;
}

if (require.main === module) {
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(`Probe stopped: ${error.message}`);
			process.exit(2);
		},
	);
}

module.exports = { runProbe, table, ASSUMPTIONS };
