// SPDX-License-Identifier: Apache-2.0
// WGSL of costVolume (TAPTR CorrBlock lookup, taptr-spec section 7): bilinear sampling with
// align-corners pixel coordinates and border padding. One dispatch per level (and, for the 'full'
// method, per batch item and chunk of points).

/** Byte size of the cost-volume uniform block (16 x 4 bytes). @internal */
export const COST_VOLUME_PARAMS_BYTES = 64;

const PARAMS = /* wgsl */ `
struct Params {
  batch: u32, points: u32, channels: u32, h: u32,
  w: u32, k: u32, radius: u32, level_offset: u32,
  out_stride: u32, total: u32, b_index: u32, n_start: u32,
  inv_div: f32, scale: f32, pad0: u32, pad1: u32,
}
`;

const AXIS = /* wgsl */ `
// Border-clamped align-corners axis: lower index, upper index (clamped), upper weight.
fn axis(c: f32, size: u32) -> vec3<f32> {
  let x = clamp(c, 0.0, f32(size) - 1.0);
  let x0 = floor(x);
  return vec3<f32>(x0, min(x0 + 1.0, f32(size) - 1.0), x - x0);
}
`;

/** 'taps': sample the level's features at the taps, then dot with the query. One invocation per (b, n, tap). @internal */
export const COST_VOLUME_TAPS_WGSL = /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> feats: array<f32>;
@group(0) @binding(1) var<storage, read> queries: array<f32>;
@group(0) @binding(2) var<storage, read> centers: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
${AXIS}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let kk = p.k * p.k;
  let tap = i % kk;
  let bn = i / kk;
  let b = bn / p.points;
  let r = f32(p.radius);
  let ax = axis(centers[bn * 2u] * p.inv_div + f32(tap / p.k) - r, p.w);
  let ay = axis(centers[bn * 2u + 1u] * p.inv_div + f32(tap % p.k) - r, p.h);
  let x0 = u32(ax.x);
  let x1 = u32(ax.y);
  let y0 = u32(ay.x) * p.w;
  let y1 = u32(ay.y) * p.w;
  let hw = p.h * p.w;
  var acc = 0.0;
  for (var c = 0u; c < p.channels; c++) {
    let base = (b * p.channels + c) * hw;
    let top = mix(feats[base + y0 + x0], feats[base + y0 + x1], ax.z);
    let bottom = mix(feats[base + y1 + x0], feats[base + y1 + x1], ax.z);
    acc += queries[bn * p.channels + c] * mix(top, bottom, ay.z);
  }
  output[bn * p.out_stride + p.level_offset + tap] = acc * p.scale;
}
`;

/** 'full', pass 1: correlation map of points [n_start, n_start + count) of batch item b_index. @internal */
export const COST_VOLUME_CORR_WGSL = /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> feats: array<f32>;
@group(0) @binding(1) var<storage, read> queries: array<f32>;
@group(0) @binding(2) var<storage, read_write> corr: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let hw = p.h * p.w;
  let pix = i % hw;
  let n = p.n_start + i / hw;
  let q = (p.b_index * p.points + n) * p.channels;
  var acc = 0.0;
  for (var c = 0u; c < p.channels; c++) {
    acc += queries[q + c] * feats[(p.b_index * p.channels + c) * hw + pix];
  }
  corr[i] = acc * p.scale;
}
`;

/** 'full', pass 2: bilinear sampling of the correlation maps at the taps. One invocation per (n, tap). @internal */
export const COST_VOLUME_SAMPLE_WGSL = /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> corr: array<f32>;
@group(0) @binding(1) var<storage, read> centers: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${AXIS}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let kk = p.k * p.k;
  let tap = i % kk;
  let local = i / kk;
  let bn = p.b_index * p.points + p.n_start + local;
  let r = f32(p.radius);
  let ax = axis(centers[bn * 2u] * p.inv_div + f32(tap / p.k) - r, p.w);
  let ay = axis(centers[bn * 2u + 1u] * p.inv_div + f32(tap % p.k) - r, p.h);
  let base = local * p.h * p.w;
  let y0 = base + u32(ay.x) * p.w;
  let y1 = base + u32(ay.y) * p.w;
  let top = mix(corr[y0 + u32(ax.x)], corr[y0 + u32(ax.y)], ax.z);
  let bottom = mix(corr[y1 + u32(ax.x)], corr[y1 + u32(ax.y)], ax.z);
  output[bn * p.out_stride + p.level_offset + tap] = mix(top, bottom, ay.z);
}
`;

/**
 * 'window', pass 1: correlation at the (k+1)^2 pixels the taps of point (b, n) read, window origin =
 * the lower pixel of the first tap on each axis (pixels past the map edge are clamped; never read).
 * One invocation per (b, n, window pixel). @internal
 */
export const COST_VOLUME_WINDOW_CORR_WGSL = /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> feats: array<f32>;
@group(0) @binding(1) var<storage, read> queries: array<f32>;
@group(0) @binding(2) var<storage, read> centers: array<f32>;
@group(0) @binding(3) var<storage, read_write> corr: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
${AXIS}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let win = p.k + 1u;
  let j = i % (win * win);
  let bn = i / (win * win);
  let b = bn / p.points;
  let r = f32(p.radius);
  let x = min(u32(axis(centers[bn * 2u] * p.inv_div - r, p.w).x) + j % win, p.w - 1u);
  let y = min(u32(axis(centers[bn * 2u + 1u] * p.inv_div - r, p.h).x) + j / win, p.h - 1u);
  let hw = p.h * p.w;
  let pix = y * p.w + x;
  var acc = 0.0;
  for (var c = 0u; c < p.channels; c++) {
    acc += queries[bn * p.channels + c] * feats[(b * p.channels + c) * hw + pix];
  }
  corr[i] = acc * p.scale;
}
`;

/** 'window', pass 2: bilinear sampling of the window correlations at the taps. One invocation per (b, n, tap). @internal */
export const COST_VOLUME_WINDOW_SAMPLE_WGSL = /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> corr: array<f32>;
@group(0) @binding(1) var<storage, read> centers: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${AXIS}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let kk = p.k * p.k;
  let win = p.k + 1u;
  let tap = i % kk;
  let bn = i / kk;
  let r = f32(p.radius);
  let cx = centers[bn * 2u] * p.inv_div;
  let cy = centers[bn * 2u + 1u] * p.inv_div;
  let ox = axis(cx - r, p.w).x;
  let oy = axis(cy - r, p.h).x;
  let ax = axis(cx + f32(tap / p.k) - r, p.w) - vec3<f32>(ox, ox, 0.0);
  let ay = axis(cy + f32(tap % p.k) - r, p.h) - vec3<f32>(oy, oy, 0.0);
  let base = bn * win * win;
  let y0 = base + u32(ay.x) * win;
  let y1 = base + u32(ay.y) * win;
  let top = mix(corr[y0 + u32(ax.x)], corr[y0 + u32(ax.y)], ax.z);
  let bottom = mix(corr[y1 + u32(ax.x)], corr[y1 + u32(ax.y)], ax.z);
  output[bn * p.out_stride + p.level_offset + tap] = mix(top, bottom, ay.z);
}
`;
