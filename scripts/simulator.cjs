#!/usr/bin/env node
'use strict';
/**
 * `npm run simulator`: run the in-memory Kizen API simulator for manual testing in n8n.
 *   node scripts/simulator.cjs [--port 5680] [--host 127.0.0.1] [--latency 20] [--rate-limit 50]
 * Port also from env KIZEN_SIM_PORT. --rate-limit N = N requests/second (burst N).
 */
const { startSimulator } = require('../simulator/kizen-simulator.cjs');

function parseArgs(argv) {
	const out = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') out.help = true;
		else if (arg.startsWith('--')) {
			const eq = arg.indexOf('=');
			const key = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
			const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
			out[key] = value;
		}
	}
	return out;
}

function number(name, value, fallback) {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) {
		console.error(`Invalid --${name}: ${value}`);
		process.exit(2);
	}
	return n;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log('Usage: node scripts/simulator.cjs [--port 5680] [--host 127.0.0.1] [--latency ms] [--rate-limit perSecond]');
		return;
	}
	const port = number('port', args.port ?? process.env.KIZEN_SIM_PORT, 5680);
	const latencyMs = number('latency', args.latency, 0);
	const perSecond = number('rate-limit', args['rate-limit'], 0);
	const sim = await startSimulator({
		port,
		host: args.host || '127.0.0.1',
		latencyMs,
		rateLimit: perSecond ? { perSecond, burst: perSecond, retryAfterSeconds: 1 } : null,
	});
	const c = sim.credentials;
	const lines = [
		`Kizen simulator listening on ${sim.url}`,
		'',
		'Kizen API credential for n8n:',
		'  Environment: Custom URL',
		`  Base URL:    ${sim.url}`,
		`  Business ID: ${c.businessId}`,
		`  User ID:     ${c.userId}`,
		`  API Key:     ${c.apiKey}   (fake demo key)`,
		'',
		`Latency: ${latencyMs} ms   Rate limit: ${perSecond ? `${perSecond}/s` : 'off'}`,
		'',
		'Objects:',
	];
	for (const o of sim.objects()) {
		const recs = sim.records(o.id);
		lines.push(`  ${o.object_name.padEnd(10)} ${o.name.padEnd(14)} ${o.id}  (${recs.live.length} live, ${recs.archived.length} archived records)`);
		for (const f of sim.fields(o.id)) {
			const flags = [f.is_required && 'required', f.is_read_only && 'read-only', f.is_hidden && 'hidden'].filter(Boolean).join(', ');
			lines.push(`      ${f.name.padEnd(16)} ${f.field_type.padEnd(13)} ${f.id}${flags ? `  [${flags}]` : ''}`);
		}
	}
	lines.push('', 'Press Ctrl+C to stop.');
	console.log(lines.join('\n'));

	let stopping = false;
	const stop = async (signal) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping simulator (${sim.requests.length} requests served).`);
		await sim.close();
		process.exit(0);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
