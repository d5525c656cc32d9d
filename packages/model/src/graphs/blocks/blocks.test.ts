// SPDX-License-Identifier: Apache-2.0
import { createGraphBuilder } from '@taptr/onnx';
import { isTaptrError, tensor, type TensorView } from '@taptr/tensor';
import { compareClose } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { runOnnx } from '../../../test/run-onnx.js';
import { randomTensor, seededUniform } from '../../../test/random.js';
import { groupNorm, layerNorm, linear, mlp2, mlp3, msDeformAttn, multiHeadAttention, requireParam, type LevelShape, type StateDict } from './index.js';

type F = Float32Array;
const rand = seededUniform(7);

/** x [R, in] · Wᵀ + b, W [out, in]. */
function refLinear(x: ArrayLike<number>, rows: number, w: TensorView<'float32'>, b?: TensorView<'float32'>): Float64Array {
  const [out, inp] = w.dims as [number, number];
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < out; o++) {
      let s = b ? b.data[o]! : 0;
      for (let i = 0; i < inp; i++) s += x[r * inp + i]! * w.data[o * inp + i]!;
      y[r * out + o] = s;
    }
  return y;
}
const relu = (a: Float64Array) => a.map((v) => Math.max(0, v));

function refLayerNorm(x: ArrayLike<number>, rows: number, c: number, w: F, b: F): Float64Array {
  const y = new Float64Array(rows * c);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let i = 0; i < c; i++) m += x[r * c + i]!;
    m /= c;
    let v = 0;
    for (let i = 0; i < c; i++) v += (x[r * c + i]! - m) ** 2;
    v /= c;
    for (let i = 0; i < c; i++) y[r * c + i] = ((x[r * c + i]! - m) / Math.sqrt(v + 1e-5)) * w[i]! + b[i]!;
  }
  return y;
}

function addLinear(sd: Map<string, TensorView>, prefix: string, out: number, inp: number): void {
  sd.set(`${prefix}.weight`, randomTensor(rand, [out, inp]));
  sd.set(`${prefix}.bias`, randomTensor(rand, [out], -0.1, 0.1));
}

describe('blocks', () => {
  it('linear, mlp2, mlp3 and layerNorm match a float64 reference with a symbolic batch', async () => {
    const sd = new Map<string, TensorView>();
    addLinear(sd, 'lin', 5, 4);
    addLinear(sd, 'seq.0', 6, 4);
    addLinear(sd, 'seq.2', 3, 6);
    for (const i of [0, 1, 2]) addLinear(sd, `mlp.layers.${i}`, i === 2 ? 2 : 4, 4);
    sd.set('ln.weight', randomTensor(rand, [4], 0.8, 1.2));
    sd.set('ln.bias', randomTensor(rand, [4], -0.1, 0.1));
    const g = createGraphBuilder();
    const x = g.input('x', 'float32', [2, 'N', 4]);
    g.output(linear(g, sd, 'lin', x), 'lin', 'float32', [2, 'N', 5]);
    g.output(mlp2(g, sd, 'seq', x), 'seq', 'float32', [2, 'N', 3]);
    g.output(mlp3(g, sd, 'mlp', x), 'mlp', 'float32', [2, 'N', 2]);
    g.output(layerNorm(g, sd, 'ln', x), 'ln', 'float32', [2, 'N', 4]);
    const xv = randomTensor(rand, [2, 3, 4]);
    const out = await runOnnx(g.toModelBytes(), { x: xv });
    const p = (k: string) => requireParam(sd, k);
    const rows = 6;
    expect(compareClose(out.lin!.data as F, refLinear(xv.data, rows, p('lin.weight'), p('lin.bias')), { atol: 1e-5 }).ok).toBe(true);
    const h = relu(refLinear(xv.data, rows, p('seq.0.weight'), p('seq.0.bias')));
    expect(compareClose(out.seq!.data as F, refLinear(h, rows, p('seq.2.weight'), p('seq.2.bias')), { atol: 1e-5 }).ok).toBe(true);
    let m = relu(refLinear(xv.data, rows, p('mlp.layers.0.weight'), p('mlp.layers.0.bias')));
    m = relu(refLinear(m, rows, p('mlp.layers.1.weight'), p('mlp.layers.1.bias')));
    expect(compareClose(out.mlp!.data as F, refLinear(m, rows, p('mlp.layers.2.weight'), p('mlp.layers.2.bias')), { atol: 1e-5 }).ok).toBe(true);
    expect(compareClose(out.ln!.data as F, refLayerNorm(xv.data, rows, 4, p('ln.weight').data, p('ln.bias').data), { atol: 1e-5 }).ok).toBe(true);
  });

  it('groupNorm matches a float64 reference', async () => {
    const [B, C, H, W, G] = [2, 8, 3, 5, 4];
    const sd = new Map<string, TensorView>([
      ['gn.weight', randomTensor(rand, [C], 0.8, 1.2)],
      ['gn.bias', randomTensor(rand, [C], -0.1, 0.1)],
    ]);
    const g = createGraphBuilder();
    const x = g.input('x', 'float32', ['B', C, H, W]);
    g.output(groupNorm(g, sd, 'gn', x, G), 'y', 'float32', ['B', C, H, W]);
    const xv = randomTensor(rand, [B, C, H, W], -2, 3);
    const out = await runOnnx(g.toModelBytes(), { x: xv });
    const expected = new Float64Array(B * C * H * W);
    const per = (C / G) * H * W;
    for (let b = 0; b < B; b++)
      for (let gi = 0; gi < G; gi++) {
        const off = (b * G + gi) * per;
        let m = 0;
        for (let i = 0; i < per; i++) m += xv.data[off + i]!;
        m /= per;
        let v = 0;
        for (let i = 0; i < per; i++) v += (xv.data[off + i]! - m) ** 2;
        v /= per;
        for (let i = 0; i < per; i++) {
          const c = gi * (C / G) + Math.floor(i / (H * W));
          expected[off + i] = ((xv.data[off + i]! - m) / Math.sqrt(v + 1e-5)) * requireParam(sd, 'gn.weight').data[c]! + requireParam(sd, 'gn.bias').data[c]!;
        }
      }
    expect(compareClose(out.y!.data as F, expected, { atol: 1e-5 }).message).toMatch(/^all/);
  });

  it('multiHeadAttention with a bool mask matches a float64 reference (symbolic length)', async () => {
    const [Bt, L, C, M] = [3, 4, 8, 2];
    const Dh = C / M;
    const sd = new Map<string, TensorView>([
      ['att.in_proj_weight', randomTensor(rand, [3 * C, C])],
      ['att.in_proj_bias', randomTensor(rand, [3 * C], -0.1, 0.1)],
    ]);
    addLinear(sd, 'att.out_proj', C, C);
    const g = createGraphBuilder();
    const q = g.input('q', 'float32', [Bt, 'L', C]);
    const v = g.input('v', 'float32', [Bt, 'L', C]);
    const mask = g.input('mask', 'bool', [Bt, 'L', 'L']);
    g.output(multiHeadAttention(g, sd, 'att', { query: q, key: q, value: v, mask }, M), 'y', 'float32', [Bt, 'L', C]);
    const qv = randomTensor(rand, [Bt, L, C]);
    const vv = randomTensor(rand, [Bt, L, C]);
    const track = [1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0];
    const maskData = new Uint8Array(Bt * L * L);
    for (let b = 0; b < Bt; b++) for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) maskData[(b * L + i) * L + j] = track[b * L + i]! ^ track[b * L + j]!;
    const out = await runOnnx(g.toModelBytes(), { q: qv, v: vv, mask: tensor('bool', [Bt, L, L], maskData) });

    const W = requireParam(sd, 'att.in_proj_weight');
    const Bi = requireParam(sd, 'att.in_proj_bias');
    const part = (i: number) =>
      [tensor('float32', [C, C], W.data.slice(i * C * C, (i + 1) * C * C)), tensor('float32', [C], Bi.data.slice(i * C, (i + 1) * C))] as const;
    const Q = refLinear(qv.data, Bt * L, ...part(0));
    const K = refLinear(qv.data, Bt * L, ...part(1));
    const V = refLinear(vv.data, Bt * L, ...part(2));
    const heads = new Float64Array(Bt * L * C);
    for (let b = 0; b < Bt; b++)
      for (let h = 0; h < M; h++)
        for (let i = 0; i < L; i++) {
          const s = new Float64Array(L);
          for (let j = 0; j < L; j++) {
            let d = 0;
            for (let k = 0; k < Dh; k++) d += Q[(b * L + i) * C + h * Dh + k]! * K[(b * L + j) * C + h * Dh + k]!;
            s[j] = maskData[(b * L + i) * L + j] ? -Infinity : d / Math.sqrt(Dh);
          }
          const mx = Math.max(...s);
          const e = s.map((x) => Math.exp(x - mx));
          const z = e.reduce((a, c) => a + c, 0);
          for (let k = 0; k < Dh; k++) {
            let acc = 0;
            for (let j = 0; j < L; j++) acc += (e[j]! / z) * V[(b * L + j) * C + h * Dh + k]!;
            heads[(b * L + i) * C + h * Dh + k] = acc;
          }
        }
    const expected = refLinear(heads, Bt * L, requireParam(sd, 'att.out_proj.weight'), requireParam(sd, 'att.out_proj.bias'));
    expect(compareClose(out.y!.data as F, expected, { atol: 1e-5 }).message).toMatch(/^all/);
  });

  for (const batched of [false, true]) {
    it(`msDeformAttn matches a float64 reference of spec §5.1 (${batched ? 'per-frame [B, Lq, 2]' : 'shared [Lq, 2]'} references)`, async () => {
      const [B, Lq, C, M, P] = [2, 5, 8, 2, 3];
      const levels: LevelShape[] = [
        { h: 4, w: 5 },
        { h: 2, w: 3 },
        { h: 1, w: 2 },
      ];
      const L = levels.length;
      const S = levels.reduce((s, l) => s + l.h * l.w, 0);
      const Dh = C / M;
      const sd = new Map<string, TensorView>();
      addLinear(sd, 'ms.sampling_offsets', M * L * P * 2, C);
      sd.set('ms.sampling_offsets.weight', randomTensor(rand, [M * L * P * 2, C], -2, 2));
      addLinear(sd, 'ms.attention_weights', M * L * P, C);
      addLinear(sd, 'ms.value_proj', C, C);
      addLinear(sd, 'ms.output_proj', C, C);
      const g = createGraphBuilder();
      const query = g.input('query', 'float32', ['B', 'Lq', C]);
      const input = g.input('input', 'float32', ['B', S, C]);
      const reference = batched ? g.input('reference', 'float32', ['B', 'Lq', 2]) : g.input('reference', 'float32', ['Lq', 2]);
      const y = msDeformAttn(g, sd, 'ms', { query, input, reference, referenceBatched: batched }, { heads: M, points: P, levels });
      g.output(y, 'y', 'float32', ['B', 'Lq', C]);
      const qv = randomTensor(rand, [B, Lq, C]);
      const xv = randomTensor(rand, [B, S, C]);
      // References include points outside [0, 1] so that zero padding matters.
      const rv = randomTensor(rand, batched ? [B, Lq, 2] : [Lq, 2], -0.2, 1.2);
      const out = await runOnnx(g.toModelBytes(), { query: qv, input: xv, reference: rv });

      const p = (k: string) => requireParam(sd, `ms.${k}`);
      const value = refLinear(xv.data, B * S, p('value_proj.weight'), p('value_proj.bias'));
      const off = refLinear(qv.data, B * Lq, p('sampling_offsets.weight'), p('sampling_offsets.bias'));
      const aw = refLinear(qv.data, B * Lq, p('attention_weights.weight'), p('attention_weights.bias'));
      const heads = new Float64Array(B * Lq * C);
      const starts = levels.map((_, l) => levels.slice(0, l).reduce((s, v) => s + v.h * v.w, 0));
      for (let b = 0; b < B; b++)
        for (let q = 0; q < Lq; q++) {
          const r = batched ? (b * Lq + q) * 2 : q * 2;
          for (let m = 0; m < M; m++) {
            const logits = Array.from({ length: L * P }, (_, k) => aw[(b * Lq + q) * M * L * P + m * L * P + k]!);
            const mx = Math.max(...logits);
            const e = logits.map((x) => Math.exp(x - mx));
            const z = e.reduce((a, c) => a + c, 0);
            for (let l = 0; l < L; l++) {
              const { h, w } = levels[l]!;
              for (let pt = 0; pt < P; pt++) {
                const o = (b * Lq + q) * M * L * P * 2 + ((m * L + l) * P + pt) * 2;
                const lx = rv.data[r]! + off[o]! / w;
                const ly = rv.data[r + 1]! + off[o + 1]! / h;
                const u = lx * w - 0.5;
                const v = ly * h - 0.5;
                const x0 = Math.floor(u);
                const y0 = Math.floor(v);
                const weight = e[l * P + pt]! / z;
                for (const [xi, yi, wt] of [
                  [x0, y0, (x0 + 1 - u) * (y0 + 1 - v)],
                  [x0 + 1, y0, (u - x0) * (y0 + 1 - v)],
                  [x0, y0 + 1, (x0 + 1 - u) * (v - y0)],
                  [x0 + 1, y0 + 1, (u - x0) * (v - y0)],
                ] as const) {
                  if (xi < 0 || yi < 0 || xi >= w || yi >= h) continue;
                  const token = starts[l]! + yi * w + xi;
                  for (let d = 0; d < Dh; d++) heads[(b * Lq + q) * C + m * Dh + d]! += weight * wt * value[(b * S + token) * C + m * Dh + d]!;
                }
              }
            }
          }
        }
      const expected = refLinear(heads, B * Lq, p('output_proj.weight'), p('output_proj.bias'));
      expect(compareClose(out.y!.data as F, expected, { atol: 2e-5 }).message).toMatch(/^all/);
    });
  }

  it('requireParam names the missing key and the shape mismatch', () => {
    const sd: StateDict = new Map([['a.weight', tensor('float32', [2, 3])]]);
    try {
      requireParam(sd, 'b.weight', [1]);
      expect.unreachable();
    } catch (e) {
      expect(isTaptrError(e, 'TAPTR_CHECKPOINT_MISMATCH')).toBe(true);
      expect((e as Error).message).toContain('"b.weight"');
    }
    expect(() => requireParam(sd, 'a.weight', [3, 2])).toThrow(/"a.weight" has shape \[2, 3\], expected \[3, 2\]/);
  });
});
