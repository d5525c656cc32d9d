// SPDX-License-Identifier: Apache-2.0
// Node only: distributed evaluation and batch tracking on BullMQ + Redis.
export { createDigestCache } from './file-digest.js';
export type { DigestCache } from './file-digest.js';
export { isRunName, JOB_BACKENDS, validateJobPayload } from './job-payload.js';
export type { EvalJob, EvalProtocol, FileRef, JobBackend, ModelRef, QueueJob, TrackJob, TrackQueries } from './job-payload.js';
export { parseJobResult } from './job-result.js';
export type { EvalJobResult, EvalOutcome, QueueJobResult, TrackJobResult, TrackOutcome } from './job-result.js';
export { createPathGuard } from './path-guard.js';
export type { PathGuard } from './path-guard.js';
export { parseQueueUrl } from './queue-url.js';
export type { QueueUrl } from './queue-url.js';
export { startQueueWorker } from './queue-worker.js';
export type { JobContext, JobProcessors, QueueWorker, QueueWorkerOptions, WorkerEvent } from './queue-worker.js';
export { DEFAULT_PREFIX } from './redis-client.js';
export { jobIdOf, resultKey } from './result-key.js';
export { openTaptrQueue } from './taptr-queue.js';
export type { OpenQueueOptions, RunJobState, RunJobView, RunView, SubmitOptions, SubmitSummary, TaptrQueue } from './taptr-queue.js';
export { waitForRun } from './wait-for-run.js';
export type { WaitForRunOptions } from './wait-for-run.js';
