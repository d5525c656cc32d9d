// SPDX-License-Identifier: Apache-2.0
// WGSL of costVolume (TAPTR CorrBlock lookup, taptr-spec section 7): token-major features [B, S, C],
// per-level queries with a bias [B, N, L, C+1], bilinear sampling with align-corners pixel coordinates
// and border padding. One dispatch pair per level (and, for 'volume', per batch item and chunk of points).

/** Byte size of the cost-volume uniform block (20 x 4 bytes). @internal */
export const COST_VOLUME_PARAMS_BYTES = 80;

const PARAMS = /* wgsl */ `
struct Params {
  batch: u32, points: u32, channels: u32, h: u32,
  w: u32, k: u32, radius: u32, level_offset: u32,
  out_stride: u32, total: u32, b_index: u32, n_start: u32,
  levels: u32, level: u32, tokens: u32, start: u32,
  inv_div: f32, scale: f32, sx: f32, sy: f32,
}
`;

const AXIS = /* wgsl */ `
// Border-clamped align-corners axis: lower index, upper index (clamped), upper weight.
fn axis(c: f32, size: u32) -> vec3<f32> {
  let x = clamp(c, 0.0, f32(size) - 1.0);
  let x0 = floor(x);
  return vec3<f32>(x0, min(x0 + 1.0, f32(size) - 1.0), x - x0);
}
// Centre of point bn in pixels of this level.
fn centre(bn: u32) -> vec2<f32> {
  return vec2<f32>(centers[bn * 2u] * p.sx, centers[bn * 2u + 1u] * p.sy) * p.inv_div;
}
`;

const CORRELATION = /* wgsl */ `
// (<q[:C], feats[b, start + pix]> + q[C]) * scale for point bn at pixel pix of this level.
fn correlation(bn: u32, pix: u32) -> f32 {
  let b = bn / p.points;
  let q = (bn * p.levels + p.level) * (p.channels + 1u);
  let row = (b * p.tokens + p.start + pix) * p.channels;
  var acc = queries[q + p.channels];
  for (var c = 0u; c < p.channels; c++) {
    acc += queries[q + c] * feats[row + c];
  }
  return acc * p.scale;
}
`;

/**
 * 'taps', pass 1: correlation at the (k+1)^2 pixels the taps of point (b, n) read, window origin =
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
${CORRELATION}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let win = p.k + 1u;
  let j = i % (win * win);
  let bn = i / (win * win);
  let r = f32(p.radius);
  let c = centre(bn);
  let x = min(u32(axis(c.x - r, p.w).x) + j % win, p.w - 1u);
  let y = min(u32(axis(c.y - r, p.h).x) + j / win, p.h - 1u);
  corr[i] = correlation(bn, y * p.w + x);
}
`;

/** 'taps', pass 2: bilinear sampling of the window correlations at the taps. One invocation per (b, n, tap). @internal */
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
  let c = centre(bn);
  let ox = axis(c.x - r, p.w).x;
  let oy = axis(c.y - r, p.h).x;
  let ax = axis(c.x + f32(tap / p.k) - r, p.w) - vec3<f32>(ox, ox, 0.0);
  let ay = axis(c.y + f32(tap % p.k) - r, p.h) - vec3<f32>(oy, oy, 0.0);
  let base = bn * win * win;
  let y0 = base + u32(ay.x) * win;
  let y1 = base + u32(ay.y) * win;
  let top = mix(corr[y0 + u32(ax.x)], corr[y0 + u32(ax.y)], ax.z);
  let bottom = mix(corr[y1 + u32(ax.x)], corr[y1 + u32(ax.y)], ax.z);
  output[bn * p.out_stride + p.level_offset + tap] = mix(top, bottom, ay.z);
}
`;

/** 'volume', pass 1: correlation map of points [n_start, n_start + count) of batch item b_index. @internal */
export const COST_VOLUME_CORR_WGSL = /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> feats: array<f32>;
@group(0) @binding(1) var<storage, read> queries: array<f32>;
@group(0) @binding(2) var<storage, read_write> corr: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${CORRELATION}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.total) { return; }
  let hw = p.h * p.w;
  corr[i] = correlation(p.b_index * p.points + p.n_start + i / hw, i % hw);
}
`;

/** 'volume', pass 2: bilinear sampling of the correlation maps at the taps. One invocation per (n, tap). @internal */
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
  let c = centre(bn);
  let ax = axis(c.x + f32(tap / p.k) - r, p.w);
  let ay = axis(c.y + f32(tap % p.k) - r, p.h);
  let base = local * p.h * p.w;
  let y0 = base + u32(ay.x) * p.w;
  let y1 = base + u32(ay.y) * p.w;
  let top = mix(corr[y0 + u32(ax.x)], corr[y0 + u32(ax.y)], ax.z);
  let bottom = mix(corr[y1 + u32(ax.x)], corr[y1 + u32(ax.y)], ax.z);
  output[bn * p.out_stride + p.level_offset + tap] = mix(top, bottom, ay.z);
}
`;
