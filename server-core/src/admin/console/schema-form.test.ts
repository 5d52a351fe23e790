import { z } from 'zod';
import { describeSchema } from './schema-form';
import { counter, histogram } from '../../metrics';

describe('plugin config form from a zod schema', () => {
  test('scalars become inputs, nested objects dotted names, secrets password fields, the rest JSON', () => {
    const schema = z
      .object({
        text: z.string().min(1),
        subject: z.string().default('Hello'),
        retries: z.number().int().optional(),
        enabled: z.boolean(),
        mode: z.enum(['fast', 'safe']),
        link: z.object({ host: z.string(), secret: z.string() }).strict(),
        servers: z.array(z.object({ name: z.string() })).default([]),
      })
      .strict()
      .refine(() => true);
    expect(describeSchema(schema)).toEqual([
      { name: 'text', type: 'string', optional: false, secret: false, description: null },
      { name: 'subject', type: 'string', optional: true, secret: false, description: null },
      { name: 'retries', type: 'number', optional: true, secret: false, description: null },
      { name: 'enabled', type: 'boolean', optional: false, secret: false, description: null },
      { name: 'mode', type: 'enum', optional: false, secret: false, description: null, options: ['fast', 'safe'] },
      { name: 'link.host', type: 'string', optional: false, secret: false, description: null },
      { name: 'link.secret', type: 'string', optional: false, secret: true, description: null },
      { name: 'servers', type: 'json', optional: true, secret: false, description: null },
    ]);
  });

  test('a schema that is not an object, or none at all, is one JSON field for the whole config', () => {
    expect(describeSchema(z.union([z.string(), z.number()]))).toEqual([{ name: '', type: 'json', optional: false, secret: false, description: null }]);
    expect(describeSchema(undefined)).toEqual([{ name: '', type: 'json', optional: true, secret: false, description: null }]);
  });
});

describe('metrics registry helpers', () => {
  test('asking twice for a metric returns the same one; the same name as another type is refused', () => {
    const first = counter({ name: 'aim_test_things_total', help: 'things', labelNames: ['kind'] as const });
    expect(counter({ name: 'aim_test_things_total', help: 'things', labelNames: ['kind'] as const })).toBe(first);
    expect(() => histogram({ name: 'aim_test_things_total', help: 'things' })).toThrow(/already registered as a Counter/);
    expect(() => counter({ name: 'bad name', help: 'x' })).toThrow(/not a valid Prometheus name/);
  });
});
