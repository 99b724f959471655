'use strict';
/**
 * In-memory Kizen REST API simulator (test infrastructure, Node built-ins only).
 *
 * It follows the contract in KIZEN-API.md and what Kizen's own tools recorded from real tenants
 * (kizen-recorded.cjs names the files and commits), never the node's convenience. Where the
 * contract marks a behaviour as inferred ([I]) or is silent, the simulator's choice is listed here,
 * in this one place, so tests do not mistake it for Kizen's (README "Known limits" lists the same):
 *  Schema
 *  - Contacts carry exactly the 15 fields of Kizen's recorded Contacts fixture, all built-in;
 *    `created` / `updated` are read-only; Contacts' object_type is `standard`;
 *  - `/fields` does not carry `is_default`; `/fields/settings-search` answers a bare array that
 *    does (`is_default`), like the endpoint Kizen's UI filter builder reads;
 *  - allows_nulls / allows_empty: the identifier and read-only fields allow neither, text-like
 *    fields both, other fields null only; Contacts' first_name / last_name allow only "", Deals'
 *    is_priority neither (so each clearing rule has a field);
 *  - a time zone field (custom ones too) has the 93 recorded options; a write must name an option
 *    id exactly (case-sensitive), a zone outside the list is refused;
 *  - rating fields have options with codes "1".."5" and take the number (1..5);
 *  Values
 *  - `value: null` clears only a field that allows nulls, `""` only one that allows empty;
 *  - decimal/money accept JSON numbers and numeric strings, are stored with the field's decimal
 *    places and read back as JSON numbers (as recorded; app-engine says strings: the node takes both);
 *  - integer/rating/text/email/phonenumber/timezone take JSON values of exactly that type;
 *  - single choices take `{id}` or `{name}` (label, case-insensitive); checkboxes and dynamictags
 *    accept both disputed element shapes (`{"id"}` and a bare id) and `{name}`; a tag that does not
 *    exist is refused, never created; tags read back as `{id, name}`;
 *  - team_selector is written as an employee uuid string; files are upload-id strings;
 *  - hidden fields are writable (hidden is a display flag);
 *  Writes
 *  - on the create branch `lookup_value` is the identifier (a fields entry for the identifier is
 *    overridden); on the update branch a fields entry for the identifier renames the record;
 *  - `oncreate_unarchive: prompt` with an archived match answers 400 with a non_field_errors
 *    message naming the archived record; `overwrite` moves the archived record out of the way
 *    (identifier `<name> (archived <id8>)`, or for Contacts `archived-<id8>.<email>`) and creates;
 *    an update onto an archived record's identifier is a 400 unless `onupdate_archived_conflict`
 *    / `archived_conflict` is `overwrite`;
 *  - `/add` answers 201 and ignores query parameters (it declares none): only the written fields,
 *    the identifier and `updated` come back; upsert and PATCH answer the same without
 *    return_all_fields; `updated` moves on every write;
 *  - a wrong API key answers 401 `{"detail", "code": "authentication_failed"}`;
 *  Reads
 *  - GET record without field selection answers the built-in fields; Lookup is exact (no
 *    trimming, case-sensitive); unknown `field_names` on GET are a 400, in a search body they are
 *    dropped silently (recorded live);
 *  - search: a query group without `and` means AND, a body without `and` means AND; `ordering` is
 *    `<api name>` or `-<api name>` (ascending / descending), records with equal values keep the
 *    order they were created in (the same on every page); stage conditions time_in_stage /
 *    entered_stage / left_stage, and "is me", are not implemented (400); text comparisons are
 *    case-insensitive; date-time filters and ordering compare to the microsecond;
 *  - `created` / `updated` (clock.cjs) carry microseconds and read back in a fixed UTC−05:00
 *    business time zone, as recorded (`2026-03-31T12:27:20.152070-05:00`); both are stamped at a
 *    record's creation, `updated` again on every write and on unarchive, never on archive;
 *  - every search shape or condition outside the recorded ones answers 400 (Kizen's answer to
 *    them is not documented);
 *  - auth is checked before routing for every /api path; unknown /api paths then get an HTML 404.
 *
 * Where each part lives (one file per concern, this file only assembles them):
 *   kizen-recorded.cjs  what Kizen's tools recorded: Contacts' fields, time zones, search conditions
 *   objects.cjs    ids, demo credentials and employees, the seeded objects and fields, schema endpoints
 *   tags.cjs       tags of dynamictags fields and their endpoints
 *   values.cjs     field value validation and coercion for every write
 *   store.cjs      the in-memory record store, seed records, field selection, the record's API shape
 *   clock.cjs      the created / updated stamps: microseconds, the business's UTC offset, a test clock
 *   records.cjs    upsert, add, update, get, lookup, archive, unarchive
 *   search.cjs     search (filters, free text, ordering, pagination)
 *   faults.cjs     latency, rate limit and fault specs
 *   server.cjs     HTTP server, authentication, routing, request log
 *   inspect.cjs    the test-facing API returned by startSimulator()
 *   responses.cjs  JSON/HTML answers and pagination shared by the endpoints
 */
const { DEMO_CREDENTIALS, EMPLOYEES, buildSchema, seedTagNames } = require('./objects.cjs');
const { seedStore } = require('./store.cjs');
const { createFaults } = require('./faults.cjs');
const { createServer } = require('./server.cjs');
const { createInspectionApi } = require('./inspect.cjs');
const { createClock } = require('./clock.cjs');

/**
 * Start a simulator.
 * @param {{ port?: number, host?: string, credentials?: {apiKey: string, userId: string, businessId: string},
 *   latencyMs?: number, rateLimit?: import('./faults.cjs').RateLimit|null, seed?: boolean }} [options]
 */
async function startSimulator(options = {}) {
	const { port = 0, host = '127.0.0.1', credentials = DEMO_CREDENTIALS, latencyMs = 0, rateLimit = null, seed = true } = options;
	const objects = buildSchema();
	const objectById = new Map(objects.map((o) => [o.id, o]));
	const objectByName = new Map(objects.map((o) => [o.name, o]));
	const state = {
		objects,
		credentials: { ...credentials },
		employeeById: new Map(EMPLOYEES.map((e) => [e.id, e])),
		store: null,
		recordCounter: 0,
		recordSeq: 0,
		seedTagNames: seedTagNames(objects),
		tags: null,
		tagCounter: 0,
		objectByRef: (ref) => objectById.get(ref) || objectByName.get(ref),
		clock: createClock(),
	};
	const faults = createFaults({ latencyMs, rateLimit });
	const { server, traffic } = createServer(state, faults, { host });
	seedStore(state, seed);

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	return createInspectionApi({ state, faults, traffic, server, host, seed });
}

module.exports = { startSimulator, DEMO_CREDENTIALS, EMPLOYEES };
