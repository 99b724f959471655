'use strict';
/**
 * `npm run demo`: the main job, end to end, with no Kizen account. Starts the Kizen simulator,
 * runs the Kizen node of the example workflows (examples/upsert-contacts.json and
 * examples/upsert-deals.json) through n8n's real execution engine (n8n-core WorkflowExecute), on
 * the sample items the examples carry: some new, some existing, one archived, one invalid. Prints a
 * table per item, then runs everything again to show the result is idempotent.
 *
 * With KIZEN_BASE_URL, KIZEN_API_KEY, KIZEN_USER_ID and KIZEN_BUSINESS_ID set, it targets that real
 * Kizen account instead (contacts only, plus KIZEN_DEMO_OBJECT if set). The node itself reads no
 * environment: only this script does.
 */
const path = require('node:path');
const fs = require('node:fs');

require('./lib/register-cts.cjs');
const root = path.resolve(__dirname, '..');
const { runWorkflow, shutdownEngine } = require(path.join(root, 'test/harness/engine.cts'));
const { startSimulator } = require(path.join(root, 'simulator/kizen-simulator.cjs'));
const { Kizen } = require(path.join(root, 'dist/nodes/Kizen/Kizen.node.js'));
const { KizenApi } = require(path.join(root, 'dist/credentials/KizenApi.credentials.js'));

const KIZEN_TYPE = 'n8n-nodes-kizen.kizen';

function loadExample(file) {
	const workflow = JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8'));
	const kizen = workflow.nodes.find((node) => node.type === KIZEN_TYPE);
	const sample = workflow.nodes.find((node) => node.name === 'Sample data');
	const split = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.splitOut');
	// The example's own sample data: what its Set + Split Out nodes would hand to Kizen.
	const items = JSON.parse(sample.parameters.jsonOutput)[split.parameters.fieldToSplitOut];
	return { workflow, kizen, items };
}

async function runKizenNode(example, credentials, objectOverride) {
	const node = { ...example.kizen };
	if (objectOverride) node.parameters = { ...node.parameters, object: { __rl: true, mode: 'name', value: objectOverride } };
	const result = await runWorkflow({
		workflow: { nodes: [node], connections: {} },
		nodeTypes: { [KIZEN_TYPE]: new Kizen() },
		credentialTypes: { kizenApi: new KizenApi() },
		credentials: { [node.credentials.kizenApi.id]: credentials },
		inputItems: example.items.map((json) => ({ json })),
	});
	if (result.error) throw new Error(`The workflow failed: ${result.error.message}`);
	// The node's two outputs (success, errors) back in input order, by pairedItem.
	const rows = [];
	for (const [output, items] of result.nodeOutput('Kizen').entries()) {
		for (const item of items) rows[item.pairedItem.item] = { output, json: item.json };
	}
	// The notices n8n shows above the output (e.g. input columns no Kizen field has).
	rows.hints = (result.runData.Kizen?.[0]?.hints ?? []).map((hint) => hint.message);
	return rows;
}

function printTable(title, example, rows, lookupOf) {
	console.log(`\n${title}`);
	const lines = example.items.map((input, index) => {
		const row = rows[index];
		const outcome = !row
			? 'NO OUTPUT (lost!)'
			: row.output === 1
				? `error: ${row.json.message}`
				: `${row.json.action.padEnd(10)} ${row.json.id}`;
		return [String(index), lookupOf(input), outcome];
	});
	const width = Math.max(12, ...lines.map((line) => line[1].length));
	console.log(`  #  ${'lookup value'.padEnd(width)}  result`);
	for (const [index, lookup, outcome] of lines) console.log(`  ${index}  ${lookup.padEnd(width)}  ${outcome}`);
	for (const hint of rows.hints) console.log(`  notice: ${hint}`);
}

async function main() {
	const real = process.env.KIZEN_BASE_URL && process.env.KIZEN_API_KEY;
	let sim;
	let credentials;
	if (real) {
		credentials = {
			environment: 'custom',
			baseUrl: process.env.KIZEN_BASE_URL,
			apiKey: process.env.KIZEN_API_KEY,
			userId: process.env.KIZEN_USER_ID ?? '',
			businessId: process.env.KIZEN_BUSINESS_ID ?? '',
		};
		console.log(`Target: the real Kizen account at ${credentials.baseUrl} (records will be written there).`);
	} else {
		sim = await startSimulator({ port: 0 });
		credentials = { environment: 'custom', baseUrl: sim.url, ...sim.credentials };
		console.log(`Target: the built-in Kizen simulator at ${sim.url} (set KIZEN_* variables for a real account).`);
	}

	const jobs = [
		{ file: 'upsert-contacts.json', object: 'client_client', lookup: (item) => item.Email },
		{ file: 'upsert-deals.json', object: 'deals', lookup: (item) => item.title },
	].filter((job) => !real || job.object === 'client_client' || process.env.KIZEN_DEMO_OBJECT);

	const counts = () =>
		sim ? jobs.map((job) => `${job.object}: ${sim.records(job.object).live.length} live, ${sim.records(job.object).archived.length} archived`).join('; ') : '';
	if (sim) console.log(`Before: ${counts()}`);

	for (const pass of ['First run', 'Second run (same input: nothing new may be created)']) {
		for (const job of jobs) {
			const example = loadExample(job.file);
			const override = real && job.object !== 'client_client' ? process.env.KIZEN_DEMO_OBJECT : undefined;
			const started = Date.now();
			const rows = await runKizenNode(example, credentials, override);
			printTable(`${pass}: examples/${job.file} → Kizen (${Date.now() - started} ms)`, example, rows, job.lookup);
		}
		if (sim) console.log(`\nAfter ${pass.split(' (')[0].toLowerCase()}: ${counts()}`);
	}
	if (sim) await sim.close();
}

main()
	.then(() => {
		shutdownEngine();
	})
	.catch((error) => {
		console.error(error);
		shutdownEngine();
		process.exitCode = 1;
	});
