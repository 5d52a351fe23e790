/** XEP-0198 Stream Management as a core module (acknowledgements, resumption). */
export { default as streamManagementModule } from './module';
export { smConfigSchema } from './config';
export type { SmConfig } from './config';
export { SM_NS } from './managed-session';
