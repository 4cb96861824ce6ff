/**
 * Tests mirror the tree, in three projects:
 * - unit: lib/ capabilities with in-memory stores; no servers (`npm run test:unit`).
 * - gateway: the local gateway's conformance suites; each file starts what it needs.
 * - stack: handlers against DynamoDB Local and the gateway's Admin API (integration),
 *   the whole flow through the gateway (e2e), the stack itself and the bench smoke
 *   test, sharing one test stack that global setup starts.
 * @type {import('jest').Config}
 */
// With isolatedModules (tsconfig.json) ts-jest only transpiles: type checking is `npm run typecheck`'s job.
const common = { testEnvironment: 'node', transform: { '^.+\\.ts$': 'ts-jest' } };

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], setupFiles: ['<rootDir>/test/unit/setup.ts'] },
    { ...common, displayName: 'gateway', testMatch: ['<rootDir>/test/gateway/**/*.test.ts'] },
    // `serverless package` and the CloudFormation template it writes.
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.test.ts'] },
    {
      ...common,
      displayName: 'stack',
      testMatch: ['<rootDir>/test/{integration,e2e,stack,bench}/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      // The end-to-end tests hold every answer from the gateway to openapi.yaml.
      setupFilesAfterEnv: ['<rootDir>/test/support/openapi-setup.ts'],
    },
  ],
};
