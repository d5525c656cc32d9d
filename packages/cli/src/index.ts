// SPDX-License-Identifier: Apache-2.0
export { main } from './main.js';
export type { CliIo, TextOut } from './cli-io.js';
