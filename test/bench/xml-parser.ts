/**
 * Stanza throughput of the stream parser alone: a stream of typical chat messages, presences
 * and IQs fed in 16 KiB chunks, as a socket would deliver them. Prints stanzas per second
 * (median of several runs). Run: npx tsx test/bench/xml-parser.ts [stanzas] [runs]
 */
import { XmlStreamParser } from '../../server-core/src/xml';

const stanzas = Number(process.argv[2] ?? 200000);
const runs = Number(process.argv[3] ?? 5);

const samples = [
  `<message to='bob@localhost/desk' type='chat' id='m1' xml:lang='en'><body>Hello there, how are you today? ✓</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`,
  `<presence><show>away</show><status>On the phone</status><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://example.org' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>`,
  `<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`,
  `<iq type='set' id='r1'><query xmlns='jabber:iq:roster'><item jid='carol@localhost' name='Carol'><group>Friends</group></item></query></iq>`,
];

function buildChunks(): string[] {
  const header = `<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;
  let all = header;
  for (let i = 0; i < stanzas; i++) all += samples[i % samples.length];
  const chunks: string[] = [];
  for (let i = 0; i < all.length; i += 16384) chunks.push(all.slice(i, i + 16384));
  return chunks;
}

function once(chunks: string[]): number {
  const parser = new XmlStreamParser('stream', { maxStanzaBytes: 262144, maxDepth: 64, maxAttributes: 64 });
  let seen = 0;
  parser.on('stanza', () => (seen += 1));
  parser.on('fault', (condition, text) => {
    throw new Error(`${condition}: ${text}`);
  });
  const started = process.hrtime.bigint();
  for (const chunk of chunks) parser.write(chunk);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (seen !== stanzas) throw new Error(`parsed ${seen} of ${stanzas} stanzas`);
  return stanzas / seconds;
}

const chunks = buildChunks();
once(chunks); // warm-up
const rates = Array.from({ length: runs }, () => once(chunks)).sort((a, b) => a - b);
console.log(`${stanzas} stanzas x ${runs} runs: median ${Math.round(rates[Math.floor(runs / 2)])} stanzas/s (min ${Math.round(rates[0])}, max ${Math.round(rates[runs - 1])})`);
