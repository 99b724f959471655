/**
 * What `npm publish` would upload: `npm pack --dry-run --json` on the built package. Only the
 * compiled nodes and credentials (.js, .d.ts, .js.map of a source under nodes/ or credentials/),
 * the codex JSON, the icons, README.md, LICENSE and package.json; never tests, the simulator,
 * scripts, e2e, examples or sources. Needs `npm run build` first (.ci/run builds before `npm test`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const ENTRY_POINTS: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];

/** The tarball's paths the package must not ship (empty = fine), each with the reason. */
function unexpectedFiles(paths: string[], sourceExists: (path: string) => boolean): string[] {
	return paths.flatMap((path) => {
		if (['package.json', 'README.md', 'LICENSE'].includes(path)) return [];
		if (/^dist\/icons\/[\w.-]+\.svg$/.test(path)) {
			return sourceExists(path.slice('dist/'.length)) ? [] : [`${path}: no such icon in icons/`];
		}
		if (/^dist\/nodes\/.+\.node\.json$/.test(path)) {
			return sourceExists(path.slice('dist/'.length)) ? [] : [`${path}: no such codex file`];
		}
		const compiled = /^dist\/((?:nodes|credentials)\/.+)\.(?:js|d\.ts|js\.map)$/.exec(path);
		if (compiled) {
			return sourceExists(`${compiled[1]}.ts`)
				? []
				: [`${path}: not compiled from ${compiled[1]}.ts`];
		}
		return [`${path}: not part of the published package`];
	});
}

function packedPaths(): string[] {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [tarball] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
	return tarball.files.map((file) => file.path).sort();
}

/** `file:` icon paths of a loaded node or credential, resolved inside the package. */
function iconFiles(entryPoint: string): string[] {
	const module = require(join(ROOT, entryPoint)) as Record<string, new () => object>;
	const instance = new (Object.values(module)[0])() as {
		icon?: unknown;
		description?: { icon?: unknown };
	};
	const icon = instance.description?.icon ?? instance.icon;
	const refs = typeof icon === 'string' ? [icon] : Object.values(icon as Record<string, string>);
	return refs
		.filter((ref) => ref.startsWith('file:'))
		.map((ref) => posix.normalize(posix.join(dirname(entryPoint), ref.slice('file:'.length))));
}

describe('npm pack', () => {
	const sourceExists = (path: string) => existsSync(join(ROOT, path));

	test('the list check refuses tests, the simulator, sources and stray files', () => {
		expect(
			unexpectedFiles(
				[
					'package.json',
					'dist/nodes/Kizen/Kizen.node.js',
					'dist/test/upsert.test.js',
					'simulator/kizen-simulator.cjs',
					'nodes/Kizen/Kizen.node.ts',
					'dist/nodes/Kizen/NotASource.js',
					'dist/e2e/node_modules/some-package/logo.svg',
				],
				sourceExists,
			),
		).toEqual([
			'dist/test/upsert.test.js: not part of the published package',
			'simulator/kizen-simulator.cjs: not part of the published package',
			'nodes/Kizen/Kizen.node.ts: not part of the published package',
			'dist/nodes/Kizen/NotASource.js: not compiled from nodes/Kizen/NotASource.ts',
			'dist/e2e/node_modules/some-package/logo.svg: not part of the published package',
		]);
	});

	describe('of the built package', () => {
		let paths: string[] = [];
		beforeAll(() => {
			if (!existsSync(join(ROOT, ENTRY_POINTS[0]))) {
				throw new Error(
					`${ENTRY_POINTS[0]} is missing: run \`npm run build\` before this test (it checks what npm pack publishes)`,
				);
			}
			paths = packedPaths();
		});

		test('holds only the compiled node and credential, codex, icons, README, LICENSE, package.json', () => {
			expect(unexpectedFiles(paths, sourceExists)).toEqual([]);
			expect(paths).toEqual(
				expect.arrayContaining([
					'LICENSE',
					'README.md',
					'package.json',
					'dist/nodes/Kizen/Kizen.node.json',
					...ENTRY_POINTS,
				]),
			);
		});

		test('holds every compiled file of nodes/ and credentials/ (dist is complete)', () => {
			const compiled = paths.filter((path) => path.endsWith('.js'));
			const sources = ['nodes', 'credentials'].flatMap((dir) =>
				(readdirSync(join(ROOT, dir), { recursive: true }) as string[])
					.filter((file) => file.endsWith('.ts'))
					.map((file) => posix.join(dir, file.split(sep).join('/'))),
			);
			expect(compiled.sort()).toEqual(
				sources.map((path) => `dist/${path.replace(/\.ts$/, '.js')}`).sort(),
			);
		});

		test("holds the icon files the node's and credential's descriptions point at", () => {
			const icons = ENTRY_POINTS.flatMap(iconFiles);
			expect(icons.length).toBeGreaterThanOrEqual(4);
			expect(paths).toEqual(expect.arrayContaining(icons));
		});
	});
});
