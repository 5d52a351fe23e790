/** The call log table on SQLite: first write wins, paging with equal start times, retention, notices claimed once. */
import { CallLogStore } from '../src/calllog';
import type { EndedCall } from '../src/calls';
import { openSqliteDatabase } from './sqlite-phone-store';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DAY = 86_400_000;
const call = (id: string, startedAt: number, extra: Partial<EndedCall> = {}): EndedCall => ({
  callID: id, user: 'alice@localhost', device: 'PJSIP/1001', direction: 'incoming', otherNum: '1004', startedAt, endedAt: startedAt + 10_000, ...extra,
});

test('the first write of a call wins; a second senior writing the same end adds nothing', async () => {
  const log = new CallLogStore((await openSqliteDatabase(cleanups)).db);
  expect(await log.record(call('1.1', 1000, { answeredAt: 3000 }), false)).toBe(true);
  expect(await log.record(call('1.1', 1000, { endedAt: 99_000 }), true)).toBe(false);
  const { calls } = await log.page('alice@localhost');
  expect(calls).toEqual([
    { id: '1.1', user: 'alice@localhost', device: 'PJSIP/1001', direction: 'incoming', number: '1004', name: null, startedAt: 1000, answeredAt: 3000, endedAt: 11_000, answered: true, durationSeconds: 8 },
  ]);
  expect(await log.pendingNotices('alice@localhost')).toEqual([]);
});

test('pages walk every call once, newest first, also through calls that started in the same millisecond', async () => {
  const log = new CallLogStore((await openSqliteDatabase(cleanups)).db);
  for (const [id, at] of [['a', 5000], ['b', 5000], ['c', 5000], ['d', 4000], ['e', 6000]] as const) await log.record(call(id, at), false);
  await log.record(call('bob-1', 7000, { user: 'bob@localhost' }), false);
  const seen: string[][] = [];
  let before: string | undefined;
  for (;;) {
    const page = await log.page('alice@localhost', { max: 2, before });
    seen.push(page.calls.map((c) => c.id));
    if (page.complete) break;
    before = page.calls.at(-1)!.id;
  }
  expect(seen).toEqual([['e', 'c'], ['b', 'a'], ['d']]);
  // Another user's call is no cursor for alice.
  await expect(log.page('alice@localhost', { before: 'bob-1' })).rejects.toThrow('no call bob-1 in the call log');
});

test('retention deletes calls that ended before the limit; notices are claimed once', async () => {
  const log = new CallLogStore((await openSqliteDatabase(cleanups)).db);
  const now = 400 * DAY;
  await log.record(call('old', now - 91 * DAY), true);
  await log.record(call('recent', now - 89 * DAY), true);
  expect(await log.prune(now - 90 * DAY)).toBe(1);
  expect((await log.page('alice@localhost')).calls.map((c) => c.id)).toEqual(['recent']);
  expect((await log.pendingNotices('alice@localhost')).map((c) => c.id)).toEqual(['recent']);
  expect(await Promise.all([log.claimNotice('recent'), log.claimNotice('recent')])).toEqual([true, false]);
  expect(await log.pendingNotices('alice@localhost')).toEqual([]);
});
