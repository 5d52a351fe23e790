import { Element } from 'ltx';
import { StreamFeatures, type StreamFeature } from './stream-features';

const advertised = (name: string, offeredIn: 'pre-auth' | 'post-auth'): StreamFeature => ({ name, offeredIn, advertise: () => new Element(name) });

describe('StreamFeatures', () => {
  test('advertises in registration order, per phase, and leaves out what a feature does not offer now', () => {
    const features = new StreamFeatures();
    features.add(advertised('a', 'pre-auth'));
    features.add({ name: 'quiet', offeredIn: 'pre-auth', advertise: () => undefined });
    features.add(advertised('b', 'post-auth'));
    const remove = features.add(advertised('c', 'pre-auth'));
    const stream = {} as never;
    expect(features.advertised('pre-auth', stream).map((el) => el.name)).toEqual(['a', 'c']);
    expect(features.advertised('post-auth', stream).map((el) => el.name)).toEqual(['b']);
    remove();
    expect(features.advertised('pre-auth', stream).map((el) => el.name)).toEqual(['a']);
  });

  test('the first feature of a phase that handles an element answers it', () => {
    const features = new StreamFeatures();
    const first: StreamFeature = { name: 'first', handledIn: 'bound', handles: (el) => el.name === 'x', handle: () => undefined };
    features.add(first);
    features.add({ name: 'second', handledIn: 'bound', handles: () => true, handle: () => undefined });
    expect(features.handlerOf('bound', new Element('x'))).toBe(first);
    expect(features.handlerOf('bound', new Element('y'))?.name).toBe('second');
    expect(features.handlerOf('pre-auth', new Element('x'))).toBeUndefined();
  });

  test('refuses a second feature of the same name and incomplete features', () => {
    const features = new StreamFeatures();
    features.add(advertised('bind', 'post-auth'));
    expect(() => features.add(advertised('bind', 'post-auth'))).toThrow('a stream feature named bind exists already');
    expect(() => features.add({ name: 'half', handledIn: 'bound' })).toThrow('handledIn needs handles and handle');
    expect(() => features.add({ name: 'mute', offeredIn: 'pre-auth' })).toThrow('offeredIn needs advertise');
  });
});
