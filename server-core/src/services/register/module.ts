import { Element } from 'ltx';
import { z } from 'zod';
import { NS, StanzaError, errorReply, iqResult, iqPayload } from '../../xml';
import { revocation } from '../../session';
import { defineCoreModule } from '../../plugins/core-module';
import type { IqRequest } from '../../routing';
import type { FeatureStream } from '../../stream';
import { readCredentials, registeredForm, registrationForm, storageRefusal } from './register-form';
import { RegistrationLimit } from './registration-limit';

const configSchema = z
  .object({
    allowRegistration: z
      .boolean({ invalid_type_error: 'expected true or false' })
      .default(false)
      .describe('Anyone may create an account over XMPP before logging in (over TLS); off, only administrators create accounts'),
    registrationsPerAddressPerHour: z.number().int().min(1).max(10_000).default(3).describe('New accounts one client address may register per hour'),
    minPasswordLength: z.number().int().min(1).max(1024).default(8).describe('Shortest password for a new account or a password change'),
  })
  .strict();

export type RegisterConfig = z.infer<typeof configSchema>;

/** The sessions of a changed or removed account end once the answer is on its way. */
const END_SESSIONS_AFTER_MS = 50;

function isRegisterIq(element: Element): boolean {
  return element.name === 'iq' && (element.attrs.type === 'get' || element.attrs.type === 'set') && iqPayload(element)?.attrs.xmlns === NS.REGISTER;
}

/**
 * XEP-0077 In-Band Registration: an authenticated user changes the password or removes the
 * account; before login, new accounts are registered only when `allowRegistration` is on, and
 * then at most `registrationsPerAddressPerHour` from one address.
 */
export default defineCoreModule<RegisterConfig>({
  name: 'register',
  description: 'XEP-0077 In-Band Registration (password change, account removal, optional sign-up)',
  configSchema,
  reconfigure() {
    // Every check reads ctx.config.value when it runs; nothing to rebuild.
  },
  start(ctx) {
    const { accounts } = ctx.core.stores;
    const limit = new RegistrationLimit(ctx.cluster.createCache('registrations', { ttlMs: 60 * 60 * 1000, maxEntries: 100_000 }), () => ctx.config.value.registrationsPerAddressPerHour);

    const endSessionsLater = (username: string, reason: 'password-changed' | 'account-deleted') => {
      ctx.timers.setTimeout(() => {
        ctx.core.sessionEnding.endUser(revocation(username, ctx.domain, reason)).catch((err: unknown) => ctx.logger.warn({ err, user: username }, 'register: could not end the sessions of a changed account'));
      }, END_SESSIONS_AFTER_MS);
    };

    // XEP-0077 3.2 and 3.3, for the account the stream logged in as.
    const ownAccount = async ({ iq, payload, from, to }: IqRequest): Promise<Element | void> => {
      if (to.local !== null && to.bare !== from.bare) throw new StanzaError('forbidden', 'an account is changed by its owner only');
      const username = from.local!;
      if (iq.attrs.type === 'get') return registeredForm(username);
      if (payload.getChild('remove')) {
        await accounts.delete(username);
        ctx.logger.info({ user: username }, 'account removed by its owner (XEP-0077)');
        endSessionsLater(username, 'account-deleted');
        return;
      }
      const credentials = readCredentials(payload, ctx.config.value.minPasswordLength);
      if (credentials.username.toLowerCase() !== username) throw new StanzaError('not-allowed', `logged in as ${username}: only that account's password can be changed here`);
      try {
        await accounts.setPassword(username, credentials.password);
      } catch (err) {
        throw storageRefusal(err);
      }
      ctx.logger.info({ user: username }, 'password changed by its owner (XEP-0077); its sessions log in again');
      endSessionsLater(username, 'password-changed');
    };
    ctx.iq.register('account', NS.REGISTER, ownAccount);
    ctx.iq.register('server', NS.REGISTER, ownAccount);

    const register = async (iq: Element, stream: FeatureStream): Promise<Element | undefined> => {
      if (!ctx.config.value.allowRegistration) throw new StanzaError('not-allowed', 'this server does not register accounts over XMPP; ask an administrator');
      if (iq.attrs.type === 'get') return registrationForm();
      if (!stream.secure && stream.canStartTls) throw new StanzaError('not-allowed', 'start TLS before sending a password');
      const credentials = readCredentials(iqPayload(iq)!, ctx.config.value.minPasswordLength);
      if (!(await limit.take(stream.remoteAddress))) {
        ctx.logger.warn({ address: stream.remoteAddress }, 'register: too many registrations from one address');
        throw new StanzaError('resource-constraint', 'too many accounts registered from this address; try again later', 'wait');
      }
      try {
        await accounts.create(credentials.username, credentials.password);
      } catch (err) {
        throw storageRefusal(err);
      }
      ctx.logger.info({ user: credentials.username.toLowerCase(), address: stream.remoteAddress }, 'account registered in-band (XEP-0077)');
      return undefined;
    };

    ctx.streamFeatures.add({
      name: 'register',
      offeredIn: 'pre-auth',
      // Passwords travel in the clear in this IQ: offered only once TLS is up, or where it cannot be.
      advertise: (stream) => (ctx.config.value.allowRegistration && (stream.secure || !stream.canStartTls) ? new Element('register', { xmlns: NS.REGISTER_FEATURE }) : undefined),
      handledIn: 'pre-auth',
      handles: isRegisterIq,
      async handle(iq, stream) {
        try {
          stream.send(iqResult(iq, await register(iq, stream)));
        } catch (err) {
          if (!(err instanceof StanzaError)) throw err;
          stream.send(errorReply(iq, err, ctx.domain));
        }
      },
    });
  },
});
