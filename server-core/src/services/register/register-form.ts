import { Element } from 'ltx';
import { NS, StanzaError } from '../../xml';
import { StorageError } from '../../storage';

/** A username and password as an XEP-0077 `<query/>` carries them; errors name what is missing. */
export function readCredentials(query: Element, minPasswordLength: number): { username: string; password: string } {
  const username = query.getChildText('username')?.trim() ?? '';
  const password = query.getChildText('password') ?? '';
  if (username === '' || password === '') throw new StanzaError('not-acceptable', 'both <username/> and <password/> are required');
  if ([...password].length < minPasswordLength) throw new StanzaError('not-acceptable', `the password must have at least ${minPasswordLength} characters`);
  return { username, password };
}

/** What the account store refuses, as the client is told it. */
export function storageRefusal(err: unknown): StanzaError {
  if (err instanceof StorageError && err.kind === 'conflict') return new StanzaError('conflict', 'this username is taken');
  if (err instanceof StorageError && (err.kind === 'invalid' || err.kind === 'not-found')) return new StanzaError('not-acceptable', err.message);
  throw err;
}

/** XEP-0077 3.1: the fields a new account needs. */
export function registrationForm(): Element {
  const query = new Element('query', { xmlns: NS.REGISTER });
  query.c('instructions').t('Choose a username and a password.');
  query.c('username');
  query.c('password');
  return query;
}

/** XEP-0077 3.2: what an authenticated user is told about the own account. */
export function registeredForm(username: string): Element {
  const query = new Element('query', { xmlns: NS.REGISTER });
  query.c('registered');
  query.c('username').t(username);
  query.c('password');
  return query;
}
