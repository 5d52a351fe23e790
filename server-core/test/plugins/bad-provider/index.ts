/** Test plugin: gets providing a service wrong, in the way its config says. */
import { z } from 'zod';
import { definePlugin } from '@asterisk-im/server-core';

export default definePlugin({
  name: 'bad-provider',
  version: '1.0.0',
  configSchema: z.object({ mistake: z.enum(['never-provides', 'provides-taken', 'undeclared-use', 'undeclared-provide']) }).strict(),
  provides: ['blocking'],
  start(ctx) {
    const { mistake } = ctx.config.value;
    if (mistake === 'provides-taken') ctx.provide('blocking', { isBlocked: async () => true });
    if (mistake === 'undeclared-use') ctx.use('pep');
    if (mistake === 'undeclared-provide') ctx.provide('pep', undefined as never);
  },
});
