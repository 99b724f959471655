/**
 * Browser part: `n8n start` on 127.0.0.1, the owner set up through the REST API, then the editor in
 * headless Debian Chromium (playwright-core): sign in, open the contacts example, and use the Kizen
 * node the way a person would. Every step saves a screenshot to e2e/artifacts/screenshots/ and
 * asserts on what the page shows.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { exampleFiles } from './cli.mjs';
import { CREDENTIAL_ID, CREDENTIAL_NAME, N8nCli, NODE_TYPE, createUserFolder, startServer } from './lib/n8n.mjs';
import { credentialFor, findRecord } from './lib/simulator.mjs';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Flags that work on these machines: no sandbox as root, no GPU, no calls home. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run',
];
export const OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'Kizen-e2e-Passw0rd' };
const WORKFLOW_ID = 'kizen-example-contacts';
const STEP_TIMEOUT_MS = 20000;

/** n8n's owner setup (a fresh instance has none); the UI sign-in comes after. */
export async function setupOwner(url) {
	const res = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
		signal: AbortSignal.timeout(15000),
	});
	const body = await res.text();
	if (!res.ok) throw new Error(`POST /rest/owner/setup: ${res.status} ${body.slice(0, 300)}`);
	return JSON.parse(body).data;
}

export async function runBrowserPart({ install, sim, checks, logDir, artifactsDir }) {
	const timings = {};
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (e2e/run.sh does it)`);
	const { chromium, selectors } = require('playwright-core');
	selectors.setTestIdAttribute('data-test-id');
	const shotsDir = path.join(artifactsDir, 'screenshots');
	fs.rmSync(shotsDir, { recursive: true, force: true });
	fs.mkdirSync(shotsDir, { recursive: true });

	sim.reset();
	const userFolder = createUserFolder('n8n-kizen-browser-');
	const cli = new N8nCli(install, userFolder, { logFile: path.join(logDir, 'browser-n8n-cli.log') });
	let server;
	let browser;
	try {
		let t = Date.now();
		await cli.importCredentials([credentialFor(sim, { id: CREDENTIAL_ID, name: CREDENTIAL_NAME })]);
		await cli.importWorkflows(exampleFiles());
		timings['import credential + examples'] = Date.now() - t;

		t = Date.now();
		const started = await startServer(install, userFolder, { logFile: path.join(logDir, 'browser-n8n-server.log') });
		server = started.server;
		const { url } = started;
		timings['n8n start'] = Date.now() - t;
		console.log(`  n8n ${install.version} editor at ${url} (pid ${server.pid}), user folder ${userFolder}`);
		const owner = await setupOwner(url);
		checks.ok('owner set up through POST /rest/owner/setup', owner?.email === OWNER.email, JSON.stringify(owner));

		t = Date.now();
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await context.newPage();
		page.setDefaultTimeout(STEP_TIMEOUT_MS);
		const pageErrors = [];
		page.on('pageerror', (e) => pageErrors.push(e.message));
		timings['chromium launch'] = Date.now() - t;

		const ui = new EditorSteps({ page, url, sim, checks, shotsDir, timings });
		await ui.run();
		fs.writeFileSync(path.join(logDir, 'browser-page-errors.txt'), pageErrors.join('\n'));
	} finally {
		if (browser) await browser.close().catch(() => {});
		if (server) await server.stop();
		if (!process.env.E2E_KEEP) fs.rmSync(userFolder, { recursive: true, force: true });
	}
	return timings;
}

class EditorSteps {
	constructor({ page, url, sim, checks, shotsDir, timings }) {
		Object.assign(this, { page, url, sim, checks, shotsDir, timings });
		this.n = 0;
		this.ndv = page.getByTestId('ndv');
	}

	async shot(name) {
		this.n += 1;
		const file = path.join(this.shotsDir, `${String(this.n).padStart(2, '0')}-${name}.png`);
		await this.page.screenshot({ path: file }).catch(() => {});
		return file;
	}

	/** A step: runs, screenshots, and counts a throw as one failure so later steps still run. */
	async step(name, fn, { screenshot = true } = {}) {
		const t = Date.now();
		console.log(`  -- ${name}`);
		try {
			await fn();
			if (screenshot) {
				const file = await this.shot(name);
				console.log(`     screenshot ${path.relative(process.cwd(), file)}`);
			}
		} catch (e) {
			const file = await this.shot(`${name}-FAILED`);
			this.checks.error(`browser step "${name}" (see ${path.relative(process.cwd(), file)})`, e);
		}
		this.timings[name] = Date.now() - t;
	}

	async run() {
		const { page, ndv, checks, sim } = this;
		const examples = exampleFiles().map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
		const contacts = examples.find((w) => w.id === WORKFLOW_ID);

		await this.step('signin', async () => {
			await page.goto(`${this.url}/signin`);
			const form = page.getByTestId('signin-form');
			await form.waitFor();
			await form.locator('input[type="email"]').fill(OWNER.email);
			await form.locator('input[type="password"]').fill(OWNER.password);
			await page.getByRole('button', { name: /sign in/i }).click();
			await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
			for (const wf of examples) await page.getByText(wf.name, { exact: true }).first().waitFor();
			const names = [];
			for (const wf of examples) if (await page.getByText(wf.name, { exact: true }).count()) names.push(wf.name);
			checks.equal('signed in: the workflow list shows every imported example', names, examples.map((w) => w.name));
		});

		await this.step('examples-on-canvas', async () => {
			for (const wf of examples) {
				await page.goto(`${this.url}/workflow/${wf.id}`);
				await page.getByTestId('canvas-node').first().waitFor();
				await waitUntil(async () => (await page.getByTestId('canvas-node').count()) === wf.nodes.length);
				const warnings = await page.locator('[data-test-id="canvas-node"] [data-test-id="node-issues"]').count();
				checks.ok(`canvas: example "${wf.name}" opens with its ${wf.nodes.length} nodes and no node issues`, warnings === 0, `${warnings} node(s) with issues`);
				await this.shot(`example-${wf.id.replace(/^kizen-example-/, '')}`);
			}
		}, { screenshot: false });

		await this.step('contacts-workflow', async () => {
			await page.goto(`${this.url}/workflow/${WORKFLOW_ID}`);
			await page.getByTestId('canvas-node').first().waitFor();
			const nodes = await page.getByTestId('canvas-node').evaluateAll((els) =>
				els.map((e) => ({ name: e.getAttribute('data-node-name'), type: e.getAttribute('data-node-type') })),
			);
			checks.equal('canvas: the contacts example shows all its nodes', nodes.map((n) => n.name).sort(), contacts.nodes.map((n) => n.name).sort());
			checks.ok(`canvas: the "Kizen" node is the community type ${NODE_TYPE}`, nodes.some((n) => n.name === 'Kizen' && n.type === NODE_TYPE), JSON.stringify(nodes));
		});

		await this.step('kizen-node-open', async () => {
			await page.locator('[data-test-id="canvas-node"][data-node-name="Kizen"]').dblclick();
			await ndv.waitFor();
			await ndv.getByTestId('resource-locator-object').waitFor();
			checks.equal('node panel: credential, operation and object as the example sets them', {
				credential: await this.shownValue(ndv.getByTestId('node-credentials-select')),
				operation: await this.shownValue(ndv.getByTestId('parameter-input-operation')),
				object: await this.shownValue(ndv.getByTestId('resource-locator-object').getByTestId('rlc-input-container')),
			}, { credential: CREDENTIAL_NAME, operation: 'Create or Update', object: 'Contacts' });
		});

		const objectNames = sim.objects().map((o) => o.object_name);
		await this.step('object-list', async () => {
			const loaded = this.waitForResults('resource-locator-results', (body) => !body.includes('"filter"'));
			await ndv.getByTestId('resource-locator-object').getByTestId('rlc-input').click();
			await loaded;
			await page.getByTestId('rlc-item').first().waitFor();
			checks.equal(`object list: loads the simulator's ${objectNames.length} objects`, await this.rlcItems(), objectNames);
		});

		await this.step('object-search', async () => {
			const searched = this.waitForResults('resource-locator-results', (body) => body.includes('"filter":"deal"'));
			await page.getByTestId('rlc-search').fill('deal');
			const answer = await searched;
			await waitUntil(async () => (await this.rlcItems({ unselected: true })).join() === 'Deals');
			checks.equal('object search "deal": the node answers with Deals only', answer.data.results.map((r) => r.name), ['Deals']);
			checks.equal('object search "deal": the list shows Deals (besides the pinned current choice)', await this.rlcItems({ unselected: true }), ['Deals']);
			await this.shot('object-search-results');
			await this.clickOutside();
			await page.getByTestId('rlc-search').waitFor({ state: 'hidden' });
			checks.equal('object search: closing the list keeps Contacts chosen', await this.shownValue(ndv.getByTestId('resource-locator-object').getByTestId('rlc-input-container')), 'Contacts');
		});

		await this.step('execute-step', async () => {
			await ndv.getByTestId('node-execute-button').click();
			const output = ndv.getByTestId('output-panel');
			await output.getByText(/Success Branch \(\d+ items?\)/).waitFor({ timeout: 60000 });
			const tabs = (await output.getByTestId('branches').innerText()).split('\n').map((s) => s.trim()).filter(Boolean);
			checks.equal('execute step: output branches and their counts', tabs, ['Success Branch (4 items)', 'Error Branch (1 item)']);
			const table = await this.outputTable();
			checks.equal('execute step: the table shows id, action, object, fields', table.headers, ['id', 'action', 'object', 'fields']);
			checks.equal('execute step: actions per row', table.rows.map((r) => r[1]), ['created', 'updated', 'updated', 'unarchived']);
			checks.ok('execute step: the new contact row shows its fields', table.rows[0]?.[3]?.includes('new.customer@example.com') && table.rows[0]?.[3]?.includes('Nia'), JSON.stringify(table.rows[0]));
			checks.ok('execute step: the simulator now holds the new contact', findRecord(sim, 'client_client', 'new.customer@example.com')?.archived === false);
		});

		await this.step('execute-step-error-branch', async () => {
			const output = ndv.getByTestId('output-panel');
			await output.getByText(/Error Branch/).click();
			await output.getByText(/E\.164/).first().waitFor();
			const text = await output.innerText();
			checks.ok('execute step: the error branch shows the invalid phone item and why', text.includes('wrong.phone@example.com') && text.includes('555-0199'), text.slice(0, 500));
		});

		await this.step('mapper-contacts-fields', async () => {
			this.currentObject = 'client_client';
			await this.chooseMappingMode(/Map Each Column Manually/);
			const fields = await this.mapperFieldNames('mapper-contacts');
			const expected = writableDisplayNames(sim, 'client_client');
			checks.equal('mapper (Contacts, manual): the fields offered are the Contacts writable fields', fields.map(stripHint).sort(), expected.sort());
		});

		await this.step('mapper-deals-fields', async () => {
			const reloaded = this.waitForResults('resource-mapper-fields', (body) => body.includes('"value":"deals"'));
			await ndv.getByTestId('resource-locator-object').getByTestId('rlc-input').click();
			// The list keeps the last search text: search afresh.
			await page.getByTestId('rlc-search').fill('');
			await waitUntil(async () => (await this.rlcItems()).length === objectNames.length);
			await page.getByTestId('rlc-search').fill('deal');
			await waitUntil(async () => (await this.rlcItems({ unselected: true })).join() === 'Deals');
			await page.getByTestId('rlc-item').filter({ hasText: 'Deals' }).click();
			const answer = await reloaded;
			this.currentObject = 'deals';
			checks.ok('mapper: choosing Deals asks the node for the Deals fields', answer.data.fields.some((f) => f.id === 'stage'), JSON.stringify(answer).slice(0, 300));
			await ndv.getByTestId('mapping-fields-container').getByText('Stage', { exact: true }).waitFor();
			const fields = await this.mapperFieldNames('mapper-deals');
			checks.equal('mapper (Deals): shown + addable fields are the Deals writable fields', fields.map(stripHint).sort(), writableDisplayNames(sim, 'deals').sort());
			checks.ok('mapper (Deals): the required Stage field is shown without adding it', (await this.shownMapperFields()).includes('Stage'));
			checks.ok('mapper (Deals): no Contacts field is left over', !fields.includes('Email Status'), fields.join(', '));
		});

		const keyTests = (from, key) => sim.requests.slice(from).filter((r) => r.path === '/api/custom-objects' && r.headers['x-api-key'] === key);
		await this.step('credential-test-passes', async () => {
			const before = sim.requests.length;
			await ndv.getByTestId('credential-edit-button').click();
			const modal = page.getByTestId('credential-edit-dialog');
			await modal.waitFor();
			await modal.getByText('Connection tested successfully').waitFor();
			checks.ok('credential modal: the saved credential tests OK against the simulator', await modal.getByText('Connection tested successfully').isVisible());
			const tests = keyTests(before, sim.credentials.apiKey);
			checks.ok('credential test: the simulator answered the test request with 200', tests.length > 0 && tests.every((r) => r.status === 200), JSON.stringify(tests.map((r) => [r.path, r.status])));
		});

		await this.step('credential-test-fails-bad-key', async () => {
			const modal = page.getByTestId('credential-edit-dialog');
			const before = sim.requests.length;
			await modal.getByTestId('parameter-input-apiKey').locator('input').fill('not-the-right-key');
			await page.getByTestId('credential-save-button').click();
			await modal.getByText(/Couldn.t connect with these settings/).waitFor();
			const details = modal.getByText('More details');
			if (await details.isVisible()) await details.click();
			await modal.getByText(/Kizen refused these credentials \(401\)/).waitFor();
			checks.ok('credential modal: a bad API key fails with the node\'s message', await modal.getByText(/Kizen refused these credentials \(401\)\. Check that the API Key/).isVisible());
			const refused = keyTests(before, 'not-the-right-key');
			checks.ok('credential test: the simulator saw the bad key and answered 401', refused.length > 0 && refused.every((r) => r.status === 401), JSON.stringify(refused.map((r) => [r.path, r.status])));
		});

		await this.step('credential-test-passes-again', async () => {
			const modal = page.getByTestId('credential-edit-dialog');
			const before = sim.requests.length;
			await modal.getByTestId('parameter-input-apiKey').locator('input').fill(sim.credentials.apiKey);
			await page.getByTestId('credential-save-button').click();
			await modal.getByText('Connection tested successfully').waitFor();
			await waitUntil(() => keyTests(before, sim.credentials.apiKey).length >= 1);
			await modal.getByRole('button', { name: 'Retry' }).click();
			await waitUntil(() => keyTests(before, sim.credentials.apiKey).length >= 2);
			await modal.getByText('Connection tested successfully').waitFor();
			checks.ok('credential modal: the good key saved, and Retry tests OK again', await modal.getByText('Connection tested successfully').isVisible());
			const tests = keyTests(before, sim.credentials.apiKey);
			checks.ok('credential test: save and Retry each reached the simulator with the good key (200)', tests.length >= 2 && tests.every((r) => r.status === 200), JSON.stringify(tests.map((r) => [r.path, r.status])));
		});

		// The issue marker the examples were checked for does show when a node has one: the mapper step
		// left Deals' required Stage empty.
		await this.step('canvas-flags-empty-required-field', async () => {
			await page.keyboard.press('Escape'); // closes the credential modal and the node panel
			await page.getByTestId('credential-edit-dialog').waitFor({ state: 'hidden' });
			if (await ndv.isVisible()) await ndv.getByTestId('ndv-close-button').click();
			await ndv.waitFor({ state: 'hidden' });
			const issues = page.locator('[data-test-id="canvas-node"] [data-test-id="node-issues"]');
			await issues.first().waitFor();
			const flagged = await issues.evaluateAll((els) => els.map((e) => e.closest('[data-test-id="canvas-node"]').getAttribute('data-node-name')));
			checks.equal('canvas: only the Kizen node shows an issue marker once its required Stage is empty', flagged, ['Kizen']);
		});

		// Search: each filter's Condition list is loaded for its own Field (n8n's `&field` sibling path).
		await this.step('search-conditions-follow-the-field', async () => {
			page.on('dialog', (dialog) => dialog.accept().catch(() => {})); // "leave without saving?"
			const loaded = this.waitForResults('options', (body) => body.includes('getFilterConditions'));
			await page.goto(`${this.url}/workflow/kizen-example-search`);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Search opted-in VIPs"]').dblclick();
			await ndv.waitFor();
			const answer = await loaded;
			checks.ok('search: the editor asks the node for a filter\'s conditions', Array.isArray(answer.data) && answer.data.length > 0, JSON.stringify(answer).slice(0, 300));
			const conditions = ndv.getByTestId('parameter-input-condition');
			await waitUntil(async () => (await conditions.count()) === 2);
			const listFor = async (index) => {
				await conditions.nth(index).click();
				const items = page.locator('.el-select-dropdown__item:visible');
				await items.first().waitFor();
				const texts = (await items.allInnerTexts()).map((text) => text.trim());
				await this.shot(`search-conditions-${index}`);
				await this.clickOutside();
				// The list fades out: wait until it is gone, so the next list read is the next filter's.
				await waitUntil(async () => (await items.count()) === 0);
				return texts;
			};
			checks.equal('search: filter 1 (Email Status, a built-in dropdown) offers its conditions only', await listFor(0), ['Equals', 'Not Equals', 'Is Any Of', 'Is None Of']);
			checks.equal('search: filter 2 (Tags) offers the multi-choice conditions', await listFor(1), ['Has', 'Does Not Have', 'Has Any Of', 'Has None Of', 'Is Empty', 'Is Not Empty']);
			checks.equal('search: the example\'s chosen conditions show by their labels', [await this.shownValue(conditions.nth(0)), await this.shownValue(conditions.nth(1))], ['Equals', 'Has Any Of']);
		});

		// Kizen Trigger: its panel, and Fetch Test Event (the poll in manual mode) shows the newest change.
		await this.step('trigger-fetch-test-event', async () => {
			page.on('dialog', (dialog) => dialog.accept().catch(() => {}));
			await page.goto(`${this.url}/workflow/kizen-example-trigger`);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Kizen Trigger"]').dblclick();
			await ndv.waitFor();
			await ndv.getByTestId('resource-locator-object').waitFor();
			checks.equal('trigger panel: credential, event and object as the example sets them', {
				credential: await this.shownValue(ndv.getByTestId('node-credentials-select')),
				event: await this.shownValue(ndv.getByTestId('parameter-input-event')),
				object: await this.shownValue(ndv.getByTestId('resource-locator-object').getByTestId('rlc-input-container')),
			}, { credential: CREDENTIAL_NAME, event: 'Record Created or Updated', object: 'Contacts' });
			const grace = sim.records('client_client').live.find((r) => r.identifier === 'grace@example.com');
			sim.updateRecord('client_client', grace.id, { first_name: 'Grace' });
			await ndv.getByTestId('node-execute-button').click();
			const table = await this.outputTable();
			checks.equal('trigger: Fetch Test Event shows one item with id, event, object, fields', [table.headers, table.rows.length], [['id', 'event', 'object', 'fields'], 1]);
			checks.ok('trigger: it is the newest change, Grace, updated', table.rows[0]?.[0] === grace.id && table.rows[0]?.[1] === 'updated' && table.rows[0]?.[3]?.includes('grace@example.com'), JSON.stringify(table.rows[0]));
		});
	}

	/**
	 * Close an open list or menu: Escape would close the whole node panel, and an open menu blocks
	 * pointer events for locator clicks, so a plain mouse click on the input panel dismisses it.
	 */
	async clickOutside() {
		const box = await this.ndv.getByTestId('ndv-input-panel').boundingBox();
		await this.page.mouse.click(box.x + 30, box.y + 30);
	}

	/** What a select/input shows: its text, or the value of its (last) input box. */
	async shownValue(locator) {
		return locator.evaluate((el) => {
			const inputs = [...el.querySelectorAll('input')].map((i) => i.value).filter(Boolean);
			return inputs.at(-1) ?? el.innerText.trim();
		});
	}

	/** Resolve with the JSON of the next matching dynamic-node-parameters answer. */
	waitForResults(endpoint, bodyMatches) {
		const promise = this.page
			.waitForResponse((r) => r.url().includes(`/rest/dynamic-node-parameters/${endpoint}`) && bodyMatches(r.request().postData() ?? ''), { timeout: STEP_TIMEOUT_MS })
			.then((r) => r.json());
		promise.catch(() => {}); // awaited by the step; never an unhandled rejection if the step fails first
		return promise;
	}

	/** Texts of the open object list; `unselected`: leave out the pinned current choice. */
	async rlcItems({ unselected = false } = {}) {
		const items = await this.page.getByTestId('rlc-item').evaluateAll((els) =>
			els.map((e) => ({ text: e.innerText.trim(), selected: /(^|\s|_)selected(_|\s|$)/.test(e.className) })),
		);
		return items.filter((i) => !unselected || !i.selected).map((i) => i.text);
	}

	async outputTable() {
		const table = this.ndv.getByTestId('output-panel').locator('table').first();
		await table.waitFor();
		return table.evaluate((t) => ({
			headers: [...t.querySelectorAll('thead th')].map((th) => th.innerText.trim()).filter(Boolean),
			rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())),
		}));
	}

	async chooseMappingMode(label) {
		await this.ndv.getByTestId('mapping-mode-select').click();
		await this.page.locator('.el-select-dropdown__item:visible').filter({ hasText: label }).click();
		await this.ndv.getByTestId('mapping-fields-container').waitFor();
	}

	/** Fields the mapper shows now, as their labels (ids from the DOM, checked against its text). */
	async shownMapperFields() {
		const container = this.ndv.getByTestId('mapping-fields-container');
		const ids = await container.locator('[data-test-id$="-parameter-input-options-container"]').evaluateAll((els) =>
			els.map((e) => /^value\["(.+)"\]-parameter-input-options-container$/.exec(e.getAttribute('data-test-id'))?.[1]).filter(Boolean),
		);
		const text = await container.innerText();
		const byId = new Map(this.sim.fields(this.currentObject).map((f) => [f.name, f.display_name]));
		return ids.map((id) => byId.get(id) ?? id).filter((label) => text.includes(label));
	}

	/** Shown fields + those the "Add field to send" menu offers. */
	async mapperFieldNames(shotName) {
		const shown = await this.shownMapperFields();
		const add = this.ndv.getByText('Add field to send');
		let offered = [];
		if (await add.isVisible()) {
			await add.click();
			const menu = this.page.locator('[role="menu"][data-state="open"]');
			await menu.waitFor();
			offered = (await menu.locator('[role="menuitem"]').allInnerTexts()).map((s) => s.trim());
			await this.shot(`${shotName}-add-field-menu`);
			await this.clickOutside();
			await menu.waitFor({ state: 'hidden' });
		}
		return [...shown, ...offered];
	}
}

/** Writable fields as the mapper names them: hidden ones (writable too) are marked. */
function writableDisplayNames(sim, object) {
	return sim
		.fields(object)
		.filter((f) => !f.is_read_only)
		.map((f) => (f.is_hidden ? `${f.display_name} (hidden in Kizen)` : f.display_name));
}

/** "Email (optional)" → "Email" (the identifier field in Create or Update's mapper). */
function stripHint(label) {
	return label.replace(/\s*\(optional\)$/, '');
}

async function waitUntil(check, timeoutMs = STEP_TIMEOUT_MS) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`condition not met in ${timeoutMs} ms: ${check}`);
}
