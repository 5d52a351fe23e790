/** XEP-0163 Personal Eventing Protocol as a core module (see module.ts). */
export { default as pepModule } from './module';
export type { PepItem, PepService, PepNodeConfig } from '../../core/pep-api';
export { PEP_FEATURES, PEP_IDENTITY } from './pep-namespaces';
