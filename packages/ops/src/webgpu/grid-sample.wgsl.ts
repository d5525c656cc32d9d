// SPDX-License-Identifier: Apache-2.0
// WGSL of gridSample (reference: PyTorch F.grid_sample 2-D; aten/src/ATen/native/GridSampler.h).
// One invocation per output element of [N, C, Ho, Wo]. WGSL round() rounds half to even, like nearbyint.

/** Byte size of the gridSample uniform block (12 u32). @internal */
export const GRID_SAMPLE_PARAMS_BYTES = 48;

/** @internal */
export const GRID_SAMPLE_WGSL = /* wgsl */ `
struct Params {
  n: u32, c: u32, h: u32, w: u32,
  ho: u32, wo: u32, mode: u32, padding: u32,
  align: u32, total: u32, pad0: u32, pad1: u32,
}
@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read> grid: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn clip_coord(x: f32, size: f32) -> f32 {
  return min(size - 1.0, max(x, 0.0));
}

fn reflect_coord(x: f32, lo: f32, span: f32) -> f32 {
  if (span <= 0.0) { return 0.0; }
  let d = abs(x - lo);
  let flips = floor(d / span);
  let extra = d - flips * span;
  if (flips - 2.0 * floor(flips * 0.5) == 0.0) { return extra + lo; }
  return span - extra + lo;
}

fn source(g: f32, size_u: u32) -> f32 {
  let size = f32(size_u);
  var x: f32;
  if (p.align == 1u) {
    x = (g + 1.0) * ((size - 1.0) * 0.5);
  } else {
    x = (g + 1.0) * (size * 0.5) - 0.5;
  }
  if (p.padding == 1u) {
    x = clip_coord(x, size);
  } else if (p.padding == 2u) {
    if (p.align == 1u) {
      x = reflect_coord(x, 0.0, size - 1.0);
    } else {
      x = reflect_coord(x, -0.5, size);
    }
    x = clip_coord(x, size);
  }
  return x;
}

fn corner(base: u32, x: f32, y: f32, weight: f32) -> f32 {
  if (x < 0.0 || x >= f32(p.w) || y < 0.0 || y >= f32(p.h)) { return 0.0; }
  return weight * input[base + u32(y) * p.w + u32(x)];
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let j = i % p.wo;
  let r1 = i / p.wo;
  let row = r1 % p.ho;
  let r2 = r1 / p.ho;
  let ch = r2 % p.c;
  let b = r2 / p.c;
  let gi = ((b * p.ho + row) * p.wo + j) * 2u;
  let x = source(grid[gi], p.w);
  let y = source(grid[gi + 1u], p.h);
  let base = (b * p.c + ch) * p.h * p.w;
  if (p.mode == 1u) {
    output[i] = corner(base, round(x), round(y), 1.0);
    return;
  }
  let x0 = floor(x);
  let y0 = floor(y);
  let tx = x - x0;
  let ty = y - y0;
  var acc = corner(base, x0, y0, (1.0 - tx) * (1.0 - ty));
  acc += corner(base, x0 + 1.0, y0, tx * (1.0 - ty));
  acc += corner(base, x0, y0 + 1.0, (1.0 - tx) * ty);
  acc += corner(base, x0 + 1.0, y0 + 1.0, tx * ty);
  output[i] = acc;
}
`;
