// SPDX-License-Identifier: Apache-2.0
// Node-only helpers: byte sources over files.
export { fileSource } from './file-source.js';
