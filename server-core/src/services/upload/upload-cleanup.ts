import type { Logger } from '../../log';
import type { FileStorage } from './file-storage';
import type { UploadStore } from './upload-store';

const BATCH = 200;

/**
 * Removes expired files and slots never used: the bytes first, then the row, so a crash in
 * between leaves a row the next run removes again rather than bytes nobody knows of.
 */
export async function removeExpired(store: UploadStore, storage: FileStorage, logger: Logger, now = Date.now()): Promise<number> {
  let removed = 0;
  for (;;) {
    const ids = await store.expired(now, BATCH);
    for (const id of ids) {
      await storage.remove(id);
      await store.remove(id);
    }
    removed += ids.length;
    if (ids.length < BATCH) break;
  }
  if (removed > 0) logger.info({ removed }, 'expired uploads removed');
  return removed;
}
