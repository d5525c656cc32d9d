// SPDX-License-Identifier: Apache-2.0
import type { EventEmitter } from 'node:events';
import { InterruptedError } from './usage-error.js';

/** Ctrl-C while a command runs: a signal to stop cleanly, until {@link Interrupt.dispose}. */
export interface Interrupt {
  /** Aborted (reason: an {@link InterruptedError}) at the first SIGINT. */
  readonly signal: AbortSignal;
  /** Restores the default SIGINT behaviour (the process ends at once). */
  dispose(): void;
}

/** What {@link watchInterrupt} listens on: `process` by default. */
export interface InterruptTarget extends Pick<EventEmitter, 'on' | 'off'> {
  exit(code: number): void;
}

/**
 * Turns the first SIGINT (Ctrl-C) into an aborted signal, so that the command can stop its work,
 * write what is final and exit 130; a second SIGINT exits 130 at once. Call `dispose` when the
 * command ends (while a listener is installed Node does not end the process on SIGINT by itself).
 */
export function watchInterrupt(target: InterruptTarget = process): Interrupt {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      target.exit(130);
      return;
    }
    controller.abort(new InterruptedError('interrupted'));
  };
  target.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => target.off('SIGINT', onSigint) };
}
