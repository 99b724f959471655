/** A tiny assertion log: every check prints one line; the run ends with "N passed, N failed". */
import { isDeepStrictEqual } from 'node:util';

export class Checks {
	constructor() {
		this.passed = 0;
		this.failed = 0;
		this.failures = [];
	}

	ok(name, condition, detail = '') {
		if (condition) {
			this.passed += 1;
			console.log(`  ✓ ${name}`);
		} else {
			this.failed += 1;
			this.failures.push(name);
			console.log(`  ✗ ${name}${detail ? `\n      ${String(detail).split('\n').join('\n      ')}` : ''}`);
		}
		return Boolean(condition);
	}

	equal(name, actual, expected) {
		return this.ok(name, isDeepStrictEqual(actual, expected), `expected ${JSON.stringify(expected)}\n got      ${JSON.stringify(actual)}`);
	}

	/** A step that threw: counted as one failure, so the run goes on to the next part. */
	error(name, e) {
		this.failed += 1;
		this.failures.push(name);
		console.log(`  ✗ ${name} threw: ${e && e.stack ? e.stack : e}`);
	}

	summary() {
		return `${this.passed} passed, ${this.failed} failed`;
	}
}
