/** The services and programs `npm test` checks for (and starts privately when it can). */
export { prepareTestServices } from './test-services';
export type { TestServices } from './test-services';
export { PrivatePostgres, findPostgresBin } from './private-postgres';
