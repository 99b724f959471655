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

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to `-`. */
function anchorOf(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

describe('documentation links', () => {
	const ROOT = join(__dirname, '..');
	const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
	const anchors = new Set(
		[...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1])),
	);
	const codexLinks = ['Kizen/Kizen.node.json', 'KizenTrigger/KizenTrigger.node.json'].flatMap(
		(file) => {
			const codex = JSON.parse(readFileSync(join(ROOT, 'nodes', file), 'utf8'));
			return Object.values(codex.resources as Record<string, Array<{ url: string }>>)
				.flat()
				.map(({ url }) => ({ file, url }));
		},
	);

	test.each(codexLinks)('$file: $url opens a README section', ({ url }) => {
		const [page, anchor] = url.split('#');
		expect(page).toBe(`https://github.com/kizen-community/n8n-nodes-kizen`);
		expect([...anchors]).toContain(anchor);
	});

	test('the README has the sections of n8n’s community-node template, in its order', () => {
		const template = [
			'installation',
			'operations',
			'credentials',
			'compatibility',
			'usage',
			'resources',
			'version-history',
		];
		const level2 = [...readme.matchAll(/^## (.+)$/gm)].map((match) => anchorOf(match[1]));
		expect(level2.filter((anchor) => template.includes(anchor))).toEqual(template);
	});

	test('every link to a section of the README lands on a heading', () => {
		const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
		expect(links.length).toBeGreaterThan(10);
		expect(links.filter((anchor) => !anchors.has(anchor))).toEqual([]);
	});
});
