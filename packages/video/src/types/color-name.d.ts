// SPDX-License-Identifier: Apache-2.0
// color-name 1.x ships no types: the CSS colour names (lower case) and their RGB values.
declare module 'color-name' {
  const names: Readonly<Record<string, readonly [number, number, number]>>;
  export default names;
}
