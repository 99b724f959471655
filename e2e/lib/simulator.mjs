/**
 * The Kizen API simulator, started in this process on 127.0.0.1 so the checks can read its records
 * directly (`sim.records()`), with no inspection endpoint.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startSimulator, DEMO_CREDENTIALS } = require('../../simulator/kizen-simulator.cjs');

export { DEMO_CREDENTIALS };

export async function startKizenSimulator({ port = 0 } = {}) {
	return startSimulator({ port, host: '127.0.0.1' });
}

/** The n8n credential (`n8n import:credentials` format) pointing at a simulator. */
export function credentialFor(sim, { id, name, apiKey = sim.credentials.apiKey }) {
	return {
		id,
		name,
		type: 'kizenApi',
		data: {
			environment: 'custom',
			baseUrl: sim.url,
			businessId: sim.credentials.businessId,
			userId: sim.credentials.userId,
			apiKey,
		},
	};
}

/** A live or archived record by identifier, with its values keyed by field api name. */
export function findRecord(sim, object, identifier) {
	const { live, archived } = sim.records(object);
	const fields = new Map(sim.fields(object).map((f) => [f.id, f]));
	const match = [...live, ...archived].filter((r) => r.identifier.toLowerCase() === identifier.toLowerCase());
	if (match.length === 0) return null;
	const rec = match.find((r) => !r.archived) ?? match[0];
	const values = {};
	for (const [fieldId, value] of Object.entries(rec.fields)) {
		const field = fields.get(fieldId);
		values[field?.name ?? fieldId] = field ? readable(sim, object, field, value) : value;
	}
	return { id: rec.id, identifier: rec.identifier, archived: rec.archived, values, copies: match.length };
}

/** Choices and tags are stored as ids: give their labels instead (time zones stay zone ids). */
function readable(sim, object, field, value) {
	let choices = field.options;
	if (field.field_type === 'dynamictags') choices = sim.tags(object, field.name);
	if (!choices?.length || field.field_type === 'timezone') return value;
	const name = (id) => choices.find((o) => o.id === id)?.name ?? id;
	return Array.isArray(value) ? value.map(name) : value == null ? value : name(value);
}

/** Option-ish values ({id, name} or [{...}]) as labels, for readable comparisons. */
export function labels(value) {
	if (value == null) return value;
	if (Array.isArray(value)) return value.map((v) => (v && typeof v === 'object' ? v.name : v));
	if (typeof value === 'object' && 'name' in value) return value.name;
	return value;
}
