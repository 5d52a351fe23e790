/**
 * Federation with a private Prosody 0.12 (our node a.localhost, Prosody b.localhost, static
 * routes both ways, dialback after STARTTLS): the time the first message takes while the link
 * comes up (TCP, TLS, dialback with its check back), one-way latency of sequential messages
 * (p50/p99, through both servers), and the rate of an unpaced burst.
 *
 *   npx tsx test/bench/s2s-prosody.ts [--messages 500] [--burst 2000]
 */
import { parseArgs } from 'node:util';
import { chat, bodyIs, xml } from '../../server-core/testing';
import { startFederation, OUR_DOMAIN, PROSODY_DOMAIN } from '../federation/federation-world';
import { percentile } from './server-process';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { messages: { type: 'string', default: '500' }, burst: { type: 'string', default: '2000' } } });
  const messages = Number(values.messages);
  const burst = Number(values.burst);
  // The default rate limit (200 stanzas per second per remote domain) would cut the burst short.
  const world = await startFederation({ ourUsers: ['alice'], prosodyUsers: ['bob'], s2sConfig: { stanzasPerSecond: 1_000_000 } });
  try {
    const alice = await world.ours('alice');
    const bob = await world.theirs('bob');
    for (const client of [alice, bob]) await client.send(xml('presence'));

    let started = performance.now();
    await alice.send(chat(`bob@${PROSODY_DOMAIN}/r`, 'first a'));
    await bob.waitFor(bodyIs('first a'), 30000);
    const linkUpOut = performance.now() - started;
    started = performance.now();
    await bob.send(chat(`alice@${OUR_DOMAIN}/r`, 'first b'));
    await alice.waitFor(bodyIs('first b'), 30000);
    const linkUpIn = performance.now() - started;

    const latency = async (from: typeof alice, to: typeof bob, toJid: string) => {
      const times: number[] = [];
      for (let i = 0; i < messages; i++) {
        const body = `seq ${toJid} ${i}`;
        const t = performance.now();
        await from.send(chat(toJid, body));
        await to.waitFor(bodyIs(body), 10000);
        times.push(performance.now() - t);
      }
      times.sort((x, y) => x - y);
      return { p50: percentile(times, 50), p99: percentile(times, 99) };
    };
    const aToB = await latency(alice, bob, `bob@${PROSODY_DOMAIN}/r`);
    const bToA = await latency(bob, alice, `alice@${OUR_DOMAIN}/r`);

    const rate = async (from: typeof alice, to: typeof bob, toJid: string) => {
      const t = performance.now();
      for (let i = 0; i < burst; i++) void from.send(chat(toJid, `burst ${toJid} ${i}`));
      await to.waitFor(bodyIs(`burst ${toJid} ${burst - 1}`), 120000);
      return Math.round(burst / ((performance.now() - t) / 1000));
    };
    const burstAToB = await rate(alice, bob, `bob@${PROSODY_DOMAIN}/r`);
    const burstBToA = await rate(bob, alice, `alice@${OUR_DOMAIN}/r`);
    const ms = (n: number) => Math.round(n * 10) / 10;
    console.log(
      JSON.stringify(
        {
          firstMessageWithLinkUpMs: { ourToProsody: ms(linkUpOut), prosodyToOurs: ms(linkUpIn) },
          latencyMs: { ourToProsody: { p50: ms(aToB.p50), p99: ms(aToB.p99) }, prosodyToOurs: { p50: ms(bToA.p50), p99: ms(bToA.p99) } },
          burstMessagesPerSecond: { ourToProsody: burstAToB, prosodyToOurs: burstBToA },
          messages,
          burst,
        },
        null,
        2,
      ),
    );
    await alice.stop();
    await bob.stop();
  } finally {
    await world.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
