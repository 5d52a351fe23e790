import os from 'node:os';
import { Element } from 'ltx';
import { NS, StanzaError } from '../../xml';
import { defineCoreModule } from '../../plugins/core-module';
import { SERVER_NAME, readServerVersion } from '../../core/server-version';

/** XEP-0092 Software Version of the server. */
export default defineCoreModule({
  name: 'version',
  description: 'XEP-0092 Software Version',
  start(ctx) {
    const version = readServerVersion();
    const operatingSystem = `${os.type()} ${os.release()}`;
    ctx.iq.register('server', NS.VERSION, ({ iq }) => {
      if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'a version request is an IQ get');
      const query = new Element('query', { xmlns: NS.VERSION });
      query.c('name').t(SERVER_NAME);
      query.c('version').t(version);
      query.c('os').t(operatingSystem);
      return query;
    });
    ctx.disco.addFeature(NS.VERSION);
  },
});
