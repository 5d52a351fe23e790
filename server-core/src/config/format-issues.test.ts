import { z } from 'zod';
import { describeIssues, formatIssues } from './format-issues';

const schema = z.object({ servers: z.array(z.object({ host: z.string().min(1), password: z.string().min(8) }).strict()), label: z.string() }).strict();

function issuesOf(raw: unknown) {
  const parsed = schema.safeParse(raw);
  if (parsed.success) throw new Error('expected a failure');
  return parsed.error.issues;
}

describe('describeIssues', () => {
  test('names each problem by its key path as written in a file, with what was found', () => {
    const raw = { servers: [{ host: '', password: 'long enough', colour: 'red' }], label: 5 };
    expect(describeIssues(issuesOf(raw), schema, raw)).toEqual([
      { path: ['servers', 0, 'host'], field: 'servers[0].host', message: 'String must contain at least 1 character(s), got ""' },
      { path: ['servers', 0, 'colour'], field: 'servers[0].colour', message: 'unknown key (known keys here: host, password)' },
      { path: ['label'], field: 'label', message: 'expected string, got 5' },
    ]);
  });

  test('never quotes the value of a secret', () => {
    const raw = { servers: [{ host: 'db.internal', password: 'hunter2' }], label: 'x' };
    const [issue] = describeIssues(issuesOf(raw), schema, raw, ['plugins', 0, 'config']);
    expect(issue).toEqual({ path: ['plugins', 0, 'config', 'servers', 0, 'password'], field: 'plugins[0].config.servers[0].password', message: 'String must contain at least 8 character(s)' });
    expect(formatIssues(issuesOf(raw), schema, raw, new Map()).join('\n')).not.toContain('hunter2');
  });
});
