/**
 * Saved workflows keep working across node versions: n8n opens and runs a node only while its
 * stored typeVersion is one the description lists, and new nodes get defaultVersion. The examples
 * stand for the workflows users have saved. (Every engine test runs the nodes at typeVersion 1.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, INodeTypeDescription } from 'n8n-workflow';

import { Kizen } from '../nodes/Kizen/Kizen.node';
import { KizenTrigger } from '../nodes/KizenTrigger/KizenTrigger.node';

const EXAMPLES = join(__dirname, '..', 'examples');
const savedNodes = readdirSync(EXAMPLES)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) =>
		(JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')).nodes as INode[]).map((node) => ({
			file,
			node: node.name,
			type: node.type,
			typeVersion: node.typeVersion,
		})),
	);

describe.each([
	['n8n-nodes-kizen.kizen', new Kizen().description],
	['n8n-nodes-kizen.kizenTrigger', new KizenTrigger().description],
] as Array<[string, INodeTypeDescription]>)('node versions of %s', (type, description) => {
	const versions = ([] as number[]).concat(description.version);
	const saved = savedNodes.filter((node) => node.type === type);

	test('new nodes get the newest listed version', () => {
		expect(description.defaultVersion).toBe(Math.max(...versions));
	});

	test('every typeVersion a saved workflow holds is still listed', () => {
		expect(saved.length).toBeGreaterThan(0);
		expect(saved.filter(({ typeVersion }) => !versions.includes(typeVersion))).toEqual([]);
	});
});
