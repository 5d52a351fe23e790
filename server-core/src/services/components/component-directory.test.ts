import { InProcessCluster } from '../../cluster/in-process-cluster';
import { ComponentDirectory, claimsFirst, type ComponentRoute } from './component-directory';

describe('the component directory', () => {
  const cluster = new InProcessCluster({ nodeId: 'a' });
  let members = ['a', 'b'];
  const directory = new ComponentDirectory(cluster.createCache<ComponentRoute>('components-test'), 'a', () => members);
  beforeAll(() => cluster.start());
  afterAll(() => cluster.stop());

  it('routes only to entries of live nodes, this one always included', async () => {
    await directory.set('gw.example.com', { node: 'b', stream: 's1', since: 1 });
    await directory.set('own.example.com', { node: 'a', stream: 's2', since: 2 });
    expect(directory.get('gw.example.com')?.node).toBe('b');
    members = ['b'];
    expect(directory.get('own.example.com')?.node).toBe('a');
    members = ['a'];
    expect(directory.get('gw.example.com')).toBeUndefined();
    members = ['a', 'b'];
  });

  it('releases an entry only for the stream that holds it, and removes a node\'s entries', async () => {
    await directory.set('gw.example.com', { node: 'b', stream: 'newer', since: 5 });
    await directory.release('gw.example.com', 'older');
    expect(directory.get('gw.example.com')?.stream).toBe('newer');
    await directory.release('gw.example.com', 'newer');
    expect(directory.get('gw.example.com')).toBeUndefined();
    await directory.set('x.example.com', { node: 'b', stream: 's3', since: 6 });
    await directory.set('y.example.com', { node: 'b', stream: 's4', since: 7 });
    await directory.removeNode('b');
    expect([directory.get('x.example.com'), directory.get('y.example.com')]).toEqual([undefined, undefined]);
    expect(directory.get('own.example.com')?.node).toBe('a');
  });

  it('orders two claims by handshake time, then by stream id', () => {
    const early = { node: 'a', stream: 'zz', since: 100 };
    const late = { node: 'b', stream: 'aa', since: 200 };
    expect([claimsFirst(early, late), claimsFirst(late, early)]).toEqual([true, false]);
    const tie = { node: 'b', stream: 'aa', since: 100 };
    expect([claimsFirst(tie, early), claimsFirst(early, tie)]).toEqual([true, false]);
  });
});
