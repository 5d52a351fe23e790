import { EventEmitter } from 'eventemitter3';
import type { z } from 'zod';
import { describeIssues } from '../config';
import { PluginError, type ConfigIssue } from './plugin-errors';
import type { PluginConfig } from './types';

/** Validates a plugin's config; the error lists every bad field by its dotted path. */
export function validatePluginConfig<C>(pluginName: string, schema: z.ZodType<C, z.ZodTypeDef, unknown>, raw: unknown): C {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues: ConfigIssue[] = describeIssues(parsed.error.issues, schema, raw ?? {}).map(({ field, message }) => ({ field, message }));
  const summary = issues.map((issue) => `${issue.field || '(config)'}: ${issue.message}`).join('; ');
  throw new PluginError('invalid-config', `invalid config for plugin ${pluginName}: ${summary}`, issues);
}

/** The config a running plugin reads; replaced in place on live reconfiguration. */
export class PluginConfigHandle<C> implements PluginConfig<C> {
  private readonly emitter = new EventEmitter<{ change: (next: C, previous: C) => void }>();

  constructor(private current: C) {}

  get value(): C {
    return this.current;
  }

  on(event: 'change', listener: (next: C, previous: C) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  replace(next: C): void {
    const previous = this.current;
    this.current = next;
    this.emitter.emit('change', next, previous);
  }

  dispose(): void {
    this.emitter.removeAllListeners();
  }
}
