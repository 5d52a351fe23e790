/**
 * The phone state of each user at every step of the call flows PBXs run (simulator scenarios):
 * blind and attended transfer, pickup, a ring group through Local channels and a queue. Read
 * from the admin API, which shows the replicated state every node works from.
 */
import { eventually } from '@asterisk-im/server-core/testing';
import { startPluginWorld, type PluginWorld } from './admin-world';

let w: PluginWorld;
beforeAll(async () => {
  w = await startPluginWorld();
});
afterAll(async () => {
  await w?.stop();
});

const ALICE = 'alice@localhost';
const BOB = 'bob@localhost';

/** Waits until the admin API shows exactly these states (alice's phone is 1001, bob's 1002). */
async function states(expected: { alice: string; bob: string }, step: string): Promise<void> {
  let last = '';
  await eventually(`${step}: alice ${expected.alice}, bob ${expected.bob}`, async () => {
    const users = (await w.admin('GET', '/status')).body.users as Array<{ user: string; state: string }>;
    const of = (user: string) => users.find((u) => u.user === user)?.state;
    last = `alice ${of(ALICE)}, bob ${of(BOB)}`;
    return of(ALICE) === expected.alice && of(BOB) === expected.bob;
  }).catch((err: Error) => {
    throw new Error(`${err.message} (last seen: ${last})`);
  });
}

test('blind transfer: the transferer is free at once, the target rings, then talks', async () => {
  const call = await w.sim.calls.dial('PJSIP/1004', '1001');
  await states({ alice: 'ringing', bob: 'idle' }, 'incoming');
  await call.answer();
  await states({ alice: 'on-call', bob: 'idle' }, 'answered');
  const transferred = await call.blindTransfer('1002', 'callee');
  await states({ alice: 'idle', bob: 'ringing' }, 'transferred');
  await transferred.answer();
  await states({ alice: 'idle', bob: 'on-call' }, 'target answered');
  await transferred.hangup('caller');
  await states({ alice: 'idle', bob: 'idle' }, 'hung up');
});

test('attended transfer: held, consulting, then handed over', async () => {
  const call = await w.sim.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await call.hold('callee');
  await states({ alice: 'on-hold', bob: 'idle' }, 'alice holds the caller');
  const consult = await w.sim.calls.dial('PJSIP/1001', '1002');
  // A held call outweighs the consultation still dialing.
  await states({ alice: 'on-hold', bob: 'ringing' }, 'alice calls bob');
  await consult.answer();
  await states({ alice: 'on-call', bob: 'on-call' }, 'bob answers the consultation');
  const joined = await call.attendedTransfer(consult, 'callee');
  await states({ alice: 'idle', bob: 'on-call' }, 'transferred to bob');
  await joined.hangup('caller');
  await states({ alice: 'idle', bob: 'idle' }, 'hung up');
});

test('pickup: the phone that picks up a ringing call talks; the one that rang is free', async () => {
  const call = await w.sim.calls.dial('PJSIP/1004', '1002');
  await states({ alice: 'idle', bob: 'ringing' }, 'bob rings');
  await w.sim.calls.pickup(call, '1001', '1002');
  await states({ alice: 'on-call', bob: 'idle' }, 'alice picked up');
  await call.hangup('caller');
  await states({ alice: 'idle', bob: 'idle' }, 'hung up');
});

test('ring group through Local channels: every member rings, the one who answers talks', async () => {
  const call = await w.sim.calls.huntGroup('PJSIP/1004', ['1001', '1002']);
  await states({ alice: 'ringing', bob: 'ringing' }, 'the group rings');
  await call.answer('PJSIP/1002');
  await states({ alice: 'idle', bob: 'on-call' }, 'bob answered');
  await call.hangup('caller');
  await states({ alice: 'idle', bob: 'idle' }, 'hung up');
});

test('queue: the free members ring, the agent who answers talks', async () => {
  const call = await w.sim.calls.queueCall('support', 'PJSIP/1004');
  await states({ alice: 'ringing', bob: 'ringing' }, 'the queue rings its members');
  await call.answer('PJSIP/1001');
  await states({ alice: 'on-call', bob: 'idle' }, 'alice answered');
  await call.hangup('caller');
  await states({ alice: 'idle', bob: 'idle' }, 'hung up');
});
