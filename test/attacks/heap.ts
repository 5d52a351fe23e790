/**
 * The heap of this process (the test server runs in it) after a full collection, so that an
 * attack's memory cost can be compared with what it sent. The collector is reached through V8's
 * own switch when the process was not started with --expose-gc.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type Collect = () => void;

function collector(): Collect {
  const existing = (globalThis as { gc?: Collect }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as Collect;
}

const collect = collector();

/** Heap in use, in bytes, after collecting garbage twice (the second pass takes what finalisers freed). */
export async function settledHeap(): Promise<number> {
  collect();
  await new Promise((resolve) => setImmediate(resolve));
  collect();
  return process.memoryUsage().heapUsed;
}

export const MiB = 1024 * 1024;
