'use strict';
/**
 * Faults on demand, for the resilience tests: added latency, a token-bucket rate limit (429 with
 * Retry-After), and fault specs matched per request (a status with an optional body and
 * Retry-After, an HTML page, a dropped connection before or after the write, a slow answer, a
 * malformed 2xx body before or after the write, a redirect to another address).
 * `createFaults()` holds the settings; the server asks it, per request, what to do.
 */
const { html } = require('./responses.cjs');

/**
 * @typedef {{ perSecond: number, burst: number, retryAfterSeconds?: number }} RateLimit
 * @typedef {{ method?: string, path?: string|RegExp, predicate?: (info: object) => boolean }} FaultMatch
 * @typedef {'empty'|'truncated'|'array'|'string'|'no-id'|'html'} BodyShape
 * @typedef {{ kind: 'status'|'drop'|'slow'|'html'|'body'|'redirect', status?: number, retryAfter?: string,
 *   body?: any, shape?: BodyShape, location?: string, when?: 'before'|'after', delayMs?: number,
 *   match?: FaultMatch, times?: number, everyNth?: number, probability?: number, seed?: number }} FaultSpec
 *
 * - `body`: a 2xx (`status`, default 200) whose body is not what the endpoint answers: `shape`
 *   empty, truncated (the real answer cut in half), array (`[]`), string (`"ok"`), no-id (the real
 *   answer without `id`) or html. `when: 'after'` (default) runs the endpoint first, so the write
 *   happened; 'before' does not.
 * - `redirect`: `status` (default 302) with `Location: location`, an empty body, nothing processed.
 */

const FAULT_KINDS = ['status', 'drop', 'slow', 'html', 'body', 'redirect'];

/** mulberry32: small seeded PRNG so `probability` faults are repeatable. */
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const STATUS_DETAIL = {
	429: 'Request was throttled. Expected available in 1 second.',
	500: 'A server error occurred.',
	502: 'Bad Gateway',
	503: 'Service temporarily unavailable, try again later.',
	504: 'Gateway Timeout',
};

/** @param {{ latencyMs?: number, rateLimit?: RateLimit|null }} [options] */
function createFaults({ latencyMs = 0, rateLimit = null } = {}) {
	let faults = [];
	let latency = latencyMs;
	let bucketLimit = null;

	function setRateLimit(rl) {
		bucketLimit = rl ? { perSecond: rl.perSecond, burst: rl.burst ?? rl.perSecond, retryAfterSeconds: rl.retryAfterSeconds ?? 1, tokens: rl.burst ?? rl.perSecond, last: Date.now() } : null;
	}

	function takeToken() {
		if (!bucketLimit) return true;
		const now = Date.now();
		const b = bucketLimit;
		b.tokens = Math.min(b.burst, b.tokens + ((now - b.last) / 1000) * b.perSecond);
		b.last = now;
		if (b.tokens >= 1) {
			b.tokens -= 1;
			return true;
		}
		return false;
	}

	function pickFault(info) {
		for (const f of faults) {
			const m = f.spec.match || {};
			if (m.method && m.method.toUpperCase() !== info.method) continue;
			if (m.path !== undefined && (m.path instanceof RegExp ? !m.path.test(info.path) : !info.path.includes(m.path))) continue;
			if (m.predicate && !m.predicate(info)) continue;
			if (f.hits >= (f.spec.times ?? Infinity)) continue;
			f.matched += 1;
			if (f.spec.everyNth && f.matched % f.spec.everyNth !== 0) continue;
			if (f.spec.probability !== undefined && !(f.random() < f.spec.probability)) continue;
			f.hits += 1;
			return f;
		}
		return null;
	}

	setRateLimit(rateLimit);

	return {
		get latency() {
			return latency;
		},
		setLatency(ms) {
			latency = ms || 0;
		},
		setRateLimit,
		/** The rate limit's 429 answer when the bucket is empty, else null (a token is taken). */
		throttle() {
			if (takeToken()) return null;
			const n = bucketLimit.retryAfterSeconds;
			return { status: 429, headers: { 'Retry-After': String(n) }, body: { detail: `Request was throttled. Expected available in ${n} second${n === 1 ? '' : 's'}.` } };
		},
		/** The first matching fault spec for this request (counted as a hit), or null. */
		pick(info) {
			const f = pickFault(info);
			return f ? f.spec : null;
		},
		/** @param {FaultSpec} spec */
		add(spec) {
			if (!spec || !FAULT_KINDS.includes(spec.kind)) throw new Error(`Unknown fault kind ${spec && spec.kind}`);
			const f = { spec, hits: 0, matched: 0, random: prng(spec.seed ?? 0x5eed) };
			faults.push(f);
			return {
				get hits() {
					return f.hits;
				},
				remove() {
					faults = faults.filter((x) => x !== f);
				},
			};
		},
		clear() {
			faults = [];
		},
		reset() {
			faults = [];
			latency = 0;
			bucketLimit = null;
		},
	};
}

/**
 * Answer a request under `spec`. `answer()` runs the real endpoint (so a fault "after" the write
 * still writes), `send(out)` writes a response, `drop()` destroys the socket.
 */
function applyFault(spec, { answer, send, drop, isGone }) {
	switch (spec.kind) {
		case 'status': {
			const headers = {};
			if (spec.retryAfter !== undefined) headers['Retry-After'] = String(spec.retryAfter);
			const body = spec.body !== undefined ? spec.body : { detail: STATUS_DETAIL[spec.status] || 'Error.' };
			return send({ status: spec.status, headers, body });
		}
		case 'html':
			return send(html(spec.status ?? 200, 'Kizen', 'An HTML page where JSON was expected.'));
		case 'drop':
			if ((spec.when ?? 'before') === 'after') answer();
			drop();
			return undefined;
		case 'slow': {
			const delay = spec.delayMs ?? 1000;
			const later = (out) => !isGone() && send(out);
			if ((spec.when ?? 'after') === 'before') {
				return void setTimeout(() => later(answer()), delay);
			}
			const out = answer();
			return void setTimeout(() => later(out), delay);
		}
		case 'body': {
			const real = (spec.when ?? 'after') === 'after' ? answer() : { body: { id: 'not-processed' } };
			return send({ status: spec.status ?? 200, ...malformedBody(spec.shape ?? 'empty', real.body) });
		}
		case 'redirect':
			return send({ status: spec.status ?? 302, headers: { Location: spec.location }, raw: '' });
		default:
			throw new Error(`Unknown fault kind ${spec.kind}`);
	}
}

/** `{raw}` (sent as JSON's content type, unparsed) or `{html}` for a malformed 2xx body. */
function malformedBody(shape, realBody) {
	const text = JSON.stringify(realBody ?? {});
	switch (shape) {
		case 'empty':
			return { raw: '' };
		case 'truncated':
			return { raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
		case 'array':
			return { raw: '[]' };
		case 'string':
			return { raw: '"ok"' };
		case 'no-id': {
			const rest = { ...(realBody && typeof realBody === 'object' ? realBody : {}) };
			delete rest.id;
			return { raw: JSON.stringify(rest) };
		}
		case 'html':
			return html(200, 'Kizen', 'An HTML page where JSON was expected.');
		default:
			throw new Error(`Unknown body shape ${shape}`);
	}
}

module.exports = { createFaults, applyFault };
