import { dependencyOrder } from './module-order';

describe('dependencyOrder', () => {
  test('puts providers before the modules that depend on them, required or optional, and keeps the given order otherwise', () => {
    const modules = [
      { name: 'pep', depends: ['caps'], optional: ['blocking'], provides: ['pep'] },
      { name: 'ping' },
      { name: 'caps', provides: ['caps'] },
      { name: 'blocking', provides: ['blocking'] },
    ];
    expect(dependencyOrder(modules).map((module) => module.name)).toEqual(['caps', 'blocking', 'pep', 'ping']);
  });

  test('an optional service whose provider needs the module itself comes after it', () => {
    const modules = [
      { name: 'presence', depends: ['roster'], provides: ['presence', 'subscriptions'] },
      { name: 'roster', optional: ['subscriptions'], provides: ['roster'] },
    ];
    expect(dependencyOrder(modules).map((module) => module.name)).toEqual(['roster', 'presence']);
    expect(dependencyOrder([...modules].reverse()).map((module) => module.name)).toEqual(['roster', 'presence']);
  });

  test('a dependency nobody provides is left for the start check; a cycle names its modules', () => {
    expect(dependencyOrder([{ name: 'lonely', depends: ['nothing'] }]).map((module) => module.name)).toEqual(['lonely']);
    expect(() =>
      dependencyOrder([
        { name: 'a', depends: ['b'], provides: ['a'] },
        { name: 'b', depends: ['a'], provides: ['b'] },
      ]),
    ).toThrow('modules depend on each other in a cycle: a -> b -> a');
  });
});
