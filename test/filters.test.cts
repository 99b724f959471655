/**
 * Search filters, contract-wide: for every field of every simulator object (Contacts with Kizen's
 * recorded field list, a standard and a pipeline custom object, every field type), every condition
 * the editor offers for it (the Condition list, loaded like n8n does for a sibling `&field`) is
 * sent by the node through the engine, and each request must (1) match Kizen's recorded search
 * payloads (test/fixtures/recorded-search.cjs) and (2) be accepted by the simulator, which refuses
 * every other shape. Then every condition the list does NOT offer is refused before sending.
 */
import type { IDataObject } from 'n8n-workflow';

import { CONDITIONS } from '../nodes/Kizen/helpers/filters';

const {
	byName,
	callMethod,
	runKizen,
	searchRequests,
	useSimulator,
}: typeof import('./helpers/kizen.cjs') = require('./helpers/kizen.cts');

const sim = useSimulator();

const ADA = 'ec0d0000-0000-4000-8000-000000001001';
const ACME = 'ec0d0000-0000-4000-8000-000000002001';

/** A value the condition can take for the field, in the forms a user types. */
function sampleValue(object: string, fieldName: string, condition: string): unknown {
	const field = sim.field(object, fieldName);
	const options = field.options ?? [];
	const list = ['is_any_of', 'is_none_of', 'has_any_of', 'has_none_of'].includes(condition);
	switch (field.field_type) {
		case 'checkboxes':
			return list ? `${options[0].name}, ${options[1].name}` : options[0].name;
		case 'dynamictags': {
			const tags = sim.tags(object, fieldName);
			return list ? [tags[0].name.toLowerCase(), tags[1].id] : tags[0].name;
		}
		case 'rating':
			return list ? '2, 4' : 3;
		case 'timezone':
			return 'utc';
		case 'team_selector':
			return list ? [sim.employees[0].id, sim.employees[1].id] : sim.employees[0].id;
		case 'relationship':
			return field.relation!.related_object === sim.objects()[0].id ? ADA : ACME;
		case 'integer':
		case 'decimal':
		case 'money':
			return condition === 'between' ? '1, 100000' : '50';
		case 'files':
			return 1;
		case 'date':
			if (condition === 'month_equals') return 12;
			return condition === 'between' ? '1800-01-01, 2100-12-31' : '2024-01-15';
		case 'datetime':
			if (condition === 'month_equals') return 1;
			return condition === 'between' ? '2000-01-01, 2100-01-01' : '2024-01-15T12:00:00Z';
		default:
			if (options.length) return list ? `${options[0].name}, ${options[1].name}` : options[0].code;
			return 'a';
	}
}

async function offeredConditions(object: string, field: string): Promise<string[]> {
	const options = await callMethod<Array<{ value: string }>>(
		sim,
		'loadOptions',
		'getFilterConditions',
		{ operation: 'search', object: byName(object), filters: { conditions: [{ field }] } },
		[],
		'parameters.filters.conditions[0].condition',
	);
	return options.map((o) => o.value);
}

/** One Search per case (an input item with field, condition, value, given by expression), each item on its own. */
async function searchEach(object: string, cases: IDataObject[]) {
	sim.clearRequests();
	const byExpression = {
		conditions: [
			{
				field: '={{ $json.field }}',
				condition: '={{ $json.condition }}',
				value: '={{ $json.value }}',
			},
		],
	};
	return await runKizen(
		sim,
		{
			operation: 'search',
			object: byName(object),
			filters: byExpression,
			returnAll: true,
			options: {},
		},
		cases,
		{ onError: 'continueRegularOutput' },
	);
}

describe.each(['client_client', 'companies', 'deals'])('%s', (object) => {
	it('every condition offered for every field is sent in a recorded shape and accepted by Kizen', async () => {
		const fields = sim.fields(object).filter((f) => !f.is_hidden);
		const cases: IDataObject[] = [];
		for (const field of fields) {
			const offered = await offeredConditions(object, field.name);
			expect([field.name, offered.length > 0]).toEqual([field.name, true]);
			for (const condition of offered) {
				cases.push({
					field: field.name,
					condition,
					value: sampleValue(object, field.name, condition) as IDataObject[string],
				});
			}
		}
		const result = await searchEach(object, cases);
		const failed = result.items('Kizen').filter((item) => item.error);
		expect(failed).toEqual([]);
		const requests = searchRequests(sim); // each validated against the recorded payloads
		expect(requests).toHaveLength(cases.length);
		expect(requests.map((r, i) => [cases[i].field, cases[i].condition, r.status])).toEqual(
			cases.map((c) => [c.field, c.condition, 200]),
		);
	});

	it('every condition the list does not offer is refused before sending (e.g. given by an expression)', async () => {
		const cases: IDataObject[] = [];
		for (const field of sim.fields(object).filter((f) => !f.is_hidden)) {
			const offered = await offeredConditions(object, field.name);
			for (const condition of Object.keys(CONDITIONS).filter((key) => !offered.includes(key))) {
				cases.push({ field: field.name, condition, value: 'x' });
			}
		}
		const result = await searchEach(object, cases);
		const errors = result.items('Kizen').map((item) => String(item.message));
		expect(errors).toHaveLength(cases.length);
		// Each its own error item, paired with its input (n8n's shape: {message, error}).
		expect(result.pairedItems('Kizen')).toEqual(cases.map((_, item) => ({ item })));
		expect(result.items('Kizen').every((item) => /Nothing was sent/.test(String(item.error)))).toBe(
			true,
		);
		errors.forEach((error, i) =>
			expect([i, error]).toEqual([
				i,
				expect.stringMatching(new RegExp(`the condition "${cases[i].condition}" is not available`)),
			]),
		);
		expect(searchRequests(sim)).toHaveLength(0);
	});
});

it('the Condition list is empty until a field is chosen', async () => {
	const offered = await callMethod<unknown[]>(
		sim,
		'loadOptions',
		'getFilterConditions',
		{ operation: 'search', object: byName('deals'), filters: { conditions: [{ field: '' }] } },
		[],
		'parameters.filters.conditions[0].condition',
	);
	expect(offered).toEqual([]);
});

it('labels date conditions as before / after and offers the built-in created field no blank check', async () => {
	const options = await callMethod<Array<{ name: string; value: string }>>(
		sim,
		'loadOptions',
		'getFilterConditions',
		{
			operation: 'search',
			object: byName('deals'),
			filters: { conditions: [{ field: 'created' }] },
		},
		[],
		'parameters.filters.conditions[0].condition',
	);
	expect(options.map((o) => o.name)).toEqual([
		'Equals',
		'Not Equals',
		'Is After',
		'Is On or After',
		'Is Before',
		'Is On or Before',
		'Between',
		'Month Is',
	]);
});
