'use strict';
/**
 * Kizen's clock for the built-in `created` and `updated` fields. Kizen stamps them with microseconds
 * and reads them back in the business's time zone, e.g. `"2026-03-31T12:27:20.152070-05:00"`; a bulk
 * change gives many records the very same `updated` (two records of kizen/builder-cli
 * tests/fixtures/records/list_tax_lot.json share `2026-03-31T16:23:53.231165-05:00`).
 *
 * Stored form: UTC with six fraction digits (`2026-03-31T17:27:20.152070Z`), which sorts as text.
 * [I] The simulator's business time zone is a fixed UTC−05:00 (the recorded offset).
 * Tests can freeze the clock (`sim.setClock(iso)`) to give several writes one timestamp, as a bulk
 * change does; otherwise every stamp is later than the one before, to the microsecond.
 */

const BUSINESS_OFFSET_MINUTES = -5 * 60;
const TIMESTAMP_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Microseconds since the epoch of an ISO-8601 date-time (no offset = UTC), or NaN. */
function micros(text) {
	const m = typeof text === 'string' ? TIMESTAMP_RE.exec(text.trim()) : null;
	if (!m) return NaN;
	const [, date, time, fraction = '', offset = 'Z'] = m;
	const seconds = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}${offset}`);
	if (Number.isNaN(seconds)) return NaN;
	return seconds * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** The stored form of a microsecond instant. */
function stamp(us) {
	const ms = Math.floor(us / 1000);
	return `${new Date(ms).toISOString().slice(0, 19)}.${String(us - Math.floor(ms / 1000) * 1000000).padStart(6, '0')}Z`;
}

/** A stored stamp as Kizen reads it back: microseconds, the business's UTC offset. */
function render(stored) {
	const us = micros(stored);
	if (Number.isNaN(us)) return stored;
	const local = stamp(us + BUSINESS_OFFSET_MINUTES * 60 * 1000000).slice(0, -1);
	const sign = BUSINESS_OFFSET_MINUTES < 0 ? '-' : '+';
	const abs = Math.abs(BUSINESS_OFFSET_MINUTES);
	return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function createClock() {
	let frozen = null;
	let last = 0;
	return {
		/** Now, as a stored stamp: the frozen time, or the wall clock (always later than the last stamp). */
		now() {
			if (frozen !== null) return stamp(frozen);
			// Sub-millisecond digits from the high-resolution clock, never .xxx000 (so a stamp is after
			// the millisecond a caller read just before the write, as a real write would be in practice).
			const sub = 1 + (Number(process.hrtime.bigint() / 1000n) % 999);
			last = Math.max(Date.now() * 1000 + sub, last + 1);
			return stamp(last);
		},
		/** Freeze the clock at an ISO date-time (every write stamps it), or `null` to let it run. */
		freeze(iso) {
			if (iso === null || iso === undefined) {
				frozen = null;
				return;
			}
			const us = micros(iso);
			if (Number.isNaN(us)) throw new Error(`setClock: not an ISO date-time: ${iso}`);
			frozen = us;
			last = Math.max(last, us);
		},
	};
}

module.exports = { createClock, micros, stamp, render };
