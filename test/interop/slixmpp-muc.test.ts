/**
 * Multi-user chat as slixmpp's xep_0045 plugin (an independent client library) uses it: create
 * and configure a room, join, nickname conflict, messages, subject, self-ping, kick, ban, the
 * outcast list and destroying the room. The script prints what each step saw.
 */
import { startTestServer, type TestServer } from '../support/server-harness';
import { runSlixmppScript } from './run-slixmpp';

describe('multi-user chat with slixmpp', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['alice', 'bob', 'carol']) await server.createUser(user, `${user}-pw`);
  });
  afterAll(() => server.stop());

  it('creates, configures, talks in, moderates and destroys a room', async () => {
    const seen = await runSlixmppScript('slixmpp_muc.py', server.c2sPort, server.domain);
    const room = 'lobby@conference.localhost';
    expect(seen).toEqual({
      created_codes: [110, 201],
      config_fields: expect.arrayContaining(['muc#roomconfig_roomname', 'muc#roomconfig_persistentroom', 'muc#roomconfig_membersonly', 'muc#roomconfig_moderatedroom']),
      room_features: ['muc_open', 'muc_persistent', 'muc_public', 'muc_semianonymous', 'muc_unmoderated', 'muc_unsecured'],
      conflict: 'conflict',
      // slixmpp counts its own self-presence among the occupants.
      carol_saw_occupants: [`${room}/Alice`, `${room}/Bob`, `${room}/Carol`],
      bob_messages: [{ from: `${room}/Alice`, body: 'hello room' }],
      carol_subject: [{ from: `${room}/Alice`, subject: 'Welcome' }],
      self_ping_joined: null,
      self_ping_elsewhere: 'not-acceptable',
      kicked_self: [[110, 307]],
      kicked_seen_by_bob: [[307]],
      banned_self: [[110, 301]],
      banned_rejoin: 'forbidden',
      outcasts: ['bob@localhost'],
      destroyed: 1,
      rooms_after: [],
    });
  }, 90000);
});
