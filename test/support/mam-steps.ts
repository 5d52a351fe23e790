/** Steps the MAM tests share: asking an archive as a client does, and reading the answer. */
import type { Element } from 'ltx';
import { xml, type TestClient } from './xmpp-client';

export const MAM = 'urn:xmpp:mam:2';
const RSM = 'http://jabber.org/protocol/rsm';

export interface MamPage {
  messages: Array<{ id: string; body: string; from: string; to: string; stamp: string }>;
  complete: boolean;
  first?: string;
  last?: string;
}

let queries = 0;

/** A query with form fields and RSM: results arrive before the IQ result, so they are all in `received` once it is. */
export async function queryArchive(client: TestClient, fields: Record<string, string | string[]> = {}, rsm: { max?: number; after?: string; before?: string } = {}): Promise<MamPage> {
  const queryid = `q${++queries}`;
  const form = xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, MAM)));
  for (const [name, value] of Object.entries(fields)) form.append(xml('field', { var: name }, ...[value].flat().map((v) => xml('value', {}, v))));
  const set = xml('set', { xmlns: RSM });
  if (rsm.max !== undefined) set.append(xml('max', {}, String(rsm.max)));
  if (rsm.after !== undefined) set.append(xml('after', {}, rsm.after));
  if (rsm.before !== undefined) set.append(xml('before', {}, rsm.before));
  const result = await client.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: MAM, queryid }, form, set)));
  const fin = result.getChild('fin', MAM)!;
  const messages = client.received
    .map((s) => s.getChild('result', MAM))
    .filter((r): r is Element => r !== undefined && r.attrs.queryid === queryid)
    .map((r) => {
      const forwarded = r.getChild('forwarded', 'urn:xmpp:forward:0')!;
      const message = forwarded.getChild('message')!;
      return { id: String(r.attrs.id), body: message.getChildText('body') ?? '', from: String(message.attrs.from), to: String(message.attrs.to), stamp: String(forwarded.getChild('delay')?.attrs.stamp) };
    });
  const finSet = fin.getChild('set', RSM);
  return { messages, complete: fin.attrs.complete === 'true', first: finSet?.getChildText('first') ?? undefined, last: finSet?.getChildText('last') ?? undefined };
}

/** The `<stanza-id/>` a delivered message carries for its recipient's archive. */
export function stanzaIdOf(message: Element, by: string): string | undefined {
  return message.getChildren('stanza-id', 'urn:xmpp:sid:0').find((s) => s.attrs.by === by)?.attrs.id as string | undefined;
}
