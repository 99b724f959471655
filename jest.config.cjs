/** Tests are `.cts` so the n8n lint (which reads `**\/*.ts`) keeps to the shipped code. */
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.cts'],
	moduleFileExtensions: ['ts', 'cts', 'js', 'cjs', 'json'],
	transform: { '^.+\\.c?tsx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	testTimeout: 60000,
};
