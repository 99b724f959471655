// The icon step of the build: tsc compiles the TypeScript, this copies the SVG icons (and the
// node's codex JSON, which tsc does not emit) next to it in dist/.
const path = require('path');
const { task, src, dest, parallel } = require('gulp');

function copyIcons() {
	return src(path.resolve('icons', '*.svg')).pipe(dest(path.resolve('dist', 'icons')));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

task('build:icons', parallel(copyIcons, copyCodex));
