// SPDX-License-Identifier: Apache-2.0
// Test helpers (node only): a private redis-server per test file.
export { redisUnavailableReason, startTestRedis } from './redis-server.js';
export type { TestRedis } from './redis-server.js';
export { evalJob, trackJob } from './sample-jobs.js';
