/**
 * The demo office's other people, online: each demo user but the one a person logs in as gets a
 * session of its own (over the loopback WebSocket listener) with plain available presence, so
 * the phone presence the plugin puts on them is visible to that person's client.
 */
import { client as createClient, xml } from '@xmpp/client';
import type { DemoUser } from './demo-office';

export interface SimulatedContacts {
  usernames: string[];
  stop(): Promise<void>;
}

export async function logInContacts(websocketUrl: string, domain: string, users: readonly DemoUser[]): Promise<SimulatedContacts> {
  const clients: Array<ReturnType<typeof createClient>> = [];
  try {
    for (const user of users) {
      const contact = createClient({ service: websocketUrl, domain, username: user.username, password: user.password, resource: 'demo' });
      contact.on('error', () => undefined);
      clients.push(contact);
      await contact.start();
      await contact.send(xml('presence', null, xml('status', null, 'At my desk (simulated by the demo)')));
    }
  } catch (error) {
    await Promise.all(clients.map((contact) => contact.stop().catch(() => undefined)));
    throw error;
  }
  return {
    usernames: users.map((user) => user.username),
    stop: async () => {
      await Promise.all(clients.map((contact) => contact.stop().catch(() => undefined)));
    },
  };
}
