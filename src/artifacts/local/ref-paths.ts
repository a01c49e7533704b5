import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { invalidArgument, OspreyError } from '../../core/errors.js';
import { errnoCode, fsError, lstatOrUndefined } from './fs-util.js';

/**
 * Maps normalized keys to ref files under `refs/`, with defence in depth beyond `normalizeKey`: the resolved path
 * must lie under refs/, and no existing part of it may be a symlink (which could lead outside the store).
 */
export class RefPaths {
  private readonly realDir: string;

  constructor(readonly dir: string) {
    this.realDir = realpathSync(dir);
  }

  /** The ref file of a normalized key. */
  async fileOf(key: string): Promise<string> {
    const path = resolve(this.dir, ...key.split('/'));
    if (!path.startsWith(this.dir + sep)) throw escaped(key);
    for (let p = path; p.startsWith(this.dir + sep); p = dirname(p)) {
      let real: string;
      try {
        real = await realpath(p);
      } catch (error) {
        if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) continue;
        throw fsError(error, 'resolving', p);
      }
      if (real !== join(this.realDir, relative(this.dir, p))) throw escaped(key);
      break;
    }
    return path;
  }

  /** CONFLICT when a parent of the key is a key, or the key is a folder of keys. */
  async assertWritable(key: string, file: string): Promise<void> {
    const segments = key.split('/');
    for (let i = 1; i < segments.length; i++) {
      const info = await lstatOrUndefined(join(this.dir, ...segments.slice(0, i)));
      if (!info) break;
      if (!info.isDirectory())
        throw conflict(`cannot store ${key}: ${segments.slice(0, i).join('/')} is an artifact, not a folder`, key);
    }
    if ((await lstatOrUndefined(file))?.isDirectory())
      throw conflict(`cannot store ${key}: it is a folder holding other artifacts`, key);
  }
}

function escaped(key: string): OspreyError {
  return invalidArgument(`artifact path ${JSON.stringify(key)} resolves outside the store`, { key });
}

function conflict(message: string, key: string): OspreyError {
  return new OspreyError('CONFLICT', message, { details: { key } });
}
