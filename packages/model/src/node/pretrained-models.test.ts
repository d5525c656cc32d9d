// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { RELEASED_CONFIG } from '../config/taptr-config.js';
import { hubEndpoint, hubFileUrl, hubHeaders, PRETRAINED_MODELS } from './pretrained-models.js';

describe('pretrained models on the Hub', () => {
  it('taptr-v1 is taptrv1.pth of HYeungLee/TAPTR-Series in the released configuration', () => {
    const spec = PRETRAINED_MODELS['taptr-v1']!;
    expect(spec.config).toBe(RELEASED_CONFIG);
    expect(hubFileUrl(spec, {})).toBe('https://huggingface.co/HYeungLee/TAPTR-Series/resolve/main/taptrv1.pth');
  });

  it('HF_ENDPOINT replaces the Hub (a mirror), HF_TOKEN goes to it and nowhere else', () => {
    const env = { HF_ENDPOINT: 'https://hf-mirror.example/', HF_TOKEN: 'hf_x' };
    expect(hubEndpoint(env)).toBe('https://hf-mirror.example');
    const url = hubFileUrl({ repo: 'a b/c', file: 'dir/f#1.pth', revision: 'v1.0' }, env);
    expect(url).toBe('https://hf-mirror.example/a%20b/c/resolve/v1.0/dir/f%231.pth');
    expect(hubHeaders(url, env)).toEqual({ authorization: 'Bearer hf_x' });
    expect(hubHeaders('https://huggingface.co/x/resolve/main/y', env)).toEqual({});
    expect(hubHeaders(url, { HF_ENDPOINT: 'https://hf-mirror.example' })).toEqual({});
  });
});
