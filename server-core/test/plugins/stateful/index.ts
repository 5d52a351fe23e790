/** Test plugin: its state comes from start, and its hooks record the state they were handed. */
import { z } from 'zod';
import { definePlugin } from '@asterisk-im/server-core';

export interface StatefulState {
  run: number;
  labels: string[];
}

/** Read by tests (one module instance per test file). */
export const probe = { starts: 0, reconfigured: [] as StatefulState[], stopped: [] as StatefulState[] };

export default definePlugin({
  name: 'stateful',
  version: '1.0.0',
  configSchema: z.object({ label: z.string().default('first') }).strict(),
  start(ctx): StatefulState {
    return { run: ++probe.starts, labels: [ctx.config.value.label] };
  },
  reconfigure(_ctx, next, _previous, state) {
    state.labels.push(next.label);
    probe.reconfigured.push(state);
  },
  stop(_ctx, state) {
    probe.stopped.push(state);
  },
});
