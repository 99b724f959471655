'use strict';
/**
 * The test-facing API a started simulator returns: the request log and in-flight counters, the
 * schema and the records as stored, records added directly (bypassing HTTP), fault controls,
 * reset() and close(). Nothing here is reachable over HTTP.
 */
const { EMPLOYEES, publicObject } = require('./objects.cjs');
const { keyOf, newRecord, unindexRecord, seedStore, writeSetupValues } = require('./store.cjs');

function createInspectionApi({ state, faults, traffic, server, host, seed }) {
	const address = server.address();
	function mustObject(ref) {
		const obj = state.objectByRef(ref);
		if (!obj) throw new Error(`Unknown object ${ref}`);
		return obj;
	}
	return {
		port: address.port,
		url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
		credentials: { ...state.credentials },
		employees: EMPLOYEES.map((e) => ({ ...e })),
		get requests() {
			return traffic.requests;
		},
		clearRequests() {
			traffic.requests = [];
			traffic.maxInFlight = traffic.inFlight;
		},
		/** Requests received and not yet answered (or dropped), right now. */
		get inFlight() {
			return traffic.inFlight;
		},
		/** The most requests held at once since the start, the last reset() or clearRequests(). */
		get maxInFlight() {
			return traffic.maxInFlight;
		},
		objects: () => state.objects.map(publicObject),
		fields(ref) {
			const obj = mustObject(ref);
			return structuredClone(obj.fields);
		},
		/** Look a field up by api name or id: handy for building fields entries in tests. */
		field(ref, fieldRef) {
			const obj = mustObject(ref);
			const f = obj.fieldByName.get(fieldRef) || obj.fieldById.get(fieldRef);
			if (!f) throw new Error(`No field ${fieldRef} on ${obj.name}`);
			return structuredClone(f);
		},
		records(ref) {
			const bucket = state.store.get(mustObject(ref).id);
			const live = [];
			const archived = [];
			for (const rec of bucket.all.values()) {
				const copy = { id: rec.id, identifier: rec.identifier, fields: structuredClone(rec.fields), archived: rec.archived };
				(rec.archived ? archived : live).push(copy);
			}
			return { live, archived };
		},
		addRecord(ref, { identifier, fields = {}, archived = false } = {}) {
			const bucket = state.store.get(mustObject(ref).id);
			if (typeof identifier !== 'string' || !identifier) throw new Error('addRecord needs an identifier');
			if (!archived && bucket.live.has(keyOf(identifier))) throw new Error(`A live record "${identifier}" already exists`);
			const rec = newRecord(state, bucket, identifier, {}, archived);
			try {
				writeSetupValues(state, bucket, rec, fields);
			} catch (e) {
				unindexRecord(bucket, rec);
				bucket.all.delete(rec.id);
				throw e;
			}
			return { id: rec.id, identifier: rec.identifier, fields: structuredClone(rec.fields), archived: rec.archived };
		},
		setLatency: faults.setLatency,
		setRateLimit: faults.setRateLimit,
		/** @param {import('./faults.cjs').FaultSpec} spec */
		addFault: faults.add,
		clearFaults: faults.clear,
		reset() {
			seedStore(state, seed);
			traffic.requests = [];
			traffic.maxInFlight = traffic.inFlight;
			faults.reset();
		},
		close() {
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}

module.exports = { createInspectionApi };
