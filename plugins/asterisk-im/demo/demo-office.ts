/**
 * Who is in the demo office: chat users, their phones, and the roster that lets each of them
 * see the others' presence. The phones are the AMI simulator's demo endpoints.
 */
import type { Stores } from '@asterisk-im/server-core/testing';

export interface DemoUser {
  username: string;
  password: string;
  name: string;
  extension: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'alice', password: 'alice-demo', name: 'Alice', extension: '1001' },
  { username: 'bob', password: 'bob-demo', name: 'Bob', extension: '1002' },
  { username: 'carol', password: 'carol-demo', name: 'Carol', extension: '1003' },
  { username: 'dave', password: 'dave-demo', name: 'Dave', extension: '1004' },
];

/** The plugin config: the simulator as the Asterisk server, one phone per user. */
export function demoPluginConfig(domain: string, ami: { host: string; port: number; username: string; secret: string }): Record<string, unknown> {
  return {
    servers: [{ name: 'demo-pbx', ...ami }],
    devices: DEMO_USERS.map((u) => ({
      device: `PJSIP/${u.extension}`,
      user: `${u.username}@${domain}`,
      server: 'demo-pbx',
      extension: u.extension,
      callerId: `"${u.name}" <${u.extension}>`,
      primary: true,
    })),
    settings: { queuePresence: true },
  };
}

/** Creates the accounts (kept across runs) and makes everyone a mutual contact of everyone. */
export async function seedOffice(stores: Stores, domain: string): Promise<void> {
  for (const user of DEMO_USERS) {
    if (!(await stores.accounts.exists(user.username))) await stores.accounts.create(user.username, user.password);
  }
  for (const owner of DEMO_USERS) {
    for (const contact of DEMO_USERS) {
      if (contact === owner) continue;
      await stores.rosters.put(owner.username, {
        jid: `${contact.username}@${domain}`,
        name: contact.name,
        subscription: 'both',
        askOut: false,
        pendingIn: false,
        pendingInStanza: null,
        preApproved: false,
        groups: ['Demo office'],
      });
    }
  }
}
