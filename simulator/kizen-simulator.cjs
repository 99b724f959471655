'use strict';
/**
 * In-memory Kizen REST API simulator (test infrastructure, Node built-ins only).
 *
 * It follows the contract in KIZEN-API.md, not the node's convenience. Where that contract marks a
 * behaviour as inferred ([I]) the simulator implements the choice named there; where the contract
 * is silent the simulator's own choices are listed here so tests do not mistake them for Kizen's:
 *  - rating fields take integers 1..5;
 *  - decimal/money accept JSON numbers and numeric strings; they are stored with the field's decimal
 *    places and read back as strings (decimal "12.50", money {currency, symbol, amount: "12.50"});
 *  - integer/rating/text/email/phonenumber/timezone take JSON values of exactly that type (no coercion);
 *  - choice values are `{id}` (option uuid) or `{name}` (option label, case-insensitive); dynamictags
 *    do not create unknown tags;
 *  - team_selector is an employee uuid string and reads back as that string; files are upload-id strings;
 *  - on the create branch `lookup_value` is the identifier (a fields entry for the identifier is overridden);
 *    on the update branch a fields entry for the identifier renames the record;
 *  - an archived record moved "out of the way" gets identifier `<name> (archived <id8>)`, or for
 *    Contacts `archived-<id8>.<email>` so it stays an email;
 *  - UpsertRecordResponse.object_type is the object's api name (`client_client` for Contacts);
 *  - without return_all_fields a write answers the written fields plus the identifier field;
 *    GET record without field selection answers the object's `is_default` fields;
 *  - auth is checked before routing for every /api path; unknown /api paths then get an HTML 404.
 *
 * Where each part lives (one file per concern, this file only assembles them):
 *   objects.cjs    ids, demo credentials and employees, the seeded objects and fields, schema endpoints
 *   values.cjs     field value validation and coercion for every write
 *   store.cjs      the in-memory record store, seed records, field selection, the record's API shape
 *   records.cjs    upsert, add, update, get, lookup, archive, unarchive
 *   search.cjs     search (filters, free text, ordering, pagination)
 *   faults.cjs     latency, rate limit and fault specs
 *   server.cjs     HTTP server, authentication, routing, request log
 *   inspect.cjs    the test-facing API returned by startSimulator()
 *   responses.cjs  JSON/HTML answers and pagination shared by the endpoints
 */
const { DEMO_CREDENTIALS, EMPLOYEES, buildSchema } = require('./objects.cjs');
const { seedStore } = require('./store.cjs');
const { createFaults } = require('./faults.cjs');
const { createServer } = require('./server.cjs');
const { createInspectionApi } = require('./inspect.cjs');

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
		objectByRef: (ref) => objectById.get(ref) || objectByName.get(ref),
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
