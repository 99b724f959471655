/**
 * Saved workflows keep working across node versions: n8n opens and runs a Kizen node only while its
 * stored typeVersion is one the description lists, and new nodes get defaultVersion. The examples
 * stand for the workflows users have saved. (Every engine test runs the node at typeVersion 1.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode } from 'n8n-workflow';

import { Kizen } from '../nodes/Kizen/Kizen.node';

const KIZEN_TYPE = 'n8n-nodes-kizen.kizen';
const { description } = new Kizen();
const versions = ([] as number[]).concat(description.version);
const EXAMPLES = join(__dirname, '..', 'examples');
const savedKizenNodes = readdirSync(EXAMPLES)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) =>
		(JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')).nodes as INode[])
			.filter((node) => node.type === KIZEN_TYPE)
			.map((node) => ({ file, node: node.name, typeVersion: node.typeVersion })),
	);

describe('node versions', () => {
	test('new nodes get the newest listed version', () => {
		expect(description.defaultVersion).toBe(Math.max(...versions));
	});

	test('every typeVersion a saved workflow holds is still listed', () => {
		expect(savedKizenNodes.length).toBeGreaterThan(0);
		expect(savedKizenNodes.filter(({ typeVersion }) => !versions.includes(typeVersion))).toEqual(
			[],
		);
	});
});
