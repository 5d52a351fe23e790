import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/**
 * Where uploaded bytes live. Keys are the server's own slot ids (hex), never user input. Local
 * disk is the one implementation today; an object store would implement the same four calls.
 */
export interface FileStorage {
  /** Writes the whole stream under `key`; nothing is visible under `key` unless it completes. */
  write(key: string, body: Readable): Promise<void>;
  /** The bytes stored under `key`, or undefined when there are none. */
  read(key: string): Promise<Readable | undefined>;
  remove(key: string): Promise<void>;
}

/** Files under one folder, two hex characters of fan-out: `<dir>/ab/abcdef...`. */
export class LocalDiskStorage implements FileStorage {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    if (!/^[0-9a-f]{16,64}$/.test(key)) throw new Error(`invalid storage key "${key}"`);
    return path.join(this.dir, key.slice(0, 2), key);
  }

  async write(key: string, body: Readable): Promise<void> {
    const target = this.file(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    // Written aside and renamed: a reader on any node sees the whole file or none. The partial
    // name is random, since nodes sharing the folder may have the same process id.
    const partial = `${target}.${crypto.randomBytes(6).toString('hex')}.part`;
    try {
      await pipeline(body, fs.createWriteStream(partial, { flags: 'wx', mode: 0o640 }));
      await fs.promises.rename(partial, target);
    } catch (err) {
      await fs.promises.rm(partial, { force: true });
      throw err;
    }
  }

  async read(key: string): Promise<Readable | undefined> {
    const file = this.file(key);
    try {
      const handle = await fs.promises.open(file, 'r');
      return handle.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.file(key), { force: true });
  }
}
