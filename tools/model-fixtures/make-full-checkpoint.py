#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes packages/fixtures/full-checkpoint/: a tiny *training-style* torch checkpoint (torch.save,
zip format, pickle protocol 2) with everything a real training checkpoint carries next to the weights:
'model' (fp32), 'ema_model' (fp16, 'module.' prefixed), an AdamW optimizer state, a MultiStepLR state
(milestones Counter), the epoch and an argparse.Namespace holding a set and bytes. expected.json holds
the weights as float lists (fp16 values widened to fp32). Run with torch 1.13: /usr/bin/python3 <this file>
"""
import argparse
import json
import os

import torch

out = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'fixtures', 'full-checkpoint')
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(20240313)
m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
with torch.no_grad():
    for p in m.parameters():
        p.copy_(torch.rand(p.shape, generator=g) * 2 - 1)
opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
m(torch.rand(5, 3, generator=g)).sum().backward()
opt.step()
sched = torch.optim.lr_scheduler.MultiStepLR(opt, [100, 130])
args = argparse.Namespace(lr=1e-4, lr_drop_list=[100, 130], backbone='resnet50', use_ema=True, keys={'a', 'b'}, raw=b'\xff\x00')
sd = m.state_dict()
ema = {'module.' + k: v.half() for k, v in sd.items()}
# A transposed (non-contiguous) view, as state dicts may hold after weight surgery.
ema['module.0.weight_t'] = sd['0.weight'].t().half()
torch.save({'model': sd, 'ema_model': ema, 'optimizer': opt.state_dict(), 'lr_scheduler': sched.state_dict(), 'epoch': 3, 'args': args},
           os.path.join(out, 'full-checkpoint.pth'))
expected = {
    'model': {k: {'dims': list(v.shape), 'values': v.flatten().tolist()} for k, v in sd.items()},
    'ema_model': {k[len('module.'):]: {'dims': list(v.shape), 'values': v.float().contiguous().flatten().tolist()} for k, v in ema.items()},
}
with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
print('wrote', out)
