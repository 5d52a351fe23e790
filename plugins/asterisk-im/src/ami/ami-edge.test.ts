import { toWireAction } from './ami-action';
import { reconnectDelay } from './reconnect-delay';

describe('reconnectDelay', () => {
  test('doubles from the minimum, jitters, and stays within bounds', () => {
    expect(reconnectDelay(0, 500, 30_000, () => 0.5)).toBe(500);
    expect(reconnectDelay(3, 500, 30_000, () => 0.5)).toBe(4000);
    expect(reconnectDelay(3, 500, 30_000, () => 0)).toBe(3000);
    expect(reconnectDelay(0, 500, 30_000, () => 0)).toBe(500);
    expect(reconnectDelay(40, 500, 30_000, () => 1)).toBe(30_000);
  });
});

describe('toWireAction', () => {
  test('lowercases keys, sets the ActionID and expands variables', () => {
    expect(toWireAction({ Action: 'Originate', Channel: 'PJSIP/1001', Timeout: 30000, Variable: { A: 'b' } }, 'id-1')).toEqual({
      actionid: 'id-1',
      action: 'Originate',
      channel: 'PJSIP/1001',
      timeout: '30000',
      variable: { A: 'b' },
    });
  });

  test('refuses injected lines, caller ActionIDs and the link\'s own actions', () => {
    expect(() => toWireAction({ Action: 'Ping', X: 'a\nAction: Logoff' }, 'i')).toThrow(expect.objectContaining({ kind: 'invalid-action' }));
    expect(() => toWireAction({ Action: 'Ping', ActionID: 'mine' }, 'i')).toThrow(/ActionID/);
    expect(() => toWireAction({ Action: 'Events', EventMask: 'off' }, 'i')).toThrow(/managed by the link/);
    expect(() => toWireAction({ Action: 'Ping', X: 'y'.repeat(2000) }, 'i')).toThrow(/longer/);
  });
});
