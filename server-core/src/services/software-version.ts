import os from 'node:os';
import { Element } from 'ltx';
import { NS, StanzaError } from '../xml';
import type { IqRequest } from '../routing';
import type { CoreContext } from '../core/core-context';
import { SERVER_NAME, readServerVersion } from '../core/server-version';

/** XEP-0092 Software Version of the server. */
export function registerSoftwareVersion(ctx: CoreContext): () => void {
  const version = readServerVersion();
  const operatingSystem = `${os.type()} ${os.release()}`;
  return ctx.iqHandlers.register('server', NS.VERSION, ({ iq }: IqRequest): Element => {
    if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'a version request is an IQ get');
    const query = new Element('query', { xmlns: NS.VERSION });
    query.c('name').t(SERVER_NAME);
    query.c('version').t(version);
    query.c('os').t(operatingSystem);
    return query;
  });
}
