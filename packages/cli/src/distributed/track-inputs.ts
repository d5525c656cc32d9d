// SPDX-License-Identifier: Apache-2.0
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { TaptrError } from '@taptr/tensor';
import { naturalCompare } from '@taptr/video';

/** Video file extensions `taptr track --queue` picks from a folder (plus `.npy` arrays). */
const QUEUE_VIDEO_EXTENSIONS: readonly string[] = ['.mp4', '.mov', '.mkv', '.webm', '.avi', '.m4v', '.npy'];

/**
 * The videos of `DIR_OR_GLOB`, absolute, in natural name order:
 * - a folder: its video files (by extension, {@link QUEUE_VIDEO_EXTENSIONS}) and its sub-folders
 *   holding PNG or JPEG frames; a folder holding only frames is itself one video;
 * - a pattern whose last part has `*`, `?` or `[...]` (quote it so the shell leaves it alone), e.g.
 *   `'clips/*.mp4'`: the matching files and PNG folders of that folder;
 * - anything else: that one video.
 * @throws TaptrError `TAPTR_IO` when nothing can be read there or nothing matches.
 */
export async function listTrackInputs(input: string): Promise<string[]> {
  const path = resolve(input);
  const name = basename(path);
  const exists = (await stat(path).catch(() => undefined)) !== undefined;
  if (!exists && /[*?[]/.test(dirname(path))) throw new TaptrError('TAPTR_INVALID_ARGUMENT', `${input}: only the last part of a pattern may hold * ? [ ]`);
  if (!exists && /[*?[]/.test(name)) {
    const folder = dirname(path);
    const pattern = globRegExp(name);
    const matches: string[] = [];
    for (const entry of await list(folder, input)) {
      if (!pattern.test(entry)) continue;
      const full = join(folder, entry);
      if (await isVideo(full)) matches.push(full);
    }
    if (matches.length === 0) throw new TaptrError('TAPTR_IO', `${input}: no video matches`);
    return matches.sort(naturalCompare);
  }
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `${input}: no such file or folder`, { cause: error });
  }
  if (!info.isDirectory()) return [path];
  const entries = await list(path, input);
  const videos: string[] = [];
  for (const entry of entries) {
    const full = join(path, entry);
    if (await isVideo(full)) videos.push(full);
  }
  if (videos.length === 0) {
    if (entries.some(isFrameFile)) return [path];
    throw new TaptrError('TAPTR_IO', `${input}: no videos (${QUEUE_VIDEO_EXTENSIONS.join(', ')}, or folders of PNG/JPEG frames)`);
  }
  return videos.sort(naturalCompare);
}

async function list(folder: string, input: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((e) => !e.startsWith('.'));
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `${input}: cannot list ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
}

async function isVideo(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return false;
  if (info.isDirectory()) return (await readdir(path).catch(() => [] as string[])).some(isFrameFile);
  return info.isFile() && QUEUE_VIDEO_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** A PNG or JPEG frame of a frame folder. */
function isFrameFile(name: string): boolean {
  return /\.(png|jpe?g)$/i.test(name);
}

function globRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
