// Nest 12 ships ES modules only, so Jest runs in its native ESM mode
// (node --experimental-vm-modules, set in package.json) and swc compiles TypeScript to ESM.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@app/(events|testing)$': '<rootDir>/libs/$1/src/index.ts',
    '^@app/events/internal$': '<rootDir>/libs/events/src/internal.ts',
    // Not `x.json.js`: libphonenumber-js ships its metadata as JS modules of that name.
    '^(\\.{1,2}/.*)(?<!\\.json)\\.js$': '$1',
  },
  // Every suite's output also goes to test-output/logs/, for the secret scan after the run.
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/run-log.setup.ts'],
};
export default {
  rootDir: '.',
  // Integration suites start servers and processes; a deadline per wait lives in the tests themselves.
  testTimeout: 120000,
  // One worker, as in band (suites start servers on shared ports and must not overlap), but a worker
  // that is replaced once it holds more than this between suites: ESM vm modules of finished suites
  // stay reachable, and one in-band process of ~180 suites outgrew a 4 GB heap.
  workerIdleMemoryLimit: '2GB',
  // The run's logs start empty; after the run, a secret or phone number of the tests in any of them fails it.
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts', '<rootDir>/{apps,test}/**/*.e2e-spec.ts'],
    },
  ],
};
