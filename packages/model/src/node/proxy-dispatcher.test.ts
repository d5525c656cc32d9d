// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { proxyFor } from './proxy-dispatcher.js';

describe('proxyFor (the proxy named in messages)', () => {
  it('HTTPS_PROXY for https (else HTTP_PROXY), HTTP_PROXY for http, lower-case names first, NO_PROXY hosts, subdomains and ports as undici', () => {
    const env = { HTTPS_PROXY: 'http://secure:3128', HTTP_PROXY: 'http://plain:3128' };
    expect(proxyFor('https://huggingface.co/x', env)).toBe('http://secure:3128');
    expect(proxyFor('http://mirror.local/x', env)).toBe('http://plain:3128');
    expect(proxyFor('https://huggingface.co/x', { HTTP_PROXY: 'http://plain:3128' })).toBe('http://plain:3128');
    expect(proxyFor('https://huggingface.co/x', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })).toBe('http://lower:1');
    expect(proxyFor('https://huggingface.co/x', {})).toBeUndefined();
    expect(proxyFor('https://huggingface.co/x', { ...env, NO_PROXY: 'localhost, huggingface.co' })).toBeUndefined();
    expect(proxyFor('https://cdn.huggingface.co/x', { ...env, NO_PROXY: '.huggingface.co' })).toBeUndefined();
    expect(proxyFor('https://cdn.huggingface.co/x', { ...env, no_proxy: '*.huggingface.co:443' })).toBeUndefined();
    expect(proxyFor('https://cdn.huggingface.co/x', { ...env, NO_PROXY: '.huggingface.co:8080' })).toBe('http://secure:3128');
    // A bare host is that host only (undici's rule), not its subdomains.
    expect(proxyFor('https://cdn.huggingface.co/x', { ...env, NO_PROXY: 'huggingface.co' })).toBe('http://secure:3128');
    expect(proxyFor('https://nothuggingface.co/x', { ...env, NO_PROXY: '.huggingface.co' })).toBe('http://secure:3128');
    expect(proxyFor('http://127.0.0.1:8080/x', { ...env, NO_PROXY: '*' })).toBeUndefined();
  });
});
