#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes packages/fixtures/pil-jpeg/: small JPEG files and Pillow's decode of each.

Reference data for @taptr/tapvid's decodeJpegFrames (Pillow/libjpeg-turbo is what tapnet's
Kinetics reader uses), covering chroma subsampling 4:4:4, 4:2:2 and 4:2:0 at odd sizes. Run with a
Python that has numpy and Pillow (Debian bookworm: apt-get install python3-pil; Pillow 9.4.0):

    /usr/bin/python3 tools/tapvid/make-pil-jpeg-fixtures.py [OUT_DIR]
"""
import io
import json
import os
import sys

import numpy as np
import PIL
import PIL.Image as Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'packages', 'fixtures', 'pil-jpeg')


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    # Coloured blocks with sharp edges plus mild noise: chroma upsampling matters at the edges.
    h, w = 23, 37
    img = np.zeros((h, w, 3), np.uint8)
    for _ in range(12):
        y, x = rng.integers(0, h), rng.integers(0, w)
        img[y:y + rng.integers(3, 10), x:x + rng.integers(3, 12)] = rng.integers(0, 256, 3)
    img = np.clip(img.astype(int) + rng.integers(-6, 7, img.shape), 0, 255).astype(np.uint8)
    manifest = {'pillow': PIL.__version__, 'cases': {}}
    for name, subsampling in (('yuv444', 0), ('yuv422', 1), ('yuv420', 2)):
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format='JPEG', quality=90, subsampling=subsampling)
        data = buf.getvalue()
        with open(os.path.join(OUT, f'{name}.jpg'), 'wb') as f:
            f.write(data)
        decoded = np.array(Image.open(io.BytesIO(data)).convert('RGB'))
        np.save(os.path.join(OUT, f'{name}.expected.npy'), decoded[None])
        manifest['cases'][name] = {'subsampling': ['4:4:4', '4:2:2', '4:2:0'][subsampling], 'shape': [1, *decoded.shape]}
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
