/**
 * `npm run release -- <patch|minor|major|x.y.z> [--no-push]`: cut a release from a clean `main`.
 *
 * Checks (lint, format, build, tests, scan), then bumps package.json and the lock file, turns the
 * CHANGELOG's [Unreleased] section into the new version's, commits "Release x.y.z", tags vx.y.z and
 * pushes both. The tag starts .github/workflows/publish.yml, which publishes to npm with provenance.
 *
 * Why not `n8n-node release`: run locally it drives release-it with `npx auto-changelog -p`, which
 * rewrites CHANGELOG.md from commit messages (this package keeps a hand-written Keep a Changelog),
 * tags without the "v" and needs a GitHub token; the publishing itself happens in CI either way.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHANGELOG = path.join(ROOT, 'CHANGELOG.md');
const UNRELEASED = '## [Unreleased]';

const run = (command, args, options = {}) =>
	execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', ...options });
const git = (...args) => run('git', args).trim();

function fail(message) {
	console.error(`release: ${message}`);
	process.exit(1);
}

function nextVersion(current, bump) {
	const [major, minor, patch] = current.split('.').map(Number);
	if (bump === 'major') return `${major + 1}.0.0`;
	if (bump === 'minor') return `${major}.${minor + 1}.0`;
	if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
	if (!/^\d+\.\d+\.\d+$/.test(bump ?? '')) {
		fail('usage: npm run release -- <patch|minor|major|x.y.z> [--no-push]');
	}
	const newer = bump.split('.').map(Number);
	const older = [major, minor, patch];
	const firstDifference = newer.findIndex((part, i) => part !== older[i]);
	if (firstDifference === -1 || newer[firstDifference] < older[firstDifference]) {
		fail(`${bump} is not above the current version ${current}`);
	}
	return bump;
}

/** The [Unreleased] entries become the new version's section; a fresh, empty [Unreleased] stays on top. */
function releaseChangelog(text, version, date) {
	const start = text.indexOf(UNRELEASED);
	if (start === -1) fail(`CHANGELOG.md has no "${UNRELEASED}" heading`);
	const bodyStart = start + UNRELEASED.length;
	const next = text.indexOf('\n## ', bodyStart);
	const body = text.slice(bodyStart, next === -1 ? undefined : next).trim();
	if (!body) fail('CHANGELOG.md: the [Unreleased] section is empty; say what this release changes');
	return `${text.slice(0, bodyStart)}\n\n## [${version}] - ${date}${text.slice(bodyStart)}`;
}

const args = process.argv.slice(2);
const push = !args.includes('--no-push');
const bump = args.find((arg) => !arg.startsWith('--'));

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const version = nextVersion(pkg.version, bump);
const tag = `v${version}`;
if (git('rev-parse', '--abbrev-ref', 'HEAD') !== 'main') fail('release from the main branch');
if (git('status', '--porcelain')) fail('the working tree has uncommitted changes');
if (git('tag', '--list', tag)) fail(`tag ${tag} exists already`);
const changelog = releaseChangelog(
	fs.readFileSync(CHANGELOG, 'utf8'),
	version,
	new Date().toISOString().slice(0, 10),
);

console.log(`Releasing ${pkg.name} ${pkg.version} → ${version}: checks first`);
for (const script of ['lint', 'format:check', 'build', 'test', 'scan']) {
	console.log(`\n== npm run ${script}`);
	run('npm', ['run', script], { stdio: 'inherit' });
}

run('npm', ['version', version, '--no-git-tag-version', '--ignore-scripts'], { stdio: 'ignore' });
fs.writeFileSync(CHANGELOG, changelog);
git('commit', '--all', '--message', `Release ${version}`);
git('tag', '--annotate', tag, '--message', `${pkg.name} ${version}`);
console.log(`\nCommitted "Release ${version}" and tagged ${tag}.`);
if (push) {
	run('git', ['push', '--atomic', 'origin', 'main', tag], { stdio: 'inherit' });
	console.log(`Pushed: .github/workflows/publish.yml publishes ${version} to npm with provenance.`);
} else {
	console.log(`Not pushed. To publish: git push --atomic origin main ${tag}`);
}
