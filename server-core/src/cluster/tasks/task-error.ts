/** Why a task call did not produce a value; callers switch on `kind`. */
export type TaskErrorKind = 'timeout' | 'no-handler' | 'no-senior' | 'failed';

export class ClusterTaskError extends Error {
  constructor(
    readonly kind: TaskErrorKind,
    readonly task: string,
    readonly nodeId: string | null,
    detail?: string,
  ) {
    super(`task '${task}'${nodeId ? ` on ${nodeId}` : ''}: ${kind}${detail ? ` (${detail})` : ''}`);
    this.name = 'ClusterTaskError';
  }
}
