/** Jest runs TypeScript through ts-jest in transpile-only mode; `npm run typecheck` checks types. */
const fs = require('node:fs');
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  // A checkout without plugins/ (the core on its own) runs the rest.
  roots: ['server-core', 'plugins', 'fixtures', 'test'].filter((folder) => fs.existsSync(path.join(__dirname, folder))).map((folder) => `<rootDir>/${folder}`),
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/bench/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }],
  },
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  globalSetup: '<rootDir>/test/support/jest-global-setup.js',
};
