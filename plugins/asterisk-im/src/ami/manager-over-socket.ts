// The real `net` module object, not an esModuleInterop copy: asterisk-manager calls
// `require('net').createConnection`, so that is the property we briefly replace.
import net = require('node:net');
import tls = require('node:tls');
import Manager = require('asterisk-manager');
import { AmiLinkError } from './ami-link-error';
import type { AmiLinkSettings } from './ami-link-options';
import type { AmiResponse } from './ami-message';

export type ManagerInstance = Manager.ManagerInstance;

/** Opens the TCP or TLS socket to Asterisk; the session owns and destroys it. */
export function openAmiSocket(settings: AmiLinkSettings): net.Socket {
  if (!settings.tls) return net.createConnection({ host: settings.host, port: settings.port });
  return tls.connect({
    host: settings.host,
    port: settings.port,
    servername: net.isIP(settings.host) ? undefined : settings.host,
    rejectUnauthorized: settings.tlsRejectUnauthorized,
  });
}

/**
 * Hands an asterisk-manager 0.2.0 instance a socket we opened ourselves.
 *
 * Why: the package creates its socket privately with `net.createConnection`
 * and offers no way to pass one in, which leaves it without TLS and leaves
 * us unable to destroy a connection to a hung server (its `disconnect()` only
 * half-closes, and not at all while still connecting). Its reader, writer and
 * login work, so we keep them and swap `net.createConnection` for the one
 * synchronous call in which the package calls it; the original is restored
 * before any other code can run. A check proves the package took our socket.
 *
 * Its reader is another matter: it re-splits everything buffered on every
 * chunk and defers each message over several ticks, which does not keep up
 * with a busy PBX. So its one 'data' listener is taken off the socket and
 * the caller reads the socket itself (AmiFrameReader), handing responses
 * back through answerManager().
 */
export function attachManager(socket: net.Socket, settings: AmiLinkSettings): ManagerInstance {
  // No port: the constructor must not connect by itself.
  const manager = Manager(undefined, settings.host, settings.username, settings.secret, false);
  const original = net.createConnection;
  const listenersBefore = socket.listeners('data');
  let handedOver = false;
  net.createConnection = ((): net.Socket => {
    handedOver = true;
    return socket;
  }) as typeof net.createConnection;
  try {
    manager.connect(settings.port, settings.host);
  } finally {
    net.createConnection = original;
  }
  if (!handedOver) throw new AmiLinkError('protocol', 'asterisk-manager did not use the socket handed to it');
  removePackageReader(socket, listenersBefore);
  return manager;
}

/** Fails loudly rather than leave two readers on one socket if a package update reads differently. */
function removePackageReader(socket: net.Socket, listenersBefore: Function[]): void {
  const added = socket.listeners('data').filter((listener) => !listenersBefore.includes(listener));
  if (added.length !== 1 || added[0].name !== 'bound ManagerReader') {
    throw new AmiLinkError('protocol', `asterisk-manager no longer reads its socket through one ManagerReader listener (found ${added.length} new 'data' listeners)`);
  }
  socket.removeListener('data', added[0] as (chunk: string) => void);
  if (socket.readableEncoding !== 'utf8') throw new AmiLinkError('protocol', 'asterisk-manager no longer sets the socket encoding to utf-8');
}

/**
 * Gives the package a response we read, in its own shape: its action() waits
 * for it with a once(actionId) listener (which would otherwise pile up), and
 * its login() callback is one of those. It routes on `response` and
 * `actionid` only, so the first value of each field is all it needs.
 */
export function answerManager(manager: ManagerInstance, response: AmiResponse): void {
  manager.emit('rawevent', { ...response.fields });
}
