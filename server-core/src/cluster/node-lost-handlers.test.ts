import { captureLogs } from '../../../test/support/log-capture';
import { NodeLostHandlers } from './node-lost-handlers';

describe('NodeLostHandlers', () => {
  test('every handler runs once, in order; one that throws is logged with its owner and the others still run', async () => {
    const { lines, logger } = captureLogs();
    const handlers = new NodeLostHandlers(logger);
    const ran: string[] = [];
    handlers.add('first', () => void ran.push('first'));
    handlers.add('broken', () => {
      throw new Error('boom');
    });
    const removeLate = handlers.add('late', async () => void ran.push('late'));
    await handlers.run({ nodeId: 'b', resources: [], mayAct: () => true });
    expect(ran).toEqual(['first', 'late']);
    expect(lines).toEqual([expect.objectContaining({ owner: 'broken', lostNode: 'b', msg: 'a node-loss handler failed; the others still run' })]);
    removeLate();
    await handlers.run({ nodeId: 'c', resources: [], mayAct: () => true });
    expect(ran).toEqual(['first', 'late', 'first']);
  });

  test('stops calling handlers once this node may no longer act', async () => {
    const { logger } = captureLogs();
    const handlers = new NodeLostHandlers(logger);
    let senior = true;
    const ran: string[] = [];
    handlers.add('one', () => {
      ran.push('one');
      senior = false;
    });
    handlers.add('two', () => void ran.push('two'));
    await handlers.run({ nodeId: 'b', resources: [], mayAct: () => senior });
    expect(ran).toEqual(['one']);
  });
});
