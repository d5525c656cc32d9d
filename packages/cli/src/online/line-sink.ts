// SPDX-License-Identifier: Apache-2.0
import { closeSync, openSync, writeSync } from 'node:fs';
import { TaptrError } from '@taptr/tensor';
import type { TextOut } from '../cli-io.js';

/** Where `taptr track --online` writes its lines, each as soon as it is known. */
export interface LineSink {
  write(line: string): Promise<void>;
  close(): void;
}

/**
 * Lines to a file, each written through to it at once (`tail -f` sees it); the file is created or
 * emptied first.
 * @throws TaptrError `TAPTR_IO` when the file cannot be opened or written.
 */
export function fileLineSink(path: string): LineSink {
  const io = (error: unknown): TaptrError =>
    new TaptrError('TAPTR_IO', `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw io(error);
  }
  return {
    async write(line) {
      try {
        writeSync(fd, line);
      } catch (error) {
        throw io(error);
      }
    },
    close: () => closeSync(fd),
  };
}

/**
 * Lines to a text stream (stdout): when it is a Node stream whose buffer is full, `write` waits for
 * it to drain, so a slow reader holds the run back instead of lines piling up in memory.
 */
export function streamLineSink(out: TextOut): LineSink {
  const stream = out as TextOut & Partial<Pick<NodeJS.WritableStream, 'once'>>;
  return {
    async write(line) {
      if (out.write(line) === false && typeof stream.once === 'function') await new Promise<void>((resolve) => stream.once!('drain', () => resolve()));
    },
    close: () => undefined,
  };
}
