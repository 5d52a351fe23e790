import { captureLogs as capture } from '../../../test/support/log-capture';
import { AggregatedWarnings } from './aggregated-warnings';

test('the first warning of each kind is written at once, repeats as one line with the count at the end of the interval', () => {
  const { lines, logger } = capture();
  const warnings = new AggregatedWarnings(logger, { intervalMs: 3_600_000 });
  for (let i = 0; i < 10_000; i++) warnings.warn('bad-event', { n: i }, 'bad event');
  warnings.warn('bad-login', { user: 'x' }, 'bad login');
  expect(lines.map((l) => [l.msg, l.kind, l.n ?? l.user])).toEqual([
    ['bad event', 'bad-event', 0],
    ['bad login', 'bad-login', 'x'],
  ]);
  warnings.flush();
  expect(lines.slice(2)).toEqual([expect.objectContaining({ msg: 'bad event (repeated 9999 more times)', kind: 'bad-event', repeats: 9999, n: 9999 })]);
  // A new interval starts afresh.
  warnings.warn('bad-event', { n: -1 }, 'bad event');
  expect(lines).toHaveLength(4);
  warnings.dispose();
  expect(lines).toHaveLength(4);
});

test('kinds past the cap share the kind "other"', () => {
  const { lines, logger } = capture();
  const warnings = new AggregatedWarnings(logger, { intervalMs: 3_600_000, maxKinds: 3 });
  for (let i = 0; i < 1000; i++) warnings.warn(`kind-${i}`, {}, 'varied');
  expect(lines.map((l) => l.kind)).toEqual(['kind-0', 'kind-1', 'kind-2', 'other']);
  warnings.dispose();
  expect(lines[4]).toMatchObject({ kind: 'other', repeats: 996 });
});
