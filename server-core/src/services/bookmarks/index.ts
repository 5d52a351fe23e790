/** XEP-0402 bookmarks compatibility with XEP-0048/XEP-0049 as a core module (see module.ts). */
export { default as bookmarksModule, BOOKMARKS_COMPAT } from './module';
export { BOOKMARKS_NODE, LEGACY_BOOKMARKS } from './bookmarks-conversion';
