/**
 * XEP-0049 Private XML Storage (`jabber:iq:private`): each account keeps elements of its own
 * namespaces on the server, one per namespace, readable and writable by the account alone.
 * Other modules may keep a namespace elsewhere (the bookmarks module keeps storage:bookmarks
 * in PEP, as XEP-0402 describes) through the `privateStorage` service.
 */
import { z } from 'zod';
import { defineCoreModule } from '../../plugins/core-module';
import { logRefusals } from '../pep/pep-refusals';
import { PRIVATE_NS, privateIqHandler } from './private-iq';
import { PRIVATE_STORAGE_MIGRATIONS } from './private-migrations';
import { PrivateStorageService } from './private-storage-service';
import { PrivateStore } from './private-store';
import type { PrivateStorage } from './private-storage-api';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0049: private XML per account and namespace. */
    privateStorage: PrivateStorage;
  }
}

const configSchema = z
  .object({
    maxElementBytes: z.number({ invalid_type_error: 'must be a size in bytes' }).int('must be a whole number').min(1024, 'must be at least 1024').default(64 * 1024),
  })
  .strict();

export default defineCoreModule<z.infer<typeof configSchema>>({
  name: 'private-storage',
  description: 'XEP-0049 Private XML Storage',
  configSchema,
  migrations: PRIVATE_STORAGE_MIGRATIONS,
  provides: ['privateStorage'],
  start(ctx) {
    const service = new PrivateStorageService(new PrivateStore(ctx.db), ctx.config.value.maxElementBytes, ctx.logger);
    ctx.provide('privateStorage', service);
    ctx.iq.register('account', PRIVATE_NS, logRefusals(ctx.logger, privateIqHandler(service), 'private storage request refused'));
    ctx.disco.addFeature(PRIVATE_NS);
  },
});
