import { captureLogs } from '../../../test/support/log-capture';
import { Scope } from './scope';

describe('Scope', () => {
  test('undoes newest first; an undo that throws or rejects is logged and the rest still run', async () => {
    const { lines, logger } = captureLogs();
    const scope = new Scope('module probe', logger);
    const order: string[] = [];
    scope.own(() => order.push('first'));
    scope.own(() => {
      order.push('throws');
      throw new Error('undo bug');
    });
    scope.own(async () => {
      order.push('rejects');
      throw new Error('async undo bug');
    });
    scope.own(() => order.push('last'));
    await scope.dispose();
    expect(order).toEqual(['last', 'rejects', 'throws', 'first']);
    expect(lines.filter((line) => line.msg === 'module probe: undoing a registration failed')).toHaveLength(2);
  });

  test('an undo run early runs once and is forgotten; a disposed scope refuses registrations and undoes them at once', async () => {
    const { logger } = captureLogs();
    const scope = new Scope('module probe', logger);
    let runs = 0;
    const early = scope.own(() => void runs++);
    early();
    early();
    expect(scope.size).toBe(0);
    await scope.dispose();
    expect(runs).toBe(1);
    let late = 0;
    expect(() => scope.own(() => void late++)).toThrow('module probe is stopped; it can no longer register anything');
    expect(late).toBe(1);
  });
});
