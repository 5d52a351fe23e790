/**
 * The admin console of a node that is not the senior, in a cluster of three real node
 * processes (Redis + PostgreSQL) running Asterisk-IM against one AMI simulator: the cluster
 * page shows every member, the real senior and the sessions each node holds; the Asterisk-IM
 * page shows the link held by the senior, and a call to a user whose session is on the third
 * node changes the live table without a reload.
 */
import type { Page } from 'playwright-core';
import { PhoneCluster } from '../asterisk-im/phone-cluster';
import { phoneEvent } from '../asterisk-im/phone-steps';
import type { ClusterNode } from '../support/cluster-harness';
import type { TestClient } from '../support/xmpp-client';
import { launchBrowser, screenshot, signIn, type ConsoleBrowser } from './console-world';
import { adminGet, adminUrlOf, CONSOLE_LISTENERS, createAdministrator } from './console-processes';

interface ClusterView {
  nodeId: string;
  senior: string | null;
  nodes: Array<{ nodeId: string; senior: boolean; routedSessions: number; localSessions: number | null }>;
}

let pc: PhoneCluster;
let browser: ConsoleBrowser;
let page: Page;
let senior: ClusterNode;
/** The node whose console is under test: not the senior. */
let consoleNode: ClusterNode;
/** Neither the senior nor the console node: alice's session lives here. */
let third: ClusterNode;
let alice: TestClient;
let consoleUrl: string;

beforeAll(async () => {
  pc = await PhoneCluster.start({ config: { listeners: CONSOLE_LISTENERS } });
  senior = await pc.waitForSenior();
  [consoleNode, third] = pc.juniors() as [ClusterNode, ClusterNode];
  consoleUrl = adminUrlOf(consoleNode);
  await createAdministrator(pc.cluster, 'root', 'root-password');
  // A different number of sessions on each node: 1 on the third node, 2 on the senior, 3 on the console node.
  alice = await pc.online(third, 'alice', 'desk');
  await pc.online(senior, 'bob', 'pc');
  await pc.online(senior, 'carol', 'pc');
  await pc.online(consoleNode, 'carol', 'laptop');
  await pc.online(consoleNode, 'dave', 'pc');
  await pc.online(consoleNode, 'dave', 'phone');
  browser = await launchBrowser();
  page = (await browser.newPage()).page;
  await signIn(page, consoleUrl, 'root', 'root-password');
  await page.waitForURL(`${consoleUrl}/cluster`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pc?.stop();
}, 30_000);

const row = (nodeId: string) => page.locator('#cluster-nodes tbody tr', { hasText: nodeId });

test('the cluster page of a non-senior node lists the three nodes, marks the senior every node agrees on, and counts sessions per node', async () => {
  // The nodes' own view: the seniority log lines and the API of the third node agree.
  const seen = await adminGet<ClusterView>(third, '/api/cluster');
  expect(seen.senior).toBe(senior.id);
  expect(seen.nodes.map((n) => n.nodeId)).toEqual(['a', 'b', 'c']);
  expect(consoleNode.id).not.toBe(senior.id);

  const expected = new Map([
    [third.id, 1],
    [senior.id, 2],
    [consoleNode.id, 3],
  ]);
  for (const [nodeId, sessions] of expected) {
    const cells = row(nodeId).locator('td');
    await cells.nth(2).filter({ hasText: new RegExp(`^${sessions}$`) }).waitFor();
    await cells.nth(3).filter({ hasText: new RegExp(`^${sessions}$`) }).waitFor();
    await expect(cells.nth(1).textContent()).resolves.toBe(nodeId === senior.id ? 'senior' : 'member');
  }
  await expect(page.locator('#cluster-nodes tbody tr').count()).resolves.toBe(3);
  await expect(row(consoleNode.id).locator('td').first().textContent()).resolves.toContain('this node');
  await expect(page.locator('#cluster-nodes .badge', { hasText: 'this node' }).count()).resolves.toBe(1);
  const health = await page.textContent('#cluster-health');
  expect(health).toContain('every member answered through Redis');
  expect(health).toContain(`Senior: ${senior.id} · members: 3`);
  await screenshot(page, 'console-cluster-three-nodes');
});

test('the Asterisk-IM page of a non-senior node shows the AMI link connected and held by the senior', async () => {
  await page.goto(`${consoleUrl}/asterisk-im`);
  await page.locator('#aim-content').waitFor();
  const server = page.locator('#aim-servers tbody tr', { hasText: 'pbx' });
  await server.locator('[data-link="connected"]').waitFor();
  await expect(server.locator('td').nth(4).textContent()).resolves.toBe(senior.id);
  // Only the senior holds an AMI session.
  expect(pc.sim.loggedInSessions('asteriskim')).toBe(1);
});

test('a call to a user whose session is on the third node shows in the live table of the non-senior console without a reload, then idle after hang-up', async () => {
  await page.goto(`${consoleUrl}/asterisk-im`);
  const device = (state: string) => page.locator('#aim-states [data-device="PJSIP/1001"]', { hasText: new RegExp(`^${state}$`) });
  // alice has two phones; this is the row of the one that rings.
  const user = (text: string) =>
    page.locator('#aim-states tbody tr', { has: page.locator('[data-device="PJSIP/1001"]') }).locator('[data-user="alice@localhost"]', { hasText: text });
  await device('idle').waitFor();
  await user('available').waitFor();
  await page.evaluate('window.samePage = "before the call"');
  let navigations = 0;
  page.on('framenavigated', () => navigations++);

  const call = await pc.sim.calls.dial('PJSIP/1004', '1001', { callerIdNum: '1004', callerIdName: 'Dora' });
  await device('ringing').waitFor();
  // The session on the third node is told too: the console shows what the cluster does.
  await alice.waitFor(phoneEvent('RING'), 5000, 'the RING event');
  await call.answer();
  await device('on-call').waitFor();
  await user('on the phone').waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await screenshot(page, 'console-asterisk-im-three-nodes');

  await call.hangup();
  await device('idle').waitFor();
  await user('available').waitFor();
  await expect(page.evaluate('window.samePage')).resolves.toBe('before the call');
  expect(navigations).toBe(0);
});
