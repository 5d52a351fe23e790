/**
 * Keys whose values are secrets wherever they appear (core config, plugin and module configs):
 * shown as `***` and never quoted in an error message.
 */
const SECRET_KEY = /secret|passw(or)?d|passphrase|^pass$|token|key$/i;

/** Whether a config key names a secret; `...File` keys name where a secret is kept, not the secret. */
export function isSecretKey(key: string | number | undefined): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key) && !key.endsWith('File');
}
