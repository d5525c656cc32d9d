// SPDX-License-Identifier: Apache-2.0

/** `'a' | 'b'`: the allowed values of an attribute, for error messages. @internal */
export function listOf(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(' | ');
}
