/**
 * A write to a cache created with `writtenBy: 'senior'` that the store refused: the node was not
 * senior when it wrote, or its lease had ended (another node may be senior) by the time the
 * write reached the store. Nothing was written; the writer must not retry it unless it is
 * senior again, and then with what it knows now.
 */
export class FencedWriteError extends Error {
  constructor(
    readonly cache: string,
    /** The token the write carried; null when the node was not senior at all. */
    readonly token: number | null,
  ) {
    super(token === null ? `cache '${cache}' is written by the senior only, and this node is not senior` : `cache '${cache}': write under lease token ${token} refused, that lease is over`);
    this.name = 'FencedWriteError';
  }
}
