/**
 * Trigger part: the Kizen Trigger in a running n8n. `n8n start`, the trigger example imported and
 * activated through n8n's REST API, records created and changed in the simulator, and the executions
 * n8n starts read back through the REST API. Then the push alternative: the automation-webhook
 * example activated and called the way a Kizen automation's HTTP Request step calls it.
 *
 * The example polls every minute; here it polls every 5 s: a custom cron with a list of seconds,
 * which n8n 2.8 accepts (it refuses only a `*` in the seconds field).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { OWNER, setupOwner } from './browser.mjs';
import { EXAMPLES_DIR } from './cli.mjs';
import { CREDENTIAL_ID, CREDENTIAL_NAME, E2E_DIR, N8nCli, createUserFolder, startServer } from './lib/n8n.mjs';
import { waitFor } from './lib/proc.mjs';
import { credentialFor } from './lib/simulator.mjs';

const require = createRequire(path.join(E2E_DIR, 'package.json'));

const POLL_SECONDS = 5;
const POLL_CRON = `${Array.from({ length: 60 / POLL_SECONDS }, (_, n) => n * POLL_SECONDS).join(',')} * * * * *`;
const TRIGGER_WORKFLOW = 'kizen-example-trigger';
const WEBHOOK_WORKFLOW = 'kizen-example-automation-webhook';
/** n8n ties its session cookie to the browser ID sent at sign-in. */
const BROWSER_ID = 'kizen-e2e-trigger';

/** Signs in as the owner; returns `rest(method, path, body?)` → the answer's `data`. */
async function signIn(url) {
	const headers = { 'content-type': 'application/json', 'browser-id': BROWSER_ID };
	const res = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		signal: AbortSignal.timeout(15000),
	});
	if (!res.ok) throw new Error(`POST /rest/login: ${res.status} ${(await res.text()).slice(0, 300)}`);
	const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	return async (method, route, body) => {
		const answer = await fetch(`${url}/rest${route}`, {
			method,
			headers: { ...headers, cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(15000),
		});
		const text = await answer.text();
		if (!answer.ok) throw new Error(`${method} /rest${route}: ${answer.status} ${text.slice(0, 300)}`);
		return JSON.parse(text).data;
	};
}

/** Activates a workflow as the editor's Activate switch does (n8n 2.8: the current version). */
async function activate(rest, workflowId) {
	const workflow = await rest('GET', `/workflows/${workflowId}`);
	const active = await rest('POST', `/workflows/${workflowId}/activate`, { versionId: workflow.versionId });
	return Boolean(active.activeVersionId ?? active.active);
}

/** The workflow's finished executions, oldest first, each with its run data. */
async function executions(rest, workflowId) {
	const { parse } = require('flatted');
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await rest('GET', `/executions?filter=${filter}&limit=50`);
	const finished = list.results.filter((e) => e.finished || ['success', 'error'].includes(e.status));
	const detailed = [];
	for (const summary of finished.sort((a, b) => Number(a.id) - Number(b.id))) {
		const full = await rest('GET', `/executions/${summary.id}`);
		detailed.push({ id: summary.id, status: full.status, mode: full.mode, data: parse(full.data) });
	}
	return detailed;
}

const itemsOf = (execution, node) =>
	(execution.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json);
const changes = (execution) => itemsOf(execution, 'Kizen Trigger').map((i) => [i.email, i.event]);

/** Searches the trigger sent since `from` (its polls: one search each while nothing is pending). */
const pollsSince = (sim, from) =>
	sim.requests.slice(from).filter((r) => r.method === 'POST' && r.path.endsWith('/search') && r.query.ordering === 'updated');

export async function runTriggerPart({ install, sim, checks, logDir }) {
	const timings = {};
	sim.reset();
	const userFolder = createUserFolder('n8n-kizen-trigger-');
	const cli = new N8nCli(install, userFolder, { logFile: path.join(logDir, 'trigger-n8n-cli.log') });
	let server;
	try {
		let t = Date.now();
		const trigger = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, 'trigger-contacts.json'), 'utf8'));
		trigger.nodes.find((n) => n.name === 'Kizen Trigger').parameters.pollTimes = { item: [{ mode: 'custom', cronExpression: POLL_CRON }] };
		const dir = path.join(userFolder, 'trigger-workflows');
		fs.mkdirSync(dir);
		fs.writeFileSync(path.join(dir, 'trigger-contacts.json'), JSON.stringify(trigger, null, 2));
		fs.copyFileSync(path.join(EXAMPLES_DIR, 'automation-webhook.json'), path.join(dir, 'automation-webhook.json'));
		await cli.importCredentials([credentialFor(sim, { id: CREDENTIAL_ID, name: CREDENTIAL_NAME })]);
		await cli.importWorkflows(fs.readdirSync(dir).map((f) => path.join(dir, f)));
		const started = await startServer(install, userFolder, { logFile: path.join(logDir, 'trigger-n8n-server.log') });
		server = started.server;
		const { url } = started;
		await setupOwner(url);
		const rest = await signIn(url);
		timings['import + n8n start + sign in'] = Date.now() - t;
		console.log(`  n8n ${install.version} at ${url}; the trigger polls every ${POLL_SECONDS} s (cron "${POLL_CRON}")`);

		t = Date.now();
		const beforeActivation = sim.requests.length;
		checks.ok('trigger: the workflow is activated through POST /rest/workflows/:id/activate', await activate(rest, TRIGGER_WORKFLOW));
		const first = sim.requests.slice(beforeActivation).find((r) => r.path.endsWith('/search'));
		checks.equal('trigger: the activation read Kizen’s newest contacts (where "now" is)', first && { ordering: first.query.ordering, page_size: first.query.page_size }, { ordering: '-updated', page_size: '100' });
		const afterActivation = sim.requests.length;
		await waitFor('two polls after the activation', () => pollsSince(sim, afterActivation).length >= 2, { timeoutMs: 4 * POLL_SECONDS * 1000 });
		checks.equal('trigger: nothing old was emitted (no execution after two polls)', (await executions(rest, TRIGGER_WORKFLOW)).length, 0);
		timings['activate + two empty polls'] = Date.now() - t;

		t = Date.now();
		const ada = sim.records('client_client').live.find((r) => r.identifier === 'ada@example.com');
		const eve = sim.addRecord('client_client', { identifier: 'e2e.trigger@example.com', fields: { first_name: 'Eve' } });
		sim.updateRecord('client_client', ada.id, { last_name: 'Byron' });
		const [one] = await waitFor('an execution for the two changes', async () => {
			const found = await executions(rest, TRIGGER_WORKFLOW);
			return found.length ? found : null;
		}, { timeoutMs: 6 * POLL_SECONDS * 1000, intervalMs: 1000 });
		timings['first change → execution'] = Date.now() - t;
		checks.equal('trigger: one execution, mode trigger, success', { mode: one.mode, status: one.status }, { mode: 'trigger', status: 'success' });
		checks.equal('trigger: it holds the new contact (created) and the changed one (updated), in time order', changes(one), [
			['e2e.trigger@example.com', 'created'],
			['ada@example.com', 'updated'],
		]);
		const eveItem = itemsOf(one, 'Kizen Trigger')[0];
		checks.ok('trigger: items carry id, event and the chosen fields, flat', eveItem?.id === eve.id && Object.keys(eveItem).slice(0, 2).join() === 'id,event' && eveItem.first_name === 'Eve' && typeof eveItem.updated === 'string', JSON.stringify(eveItem));
		checks.equal('trigger: the next node received both items', itemsOf(one, 'New or changed contact').map((i) => i.id), [eve.id, ada.id]);

		t = Date.now();
		const quiet = sim.requests.length;
		await waitFor('two more polls', () => pollsSince(sim, quiet).length >= 2, { timeoutMs: 4 * POLL_SECONDS * 1000 });
		checks.equal('trigger: nothing emitted twice (still one execution after two more polls)', (await executions(rest, TRIGGER_WORKFLOW)).length, 1);
		sim.updateRecord('client_client', eve.id, { first_name: 'Eva' });
		const all = await waitFor('a second execution', async () => {
			const found = await executions(rest, TRIGGER_WORKFLOW);
			return found.length >= 2 ? found : null;
		}, { timeoutMs: 6 * POLL_SECONDS * 1000, intervalMs: 1000 });
		checks.equal('trigger: the second execution holds only the new change', changes(all[1]), [['e2e.trigger@example.com', 'updated']]);
		timings['no repeat + second change → execution'] = Date.now() - t;

		t = Date.now();
		checks.ok('push: the automation-webhook workflow is activated', await activate(rest, WEBHOOK_WORKFLOW));
		// What a Kizen automation's HTTP Request step sends: POST, JSON, the record's ID from a merge field.
		const call = await fetch(`${url}/webhook/kizen-record-event`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ object: 'client_client', record_id: ada.id, event: 'updated' }),
			signal: AbortSignal.timeout(15000),
		});
		checks.equal('push: the webhook answers the automation at once (200)', call.status, 200);
		await call.arrayBuffer();
		const [pushed] = await waitFor('the webhook execution', async () => {
			const found = await executions(rest, WEBHOOK_WORKFLOW);
			return found.length ? found : null;
		}, { timeoutMs: 30000, intervalMs: 500 });
		const record = itemsOf(pushed, 'Get the record')[0];
		checks.ok('push: "Get the record" read the record the automation named, as it is now', pushed.status === 'success' && record?.id === ada.id && record?.email === 'ada@example.com' && record?.last_name === 'Byron', JSON.stringify(record));
		timings['push: webhook call → execution'] = Date.now() - t;
	} finally {
		await server?.stop();
		if (!process.env.E2E_KEEP) fs.rmSync(userFolder, { recursive: true, force: true });
	}
	return timings;
}
