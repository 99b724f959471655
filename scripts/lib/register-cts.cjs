'use strict';
/**
 * Lets plain Node scripts (demo, benchmark) `require()` the TypeScript test harness (`.cts`), which
 * the n8n lint must not read and jest compiles on the fly. TypeScript's own transpiler does the
 * same job here, per file, with no type check (the tests type-check it).
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.cts'] = function compileCts(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2021,
			esModuleInterop: true,
		},
	});
	module._compile(outputText, filename);
};
