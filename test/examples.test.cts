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

it('upsert-contacts: new, existing, archived and invalid contacts', async () => {
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
	expect(result.pairedItems('Kizen', 1)).toEqual([{ item: 4 }]);
});

it('upsert-deals: define-below fields from expressions', async () => {
	const { result } = await runKizenPart('upsert-deals.json', sampleItems('upsert-deals.json'));
	expect(result.items('Kizen', 0).map((item) => item.action)).toEqual([
		'created',
		'updated',
		'unarchived',
	]);
	expect(result.items('Kizen', 1).map((item) => item.error)).toEqual([
		expect.stringMatching(/"Stage" \(stage\) cannot take "Negotiation"/),
	]);
});

it('record-lifecycle: create → get → update → archive → unarchive', async () => {
	const { result } = await runKizenPart('record-lifecycle.json', [{ json: {} }]);
	expect(result.error).toBeUndefined();
	const created = result.items('Create company')[0];
	expect(result.items('Update employee count')[0]).toMatchObject({
		id: created.id,
		fields: { employee_count: 13 },
	});
	expect(result.items('Archive')[0]).toEqual({ archived: true, id: created.id });
	expect(result.items('Unarchive')[0]).toMatchObject({ id: created.id });
	expect(sim.records('companies').live.map((record) => record.id)).toContain(created.id);
});

it('search-and-lookup: opted-in contacts with a VIP or Partner tag, each looked up by email', async () => {
	const { result } = await runKizenPart('search-and-lookup.json', [{ json: {} }]);
	expect(result.error).toBeUndefined();
	expect(result.items('Look up by email').map((item) => item.fields)).toEqual([
		{ email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', tags: ['VIP'] },
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
	expect(items!.map((item) => [item.json.event, item.json.fields])).toEqual([
		[
			'created',
			expect.objectContaining({
				email: 'trigger.example@example.com',
				first_name: 'Tia',
				email_status: 'Opted In',
			}),
		],
		['updated', expect.objectContaining({ email: 'ada@example.com', last_name: 'King' })],
	]);
	expect(Object.keys(items![0].json.fields as object).sort()).toEqual(
		['created', 'email', 'email_status', 'first_name', 'updated'].sort(),
	);
});

it('automation-webhook: what a Kizen automation posts reads the record it names', async () => {
	const ada = sim.records('client_client').live.find((r) => r.identifier === 'ada@example.com')!;
	const { result } = await runKizenPart('automation-webhook.json', [
		{ json: { body: { object: 'client_client', record_id: ada.id, event: 'updated' } } },
	]);
	expect(result.error).toBeUndefined();
	expect(result.items('Get the record')).toEqual([
		expect.objectContaining({
			id: ada.id,
			object: 'client_client',
			fields: expect.objectContaining({ email: 'ada@example.com' }),
		}),
	]);
});
