/** What other modules reuse of the message archive: the store, ids, query parsing and answering. */
export { ArchiveStore, archiveTable } from './archive-store';
export type { ArchiveRow, ArchiveTable } from './archive-store';
export { ArchiveIds } from './archive-id';
export { parseQuery, queryForm } from './archive-query';
export type { PageLimits } from './archive-query';
export { answerQuery } from './archive-iq';
