/**
 * Message of the day: when a user comes online (initial available presence), `motd.<domain>`
 * sends them a headline with the configured text. Clients can also ask for the text with an
 * IQ get of <motd xmlns='urn:example:motd'/> to the server.
 */
import { Element } from 'ltx';
import { z } from 'zod';
import { definePlugin, StanzaError } from '@asterisk-im/server-core';

export const MOTD_NS = 'urn:example:motd';

const configSchema = z
  .object({
    text: z.string({ required_error: 'is required (the message of the day)' }).min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
    subject: z.string().max(200, 'must be at most 200 characters').default('Message of the day'),
  })
  .strict();

export const plugin = definePlugin({
  name: 'motd',
  version: '0.1.0',
  description: 'Sends a message of the day to users when they come online',
  configSchema,

  start(ctx) {
    const motd = ctx.components.register('motd', { name: 'Message of the day', features: [MOTD_NS] });
    ctx.disco.addFeature(MOTD_NS);

    ctx.events.on('sessionAvailable', (session) => {
      const { text, subject } = ctx.config.value;
      const message = new Element('message', { to: session.fullJid, from: motd.domain, type: 'headline' });
      message.c('subject').t(subject);
      message.c('body').t(text);
      motd.send(message).catch((err: unknown) => ctx.logger.warn({ err, to: session.fullJid }, 'could not send the message of the day'));
    });

    ctx.iq.register('server', MOTD_NS, ({ iq }) => {
      if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'ask for the message of the day with an IQ get');
      return new Element('motd', { xmlns: MOTD_NS }).t(ctx.config.value.text);
    });

    ctx.admin.route('GET', '/text', () => ({ text: ctx.config.value.text, subject: ctx.config.value.subject }));
  },

  // Everything reads ctx.config.value when it is used, so a new text applies without a restart.
  reconfigure(ctx, next) {
    ctx.logger.info({ length: next.text.length }, 'message of the day changed');
  },
});

export default plugin;
