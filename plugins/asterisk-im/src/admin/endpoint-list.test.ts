import { parseEndpointAnswer } from './endpoint-list';

describe("the senior's endpoint answer", () => {
  it('is taken as it is when it is one', () => {
    const listed = { ok: true, endpoints: [{ device: 'PJSIP/1001', name: '1001', state: 'Not in use', registered: true }] };
    const refused = { ok: false, status: 503, code: 'no-link', message: 'no connection to the Asterisk server pbx' };
    expect(parseEndpointAnswer(listed)).toEqual(listed);
    expect(parseEndpointAnswer(refused)).toEqual(refused);
  });

  it('is refused when it is something else', () => {
    for (const reply of [undefined, null, 'ok', { ok: true }, { ok: true, endpoints: [{ device: 'PJSIP/1001' }] }, { ok: false, status: '503' }]) {
      expect(parseEndpointAnswer(reply)).toBeUndefined();
    }
  });
});
