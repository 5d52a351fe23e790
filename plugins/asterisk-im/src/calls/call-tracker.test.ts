import { AsteriskEvents, amiEvent, type TestChannel } from '../../test/asterisk-events';
import { CallTracker, type CallTrackerOptions, type EndedCall, type PhoneEvent } from './call-tracker';
import { deviceOfChannel } from './device-name';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';

const DEVICES = [
  { device: 'PJSIP/1001', user: ALICE, monitored: true },
  { device: 'PJSIP/1101', user: ALICE, monitored: true },
  { device: 'PJSIP/1002', user: BOB, monitored: true },
  { device: 'pjsip/1003', user: CAROL, monitored: true },
  { device: 'PJSIP/1004', user: 'dave@example.com', monitored: false },
];

const PEOPLE: Record<string, { num: string; name: string }> = {
  'PJSIP/1001': { num: '1001', name: 'Alice' },
  'PJSIP/1101': { num: '1001', name: 'Alice' },
  'PJSIP/1002': { num: '1002', name: 'Bob' },
  'PJSIP/1003': { num: '1003', name: 'Carol' },
  'PJSIP/1004': { num: '1004', name: 'Dave' },
};

/** A tracker plus everything it said, and a script of Asterisk events to feed it. */
function world(options: CallTrackerOptions = {}) {
  const tracker = new CallTracker({ devices: DEVICES, ...options });
  const ami = new AsteriskEvents();
  const phoneEvents: PhoneEvent[] = [];
  const invalid: string[] = [];
  tracker.on('phoneEvent', (e) => phoneEvents.push(e));
  tracker.on('invalidEvent', (reason) => invalid.push(reason));
  const feed = (...events: ReturnType<AsteriskEvents['newchannel']>[]): void => events.forEach((e) => tracker.handle(e));
  const onPhone = (user: string): boolean => tracker.userPhoneState(user).onPhone;
  const eventsOf = (user: string): Array<Partial<PhoneEvent>> =>
    phoneEvents.filter((e) => e.user === user).map(({ type, callerID, callerIDName }) => ({ type, callerID, callerIDName }));

  /** A phone dials a number and Dial() rings the callee's phone. */
  function ring(fromDevice: string, toDevice: string, dialled = PEOPLE[toDevice].num) {
    const from = PEOPLE[fromDevice];
    const a = ami.channel(fromDevice, { state: 4, callerIdNum: from.num, callerIdName: from.name, exten: dialled });
    const b = ami.channel(toDevice, { linkedid: a.linkedid, exten: dialled });
    feed(ami.newchannel(a), ami.newchannel(b));
    Object.assign(b, { callerIdNum: PEOPLE[toDevice].num, callerIdName: PEOPLE[toDevice].name, connectedNum: from.num, connectedName: from.name });
    feed(ami.dialBegin(a, b, PEOPLE[toDevice].num), ami.newstate(b, 5), ami.dialState(a, b, 'RINGING'));
    feed(ami.deviceStateChange(fromDevice, 'INUSE'), ami.deviceStateChange(toDevice, 'RINGING'));
    return { a, b };
  }

  /** The callee picks up; Asterisk updates the caller's connected line and bridges both. */
  function answer(a: TestChannel, b: TestChannel, bridge = 'bridge-1') {
    const callee = PEOPLE[b.name.slice(0, b.name.lastIndexOf('-'))];
    feed(ami.newstate(b, 6), ami.connectedLine(a, callee.num, callee.name), ami.newstate(a, 6), ami.dialEnd(a, b, 'ANSWER'));
    feed(ami.bridgeEnter(a, bridge), ami.bridgeEnter(b, bridge));
  }

  /** One side hangs up a bridged call; the other follows. */
  function hangUpBoth(a: TestChannel, b: TestChannel, bridge = 'bridge-1') {
    feed(ami.bridgeLeave(a, bridge), ami.bridgeLeave(b, bridge), ami.hangup(a), ami.hangup(b));
  }

  return { tracker, ami, feed, onPhone, eventsOf, phoneEvents, invalid, ring, answer, hangUpBoth };
}

describe('CallTracker', () => {
  test('answered call: RING and DIALED, then ON_PHONE with the other party, then HANG_UP and idle', () => {
    const w = world();
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    expect(w.tracker.deviceState('PJSIP/1002')).toBe('ringing');
    expect(w.tracker.deviceState('PJSIP/1001')).toBe('dialing');
    expect(w.onPhone(ALICE)).toBe(true);
    expect(w.onPhone(BOB)).toBe(false);

    w.answer(a, b);
    expect(w.onPhone(BOB)).toBe(true);
    expect(w.tracker.userPhoneState(BOB).calls).toEqual([
      expect.objectContaining({ callID: b.uniqueid, device: 'PJSIP/1002', state: 'on-call', direction: 'incoming', otherNum: '1001' }),
    ]);

    w.hangUpBoth(a, b);
    w.feed(w.ami.deviceStateChange('PJSIP/1001', 'NOT_INUSE'), w.ami.deviceStateChange('PJSIP/1002', 'NOT_INUSE'));
    expect(w.onPhone(ALICE)).toBe(false);
    expect(w.onPhone(BOB)).toBe(false);
    expect(w.eventsOf(ALICE)).toEqual([
      { type: 'DIALED', callerID: '1002', callerIDName: undefined },
      { type: 'ON_PHONE', callerID: '1002', callerIDName: undefined },
      { type: 'HANG_UP', callerID: undefined, callerIDName: undefined },
    ]);
    expect(w.eventsOf(BOB)).toEqual([
      { type: 'RING', callerID: '1001', callerIDName: 'Alice' },
      { type: 'ON_PHONE', callerID: '1001', callerIDName: undefined },
      { type: 'HANG_UP', callerID: undefined, callerIDName: undefined },
    ]);
  });

  test('userPhoneState and deviceState are emitted only when they change', () => {
    const w = world();
    const userStates: Array<[string, boolean]> = [];
    const aliceTold: string[][] = [];
    const deviceStates: Array<[string, string]> = [];
    w.tracker.on('userPhoneState', (s) => userStates.push([s.user, s.onPhone]));
    w.tracker.on('userPhoneState', (s) => s.user === ALICE && aliceTold.push(s.calls.flatMap((c) => c.announced)));
    w.tracker.on('deviceState', (s) => deviceStates.push([s.device, s.state]));
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    w.answer(a, b);
    w.hangUpBoth(a, b);
    expect(deviceStates).toEqual([
      ['PJSIP/1001', 'dialing'],
      ['PJSIP/1002', 'ringing'],
      ['PJSIP/1002', 'on-call'],
      ['PJSIP/1001', 'on-call'],
      ['PJSIP/1001', 'idle'],
      ['PJSIP/1002', 'idle'],
    ]);
    expect(userStates.filter(([user]) => user === BOB).map(([, on]) => on)).toEqual([false, true, false]);
    // alice's state changes only in what her clients were told when bob answers: the replicated
    // state must say so, or a new senior would tell them again.
    expect(userStates.filter(([user]) => user === ALICE).map(([, on]) => on)).toEqual([true, true, false]);
    expect(aliceTold).toEqual([['DIALED'], ['DIALED', 'ON_PHONE'], []]);
  });

  test('unanswered call: the callee rings, the caller gives up, both end idle', () => {
    const w = world();
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    w.feed(w.ami.hangup(b, '16'), w.ami.dialEnd(a, b, 'CANCEL'), w.ami.hangup(a));
    expect(w.tracker.deviceState('PJSIP/1002')).toBe('idle');
    expect(w.onPhone(ALICE)).toBe(false);
    expect(w.eventsOf(BOB).map((e) => e.type)).toEqual(['RING', 'HANG_UP']);
  });

  test('with ringingIsBusy a ringing phone counts as on the phone', () => {
    const w = world({ ringingIsBusy: true });
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    expect(w.onPhone(BOB)).toBe(true);
    w.feed(w.ami.hangup(b), w.ami.dialEnd(a, b, 'NOANSWER'), w.ami.hangup(a));
    expect(w.onPhone(BOB)).toBe(false);
  });

  test('busy callee: its phone never rings, so its user hears nothing and stays idle', () => {
    const w = world();
    const a = w.ami.channel('PJSIP/1001', { state: 4, callerIdNum: '1001', callerIdName: 'Alice', exten: '1002' });
    const b = w.ami.channel('PJSIP/1002', { linkedid: a.linkedid, callerIdNum: '1002' });
    w.feed(w.ami.newchannel(a), w.ami.newchannel(b), w.ami.dialBegin(a, b, '1002'));
    w.feed(w.ami.hangup(b, '17', 'User busy'), w.ami.dialEnd(a, b, 'BUSY'));
    expect(w.tracker.deviceState('PJSIP/1002')).toBe('idle');
    expect(w.onPhone(ALICE)).toBe(true);
    w.feed(w.ami.hangup(a, '17', 'User busy'));
    expect(w.eventsOf(BOB)).toEqual([]);
    expect(w.eventsOf(ALICE).map((e) => e.type)).toEqual(['DIALED', 'HANG_UP']);
    expect(w.onPhone(ALICE)).toBe(false);
  });

  test("a user's state merges devices: on a call over on hold over dialing over ringing over unreachable", () => {
    const w = world();
    const state = () => w.tracker.userPhoneState(ALICE).state;
    w.feed(w.ami.peerStatus('PJSIP/1001', 'Unreachable'));
    expect(w.tracker.deviceState('PJSIP/1001')).toBe('unavailable');
    expect(state()).toBe('unavailable');
    expect(w.onPhone(ALICE)).toBe(false);
    // Back through the contact: PJSIP names the endpoint only.
    w.feed(w.ami.contactStatus('1001', 'Reachable'));
    expect(state()).toBe('idle');
    w.feed(w.ami.deviceStateChange('PJSIP/1001', 'UNAVAILABLE'));
    expect(state()).toBe('unavailable');
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    expect(state()).toBe('dialing');
    expect(w.onPhone(ALICE)).toBe(true);
    w.answer(a, b);
    expect(state()).toBe('on-call');
    w.feed(w.ami.hold(a));
    expect(state()).toBe('on-hold');
  });

  test('a phone unreachable mid-call keeps the call; only an idle phone shows unreachable', () => {
    const w = world();
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    w.answer(a, b);
    w.feed(w.ami.peerStatus('PJSIP/1002', 'Unreachable'));
    expect(w.tracker.deviceState('PJSIP/1002')).toBe('on-call');
    expect(w.onPhone(BOB)).toBe(true);
    w.feed(w.ami.peerStatus('PJSIP/1002', 'Lagged'));
    expect(w.onPhone(BOB)).toBe(true);
  });

  test('hold and unhold: the holder is on hold and still on the phone', () => {
    const w = world();
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    w.answer(a, b);
    w.feed(w.ami.hold(a), w.ami.deviceStateChange('PJSIP/1001', 'ONHOLD'));
    expect(w.tracker.deviceState('PJSIP/1001')).toBe('on-hold');
    expect(w.onPhone(ALICE)).toBe(true);
    w.feed(w.ami.unhold(a), w.ami.deviceStateChange('PJSIP/1001', 'INUSE'));
    expect(w.tracker.deviceState('PJSIP/1001')).toBe('on-call');
  });

  test('hunt group through Local channels: Local halves are ignored, the phone that answers is on the phone', () => {
    const w = world();
    const { ami } = w;
    const a = ami.channel('PJSIP/1001', { state: 4, callerIdNum: '1001', callerIdName: 'Alice', exten: '600' });
    const l1 = ami.channel('Local/1002@hunt', { linkedid: a.linkedid });
    l1.name += ';1';
    const l2 = { ...ami.channel('Local/1002@hunt', { linkedid: a.linkedid }), name: l1.name.replace(';1', ';2') };
    const m1 = ami.channel('Local/1003@hunt', { linkedid: a.linkedid });
    m1.name += ';1';
    const m2 = { ...ami.channel('Local/1003@hunt', { linkedid: a.linkedid }), name: m1.name.replace(';1', ';2') };
    const ringing = { connectedNum: '1001', connectedName: 'Alice', linkedid: a.linkedid };
    const bob = ami.channel('PJSIP/1002', { ...ringing, callerIdNum: '1002' });
    const carol = ami.channel('PJSIP/1003', { ...ringing, callerIdNum: '1003' });
    w.feed(ami.newchannel(a), ami.newchannel(l1), ami.newchannel(l2), ami.newchannel(m1), ami.newchannel(m2));
    w.feed(ami.dialBegin(a, l1, 'Local/1002@hunt'), ami.dialBegin(a, m1, 'Local/1003@hunt'));
    w.feed(ami.newchannel(bob), ami.dialBegin(l2, bob, '1002'), ami.newchannel(carol), ami.dialBegin(m2, carol, '1003'));
    w.feed(ami.newstate(bob, 5), ami.newstate(carol, 5), ami.newstate(l1, 5), ami.newstate(m1, 5));
    expect(w.tracker.deviceState('PJSIP/1002')).toBe('ringing');
    expect(w.tracker.deviceState('PJSIP/1003')).toBe('ringing');

    w.feed(ami.newstate(bob, 6), ami.dialEnd(l2, bob, 'ANSWER'), ami.newstate(l1, 6), ami.dialEnd(a, l1, 'ANSWER'));
    w.feed(ami.hangup(carol, '26', 'Answered elsewhere'), ami.dialEnd(a, m1, 'CANCEL'), ami.hangup(m2, '26'), ami.hangup(m1, '26'));
    w.feed(ami.connectedLine(a, '1002', 'Bob'), ami.newstate(a, 6), ami.bridgeEnter(a, 'b1'), ami.bridgeEnter(l1, 'b1'));
    expect(w.onPhone(BOB)).toBe(true);
    expect(w.onPhone(CAROL)).toBe(false);
    expect(w.eventsOf(CAROL).map((e) => e.type)).toEqual(['RING', 'HANG_UP']);
    expect(w.eventsOf(BOB)).toEqual([
      { type: 'RING', callerID: '1001', callerIDName: 'Alice' },
      { type: 'ON_PHONE', callerID: '1001', callerIDName: undefined },
    ]);
    expect(w.eventsOf(ALICE)).toEqual([
      { type: 'DIALED', callerID: '600', callerIDName: undefined },
      { type: 'ON_PHONE', callerID: '1002', callerIDName: undefined },
    ]);
    expect(w.phoneEvents.every((e) => !e.device.startsWith('Local'))).toBe(true);
  });

  test('blind transfer: the transferor hangs up, the transferee stays on the phone and reaches the target', () => {
    const w = world();
    const { ami } = w;
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    w.answer(a, b);
    w.feed(amiEvent('BlindTransfer', { Result: 'Success', TransfererChannel: a.name, Extension: '1003' }));
    w.feed(ami.bridgeLeave(a, 'bridge-1'), ami.bridgeLeave(b, 'bridge-1'), ami.hangup(a));
    expect(w.onPhone(ALICE)).toBe(false);
    expect(w.onPhone(BOB)).toBe(true);

    const c = ami.channel('PJSIP/1003', { linkedid: a.linkedid, callerIdNum: '1003', connectedNum: '1002', connectedName: 'Bob' });
    w.feed(ami.newchannel(c), ami.dialBegin(b, c, '1003'), ami.newstate(c, 5));
    expect(w.onPhone(BOB)).toBe(true);
    w.feed(ami.newstate(c, 6), ami.dialEnd(b, c, 'ANSWER'), ami.bridgeEnter(b, 'bridge-2'), ami.bridgeEnter(c, 'bridge-2'));
    expect(w.onPhone(CAROL)).toBe(true);
    expect(w.eventsOf(CAROL)).toEqual([
      { type: 'RING', callerID: '1002', callerIDName: 'Bob' },
      { type: 'ON_PHONE', callerID: '1002', callerIDName: undefined },
    ]);
    expect(w.eventsOf(BOB).map((e) => e.type)).toEqual(['RING', 'ON_PHONE']);
  });

  test('parallel calls on two devices of one user: on the phone until the last one ends', () => {
    const w = world();
    const first = w.ring('PJSIP/1101', 'PJSIP/1002');
    w.answer(first.a, first.b, 'bridge-1');
    const second = w.ring('PJSIP/1003', 'PJSIP/1001');
    w.answer(second.a, second.b, 'bridge-2');
    expect(w.tracker.userPhoneState(ALICE).calls.map((c) => c.device).sort()).toEqual(['PJSIP/1001', 'PJSIP/1101']);

    w.hangUpBoth(first.a, first.b, 'bridge-1');
    w.feed(w.ami.deviceStateChange('PJSIP/1101', 'NOT_INUSE'));
    expect(w.onPhone(ALICE)).toBe(true);
    expect(w.tracker.userPhoneState(ALICE).calls).toHaveLength(1);
    w.hangUpBoth(second.a, second.b, 'bridge-2');
    expect(w.onPhone(ALICE)).toBe(false);
  });

  test('resync clears a call that ended while nobody listened and finds calls in progress', () => {
    const w = world();
    const stale = w.ring('PJSIP/1001', 'PJSIP/1002');
    w.answer(stale.a, stale.b);
    expect(w.onPhone(ALICE)).toBe(true);

    const c = w.ami.channel('PJSIP/1003', { state: 6, callerIdNum: '1003', connectedNum: '0123456789', connectedName: 'Outside' });
    w.tracker.resync(
      [w.ami.coreShowChannel(c, 'resync-1')],
      [w.ami.deviceStateChange('PJSIP/1001', 'NOT_INUSE'), w.ami.deviceStateChange('PJSIP/1003', 'INUSE')],
    );
    expect(w.onPhone(ALICE)).toBe(false);
    expect(w.onPhone(BOB)).toBe(false);
    expect(w.onPhone(CAROL)).toBe(true);
    expect(w.eventsOf(ALICE).at(-1)?.type).toBe('HANG_UP');
    expect(w.eventsOf(CAROL)).toEqual([{ type: 'ON_PHONE', callerID: '0123456789', callerIDName: undefined }]);
  });

  test('resync keeps a known call without announcing it again, and learns holds from the device state', () => {
    const w = world();
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    w.answer(a, b);
    const before = w.phoneEvents.length;
    w.tracker.resync([w.ami.coreShowChannel(a, 'r'), w.ami.coreShowChannel(b, 'r')], [w.ami.deviceStateChange('PJSIP/1001', 'ONHOLD')]);
    expect(w.phoneEvents).toHaveLength(before);
    expect(w.tracker.deviceState('PJSIP/1001')).toBe('on-hold');
    expect(w.onPhone(BOB)).toBe(true);
  });

  describe('taking over from another listener (restore, then resync)', () => {
    /** The state a first tracker published after `script`, restored into a second one that heard nothing. */
    function takeOver(script: (w: ReturnType<typeof world>) => void) {
      const before = world();
      script(before);
      const after = world();
      const published: string[] = [];
      after.tracker.on('userPhoneState', (s) => published.push(s.user));
      after.tracker.restore([ALICE, BOB, CAROL].map((u) => before.tracker.userPhoneState(u)).filter((s) => s.calls.length > 0 || s.devices.length > 0));
      return { before, after, published };
    }

    test('a call still in progress is kept, with nothing announced or published again', () => {
      let call!: ReturnType<ReturnType<typeof world>['ring']>;
      const { after, published } = takeOver((w) => {
        call = w.ring('PJSIP/1001', 'PJSIP/1002');
        w.answer(call.a, call.b);
      });
      expect(after.onPhone(BOB)).toBe(true);
      after.tracker.resync([after.ami.coreShowChannel(call.a, 'r'), after.ami.coreShowChannel(call.b, 'r')], [after.ami.deviceStateChange('PJSIP/1001', 'INUSE'), after.ami.deviceStateChange('PJSIP/1002', 'INUSE')]);
      expect(after.phoneEvents).toEqual([]);
      expect(published).toEqual([]);
      after.hangUpBoth(call.a, call.b);
      expect(after.eventsOf(BOB).map((e) => e.type)).toEqual(['HANG_UP']);
      expect(after.eventsOf(ALICE).map((e) => e.type)).toEqual(['HANG_UP']);
      expect(after.onPhone(BOB)).toBe(false);
    });

    test('a call that ended while nobody listened hangs up once at the resync', () => {
      const { after, published } = takeOver((w) => {
        const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
        w.answer(a, b);
      });
      after.tracker.resync([], [after.ami.deviceStateChange('PJSIP/1001', 'NOT_INUSE'), after.ami.deviceStateChange('PJSIP/1002', 'NOT_INUSE')]);
      expect(after.eventsOf(BOB).map((e) => e.type)).toEqual(['HANG_UP']);
      expect(after.eventsOf(ALICE).map((e) => e.type)).toEqual(['HANG_UP']);
      expect(published.sort()).toEqual([ALICE, BOB]);
      expect(after.onPhone(BOB)).toBe(false);
    });

    test('a call that rang under the previous listener and is answered after: ON_PHONE once, no second RING', () => {
      let call!: ReturnType<ReturnType<typeof world>['ring']>;
      const { after } = takeOver((w) => {
        call = w.ring('PJSIP/1001', 'PJSIP/1002');
      });
      after.answer(call.a, call.b);
      expect(after.eventsOf(BOB).map((e) => e.type)).toEqual(['ON_PHONE']);
      expect(after.eventsOf(ALICE).map((e) => e.type)).toEqual(['ON_PHONE']);
    });
  });

  test('an idle device state sweeps channels whose hang-up was lost', () => {
    const w = world();
    const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
    w.answer(a, b);
    w.feed(w.ami.deviceStateChange('PJSIP/1002', 'NOT_INUSE'));
    expect(w.onPhone(BOB)).toBe(false);
    expect(w.eventsOf(BOB).at(-1)?.type).toBe('HANG_UP');
  });

  test('a device reported in use with no channel we know of still counts as on the phone', () => {
    const w = world();
    w.feed(w.ami.deviceStateChange('PJSIP/1002', 'INUSE'));
    expect(w.onPhone(BOB)).toBe(true);
    w.feed(w.ami.deviceStateChange('PJSIP/1002', 'UNAVAILABLE'));
    expect(w.onPhone(BOB)).toBe(false);
  });

  test('trunks, unmonitored devices and unmapped devices never produce state or events', () => {
    const w = world();
    const states: unknown[] = [];
    w.tracker.on('deviceState', (s) => states.push(s));
    const trunk = w.ami.channel('PJSIP/provider-trunk', { state: 5, connectedNum: '1001' });
    const dave = w.ami.channel('PJSIP/1004', { state: 4, exten: '1002' });
    w.feed(w.ami.newchannel(trunk), w.ami.newstate(trunk, 6), w.ami.newchannel(dave), w.ami.newstate(dave, 6));
    expect(states).toEqual([]);
    expect(w.phoneEvents).toEqual([]);
    expect(w.tracker.deviceState('PJSIP/1004')).toBe('idle');
  });

  test('events with bad fields are reported as invalid, never thrown', () => {
    const w = world();
    w.feed(amiEvent('Newchannel', { Channel: 'PJSIP/1001-00000001', ChannelState: 'up', Uniqueid: '1.1' }));
    w.feed(amiEvent('Hangup', { Channel: 'PJSIP/1001-00000001' }));
    expect(w.invalid).toHaveLength(2);
    expect(w.invalid[0]).toMatch(/^Newchannel: .*channel state/);
    expect(w.onPhone(ALICE)).toBe(false);
  });

  test('remapping a device publishes the state of its call at once', () => {
    const w = world();
    const dave = w.ami.channel('PJSIP/1004', { state: 4, exten: '1002' });
    w.feed(w.ami.newchannel(dave));
    w.tracker.setDevices([...DEVICES.slice(0, 4), { device: 'PJSIP/1004', user: 'dave@example.com', monitored: true }]);
    expect(w.onPhone('dave@example.com')).toBe(true);
  });
});

describe('deviceOfChannel', () => {
  test.each([
    ['PJSIP/1001-0000000a', 'PJSIP/1001'],
    ['SIP/my-trunk-000001f3', 'SIP/my-trunk'],
    ['pjsip/1001-00000001', 'PJSIP/1001'],
    ['IAX2/1001-1234', 'IAX2/1001'],
    ['Local/1002@hunt-00000003;1', null],
    ['Local/1002@hunt-00000003;2', null],
    ['DAHDI/pseudo', null],
    ['nonsense', null],
  ])('%s -> %s', (channel, device) => {
    expect(deviceOfChannel(channel)).toBe(device);
  });

  describe('ended calls for the call log', () => {
    /** A tracker on a clock the test moves. */
    function clocked() {
      let now = 1_000_000;
      const w = world({ now: () => now });
      const ended: EndedCall[] = [];
      w.tracker.on('callEnded', (call) => ended.push(call));
      return { ...w, ended, tick: (ms: number) => (now += ms) };
    }

    test('an answered call: one record per mapped phone, with its direction, the other party, start, answer and end', () => {
      const w = clocked();
      const { a, b } = w.ring('PJSIP/1001', 'PJSIP/1002');
      w.tick(4000);
      w.answer(a, b);
      w.tick(65_000);
      w.hangUpBoth(a, b);
      expect(w.ended).toEqual([
        { callID: a.uniqueid, user: ALICE, device: 'PJSIP/1001', direction: 'outgoing', otherNum: '1002', otherName: 'Bob', startedAt: 1_000_000, answeredAt: 1_004_000, endedAt: 1_069_000 },
        { callID: b.uniqueid, user: BOB, device: 'PJSIP/1002', direction: 'incoming', otherNum: '1001', otherName: 'Alice', startedAt: 1_000_000, answeredAt: 1_004_000, endedAt: 1_069_000 },
      ]);
    });

    test('a missed call has no answer time; a phone of nobody monitored gives no record', () => {
      const w = clocked();
      const { a, b } = w.ring('PJSIP/1004', 'PJSIP/1001');
      w.tick(20_000);
      w.feed(w.ami.dialEnd(a, b, 'CANCEL'), w.ami.hangup(b), w.ami.hangup(a));
      expect(w.ended).toEqual([{ callID: b.uniqueid, user: ALICE, device: 'PJSIP/1001', direction: 'incoming', otherNum: '1004', otherName: 'Dave', startedAt: 1_000_000, endedAt: 1_020_000 }]);
    });

    test('a call first found at a resync starts when its channel was created (CoreShowChannel Duration)', () => {
      const w = clocked();
      const c = w.ami.channel('PJSIP/1003', { state: 6, callerIdNum: '1003', connectedNum: '0123456789', connectedName: 'Outside' });
      w.tracker.resync([w.ami.coreShowChannel(c, 'resync-1')], []);
      w.tick(5000);
      w.feed(w.ami.hangup(c));
      expect(w.ended).toEqual([{ callID: c.uniqueid, user: CAROL, device: 'PJSIP/1003', direction: 'unknown', otherNum: '0123456789', otherName: 'Outside', startedAt: 1_000_000 - 62_000, answeredAt: 1_000_000, endedAt: 1_005_000 }]);
    });

    test('a call taken over from the replicated state keeps its start and answer times; one gone at the resync ends then', () => {
      const first = clocked();
      const { a, b } = first.ring('PJSIP/1002', 'PJSIP/1001');
      first.tick(3000);
      first.answer(a, b);
      const left = first.tracker.userPhoneState(ALICE);
      expect(left.calls.map((c) => [c.startedAt, c.answeredAt])).toEqual([[1_000_000, 1_003_000]]);

      const next = clocked();
      next.tracker.restore([left]);
      next.tick(30_000);
      next.tracker.resync([], []);
      expect(next.ended).toEqual([{ callID: b.uniqueid, user: ALICE, device: 'PJSIP/1001', direction: 'incoming', otherNum: '1002', otherName: 'Bob', startedAt: 1_000_000, answeredAt: 1_003_000, endedAt: 1_030_000 }]);
    });
  });
});
