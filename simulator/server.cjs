'use strict';
/**
 * HTTP: the server, authentication (the three X- headers), routing to the endpoint modules, the
 * request log with Kizen's `X-Request-ID` on every answer, and where faults and latency step in.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { json, html, NOT_FOUND_HTML } = require('./responses.cjs');
const { routeObjects } = require('./objects.cjs');
const { routeRecords } = require('./records.cjs');
const { routeTags } = require('./tags.cjs');
const { applyFault } = require('./faults.cjs');

function checkAuth(state, headers) {
	const key = headers['x-api-key'];
	const user = headers['x-user-id'];
	const business = headers['x-business-id'];
	if (!key || !user || !business) {
		return json(401, { code: 'missing_business_context', detail: 'The X-API-KEY, X-USER-ID and X-BUSINESS-ID headers are required.' });
	}
	const c = state.credentials;
	if (key !== c.apiKey) return json(401, { detail: 'Invalid API key.', code: 'authentication_failed' });
	if (user !== c.userId) return json(401, { detail: 'Invalid user for this API key.', code: 'authentication_failed' });
	if (business !== c.businessId) return json(401, { detail: 'Invalid business for this API key.', code: 'authentication_failed' });
	return null;
}

/** One request's answer `{status, body?, html?, headers?}`, from the endpoint modules. */
function route(state, ctx) {
	const { path } = ctx;
	if (path !== '/api' && !path.startsWith('/api/')) return html(200, 'Kizen', 'Kizen simulator web host. The API lives under /api.');
	const authError = checkAuth(state, ctx.headers);
	if (authError) return authError;
	const parts = path.split('/').slice(2).map((p) => {
		try {
			return decodeURIComponent(p);
		} catch {
			return p;
		}
	});
	if (parts.some((p) => p === '')) return NOT_FOUND_HTML(); // trailing or double slash
	if (parts[0] === 'custom-objects') return routeObjects(state, ctx, parts);
	if (parts[0] === 'records') return routeRecords(state, ctx, parts);
	if (parts[0] === 'client' || parts[0] === 'pipelines') return routeTags(state, ctx, parts);
	return NOT_FOUND_HTML();
}

function send(res, entry, out) {
	entry.status = out.status;
	const headers = { 'X-Request-ID': entry.requestId };
	if (out.headers) Object.assign(headers, out.headers);
	let payload = '';
	if (out.html !== undefined) {
		headers['Content-Type'] = 'text/html; charset=utf-8';
		payload = out.html;
	} else if (out.raw !== undefined) {
		// A body sent exactly as given (faults: malformed JSON, an empty 200, a redirect).
		if (out.raw) headers['Content-Type'] = 'application/json';
		payload = out.raw;
	} else if (out.body !== undefined && out.status !== 204) {
		headers['Content-Type'] = 'application/json';
		payload = JSON.stringify(out.body);
	}
	headers['Content-Length'] = Buffer.byteLength(payload);
	res.writeHead(out.status, headers);
	res.end(payload);
}

/**
 * The HTTP server for `state`, with `faults` consulted per request. `traffic` is the request log
 * and in-flight counters the inspection API reads.
 */
function createServer(state, faults, { host }) {
	const traffic = { requests: [], seq: 0, inFlight: 0, maxInFlight: 0 };

	function handleRequest(req, res, raw) {
		const url = new URL(req.url || '/', 'http://simulator.invalid');
		const query = {};
		for (const [k, v] of url.searchParams) query[k] = v;
		let body = null;
		let bodyError = null;
		if (raw.length) {
			const text = raw.toString('utf8');
			try {
				body = JSON.parse(text);
			} catch (e) {
				body = text;
				bodyError = `JSON parse error - ${e.message}`;
			}
		}
		const s = ++traffic.seq;
		const entry = {
			seq: s,
			method: req.method,
			path: url.pathname,
			query,
			headers: { ...req.headers },
			body,
			status: null,
			requestId: `req-${s}-${crypto.randomBytes(4).toString('hex')}`,
			fault: null,
			receivedAt: Date.now(),
			respondedAt: null,
			inFlight: 0,
		};
		traffic.requests.push(entry);
		// Inspection only: how many requests the server holds at once (received, not yet answered).
		traffic.inFlight += 1;
		traffic.maxInFlight = Math.max(traffic.maxInFlight, traffic.inFlight);
		entry.inFlight = traffic.inFlight;
		let finished = false;
		const finish = () => {
			if (finished) return;
			finished = true;
			traffic.inFlight -= 1;
			entry.respondedAt = Date.now();
		};
		res.once('finish', finish);
		res.once('close', finish);
		const ctx = { method: req.method, path: url.pathname, query, rawQuery: url.search, headers: req.headers, body, bodyError, host: req.headers.host || `${host}:${server.address().port}` };
		const run = () => {
			if (res.destroyed) return;
			const throttled = faults.throttle();
			if (throttled) {
				entry.fault = 'rate_limit';
				return send(res, entry, throttled);
			}
			const spec = faults.pick({ method: entry.method, path: entry.path, query, headers: entry.headers, body, seq: s });
			if (!spec) return send(res, entry, route(state, ctx));
			entry.fault = spec.kind;
			return applyFault(spec, {
				answer: () => route(state, ctx),
				send: (out) => send(res, entry, out),
				drop: () => req.socket.destroy(),
				isGone: () => res.destroyed,
			});
		};
		if (faults.latency > 0) setTimeout(run, faults.latency);
		else run();
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			try {
				handleRequest(req, res, Buffer.concat(chunks));
			} catch (e) {
				if (!res.headersSent) {
					res.writeHead(500, { 'Content-Type': 'application/json', 'X-Request-ID': `req-error-${Date.now()}` });
					res.end(JSON.stringify({ detail: `Simulator error: ${e.message}` }));
				}
			}
		});
	});
	server.keepAliveTimeout = 30000;
	return { server, traffic };
}

module.exports = { createServer, route, checkAuth };
