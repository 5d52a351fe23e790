import { StringDecoder } from 'node:string_decoder';
import { AmiFrameReader, type AmiReaderLimits } from './ami-frame-reader';
import type { AmiLinkError } from './ami-link-error';
import type { ReadMessage } from './ami-message-builder';

type Output = { banner: string } | ReadMessage | { failed: string; kind: string; message: string };

const LIMITS: AmiReaderLimits = { maxLineBytes: 1024, maxMessageLines: 128 };
const BANNER = 'Asterisk Call Manager/5.0.1\r\n';

/** Feeds the pieces as a socket with utf-8 encoding would: bytes decoded into whole characters. */
function read(pieces: Array<string | Buffer>, limits: AmiReaderLimits = LIMITS): Output[] {
  const out: Output[] = [];
  const reader = new AmiFrameReader(limits, {
    banner: (version) => out.push({ banner: version }),
    message: (message) => out.push(message),
    failed: (reason: string, error: AmiLinkError) => out.push({ failed: reason, kind: error.kind, message: error.message }),
  });
  const decoder = new StringDecoder('utf8');
  for (const piece of pieces) {
    const text = typeof piece === 'string' ? piece : decoder.write(piece);
    if (text.length > 0) reader.push(text);
  }
  return out;
}

function messages(text: string, limits?: AmiReaderLimits): Output[] {
  return read([BANNER + text], limits).slice(1);
}

function event(fields: Record<string, string>, lists: Record<string, string[]> = {}): ReadMessage {
  return { kind: 'event', event: { name: fields.event, actionId: fields.actionid, fields, lists } };
}

/** A conversation exercising every path of the reader, with multi-byte characters and both line ends. */
const TRANSCRIPT = [
  BANNER,
  'Response: Success\r\nActionID: aim-1\r\nMessage: Authentication accepted\r\n\r\n',
  'Event: Newchannel\nChannel: PJSIP/1001-00000001\nCallerIDName: Zoë ☎ 🦜\nUniqueid: 1700000000.1\n\n',
  '\r\n\r\n',
  'Event: VarSet\r\nChanVariable: A=1\r\nChanVariable: B=x=y\r\nVariable: NOVALUE\r\nFoo: a\r\nfoo: b\r\nFOO : c\r\n\r\n',
  'Response: Follows\r\nPrivilege: Command\r\nActionID: aim-2\r\nSystem uptime: 1 hour\n\nLast reload: 5 minutes\n--END COMMAND--\r\n\r\n',
  'Response: Follows\r\nActionID: aim-3\r\nOutput: line one\r\nOutput: line: two\r\n\r\n',
  'Response: Follows\r\nActionID: aim-4\r\nNo such command\n--END COMMAND--\r\n\r\n',
  'Event: Bad Key\r\nCaller ID: 1001\r\nchannel: x\r\n\r\n',
  'Event: Hangup\r\nChannel: PJSIP/1002-00000002\r\nCause-txt: Normal Clearing\r\n\r\n',
].join('');

describe('AmiFrameReader', () => {
  test('reads a conversation into the banner and messages in our shape', () => {
    expect(read([TRANSCRIPT])).toEqual([
      { banner: '5.0.1' },
      {
        kind: 'response',
        response: {
          response: 'Success',
          message: 'Authentication accepted',
          actionId: 'aim-1',
          fields: { response: 'Success', actionid: 'aim-1', message: 'Authentication accepted' },
          lists: {},
        },
      },
      event({ event: 'Newchannel', channel: 'PJSIP/1001-00000001', calleridname: 'Zoë ☎ 🦜', uniqueid: '1700000000.1' }),
      event(
        { event: 'VarSet', chanvariable: 'A=1', variable: 'NOVALUE=', foo: 'a' },
        { chanvariable: ['A=1', 'B=x=y'], variable: ['NOVALUE='], foo: ['a', 'b', 'c'] },
      ),
      {
        kind: 'response',
        response: {
          response: 'Follows',
          message: undefined,
          actionId: 'aim-2',
          fields: { response: 'Follows', privilege: 'Command', actionid: 'aim-2', output: 'System uptime: 1 hour' },
          lists: { output: ['System uptime: 1 hour', '', 'Last reload: 5 minutes'] },
        },
      },
      {
        kind: 'response',
        response: {
          response: 'Follows',
          message: undefined,
          actionId: 'aim-3',
          fields: { response: 'Follows', actionid: 'aim-3', output: 'line one' },
          lists: { output: ['line one', 'line: two'] },
        },
      },
      {
        kind: 'response',
        response: {
          response: 'Follows',
          message: undefined,
          actionId: 'aim-4',
          fields: { response: 'Follows', actionid: 'aim-4', output: 'No such command' },
          lists: {},
        },
      },
      { kind: 'invalid', reason: 'bad key "caller id"' },
      event({ event: 'Hangup', channel: 'PJSIP/1002-00000002', 'cause-txt': 'Normal Clearing' }),
    ]);
  });

  test('gives the same output whatever byte the input is split at', () => {
    const bytes = Buffer.from(TRANSCRIPT);
    const whole = read([bytes]);
    expect(whole).toHaveLength(9);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect({ cut, out: read([bytes.subarray(0, cut), bytes.subarray(cut)]) }).toEqual({ cut, out: whole });
    }
    expect(read([...bytes].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  test('CRLF and bare LF give the same messages', () => {
    const crlf = 'Event: Newstate\r\nChannel: PJSIP/1001-1\r\nChannelState: 5\r\n\r\nResponse: Success\r\nActionID: 7\r\n\r\n';
    expect(messages(crlf.replaceAll('\r\n', '\n'))).toEqual(messages(crlf));
    expect(messages(crlf)).toHaveLength(2);
  });

  test('a key without ": " is a key with an empty value, as Asterisk clients read it', () => {
    expect(messages('Event: X\r\nFlag\r\n\r\n')).toEqual([event({ event: 'X', flag: '' })]);
    expect(messages('Event: X\r\nKey:value\r\n\r\n')).toEqual([{ kind: 'invalid', reason: 'bad key "key:value"' }]);
  });

  test('refuses odd keys and names, and what is neither a response nor an event, then reads on', () => {
    expect(messages('Event: X\r\nbad key: x\r\n\r\nEvent: Y\r\n\r\n')).toEqual([{ kind: 'invalid', reason: 'bad key "bad key"' }, event({ event: 'Y' })]);
    expect(messages('Event: X\r\n: x\r\n\r\n')).toEqual([{ kind: 'invalid', reason: 'bad key ""' }]);
    expect(messages('Event: Not-a-name\r\n\r\n')).toEqual([{ kind: 'invalid', reason: 'bad event name' }]);
    expect(messages('Channel: x\r\n\r\n')).toEqual([{ kind: 'invalid', reason: 'neither a response nor an event' }]);
  });

  test('a key named like an Object property is an ordinary field', () => {
    expect(messages('Event: X\r\nconstructor: a\r\nConstructor: b\r\n\r\n')).toEqual([event({ event: 'X', constructor: 'a' }, { constructor: ['a', 'b'] })]);
  });

  test('a __proto__ key is refused as a bad key; other Object property names are fields of an object with no prototype', () => {
    expect(messages('Event: X\r\n__proto__: a\r\n\r\n')).toEqual([{ kind: 'invalid', reason: 'bad key "__proto__"' }]);
    const [read] = messages('Event: X\r\ntoString: b\r\nhasOwnProperty: c\r\n\r\n');
    expect(read).toMatchObject({ kind: 'event' });
    const fields = (read as Extract<ReadMessage, { kind: 'event' }>).event.fields;
    expect({ ...fields }).toEqual({ event: 'X', tostring: 'b', hasownproperty: 'c' });
    expect(Object.getPrototypeOf(fields)).toBeNull();
  });

  test('refuses a banner that is not Asterisk\'s, and reads nothing after it', () => {
    expect(read(['SSH-2.0-OpenSSH_9.6\r\nEvent: X\r\n\r\n'])).toEqual([
      { failed: 'no AMI banner', kind: 'protocol', message: 'the server did not greet as Asterisk Call Manager' },
    ]);
    expect(read(['\r\n' + BANNER])).toEqual([expect.objectContaining({ failed: 'no AMI banner' })]);
    expect(read(['Asterisk Call Manager/5.0.1'.padEnd(300, '1')])).toEqual([expect.objectContaining({ failed: 'no AMI banner' })]);
  });

  test('a line over the bound fails, terminated or not, counting UTF-8 bytes', () => {
    const tooLong = { failed: 'line too long', kind: 'protocol', message: 'a line from the server exceeds 1024 bytes' };
    expect(messages(`Event: X\r\nData: ${'x'.repeat(1018)}\r\n\r\n`)).toEqual([event({ event: 'X', data: 'x'.repeat(1018) })]);
    expect(messages(`Event: X\r\nData: ${'x'.repeat(1019)}\r\n\r\n`)).toEqual([tooLong]);
    // 400 characters, 1200 bytes: the bound is in bytes.
    expect(messages(`Event: X\r\nData: ${'☎'.repeat(400)}\r\n\r\n`)).toEqual([tooLong]);
    // Never terminated, arriving in small pieces: refused as soon as the bound is passed, not at the line end.
    const pieces = [BANNER, 'Event: X\r\nData: ', ...Array.from({ length: 200 }, () => 'x'.repeat(10))];
    const out = read(pieces);
    expect(out).toEqual([{ banner: '5.0.1' }, tooLong]);
    // A CR cut off from its LF is the line end, not one byte too many.
    expect(read([BANNER, `Event: X\r\nData: ${'x'.repeat(1018)}\r`, '\n\r\n'])).toEqual([{ banner: '5.0.1' }, event({ event: 'X', data: 'x'.repeat(1018) })]);
  });

  test('a message with too many lines fails, Follows output included', () => {
    const limits = { ...LIMITS, maxMessageLines: 128 };
    const lines = (n: number): string => Array.from({ length: n }, (_, i) => `Key${i}: v\r\n`).join('');
    expect(messages(`Event: X\r\n${lines(127)}\r\n`, limits)).toEqual([expect.objectContaining({ kind: 'event' })]);
    const tooMany = { failed: 'message too long', kind: 'protocol', message: 'a message from the server has more than 128 lines' };
    expect(messages(`Event: X\r\n${lines(128)}\r\nEvent: Y\r\n\r\n`, limits)).toEqual([tooMany]);
    const output = Array.from({ length: 200 }, (_, i) => `output line ${i}\n`).join('');
    expect(messages(`Response: Follows\r\nActionID: 1\r\n${output}--END COMMAND--\r\n\r\n`, limits)).toEqual([tooMany]);
  });
});
