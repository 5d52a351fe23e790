/** Server-to-server federation as a core module (see module.ts). */
export { default as s2sModule } from './module';
export { s2sConfigSchema } from './config';
export type { S2sConfig } from './config';
export { DialbackKeys } from './dialback-key';
export type { LinkView, AuthMethod } from './link-view';
