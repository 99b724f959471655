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
import { credentialFor, findRecord, labels } from './lib/simulator.mjs';

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
/**
 * Untouched copies of the contacts example for the later steps: n8n 2.8 keeps the editor's changes
 * to a workflow (the earlier steps change the example's object and mapping).
 */
const COPIES = { stop: 'kizen-e2e-contacts-stop', switch: 'kizen-e2e-contacts-switch' };
const STEP_TIMEOUT_MS = 20000;
/** The README's screenshots: written to e2e/artifacts/docs/, and to docs/ with E2E_UPDATE_DOCS=1. */
const DOCS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'docs');

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
		const contacts = JSON.parse(fs.readFileSync(exampleFiles().find((f) => f.endsWith('upsert-contacts.json')), 'utf8'));
		const copies = Object.entries(COPIES).map(([label, id]) => {
			const file = path.join(userFolder, `${id}.json`);
			fs.writeFileSync(file, JSON.stringify({ ...contacts, id, name: `${contacts.name} (e2e copy: ${label})` }));
			return file;
		});
		await cli.importWorkflows([...exampleFiles(), ...copies]);
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

		const docsDirs = [path.join(artifactsDir, 'docs'), ...(process.env.E2E_UPDATE_DOCS ? [DOCS_DIR] : [])];
		for (const dir of docsDirs) fs.mkdirSync(dir, { recursive: true });
		const ui = new EditorSteps({ page, url, sim, checks, shotsDir, timings, docsDirs });
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
	constructor({ page, url, sim, checks, shotsDir, timings, docsDirs }) {
		Object.assign(this, { page, url, sim, checks, shotsDir, timings, docsDirs });
		this.n = 0;
		this.ndv = page.getByTestId('ndv');
	}

	async shot(name) {
		this.n += 1;
		const file = path.join(this.shotsDir, `${String(this.n).padStart(2, '0')}-${name}.png`);
		await this.page.screenshot({ path: file }).catch(() => {});
		return file;
	}

	/** A README screenshot of the node panel (PNG, the panel only), e.g. docs/mapper.png. */
	async docShot(name, { wide = false } = {}) {
		// Toasts ("Node executed successfully") would cover the panel.
		for (const close of await this.page.locator('.el-notification__closeBtn:visible').all()) await close.click().catch(() => {});
		// A wider window gives the output table room for more of its columns.
		const size = this.page.viewportSize();
		if (wide) await this.page.setViewportSize({ width: 1920, height: size.height });
		await this.page.waitForTimeout(500); // let transitions settle
		for (const dir of this.docsDirs) await this.ndv.screenshot({ path: path.join(dir, `${name}.png`) });
		if (wide) await this.page.setViewportSize(size);
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
			const card = await page.locator('[data-test-id="canvas-node"][data-node-name="Kizen"]').innerText();
			checks.ok('canvas: the node\'s subtitle names the operation and the object', card.includes('Create or Update: Contacts'), JSON.stringify(card));
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
			await this.docShot('node-panel');
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
			// Simplified output is flat: a column per field, by API name, after id and action.
			const fieldColumns = ['email', 'first_name', 'last_name', 'mobile_phone', 'email_status', 'timezone', 'birthday', 'tags', 'business_phone', 'titles'];
			checks.equal('execute step: the table starts with id and action', table.headers.slice(0, 2), ['id', 'action']);
			checks.ok('execute step: the table has one column per field written, none called fields or object', fieldColumns.every((c) => table.headers.includes(c)) && !table.headers.includes('fields') && !table.headers.includes('object'), JSON.stringify(table.headers));
			checks.equal('execute step: actions per row', table.rows.map((r) => r[1]), ['created', 'updated', 'updated', 'unarchived']);
			const cell = (row, column) => table.rows[row]?.[table.headers.indexOf(column)];
			checks.equal('execute step: the new contact row shows each field in its column', [cell(0, 'email'), cell(0, 'first_name'), cell(0, 'last_name'), cell(0, 'mobile_phone'), cell(0, 'birthday')], ['new.customer@example.com', 'Nia', 'Newton', '+13125550142', '1990-04-12']);
			// Auto-map by display name wrote every column the sheet has a field for.
			const nia = findRecord(sim, 'client_client', 'new.customer@example.com');
			checks.equal('execute step: auto-map by display name wrote every column ("First Name", "Mobile Phone", "Birthday" in MM/dd/yyyy...)', nia && {
				archived: nia.archived, first_name: nia.values.first_name, last_name: nia.values.last_name, mobile_phone: nia.values.mobile_phone, email_status: labels(nia.values.email_status), timezone: nia.values.timezone, birthday: nia.values.birthday,
			}, { archived: false, first_name: 'Nia', last_name: 'Newton', mobile_phone: '+13125550142', email_status: 'Opted In', timezone: 'America/Chicago', birthday: '1990-04-12' });
			// The unmatched column is named once, in a notice above the output.
			const notice = output.getByText(/Not written: "Lead Score": no field of Contacts has this name/);
			await notice.first().waitFor();
			checks.ok('execute step: a notice above the output lists the unmatched column "Lead Score"', await notice.first().isVisible());
			await this.docShot('output-table', { wide: true });
		});

		await this.step('execute-step-error-branch', async () => {
			const output = ndv.getByTestId('output-panel');
			await output.getByText(/Error Branch/).click();
			await output.getByText(/Mobile Phone/).first().waitFor();
			const table = await this.outputTable();
			// n8n merges the failed input row into the error item: the sheet's columns, then message and error.
			checks.ok('error branch: the error item shows its input row (the sheet\'s columns) next to message and error', ['Email', 'First Name', 'Mobile Phone', 'message', 'error'].every((c) => table.headers.includes(c)), JSON.stringify(table.headers));
			const cell = (column) => table.rows[0]?.[table.headers.indexOf(column)] ?? '';
			checks.equal('error branch: the row is the invalid phone item', [cell('Email'), cell('Mobile Phone')], ['wrong.phone@example.com', '555-0199']);
			checks.ok('error branch: the message names the field, the value and the option that would read it', /^"Mobile Phone" \(mobile_phone\) cannot take "555-0199": expected a phone number: national for country code \+1/.test(cell('message')), cell('message'));
			checks.ok('error branch: the error column says what to do', /Nothing was sent to Kizen for this item/.test(cell('error')), cell('error'));
			await this.docShot('error-branch', { wide: true });
		});

		await this.step('mapper-contacts-fields', async () => {
			this.currentObject = 'client_client';
			await this.chooseMappingMode(/Map Each Column Manually/);
			const fields = await this.mapperFieldNames('mapper-contacts');
			const expected = writableDisplayNames(sim, 'client_client');
			checks.equal('mapper (Contacts, manual): the fields offered are the Contacts writable fields, each with its API name', fields.map(stripHint).sort(), expected.sort());
			checks.ok('mapper (Create or Update): the email is labelled for what it does (renames the matched record)', fields.includes('Email (email), renames the matched record'), fields.join(', '));
			// The README's mapper picture: a few fields added, their API names beside their labels.
			for (const label of ['First Name (first_name)', 'Mobile Phone (mobile_phone)', 'Tags (tags)']) await this.addMapperField(label);
			await this.docShot('mapper');
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
			await ndv.getByTestId('mapping-fields-container').getByText('Stage (stage)', { exact: true }).waitFor();
			const fields = await this.mapperFieldNames('mapper-deals');
			checks.equal('mapper (Deals): shown + addable fields are the Deals writable fields', fields.map(stripHint).sort(), writableDisplayNames(sim, 'deals').sort());
			checks.ok('mapper (Deals): the required Stage field is shown without adding it', (await this.shownMapperFields()).includes('Stage (stage)'));
			checks.ok('mapper (Deals): no Contacts field is left over', !fields.some((f) => f.startsWith('Email Status')), fields.join(', '));
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
			await page.locator('[data-test-id="canvas-node"][data-node-name="Search opted-in contacts"]').dblclick();
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
			checks.equal('search: filter 2 (Date Created, a built-in date-time) offers the date conditions, no blank check', await listFor(1), ['Equals', 'Not Equals', 'Is After', 'Is On or After', 'Is Before', 'Is On or Before', 'Between', 'Month Is']);
			checks.equal('search: the example\'s chosen conditions show by their labels', [await this.shownValue(conditions.nth(0)), await this.shownValue(conditions.nth(1))], ['Equals', 'Is On or After']);
			// Sort is its own collection, below the filters.
			const sort = ndv.getByTestId('parameter-input-sortBy');
			checks.ok('search: Sort is its own collection below the filters, showing the example\'s Last Modified', (await sort.count()) === 1 && /Last Modified/.test(await this.shownValue(sort)), (await sort.count()) ? await this.shownValue(sort) : 'no Sort By');
			// Field lists (filters, sort, fields to return: one method) name each type in plain words.
			await sort.click();
			const fieldItems = page.locator('.el-select-dropdown__item:visible');
			await fieldItems.first().waitFor();
			const fieldTexts = (await fieldItems.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
			checks.ok('search: the field lists show plain type names ("Tags", "Phone number")', fieldTexts.includes('Tags Tags') && fieldTexts.includes('Mobile Phone Phone number') && !fieldTexts.some((t) => /dynamictags|phonenumber/.test(t)), JSON.stringify(fieldTexts));
			await this.shot('search-field-types');
			await this.clickOutside();
			await waitUntil(async () => (await fieldItems.count()) === 0);
		});

		// Stop on error (n8n's default): the editor names the item from the error's itemIndex.
		await this.step('node-error-names-the-item', async () => {
			await page.goto(`${this.url}/workflow/${COPIES.stop}`);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Kizen"]').dblclick();
			await ndv.waitFor();
			await ndv.getByTestId('tab-settings').click();
			await ndv.getByTestId('parameter-input-onError').click();
			await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Stop Workflow' }).first().click();
			await ndv.getByTestId('tab-params').click();
			await ndv.getByTestId('node-execute-button').click();
			const output = ndv.getByTestId('output-panel');
			await output.getByText(/cannot take "555-0199"/).first().waitFor({ timeout: 60000 });
			const text = await output.innerText();
			const message = text.split('\n').find((line) => line.includes('cannot take "555-0199"')) ?? '';
			checks.ok('stop on error: the editor shows the message once, with n8n\'s own "[item 4]"', /^"Mobile Phone" \(mobile_phone\) cannot take "555-0199": .* \[item 4\]$/.test(message) && (message.match(/item 4/gi) ?? []).length === 1, message);
			checks.ok('stop on error: the description says nothing was written', /0 of 5 items were written to Kizen before it/.test(text), text.slice(0, 600));
		});

		await this.step('mapper-follows-the-operation', async () => {
			await page.goto(`${this.url}/workflow/${COPIES.switch}`);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Kizen"]').dblclick();
			await ndv.waitFor();
			// As a user who has run the sheet's nodes: n8n 2.8's editor computes what the mapper depends
			// on from all the node's parameters, and cannot while Lookup Value ({{ $json.Email }}) has no
			// input to read (README, Known limits).
			await ndv.getByRole('button', { name: 'Execute previous nodes' }).click();
			await ndv.getByTestId('ndv-input-panel').getByText(/5 items/).first().waitFor({ timeout: 60000 });
			this.currentObject = 'client_client';
			await this.chooseMappingMode(/Map Each Column Manually/);
			const required = async () => {
				const answer = await this.lastMapperAnswer;
				return answer.data.fields.filter((f) => f.required).map((f) => f.id);
			};
			this.lastMapperAnswer = this.waitForResults('resource-mapper-fields', (body) => body.includes('"operation":"create"'));
			await this.chooseOperation('Create');
			checks.equal('mapper: switching to Create reloads the fields; Create requires the email', await required(), ['email']);
			await ndv.getByTestId('mapping-fields-container').getByText('Email (email)', { exact: true }).waitFor();
			checks.ok('mapper (Create): the email shows without adding it, no longer labelled as a rename', (await this.shownMapperFields()).includes('Email (email)'));
			this.lastMapperAnswer = this.waitForResults('resource-mapper-fields', (body) => body.includes('"operation":"update"'));
			await this.chooseOperation('Update');
			checks.equal('mapper: switching to Update reloads the fields; Update requires none', await required(), []);
			await this.shot('mapper-update');
		});

		await this.step('record-locator-modes', async () => {
			const locator = ndv.getByTestId('resource-locator-recordId');
			await locator.waitFor();
			await locator.getByTestId('rlc-mode-selector').click();
			const modes = page.locator('.el-select-dropdown__item:visible');
			await modes.first().waitFor();
			checks.equal('Record locator: its modes', (await modes.allInnerTexts()).map((t) => t.trim()), ['From list', 'By ID', 'By URL']);
			await modes.filter({ hasText: 'From list' }).click();
			const listed = this.waitForResults('resource-locator-results', (body) => body.includes('searchRecords'));
			await locator.getByTestId('rlc-input').click();
			const answer = await listed;
			await page.getByTestId('rlc-item').first().waitFor();
			checks.equal('Record locator, From List: the object\'s records by name and email', (await this.rlcItems()).sort(), answer.data.results.map((r) => r.name).sort());
			// (The spreadsheet example wrote Ada's email as its sheet has it, ADA@example.com.)
			checks.ok('Record locator, From List: a contact shows as "Ada Lovelace (ada@example.com)"', (await this.rlcItems()).some((name) => name.toLowerCase() === 'ada lovelace (ada@example.com)'), JSON.stringify(await this.rlcItems()));
			await this.shot('record-locator-list');
			await page.getByTestId('rlc-item').filter({ hasText: 'Ada Lovelace' }).click();
			await locator.getByTestId('rlc-mode-selector').click();
			await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'By URL' }).click();
			const input = locator.getByTestId('rlc-input');
			const ada = findRecord(sim, 'client_client', 'ada@example.com').id;
			// The editor flags a value its regex refuses with an issue icon; its tooltip says why.
			const flagged = async () => (await locator.getByTestId('parameter-issues').count()) > 0;
			await input.fill('https://go.kizen.com/dashboard');
			await this.clickOutside();
			await waitUntil(flagged);
			await locator.getByTestId('parameter-issues').hover();
			const why = page.getByText(/A Kizen record URL, as the address bar shows it/);
			await why.first().waitFor();
			checks.ok('Record locator, By URL: a URL that is not a record\'s is flagged, saying what a record URL looks like', await why.first().isVisible());
			await input.fill(`https://go.kizen.com/client/${ada}/details`);
			await this.clickOutside();
			await waitUntil(async () => !(await flagged()));
			checks.ok('Record locator, By URL: a Kizen record URL is accepted', !(await flagged()));
			await this.shot('record-locator-url');
		});

		await this.step('custom-api-call', async () => {
			await ndv.getByTestId('parameter-input-operation').click();
			const operations = page.locator('.el-select-dropdown__item:visible');
			await operations.first().waitFor();
			const names = (await operations.allInnerTexts()).map((t) => t.split('\n')[0].trim());
			checks.equal('Custom API Call: n8n offers it last in the operation list', names.at(-1), 'Custom API Call');
			await this.clickOutside();
			await waitUntil(async () => (await operations.count()) === 0);
			await this.chooseOperation('Custom API Call');
			// n8n's own notice points to the HTTP Request node.
			await ndv.getByText(/to make a custom API call/).first().waitFor();
			await ndv.getByTestId('node-execute-button').click();
			const message = ndv.getByText('Custom API Call is not an operation of the Kizen node: use an HTTP Request node');
			await message.first().waitFor({ timeout: 60000 });
			checks.ok('Custom API Call: running it says to use an HTTP Request node with the Kizen credential, not a TypeError', await message.first().isVisible());
			const text = await ndv.getByTestId('output-panel').innerText();
			checks.ok('Custom API Call: no TypeError', !/TypeError|Cannot read properties/.test(text), text.slice(0, 300));
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
			// Flat, as the Kizen node's Simplified output: id, event, then a column per field.
			checks.equal('trigger: Fetch Test Event shows one item: id, event, then a column per field', [table.headers.slice(0, 2), ['email', 'first_name', 'last_name'].every((c) => table.headers.includes(c)), table.rows.length], [['id', 'event'], true, 1]);
			const cell = (column) => table.rows[0]?.[table.headers.indexOf(column)];
			checks.ok('trigger: it is the newest change, Grace, updated', cell('id') === grace.id && cell('event') === 'updated' && cell('email') === 'grace@example.com' && cell('first_name') === 'Grace', JSON.stringify(table.rows[0]));
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

	async chooseOperation(label) {
		await this.ndv.getByTestId('parameter-input-operation').click();
		const items = this.page.locator('.el-select-dropdown__item:visible');
		await items.first().waitFor();
		// An option shows its name over its description: pick the one whose name is exactly `label`.
		await items.filter({ has: this.page.getByText(label, { exact: true }) }).first().click();
		await waitUntil(async () => (await this.shownValue(this.ndv.getByTestId('parameter-input-operation'))) === label);
	}

	/** Adds a field to the mapper by its label ("Add field to send"). */
	async addMapperField(label) {
		await this.ndv.getByText('Add field to send').click();
		const menu = this.page.locator('[role="menu"][data-state="open"]');
		await menu.waitFor();
		await menu.locator('[role="menuitem"]').filter({ hasText: label }).first().click();
		await this.ndv.getByTestId('mapping-fields-container').getByText(label, { exact: true }).waitFor();
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
		const byId = new Map(this.sim.fields(this.currentObject).map((f) => [f.name, `${f.display_name} (${f.name})`]));
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

/** Writable fields as the mapper names them, "Display Name (api_name)": hidden ones (writable too) are marked. */
function writableDisplayNames(sim, object) {
	return sim
		.fields(object)
		.filter((f) => !f.is_read_only)
		.map((f) => `${f.display_name} (${f.name})${isListOfIds(f) ? ', comma-separated IDs' : ''}${f.is_hidden ? ' (hidden in Kizen)' : ''}`);
}

const isListOfIds = (f) => f.field_type === 'files' || (f.field_type === 'relationship' && /to_many$/.test(f.relation?.cardinality ?? ''));

/** "Email (email), renames the matched record" → "Email (email)" (the identifier in Create or Update's mapper). */
function stripHint(label) {
	return label.replace(/, renames the matched record$/, '');
}

async function waitUntil(check, timeoutMs = STEP_TIMEOUT_MS) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`condition not met in ${timeoutMs} ms: ${check}`);
}
