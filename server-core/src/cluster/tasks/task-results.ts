import type { JsonValue, TaskResult } from '../types';
import { ClusterTaskError } from './task-error';
import type { TaskOutcome } from './task-registry';

export function toTaskResult(nodeId: string, outcome: TaskOutcome): TaskResult {
  return outcome.ok ? { nodeId, ok: true, value: outcome.value } : { nodeId, ok: false, error: `${outcome.kind}: ${outcome.error}` };
}

/** Single-node calls resolve with the value or reject with a ClusterTaskError. */
export function unwrapOutcome(task: string, nodeId: string, outcome: TaskOutcome): JsonValue | undefined {
  if (outcome.ok) return outcome.value;
  throw new ClusterTaskError(outcome.kind, task, nodeId, outcome.error);
}
