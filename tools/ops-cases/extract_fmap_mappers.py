# SPDX-License-Identifier: Apache-2.0
"""Extracts transformer.decoder.corr_block.fmap_mappers.{l}.{weight,bias} from the reference
checkpoint into small .npy files for the @taptr/ops fixture tests.

Temporary stand-in until @taptr/model's readCheckpoint is available: the ops tests prefer reading
checkpoint.pth through readCheckpoint and fall back to these files only when the checkpoint's SHA-256
matches the one recorded in manifest.json (so a different fixture set is never paired with stale
weights).

Usage (from the repository root; Debian's python3-torch 1.13):

    /usr/bin/python3 tools/ops-cases/extract_fmap_mappers.py [fixture_dir]

fixture_dir defaults to packages/model/fixtures/taptr-reference. Writes packages/ops/fixtures/fmap-mappers/.
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PREFIX = 'transformer.decoder.corr_block.fmap_mappers.'


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'packages', 'model', 'fixtures', 'taptr-reference')
    ckpt_path = os.path.join(src, 'checkpoint.pth')
    out_dir = os.path.join(ROOT, 'packages', 'ops', 'fixtures', 'fmap-mappers')
    os.makedirs(out_dir, exist_ok=True)
    with open(ckpt_path, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    ckpt = torch.load(ckpt_path, map_location='cpu')
    sd = ckpt['ema_model'] if 'ema_model' in ckpt else ckpt['model']
    files = {}
    for key, value in sd.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        if not key.startswith(PREFIX):
            continue
        name = key[len('transformer.decoder.'):] + '.npy'
        np.save(os.path.join(out_dir, name), value.detach().numpy().astype('<f4'))
        files[key] = {'file': name, 'shape': list(value.shape)}
    manifest = {
        'source': 'checkpoint.pth of the taptr-reference developer fixtures (ema_model state_dict)',
        'checkpoint_sha256': sha,
        'generator': 'tools/ops-cases/extract_fmap_mappers.py',
        'torch': torch.__version__,
        'tensors': dict(sorted(files.items())),
    }
    with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    print(f'{out_dir}: {len(files)} tensors', file=sys.stderr)


if __name__ == '__main__':
    main()
