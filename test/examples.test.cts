/**
 * The importable workflows in examples/ stay runnable: their Kizen nodes (everything after the
 * trigger and sample-data nodes) run through the engine against the simulator with the examples'
 * own parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IConnections, INode } from 'n8n-workflow';

import { KizenApi } from '../credentials/KizenApi.credentials';
import { Kizen } from '../nodes/Kizen/Kizen.node';
const {
	engine,
	credentialsFor,
	KIZEN_TYPE,
	KIZEN_TRIGGER_TYPE,
	kizenPoller,
	useSimulator,
}: typeof import('./helpers/kizen.cjs') = require('./helpers/kizen.cts');

interface StoredWorkflow {
	nodes: INode[];
	connections: IConnections;
}
const load = (file: string): StoredWorkflow =>
	JSON.parse(readFileSync(join(__dirname, '..', 'examples', file), 'utf8'));

const sim = useSimulator();

/** Runs the example's Kizen nodes only (n8n-nodes-base nodes are not loaded in unit tests). */
async function runKizenPart(file: string, inputItems: Array<{ json: object }>) {
	const workflow = load(file);
	const kizenNodes = workflow.nodes.filter((node) => node.type === KIZEN_TYPE);
	const names = new Set(kizenNodes.map((node) => node.name));
	const connections = Object.fromEntries(
		Object.entries(workflow.connections).filter(([from]) => names.has(from)),
	) as IConnections;
	for (const outputs of Object.values(connections)) {
		outputs.main = outputs.main.map((targets) =>
			(targets ?? []).filter((target) => names.has(target.node)),
		);
	}
	const credentialId = kizenNodes[0].credentials!.kizenApi.id!;
	return {
		kizenNodes,
		result: await engine.runWorkflow({
			workflow: { nodes: kizenNodes, connections },
			nodeTypes: { [KIZEN_TYPE]: new Kizen() },
			credentialTypes: { kizenApi: new KizenApi() },
			credentials: { [credentialId]: credentialsFor(sim) },
			inputItems: inputItems as never,
			startNode: kizenNodes[0].name,
		}),
	};
}

const sampleItems = (file: string) => {
	const workflow = load(file);
	const sample = workflow.nodes.find((node) => node.name === 'Sample data')!;
	const split = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.splitOut')!;
	const items = JSON.parse(String(sample.parameters.jsonOutput))[
		String(split.parameters.fieldToSplitOut)
	];
	return items.map((json: object) => ({ json }));
};

it('upsert-contacts: spreadsheet columns into Contacts: new, existing, archived and invalid rows', async () => {
	const { result } = await runKizenPart(
		'upsert-contacts.json',
		sampleItems('upsert-contacts.json'),
	);
	expect(result.items('Kizen', 0).map((item) => item.action)).toEqual([
		'created',
		'updated',
		'updated',
		'unarchived',
	]);
	// Every column that names a Contacts field was written, converted (Date Format, country code).
	expect(result.items('Kizen', 0)[0]).toMatchObject({
		email: 'new.customer@example.com',
		first_name: 'Nia',
		last_name: 'Newton',
		mobile_phone: '+13125550142',
		email_status: 'Opted In',
		timezone: 'America/Chicago',
		birthday: '1990-04-12',
	});
	expect(result.items('Kizen', 0)[2]).toMatchObject({
		titles: ['CTO', 'Founder'],
		birthday: '1906-12-09',
	});
	expect(result.pairedItems('Kizen', 1)).toEqual([{ item: 4 }]);
	expect(result.items('Kizen', 1)[0].message).toMatch(
		/"Mobile Phone" \(mobile_phone\) cannot take "555-0199"/,
	);
	// The column no field has is named once, in a notice.
	expect(result.runData.Kizen[0].hints?.map((hint) => hint.message)).toEqual([
		expect.stringMatching(/^Not written: "Lead Score": no field of Contacts has this name/),
	]);
});

it('upsert-deals: define-below fields from expressions', async () => {
	const { result } = await runKizenPart('upsert-deals.json', sampleItems('upsert-deals.json'));
	expect(result.items('Kizen', 0).map((item) => item.action)).toEqual([
		'created',
		'updated',
		'unarchived',
	]);
	expect(result.items('Kizen', 1).map((item) => item.message)).toEqual([
		expect.stringMatching(/"Stage" \(stage\) cannot take "Negotiation"/),
	]);
});

it('record-lifecycle: create → get → update → archive → unarchive', async () => {
	const { result } = await runKizenPart('record-lifecycle.json', [{ json: {} }]);
	expect(result.error).toBeUndefined();
	const created = result.items('Create company')[0];
	expect(result.items('Update employee count')[0]).toMatchObject({
		id: created.id,
		action: 'updated',
		employee_count: 13,
	});
	expect(result.items('Archive')[0]).toEqual({ archived: true, id: created.id });
	expect(result.items('Unarchive')[0]).toMatchObject({ id: created.id });
	expect(sim.records('companies').live.map((record) => record.id)).toContain(created.id);
});

it('search-and-lookup: opted-in contacts created since 2020, each looked up by email', async () => {
	const { result } = await runKizenPart('search-and-lookup.json', [{ json: {} }]);
	expect(result.error).toBeUndefined();
	expect(result.items('Look up by email')).toEqual([
		{
			id: sim.records('client_client').live.find((r) => r.identifier === 'ada@example.com')!.id,
			email: 'ada@example.com',
			first_name: 'Ada',
			last_name: 'Lovelace',
			tags: ['VIP'],
		},
	]);
});

it('trigger-contacts: the Kizen Trigger emits a new contact and a changed one, with the chosen fields', async () => {
	const trigger = load('trigger-contacts.json').nodes.find(
		(node) => node.type === KIZEN_TRIGGER_TYPE,
	)!;
	const poller = kizenPoller(sim, trigger.parameters);
	expect(await poller.activate()).toBeNull();
	const ada = sim.records('client_client').live.find((r) => r.identifier === 'ada@example.com')!;
	sim.addRecord('client_client', {
		identifier: 'trigger.example@example.com',
		fields: { first_name: 'Tia', email_status: { name: 'Opted In' } },
	});
	sim.updateRecord('client_client', ada.id, { last_name: 'King' });
	const { items } = await poller.poll();
	expect(items!.map((item) => item.json)).toEqual([
		expect.objectContaining({
			event: 'created',
			email: 'trigger.example@example.com',
			first_name: 'Tia',
			email_status: 'Opted In',
		}),
		expect.objectContaining({ event: 'updated', email: 'ada@example.com', last_name: 'King' }),
	]);
	expect(Object.keys(items![0].json).sort()).toEqual(
		['id', 'event', 'created', 'email', 'email_status', 'first_name', 'updated'].sort(),
	);
});

it('automation-webhook: what a Kizen automation posts reads the record it names', async () => {
	const ada = sim.records('client_client').live.find((r) => r.identifier === 'ada@example.com')!;
	const { result } = await runKizenPart('automation-webhook.json', [
		{ json: { body: { object: 'client_client', record_id: ada.id, event: 'updated' } } },
	]);
	expect(result.error).toBeUndefined();
	expect(result.items('Get the record')).toEqual([
		expect.objectContaining({ id: ada.id, email: 'ada@example.com' }),
	]);
});
