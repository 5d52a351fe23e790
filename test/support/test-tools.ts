/**
 * The programs some tests drive, in one place so `npm test` checks for exactly these before it
 * runs anything. Each path may be overridden for a machine that keeps them elsewhere.
 */
import path from 'node:path';

/** Headless Chromium for the console tests (Debian's `chromium`). */
export const CHROMIUM = process.env.TEST_CHROMIUM || '/usr/bin/chromium';
/** A Python with slixmpp for the second-client tests (Debian's `python3-slixmpp`). */
export const PYTHON_WITH_SLIXMPP = process.env.TEST_PYTHON || '/usr/bin/python3';
/**
 * Debian's Prosody for the federation tests. They start private instances with their own config
 * in a temporary folder, on free ports; an installed Prosody system service is never used.
 */
export const PROSODY = process.env.TEST_PROSODY || '/usr/bin/prosody';
/**
 * Where the console tests save their screenshots: a git-ignored build folder, so a test run
 * never rewrites tracked files. `npm run docs:images` points it at docs/images instead.
 */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../..', process.env.SCREENSHOT_DIR || '.tmp/screenshots');
