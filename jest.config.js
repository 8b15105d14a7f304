// ESM + TypeScript through SWC: the native TypeScript 7 compiler has no JS API for ts-jest.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }
    ]
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // The end-to-end suite runs the committed bundle; `npm test` builds nothing, CI checks dist/ is fresh.
  collectCoverageFrom: ['src/**/*.ts'],
  testTimeout: 30000
};
