// SPDX-License-Identifier: Apache-2.0
// WGSL of bilinearGather: bilinear samples of a token-major map [S, C] at pixel positions [P, 2].
// One invocation per output element of [P, C].

/** Byte size of the bilinearGather uniform block (12 x 4 bytes). @internal */
export const BILINEAR_GATHER_PARAMS_BYTES = 48;

/** @internal */
export const BILINEAR_GATHER_WGSL = /* wgsl */ `
struct Params {
  points: u32, channels: u32, h: u32, w: u32,
  start: u32, border: u32, total: u32, pad0: u32,
  sx: f32, sy: f32, pad1: u32, pad2: u32,
}
@group(0) @binding(0) var<storage, read> table: array<f32>;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn corner(x: f32, y: f32, weight: f32, c: u32) -> f32 {
  if (x < 0.0 || x >= f32(p.w) || y < 0.0 || y >= f32(p.h)) { return 0.0; }
  return weight * table[(p.start + u32(y) * p.w + u32(x)) * p.channels + c];
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let c = i % p.channels;
  let q = i / p.channels;
  var x = positions[q * 2u] * p.sx;
  var y = positions[q * 2u + 1u] * p.sy;
  if (p.border == 1u) {
    x = clamp(x, 0.0, f32(p.w) - 1.0);
    y = clamp(y, 0.0, f32(p.h) - 1.0);
  }
  let x0 = floor(x);
  let y0 = floor(y);
  let tx = x - x0;
  let ty = y - y0;
  var acc = corner(x0, y0, (1.0 - tx) * (1.0 - ty), c);
  acc += corner(x0 + 1.0, y0, tx * (1.0 - ty), c);
  acc += corner(x0, y0 + 1.0, (1.0 - tx) * ty, c);
  acc += corner(x0 + 1.0, y0 + 1.0, tx * ty, c);
  output[i] = acc;
}
`;
