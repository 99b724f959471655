/**
 * `npm run scan` (after `npm run build`): the analysis of n8n's community-package scanner,
 * `@n8n/scan-community-package` (`npx @n8n/scan-community-package n8n-nodes-kizen`, run by n8n's
 * verification), on this checkout and on the tarball `npm pack` makes of it. Exits 1 if it fails.
 *
 * For a published version the scanner first checks npm provenance, then lints the source commit the
 * provenance names (`SOURCE_FILE_PATTERNS`: package.json, nodes/ and credentials/) and the tarball
 * from the registry (its .js files and package.json), with n8n's community-node ESLint rules and
 * no-console. A local package has no provenance and is not on the registry, so this runs the same
 * two lint legs with the scanner's own `analyzePackage`: the source leg on this checkout, the
 * tarball leg on the unpacked `npm pack` output. Provenance comes from publishing in CI
 * (.github/workflows/publish.yml).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import glob from 'fast-glob';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json']; // as analyzePackageByName's tarball leg
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const scannerVersion = JSON.parse(
	fs.readFileSync(
		path.join(ROOT, 'node_modules', '@n8n', 'scan-community-package', 'package.json'),
		'utf8',
	),
).version;

function packAndUnpack(dir) {
	const entry = path.join(ROOT, pkg.n8n.nodes[0]);
	if (!fs.existsSync(entry)) {
		throw new Error(`${path.relative(ROOT, entry)} is missing: run \`npm run build\` first`);
	}
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
			cwd: ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		}),
	);
	const unpacked = path.join(dir, 'package');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(dir, filename), '-C', unpacked, '--strip-components=1']);
	return { filename, unpacked };
}

async function leg(analyzePackage, name, dir, patterns) {
	const files = glob.sync(patterns, {
		cwd: dir,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const result = await analyzePackage(dir, patterns);
	console.log(
		`${result.passed ? '✅' : '❌'} ${name}: ${files.length} files (${patterns.join(', ')})` +
			(result.passed ? ', no violations' : `: ${result.message}`),
	);
	if (result.details) console.log(result.details);
	return result.passed;
}

async function main() {
	console.log(
		`@n8n/scan-community-package ${scannerVersion} analysis of ${pkg.name}@${pkg.version} (local)`,
	);
	console.log(
		'⏭  Provenance check: skipped (a local package has none; publish.yml publishes with it)',
	);
	// One temp dir for the tarball and the scanner's own (it makes one when loaded), removed at the end.
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizen-scan-'));
	process.env.TMPDIR = dir;
	try {
		const { SOURCE_FILE_PATTERNS, analyzePackage } = await import(
			'@n8n/scan-community-package/scanner/scanner.mjs'
		);
		const { filename, unpacked } = packAndUnpack(dir);
		const sourcePassed = await leg(
			analyzePackage,
			'Source (this checkout)',
			ROOT,
			SOURCE_FILE_PATTERNS,
		);
		const tarballPassed = await leg(
			analyzePackage,
			`Tarball (${filename})`,
			unpacked,
			TARBALL_FILE_PATTERNS,
		);
		if (!sourcePassed || !tarballPassed) {
			console.log(`❌ ${pkg.name}@${pkg.version} fails the scanner's analysis`);
			process.exitCode = 1;
		} else {
			console.log(`✅ ${pkg.name}@${pkg.version} passes the scanner's analysis`);
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`scan: ${error.message}`);
	process.exit(1);
});
