'use strict';
/**
 * The test-facing API a started simulator returns: the request log and in-flight counters, the
 * schema and the records as stored, records added directly (bypassing HTTP), fault controls,
 * reset() and close(). Nothing here is reachable over HTTP.
 */
const { EMPLOYEES, publicObject } = require('./objects.cjs');
const { keyOf, newRecord, unindexRecord, seedStore, writeSetupValues, touch } = require('./store.cjs');
const { addTag } = require('./tags.cjs');
const { createClock, micros, stamp } = require('./clock.cjs');

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
		/** The tags of a dynamictags field, `{id, name}` in creation order. */
		tags(ref, fieldRef) {
			const field = this.field(ref, fieldRef);
			if (field.field_type !== 'dynamictags') throw new Error(`${fieldRef} is not a dynamictags field`);
			return state.tags.get(field.id).map((t) => ({ ...t }));
		},
		/** Create a tag (as a Kizen user would in the UI); reset() drops it. */
		addTag(ref, fieldRef, name) {
			return addTag(state, this.field(ref, fieldRef).id, name);
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
		/**
		 * A record written as a Kizen user would (stamped by the simulator's clock). `created` /
		 * `updated` (ISO) backdate its stamps: a write Kizen stamped earlier and committed only now.
		 */
		addRecord(ref, { identifier, fields = {}, archived = false, created, updated } = {}) {
			const bucket = state.store.get(mustObject(ref).id);
			if (typeof identifier !== 'string' || !identifier) throw new Error('addRecord needs an identifier');
			if (!archived && bucket.live.has(keyOf(identifier))) throw new Error(`A live record "${identifier}" already exists`);
			const stamps = {};
			if (created !== undefined) stamps.created = stamp(micros(created));
			if (updated !== undefined) stamps.updated = stamp(micros(updated));
			if (Object.values(stamps).some((s) => s.includes('NaN'))) throw new Error('addRecord: created / updated must be ISO date-times');
			const rec = newRecord(state, bucket, identifier, {}, archived, undefined, stamps);
			try {
				writeSetupValues(state, bucket, rec, fields);
			} catch (e) {
				unindexRecord(bucket, rec);
				bucket.all.delete(rec.id);
				throw e;
			}
			return { id: rec.id, identifier: rec.identifier, fields: structuredClone(rec.fields), archived: rec.archived };
		},
		/** Change a live record's values as a Kizen user would (its `updated` moves). */
		updateRecord(ref, id, fields = {}) {
			const bucket = state.store.get(mustObject(ref).id);
			const rec = bucket.all.get(id);
			if (!rec || rec.archived) throw new Error(`No live record ${id} in ${ref}`);
			writeSetupValues(state, bucket, rec, fields);
			touch(state, bucket, rec);
			return { id: rec.id, identifier: rec.identifier, fields: structuredClone(rec.fields), archived: rec.archived };
		},
		/** Freeze Kizen's clock at an ISO date-time (every write gets that stamp, as in a bulk change), or `null` to let it run. */
		setClock(iso) {
			state.clock.freeze(iso);
		},
		setLatency: faults.setLatency,
		setRateLimit: faults.setRateLimit,
		/** @param {import('./faults.cjs').FaultSpec} spec */
		addFault: faults.add,
		clearFaults: faults.clear,
		reset() {
			state.clock = createClock();
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
