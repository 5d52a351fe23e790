import type { AmiEvent } from '../src/ami/ami-message';

/**
 * Writes AMI events the way Asterisk 16-22 with chan_pjsip writes them, for
 * feeding the call tracker. Channels are small records the test mutates
 * through these helpers, so each event carries the channel's current state.
 */
export interface TestChannel {
  name: string;
  uniqueid: string;
  linkedid: string;
  state: number;
  callerIdNum: string;
  callerIdName: string;
  connectedNum: string;
  connectedName: string;
  exten: string;
}

const STATE_DESC = ['Down', 'Rsrvd', 'OffHook', 'Dialing', 'Ring', 'Ringing', 'Up', 'Busy'];

export function amiEvent(name: string, fields: Record<string, string>): AmiEvent {
  const lower: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) lower[key.toLowerCase()] = value;
  return { name, fields: { event: name, privilege: 'call,all', ...lower }, lists: {} };
}

export class AsteriskEvents {
  private sequence = 0;

  /** A new channel of `device` (`PJSIP/1001`), named like Asterisk names it. */
  channel(device: string, init: Partial<TestChannel> = {}): TestChannel {
    const n = this.sequence++;
    const uniqueid = `1700000000.${n}`;
    return {
      name: `${device}-${n.toString(16).padStart(8, '0')}`,
      uniqueid,
      linkedid: uniqueid,
      state: 0,
      callerIdNum: '<unknown>',
      callerIdName: '<unknown>',
      connectedNum: '<unknown>',
      connectedName: '<unknown>',
      exten: 's',
      ...init,
    };
  }

  fields(ch: TestChannel, prefix = ''): Record<string, string> {
    return {
      [`${prefix}Channel`]: ch.name,
      [`${prefix}ChannelState`]: String(ch.state),
      [`${prefix}ChannelStateDesc`]: STATE_DESC[ch.state] ?? 'Unknown',
      [`${prefix}CallerIDNum`]: ch.callerIdNum,
      [`${prefix}CallerIDName`]: ch.callerIdName,
      [`${prefix}ConnectedLineNum`]: ch.connectedNum,
      [`${prefix}ConnectedLineName`]: ch.connectedName,
      [`${prefix}Language`]: 'en',
      [`${prefix}AccountCode`]: '',
      [`${prefix}Context`]: 'from-internal',
      [`${prefix}Exten`]: ch.exten,
      [`${prefix}Priority`]: '1',
      [`${prefix}Uniqueid`]: ch.uniqueid,
      [`${prefix}Linkedid`]: ch.linkedid,
    };
  }

  newchannel(ch: TestChannel): AmiEvent {
    return amiEvent('Newchannel', this.fields(ch));
  }

  newstate(ch: TestChannel, state: number): AmiEvent {
    ch.state = state;
    return amiEvent('Newstate', this.fields(ch));
  }

  connectedLine(ch: TestChannel, num: string, name: string): AmiEvent {
    ch.connectedNum = num;
    ch.connectedName = name;
    return amiEvent('NewConnectedLine', this.fields(ch));
  }

  dialBegin(caller: TestChannel | null, dest: TestChannel, dialString: string): AmiEvent {
    return amiEvent('DialBegin', { ...this.callerFields(caller), ...this.fields(dest, 'Dest'), DialString: dialString });
  }

  dialState(caller: TestChannel | null, dest: TestChannel, status: string): AmiEvent {
    return amiEvent('DialState', { ...this.callerFields(caller), ...this.fields(dest, 'Dest'), DialStatus: status });
  }

  dialEnd(caller: TestChannel | null, dest: TestChannel, status: string): AmiEvent {
    return amiEvent('DialEnd', { ...this.callerFields(caller), ...this.fields(dest, 'Dest'), DialStatus: status });
  }

  bridgeEnter(ch: TestChannel, bridge: string): AmiEvent {
    return amiEvent('BridgeEnter', { BridgeUniqueid: bridge, BridgeType: 'basic', BridgeTechnology: 'simple_bridge', BridgeNumChannels: '2', ...this.fields(ch) });
  }

  bridgeLeave(ch: TestChannel, bridge: string): AmiEvent {
    return amiEvent('BridgeLeave', { BridgeUniqueid: bridge, BridgeType: 'basic', BridgeNumChannels: '1', ...this.fields(ch) });
  }

  hold(ch: TestChannel): AmiEvent {
    return amiEvent('Hold', { ...this.fields(ch), MusicClass: 'default' });
  }

  unhold(ch: TestChannel): AmiEvent {
    return amiEvent('Unhold', this.fields(ch));
  }

  hangup(ch: TestChannel, cause = '16', causeTxt = 'Normal Clearing'): AmiEvent {
    return amiEvent('Hangup', { ...this.fields(ch), Cause: cause, 'Cause-txt': causeTxt });
  }

  deviceStateChange(device: string, state: string): AmiEvent {
    return amiEvent('DeviceStateChange', { Device: device, State: state });
  }

  /** `PeerStatus` of a PJSIP endpoint (`PJSIP/1001`): Reachable, Unreachable, Lagged, ... */
  peerStatus(device: string, status: string): AmiEvent {
    return amiEvent('PeerStatus', { ChannelType: 'PJSIP', Peer: device, PeerStatus: status });
  }

  /** `ContactStatus` of a PJSIP endpoint's contact (the endpoint named without `PJSIP/`). */
  contactStatus(endpoint: string, status: string): AmiEvent {
    return amiEvent('ContactStatus', { URI: `sip:${endpoint}@192.0.2.1:5060`, ContactStatus: status, AOR: endpoint, EndpointName: endpoint, RoundtripUsec: '1520' });
  }

  coreShowChannel(ch: TestChannel, actionId: string): AmiEvent {
    return amiEvent('CoreShowChannel', { ActionID: actionId, ...this.fields(ch), Application: 'Dial', Duration: '00:01:02', BridgeId: '' });
  }

  private callerFields(caller: TestChannel | null): Record<string, string> {
    if (caller) return this.fields(caller);
    return { Channel: '', ChannelState: '', Uniqueid: '' };
  }
}
