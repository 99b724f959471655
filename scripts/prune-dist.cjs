/**
 * The last step of `npm run build`, after `n8n-node build`.
 *
 * `n8n-node build` (@n8n/node-cli 0.48) compiles with tsc (tsconfig.json) and then copies every
 * `**\/*.{png,svg}` of the repository into dist/, skipping only the root `dist` and `node_modules`.
 * Here that also sweeps in e2e/node_modules (n8n's own install, thousands of icons), e2e/artifacts
 * and docs/ screenshots, which `files: ["dist"]` would then publish. dist/ keeps only what the
 * package ships: the compiled nodes and credentials (with the codex JSON tsc emits) and icons/.
 */
const fs = require('node:fs');
const path = require('node:path');

const DIST = path.resolve(__dirname, '..', 'dist');
const SHIPPED = new Set(['nodes', 'credentials', 'icons']);

if (!fs.existsSync(path.join(DIST, 'nodes'))) {
	console.error('prune-dist: dist/nodes is missing; run it after `n8n-node build` (npm run build)');
	process.exit(1);
}

const removed = [];
for (const entry of fs.readdirSync(DIST)) {
	if (SHIPPED.has(entry)) continue;
	fs.rmSync(path.join(DIST, entry), { recursive: true, force: true });
	removed.push(`dist/${entry}`);
}
if (removed.length) {
	console.log(`prune-dist: removed ${removed.join(', ')} (copied by n8n-node build, not shipped)`);
}
