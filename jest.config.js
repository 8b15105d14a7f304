// ESM + TypeScript through SWC: the native TypeScript 7 compiler has no JS API for ts-jest.
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }
    ]
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30000
};

/**
 * Every suite once, with the emulator in its default (rich) response profile; the end-to-end suite once more
 * with the emulated Cloudflare answering only the fields its schema declares (`minimal`). The fault-injection
 * slice runs both profiles itself.
 * @type {import('jest').Config}
 */
export default {
  // The end-to-end suite runs the committed bundle; `npm test` builds nothing, CI checks dist/ is fresh.
  collectCoverageFrom: ['src/**/*.ts'],
  // A global option: Jest ignores it inside a project.
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'rich', testMatch: ['<rootDir>/__tests__/**/*.test.ts'] },
    {
      ...base,
      displayName: 'minimal',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      setupFiles: ['<rootDir>/__tests__/support/minimal-profile.ts']
    }
  ]
};
