// SPDX-License-Identifier: Apache-2.0
import { seededRandom, tensor, type TensorView } from '@taptr/tensor';
import type { TaptrConfig } from '../config/taptr-config.js';
import { expectedStateDictShapes } from './state-dict-layout.js';

/**
 * A deterministic random state dict with every key and shape of the official layout of `config`
 * ({@link expectedStateDictShapes}); alias keys share the tensor of their module. Weights are
 * uniform with variance 2/fan_in (1/fan_in for non-conv layers), biases U(-0.1, 0.1), norm weights
 * 1 ± 0.1, FrozenBN statistics mean 0 / var 1 (the last BN of each residual branch scaled by 0.2 so
 * that activations stay O(1)), level_embed U(-1, 1). For sizing, benchmarks and smoke tests: the
 * values have no meaning.
 */
export function syntheticStateDict(config: TaptrConfig, seed = 1): Map<string, TensorView> {
  const rand = seededRandom(seed);
  const out = new Map<string, TensorView>();
  for (const entry of expectedStateDictShapes(config)) {
    if (entry.kind === 'alias') continue;
    const n = entry.dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const key = entry.key;
    const leaf = key.slice(key.lastIndexOf('.') + 1);
    const uniform = (bound: number, center = 0) => {
      for (let i = 0; i < n; i++) data[i] = center + bound * (2 * rand() - 1);
    };
    if (entry.kind === 'frozen-bn') {
      const residualEnd = key.endsWith('.bn3.weight');
      if (leaf === 'running_var') data.fill(1);
      else if (leaf === 'weight') data.fill(residualEnd ? 0.2 : 1);
      // bias and running_mean stay 0
    } else if (entry.dims.length >= 2 && key !== 'transformer.level_embed') {
      const fanIn = n / entry.dims[0]!;
      const gain = entry.dims.length === 4 ? 2 : 1;
      uniform(Math.sqrt((3 * gain) / fanIn));
    } else if (key === 'transformer.level_embed') {
      uniform(1);
    } else if (/norm|input_proj\.\d\.1/.test(key) && leaf === 'weight') {
      uniform(0.1, 1);
    } else {
      uniform(0.1);
    }
    out.set(key, tensor('float32', entry.dims, data));
  }
  for (const entry of expectedStateDictShapes(config)) {
    if (entry.kind === 'alias') out.set(entry.key, out.get(entry.key.replace(/^transformer\.decoder\./, ''))!);
  }
  return out;
}
