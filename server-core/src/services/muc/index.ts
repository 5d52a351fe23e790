export { default as mucModule } from './module';
export type { MucConfig } from './module';
