# SPDX-License-Identifier: Apache-2.0
"""Generates the data-driven conformance cases of @taptr/ops from PyTorch.

Usage (from the repository root; Debian's python3-torch 1.13):

    /usr/bin/python3 tools/ops-cases/generate_cases.py

Writes packages/ops/cases/grid-sample.json and packages/ops/cases/cost-volume.json. The output is
deterministic (fixed seeds) and small; commit it. Tests never run Python: they only read the JSON.

Case schema (in the spirit of onnxruntime's js/web/test/data/ops/_example.jsonc):
    {"name", "op": "gridSample" | "costVolume", "attrs": {...},
     "inputs": {name: {"data": [...], "dims": [...], "type": "float32"} | [tensor, ...]},
     "expected": {"data", "dims", "type"}, "tolerance": {"atol", "rtol"}}

gridSample expected values are torch.nn.functional.grid_sample itself. costVolume expected values
follow taptr-spec.md section 7 literally: full correlation maps <q, F_l[:, i, j]> * scale, then
grid_sample(bilinear, border, align_corners=True) at (X / 2^l + a - r, Y / 2^l + b - r), feature index
l * (2r+1)^2 + a * (2r+1) + b (x offset a is the slow index).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT_DIR = os.path.join(ROOT, 'packages', 'ops', 'cases')


def f32list(a):
    """Shortest decimal strings that round-trip each float32 (keeps the JSON small and exact)."""
    a = np.asarray(a, dtype=np.float32).reshape(-1)
    return [float(np.format_float_positional(x, unique=True, trim='-')) if np.isfinite(x) else None for x in a]


def tensor_json(t):
    t = t.detach().to(torch.float32).contiguous()
    return {'data': f32list(t.numpy()), 'dims': list(t.shape), 'type': 'float32'}


def rand(gen, *shape, lo=-1.0, hi=1.0):
    return (torch.rand(*shape, generator=gen, dtype=torch.float32) * (hi - lo) + lo).to(torch.float32)


def quantize(t, step):
    """Rounds to multiples of step (a power of two) so that coordinates are exact in float32."""
    return torch.round(t / step) * step


def grid_sample_cases():
    gen = torch.Generator().manual_seed(20240313)
    cases = []
    modes = ['bilinear', 'nearest']
    paddings = ['zeros', 'border', 'reflection']
    for mode in modes:
        for padding in paddings:
            for align in [False, True]:
                attrs = {'mode': mode, 'paddingMode': padding, 'alignCorners': align}
                tol = {'atol': 1e-5, 'rtol': 1e-5} if mode == 'bilinear' else {'atol': 0, 'rtol': 0}
                tag = f'{mode}-{padding}-{"align" if align else "noalign"}'
                # 1. non-square map, points inside and well outside (several reflections).
                inp = rand(gen, 2, 3, 5, 7)
                grid = rand(gen, 2, 4, 6, 2, lo=-1.6, hi=1.6)
                grid[0, 0, 0] = torch.tensor([-1.0, -1.0])
                grid[0, 0, 1] = torch.tensor([1.0, 1.0])
                grid[0, 0, 2] = torch.tensor([0.0, 0.0])
                grid[0, 0, 3] = torch.tensor([-3.7, 2.9])
                grid[0, 0, 4] = torch.tensor([5.3, -4.1])
                grid[0, 0, 5] = torch.tensor([1.0, -1.0])
                grid[1, 3, 5] = torch.tensor([-1.05, 1.02])
                # quantized coordinates make nearest's choices insensitive to 1-ulp differences
                if mode == 'nearest':
                    grid = quantize(grid, 2.0 ** -7)
                cases.append(make_gs_case(f'{tag}/non-square-outside', attrs, inp, grid, tol))
                # 2. exact half-pixel positions: nearest rounds half to even; bilinear hits exact midpoints.
                if align:
                    h, w = 3, 5  # pixel = (g + 1) * (size - 1) / 2
                    gx = torch.tensor([-1.25, -0.75, -0.25, 0.25, 0.75, 1.25])
                    gy = torch.tensor([-1.5, -0.5, 0.5, 1.5])
                else:
                    h, w = 2, 4  # pixel = ((g + 1) * size - 1) / 2
                    gx = torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
                    gy = torch.tensor([-1.5, -1.0, 0.0, 1.0])
                inp = rand(gen, 1, 2, h, w)
                yy, xx = torch.meshgrid(gy, gx, indexing='ij')
                grid = torch.stack([xx, yy], -1)[None]
                cases.append(make_gs_case(f'{tag}/half-pixel-ties', attrs, inp, grid, tol))
                # 3. a single-row map (size 1 along y) and a square map with C = 1.
                inp = rand(gen, 1, 2, 1, 4)
                grid = quantize(rand(gen, 1, 3, 3, 2, lo=-1.8, hi=1.8), 2.0 ** -6)
                cases.append(make_gs_case(f'{tag}/single-row', attrs, inp, grid, tol))
                inp = rand(gen, 1, 1, 6, 6)
                grid = quantize(rand(gen, 1, 1, 9, 2, lo=-1.2, hi=1.2), 2.0 ** -8)
                cases.append(make_gs_case(f'{tag}/square-c1', attrs, inp, grid, tol))
    return cases


def make_gs_case(name, attrs, inp, grid, tol):
    out = F.grid_sample(inp, grid, mode=attrs['mode'], padding_mode=attrs['paddingMode'], align_corners=attrs['alignCorners'])
    return {
        'name': name,
        'op': 'gridSample',
        'attrs': attrs,
        'inputs': {'input': tensor_json(inp), 'grid': tensor_json(grid)},
        'expected': tensor_json(out),
        'tolerance': tol,
    }


def cost_volume_reference(features, queries, centers, radius, scale):
    """features: list of [B, C, H_l, W_l]; queries [B, N, C]; centers [B, N, 2] level-0 pixels (x, y)."""
    b, n, c = queries.shape
    k = 2 * radius + 1
    outs = []
    offs = torch.arange(k, dtype=torch.float32) - radius
    for level, fmap in enumerate(features):
        h, w = fmap.shape[2], fmap.shape[3]
        corr = torch.einsum('bnc,bchw->bnhw', queries, fmap) * scale
        cx = centers[..., 0] / 2 ** level
        cy = centers[..., 1] / 2 ** level
        px = (cx[..., None, None] + offs[:, None]).expand(b, n, k, k)  # [.., a, b]: a = x offset (slow)
        py = (cy[..., None, None] + offs[None, :]).expand(b, n, k, k)
        grid = torch.stack([2 * px / (w - 1) - 1, 2 * py / (h - 1) - 1], -1).reshape(b * n, k, k, 2)
        s = F.grid_sample(corr.reshape(b * n, 1, h, w), grid, mode='bilinear', padding_mode='border', align_corners=True)
        outs.append(s.reshape(b, n, k * k))
    return torch.cat(outs, -1)


def cost_volume_cases():
    gen = torch.Generator().manual_seed(20240314)
    cases = []
    specs = [
        # name, B, N, C, level sizes (h, w), radius, scale (None = 1/sqrt(C))
        ('taptr-like-4-levels-non-square', 2, 5, 6, [(12, 16), (6, 8), (3, 4), (2, 2)], 3, None),
        ('square-radius-1-scale-1', 1, 4, 3, [(9, 9), (5, 5)], 1, 1.0),
        ('one-level-radius-2', 2, 3, 4, [(7, 5)], 2, None),
    ]
    for name, b, n, c, sizes, radius, scale in specs:
        feats = [rand(gen, b, c, h, w) for (h, w) in sizes]
        queries = rand(gen, b, n, c)
        h0, w0 = sizes[0]
        centers = torch.stack([rand(gen, b, n, lo=-0.3 * w0, hi=1.3 * w0), rand(gen, b, n, lo=-0.3 * h0, hi=1.3 * h0)], -1)
        centers = quantize(centers, 2.0 ** -10)
        centers[0, 0] = torch.tensor([0.0, 0.0])
        centers[0, 1] = torch.tensor([w0 - 1.0, h0 - 1.0])
        if n > 2:
            centers[0, 2] = torch.tensor([-25.5, h0 + 30.25])  # far outside: every tap clamps
        s = (1.0 / c ** 0.5) if scale is None else scale
        expected = cost_volume_reference(feats, queries, centers, radius, s)
        attrs = {'radius': radius}
        if scale is not None:
            attrs['scale'] = scale
        cases.append({
            'name': name,
            'op': 'costVolume',
            'attrs': attrs,
            'inputs': {'features': [tensor_json(f) for f in feats], 'queries': tensor_json(queries), 'centers': tensor_json(centers)},
            'expected': tensor_json(expected),
            'tolerance': {'atol': 1e-5, 'rtol': 1e-5},
        })
    return cases


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    meta = {'generator': 'tools/ops-cases/generate_cases.py', 'torch': torch.__version__, 'numpy': np.__version__}
    for file, cases in [('grid-sample.json', grid_sample_cases()), ('cost-volume.json', cost_volume_cases())]:
        path = os.path.join(OUT_DIR, file)
        with open(path, 'w') as f:
            json.dump({**meta, 'cases': cases}, f, separators=(',', ':'))
            f.write('\n')
        print(f'{path}: {len(cases)} cases, {os.path.getsize(path)} bytes', file=sys.stderr)


if __name__ == '__main__':
    torch.set_num_threads(1)
    main()
