/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // With isolatedModules (tsconfig.json) ts-jest only transpiles: type checking is `npm run typecheck`'s job.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
};
