#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes packages/fixtures/pil-resize/: uint8 RGB frames and their Pillow LANCZOS resizes.

Reference data for @taptr/tapvid's resizeVideoLanczos (Pillow's ImagingResample, the filter
mediapy.resize_video and so tapnet's TAP-Vid readers use). Run with a Python that has numpy and
Pillow (Debian bookworm: apt-get install python3-pil; Pillow 9.4.0 was used):

    /usr/bin/python3 tools/tapvid/make-pil-resize-fixtures.py [OUT_DIR]

Tests never run this; they read the committed .npy files and manifest.json.
"""
import json
import os
import sys

import numpy as np
import PIL
import PIL.Image as Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'packages', 'fixtures', 'pil-resize')
DAVIS = os.path.join(ROOT, 'packages', 'fixtures', 'tapvid-metrics', 'datasets', 'davis_like', 'expected', 'alpha-walk', 'video.npy')


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240313)
    smooth = np.array(Image.fromarray(rng.integers(0, 256, (12, 20, 3), dtype=np.uint8)).resize((131, 97), Image.BILINEAR))
    cases = {
        # name: (input frames [T, H, W, 3], (out_h, out_w), what)
        'upscale_noise': (rng.integers(0, 256, (2, 16, 20, 3), dtype=np.uint8), (41, 37), 'noise, both axes up'),
        'downscale_noise': (rng.integers(0, 256, (1, 97, 131, 3), dtype=np.uint8), (23, 29), 'noise, both axes down (support scaled)'),
        'downscale_smooth': (smooth[None], (40, 52), 'smooth image, both axes down'),
        'mixed_noise': (rng.integers(0, 256, (1, 40, 200, 3), dtype=np.uint8), (64, 50), 'noise, up in y, down in x'),
        'width_only': (rng.integers(0, 256, (1, 8, 30, 3), dtype=np.uint8), (8, 11), 'only the horizontal pass'),
        'height_only': (rng.integers(0, 256, (1, 30, 8, 3), dtype=np.uint8), (13, 8), 'only the vertical pass'),
        'davis_like_256': (np.load(DAVIS)[:1], (256, 256), 'fixture DAVIS-like frame 64x80 to the 256x256 evaluation size'),
    }
    manifest = {'pillow': PIL.__version__, 'numpy': np.__version__, 'filter': 'PIL.Image.LANCZOS', 'cases': {}}
    for name, (frames, (out_h, out_w), what) in cases.items():
        out = np.stack([np.array(Image.fromarray(f).resize((out_w, out_h), resample=Image.LANCZOS)) for f in frames])
        np.save(os.path.join(OUT, f'{name}.input.npy'), frames)
        np.save(os.path.join(OUT, f'{name}.expected.npy'), out)
        manifest['cases'][name] = {'input': list(frames.shape), 'output': list(out.shape), 'what': what}
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
