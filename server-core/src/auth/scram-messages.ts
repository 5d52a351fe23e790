/**
 * Parsing of the SCRAM messages of RFC 5802 section 7. Each function returns undefined
 * for malformed input; the exchange turns that into 'malformed-request'.
 */
export interface ClientFirst {
  /** 'n': client does not support channel binding; 'y': supports it, thinks the server does not. */
  channelBinding: 'n' | 'y' | 'p';
  authzid: string | undefined;
  /** The gs2-header exactly as sent; the client echoes it base64-encoded in c=. */
  gs2Header: string;
  username: string;
  clientNonce: string;
  bare: string;
}

export interface ClientFinal {
  channelBindingData: string;
  nonce: string;
  proof: Buffer;
  withoutProof: string;
}

// printable = %x21-2B / %x2D-7E (every visible ASCII character except ',')
const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** saslname: ',' and '=' travel as =2C and =3D; any other '=' is an error. */
export function decodeSaslName(value: string): string | undefined {
  if (value === '' || /=(?!2C|3D)/.test(value)) return undefined;
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export function encodeSaslName(value: string): string {
  return value.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function attribute(part: string | undefined, name: string): string | undefined {
  return part !== undefined && part.startsWith(`${name}=`) ? part.slice(name.length + 1) : undefined;
}

export function parseClientFirst(message: string): ClientFirst | undefined {
  const parts = message.split(',');
  if (parts.length < 4) return undefined;
  const [flag, authzPart] = parts;
  let channelBinding: ClientFirst['channelBinding'];
  if (flag === 'n' || flag === 'y') channelBinding = flag;
  else if (flag.startsWith('p=')) channelBinding = 'p';
  else return undefined;
  let authzid: string | undefined;
  if (authzPart !== '') {
    const raw = attribute(authzPart, 'a');
    authzid = raw === undefined ? undefined : decodeSaslName(raw);
    if (authzid === undefined) return undefined;
  }
  // A mandatory extension (m=) is one this server cannot honour, so it is malformed here.
  const bareParts = parts.slice(2);
  const rawName = attribute(bareParts[0], 'n');
  const clientNonce = attribute(bareParts[1], 'r');
  if (rawName === undefined || clientNonce === undefined || !PRINTABLE.test(clientNonce)) return undefined;
  const username = decodeSaslName(rawName);
  if (username === undefined) return undefined;
  return { channelBinding, authzid, gs2Header: `${flag},${authzPart},`, username, clientNonce, bare: bareParts.join(',') };
}

export function parseClientFinal(message: string): ClientFinal | undefined {
  const parts = message.split(',');
  if (parts.length < 3) return undefined;
  const channelBindingData = attribute(parts[0], 'c');
  const nonce = attribute(parts[1], 'r');
  const proof = attribute(parts[parts.length - 1], 'p');
  if (channelBindingData === undefined || nonce === undefined || proof === undefined) return undefined;
  if (!BASE64.test(channelBindingData) || !BASE64.test(proof) || proof === '') return undefined;
  return {
    channelBindingData,
    nonce,
    proof: Buffer.from(proof, 'base64'),
    withoutProof: parts.slice(0, -1).join(','),
  };
}
