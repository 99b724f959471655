/**
 * CLI part: import the credential and the examples into a fresh n8n user folder, run the examples with
 * `n8n execute --id`, and check each item's outcome and the records the simulator holds afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';

import { CREDENTIAL_ID, CREDENTIAL_NAME, N8nCli, NODE_TYPE, ROOT_DIR, createUserFolder, outputItems } from './lib/n8n.mjs';
import { credentialFor, findRecord, labels } from './lib/simulator.mjs';

export const EXAMPLES_DIR = path.join(ROOT_DIR, 'examples');
export function exampleFiles() {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => path.join(EXAMPLES_DIR, f));
}

/** Every example is imported; those started by the Manual Trigger are run (a webhook needs a call). */
export function executableExamples() {
	return exampleFiles()
		.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')))
		.filter((wf) => wf.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'));
}

const actions = (items) => (items ?? []).map((i) => i.action ?? (i.error !== undefined ? 'error' : '?'));
const errorText = (item) => `${item?.message ?? ''} ${item?.error ?? ''}`;

/** What each example does to the seeded simulator, item by item, and what it leaves there. */
const EXPECTED = {
	'kizen-example-contacts': {
		object: 'client_client',
		okActions: ['created', 'updated', 'updated', 'unarchived'],
		okIdentifiers: ['new.customer@example.com', 'ada@example.com', 'grace@example.com', 'former@example.com'],
		// The error item carries its input row (the sheet's columns) next to the message.
		errors: [{ input: 'wrong.phone@example.com', mentions: /mobile|phone/i, row: { Email: 'wrong.phone@example.com', 'First Name': 'Wren', 'Mobile Phone': '555-0199' } }],
		hint: /^Not written: "Lead Score": no field of Contacts has this name/,
		records(checks, sim, before) {
			const nia = findRecord(sim, 'client_client', 'new.customer@example.com');
			checks.ok('contacts: new.customer@example.com was created live', nia && !nia.archived, JSON.stringify(nia));
			if (nia) {
				checks.equal('contacts: new contact values (auto-mapped, converted)', {
					first_name: nia.values.first_name,
					last_name: nia.values.last_name,
					mobile_phone: nia.values.mobile_phone,
					email_status: labels(nia.values.email_status),
					timezone: nia.values.timezone,
					birthday: nia.values.birthday,
				}, { first_name: 'Nia', last_name: 'Newton', mobile_phone: '+13125550142', email_status: 'Opted In', timezone: 'America/Chicago', birthday: '1990-04-12' });
			}
			const ada = findRecord(sim, 'client_client', 'ada@example.com');
			checks.ok('contacts: ADA@example.com matched the seeded ada@example.com (same record id, no duplicate)', ada && ada.copies === 1 && ada.id === before.get('ada@example.com'), JSON.stringify(ada));
			if (ada) {
				checks.equal('contacts: ada updated (status by label, tags by name), untouched fields kept', {
					email_status: labels(ada.values.email_status),
					tags: labels(ada.values.tags)?.slice().sort(),
					last_name: ada.values.last_name,
					timezone: ada.values.timezone,
				}, { email_status: 'Not Opted In', tags: ['Partner', 'VIP'], last_name: 'Lovelace', timezone: 'Europe/London' });
			}
			const grace = findRecord(sim, 'client_client', 'grace@example.com');
			checks.equal('contacts: grace updated (phone, titles list, date)', grace && { business_phone: grace.values.business_phone, titles: labels(grace.values.titles)?.slice().sort(), birthday: grace.values.birthday, first_name: grace.values.first_name }, { business_phone: '+12025550199', titles: ['CTO', 'Founder'], birthday: '1906-12-09', first_name: 'Grace' });
			const former = findRecord(sim, 'client_client', 'former@example.com');
			checks.equal('contacts: former@example.com unarchived and updated', former && { archived: former.archived, timezone: former.values.timezone, copies: former.copies }, { archived: false, timezone: 'US/Eastern', copies: 1 });
			checks.equal('contacts: the invalid item wrote nothing', findRecord(sim, 'client_client', 'wrong.phone@example.com'), null);
			const { live, archived } = sim.records('client_client');
			checks.equal('contacts: simulator holds 5 live, 0 archived contacts', [live.length, archived.length], [5, 0]);
		},
	},
	'kizen-example-deals': {
		object: 'deals',
		okActions: ['created', 'updated', 'unarchived'],
		okIdentifiers: ['Initech Rollout', 'Acme Renewal', 'Lost Deal'],
		errors: [{ input: 'Globex Expansion', mentions: /stage|Negotiation/i, row: { title: 'Globex Expansion', stage: 'Negotiation' } }],
		records(checks, sim, before) {
			const initech = findRecord(sim, 'deals', 'Initech Rollout');
			checks.equal('deals: Initech Rollout created with converted values', initech && {
				archived: initech.archived,
				stage: labels(initech.values.stage),
				amount: Number(initech.values.amount?.amount ?? initech.values.amount),
				close_date: initech.values.close_date,
				products: labels(initech.values.products)?.slice().sort(),
				is_priority: labels(initech.values.is_priority),
			}, { archived: false, stage: 'Qualified', amount: 48000, close_date: '2027-03-31', products: ['Platform', 'Training'], is_priority: 'Maybe' });
			const acme = findRecord(sim, 'deals', 'Acme Renewal');
			checks.equal('deals: Acme Renewal updated, its company relation kept', acme && {
				stage: labels(acme.values.stage),
				amount: Number(acme.values.amount?.amount ?? acme.values.amount),
				products: labels(acme.values.products)?.slice().sort(),
				is_priority: labels(acme.values.is_priority),
				hasCompany: Boolean(acme.values.company),
			}, { stage: 'Won', amount: 52000.5, products: ['Platform', 'Support'], is_priority: 'Yes', hasCompany: true });
			const lost = findRecord(sim, 'deals', 'Lost Deal');
			checks.equal('deals: Lost Deal unarchived, stage Proposal', lost && { archived: lost.archived, stage: labels(lost.values.stage) }, { archived: false, stage: 'Proposal' });
			const globex = findRecord(sim, 'deals', 'Globex Expansion');
			checks.equal('deals: Globex Expansion left as it was (invalid stage)', globex && labels(globex.values.stage), 'Qualified');
			const { live, archived } = sim.records('deals');
			checks.equal('deals: simulator holds 4 live, 0 archived deals', [live.length, archived.length], [4, 0]);
		},
	},
};

/** Every Kizen node of the workflow ran (the community type loaded) and sent out items. */
function checkEveryKizenNodeRan(checks, workflow, run) {
	const kizenNodes = workflow.nodes.filter((n) => n.type === NODE_TYPE);
	const ran = kizenNodes.filter((n) => run.data.resultData.runData[n.name]);
	checks.equal(`${workflow.id}: every ${NODE_TYPE} node ran (${kizenNodes.length})`, ran.map((n) => n.name), kizenNodes.map((n) => n.name));
}

function checkUpsertExample(checks, sim, id, expected, run, before) {
	const kizenOk = outputItems(run, 'Kizen', 0);
	const kizenErr = outputItems(run, 'Kizen', 1);
	checks.equal(`${id}: success output actions`, actions(kizenOk), expected.okActions);
	checks.equal(`${id}: success output records (by identifier)`, (kizenOk ?? []).map((i) => String(i[expected.object === 'client_client' ? 'email' : 'name'] ?? '').toLowerCase()), expected.okIdentifiers.map((s) => s.toLowerCase()));
	checks.ok(`${id}: every success item is flat: id and action first, then the fields by API name`, (kizenOk ?? []).every((i) => typeof i.id === 'string' && i.id.length > 0 && Object.keys(i).slice(0, 2).join() === 'id,action' && !('fields' in i)), JSON.stringify(kizenOk));
	checks.equal(`${id}: "Upserted" received the success items`, actions(outputItems(run, 'Upserted', 0)), expected.okActions);
	checks.equal(`${id}: error output has ${expected.errors.length} item(s)`, (kizenErr ?? []).length, expected.errors.length);
	expected.errors.forEach((e, n) => {
		const item = kizenErr?.[n];
		checks.ok(`${id}: error item ${n + 1} is ${e.input}, with a message about it`, item && JSON.stringify(item).includes(e.input) && e.mentions.test(errorText(item)), JSON.stringify(item));
		// n8n 2.8.4 routes {message, error} to the error output and merges the failed input row in.
		const row = Object.fromEntries(Object.keys(e.row).map((key) => [key, item?.[key]]));
		checks.equal(`${id}: error item ${n + 1} carries its input row next to message and error`, { row, message: typeof item?.message, error: typeof item?.error }, { row: e.row, message: 'string', error: 'string' });
		const raw = run.data.resultData.runData.Kizen[0].data.main[1][n];
		checks.ok(`${id}: error item ${n + 1} is paired with its input and has no item-level error`, raw.error === undefined && raw.pairedItem !== undefined, JSON.stringify({ error: raw.error, pairedItem: raw.pairedItem }));
		checks.ok(`${id}: error item ${n + 1}'s message does not repeat the item number`, !/^Item \d/.test(String(item?.message)), String(item?.message));
	});
	if (expected.hint) {
		const hints = (run.data.resultData.runData.Kizen[0].hints ?? []).map((h) => h.message);
		checks.ok(`${id}: one notice names the unmatched column`, hints.length === 1 && expected.hint.test(hints[0]), JSON.stringify(hints));
	}
	checks.equal(`${id}: "Failed items" received the error items`, (outputItems(run, 'Failed items', 0) ?? []).length, expected.errors.length);
	expected.records(checks, sim, before);
}

/** Examples other than the upserts: what their nodes put out and leave in the simulator. */
const CHECKS = {
	'kizen-example-lifecycle'(checks, sim, run) {
		const id = 'kizen-example-lifecycle';
		const created = outputItems(run, 'Create company')?.[0];
		checks.ok(`${id}: Create made a company with the mapped values`, created?.action === 'created' && /^Lifecycle Demo \d+$/.test(created?.name) && created?.industry === 'Software' && created?.employee_count === 12, JSON.stringify(created));
		const ids = ['Create company', 'Get it back', 'Update employee count', 'Archive', 'Unarchive'].map((n) => outputItems(run, n)?.[0]?.id);
		checks.ok(`${id}: Get, Update, Archive and Unarchive all acted on the created record`, ids.every((x) => x && x === created?.id), JSON.stringify(ids));
		checks.equal(`${id}: Get returned it; Update raised employee_count to 13; Archive said archived`, [
			outputItems(run, 'Get it back')?.[0]?.employee_count,
			outputItems(run, 'Update employee count')?.[0]?.employee_count,
			outputItems(run, 'Archive')?.[0]?.archived,
		], [12, 13, true]);
		const rec = created && findRecord(sim, 'companies', created.name);
		checks.equal(`${id}: the simulator holds the company live again, with 13 employees`, rec && { archived: rec.archived, employee_count: rec.values.employee_count }, { archived: false, employee_count: 13 });
	},
	'kizen-example-search'(checks, sim, run) {
		const id = 'kizen-example-search';
		const found = outputItems(run, 'Search opted-in contacts') ?? [];
		checks.equal(`${id}: Search finds the seeded contact(s) matching the filters`, found.map((i) => i.email), ['ada@example.com']);
		const looked = outputItems(run, 'Look up by email') ?? [];
		checks.equal(`${id}: Lookup by email returns the same record with the chosen fields`, looked.map((i) => [i.id, i.email, i.tags]), found.map((i) => [i.id, 'ada@example.com', ['VIP']]));
	},
};

/**
 * @param install  from n8nInstall()
 * @param sim      a started simulator (reset here)
 * @param checks   a Checks log
 */
export async function runCliPart({ install, sim, checks, logDir, label = 'cli' }) {
	const timings = {};
	const t0 = Date.now();
	sim.reset();
	const userFolder = createUserFolder(`n8n-kizen-${label}-`);
	const cli = new N8nCli(install, userFolder, { logFile: path.join(logDir, `${label}-n8n.log`) });
	console.log(`  n8n ${install.version} (${install.node}), user folder ${userFolder}`);
	try {
		let t = Date.now();
		const cred = await cli.importCredentials([credentialFor(sim, { id: CREDENTIAL_ID, name: CREDENTIAL_NAME })]);
		timings.importCredentials = Date.now() - t;
		checks.ok('import:credentials: the Kizen API credential (kizenApi) imported', /Successfully imported 1 credential/i.test(cred.stdout + cred.stderr), cred.stdout + cred.stderr);

		t = Date.now();
		const files = exampleFiles();
		const wf = await cli.importWorkflows(files);
		timings.importWorkflows = Date.now() - t;
		checks.ok(`import:workflow: ${files.length} example workflows imported`, new RegExp(`Successfully imported ${files.length} workflow`, 'i').test(wf.stdout + wf.stderr), wf.stdout + wf.stderr);

		for (const workflow of executableExamples()) {
			const { id } = workflow;
			console.log(`  -- n8n execute --id=${id}`);
			const expected = EXPECTED[id];
			sim.reset(); // each example starts from the seeded records
			const snapshot = expected ? sim.records(expected.object) : null;
			const before = new Map(snapshot ? [...snapshot.live, ...snapshot.archived].map((r) => [r.identifier.toLowerCase(), r.id]) : []);
			const { run, ms } = await cli.execute(id);
			timings[`execute ${id}`] = ms;
			fs.writeFileSync(path.join(logDir, `${label}-${id}.run.json`), JSON.stringify(run, null, 2));
			checks.ok(`${id}: execution finished without a workflow error`, !run.data.resultData.error && run.status !== 'error', JSON.stringify(run.data.resultData.error ?? run.status));
			checkEveryKizenNodeRan(checks, workflow, run);
			if (expected) checkUpsertExample(checks, sim, id, expected, run, before);
			else if (CHECKS[id]) CHECKS[id](checks, sim, run);
		}
	} finally {
		timings.total = Date.now() - t0;
		if (!process.env.E2E_KEEP) fs.rmSync(userFolder, { recursive: true, force: true });
	}
	return timings;
}
