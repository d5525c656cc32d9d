// SPDX-License-Identifier: Apache-2.0
/// <reference types="@webgpu/types" preserve="true" />
import { describeValue, formatShape, invalidArgument, shapeSize, TaptrError, tensor } from '@taptr/tensor';
import type { OpsBackend, OpsKernels, OpsTensor } from '../contract/ops-backend.js';
import { withValidation } from '../with-validation.js';
import { BILINEAR_GATHER_PARAMS_BYTES, BILINEAR_GATHER_WGSL } from './bilinear-gather.wgsl.js';
import {
  COST_VOLUME_CORR_WGSL,
  COST_VOLUME_PARAMS_BYTES,
  COST_VOLUME_SAMPLE_WGSL,
  COST_VOLUME_WINDOW_CORR_WGSL,
  COST_VOLUME_WINDOW_SAMPLE_WGSL,
} from './cost-volume.wgsl.js';
import { GRID_SAMPLE_PARAMS_BYTES, GRID_SAMPLE_WGSL } from './grid-sample.wgsl.js';
import { BufferUsage, MAP_READ_MODE, TENSOR_USAGE, tensorByteSize, type GpuTensor } from './gpu-tensor.js';

/** Options of {@link createWebGpuOps}. */
export interface WebGpuOpsOptions {
  /** The device to run on (browser: from `navigator.gpu`; node: from the `webgpu` package). */
  readonly device: GPUDevice;
  /**
   * Largest scratch buffer (bytes) of the `'volume'` cost-volume method; points are processed in
   * chunks below it. Defaults to min(device.limits.maxStorageBufferBindingSize, 64 MiB).
   */
  readonly maxScratchBytes?: number;
}

const WORKGROUP = 64;
const MODE = { bilinear: 0, nearest: 1 } as const;
const PADDING = { zeros: 0, border: 1, reflection: 2 } as const;

/** Unchecked WebGPU kernels (WGSL), wrapped by {@link createWebGpuOps}. */
function createWebGpuKernels(options: WebGpuOpsOptions): OpsKernels<GpuTensor> {
  const given: unknown = options.device;
  if (given === null || typeof given !== 'object' || typeof (given as Partial<GPUDevice>).createBuffer !== 'function') {
    throw invalidArgument('type', 'createWebGpuOps', 'options.device', 'a GPUDevice', describeValue(given));
  }
  const device = given as GPUDevice;
  const maxScratch = options.maxScratchBytes ?? Math.min(device.limits.maxStorageBufferBindingSize, 64 * 1024 * 1024);
  const pipeline = (code: string, label: string) =>
    device.createComputePipeline({ label, layout: 'auto', compute: { module: device.createShaderModule({ label, code }), entryPoint: 'main' } });
  const pipelines = {
    gridSample: pipeline(GRID_SAMPLE_WGSL, 'taptr gridSample'),
    bilinearGather: pipeline(BILINEAR_GATHER_WGSL, 'taptr bilinearGather'),
    corr: pipeline(COST_VOLUME_CORR_WGSL, 'taptr costVolume volume: correlation'),
    sample: pipeline(COST_VOLUME_SAMPLE_WGSL, 'taptr costVolume volume: sample'),
    windowCorr: pipeline(COST_VOLUME_WINDOW_CORR_WGSL, 'taptr costVolume taps: correlation'),
    windowSample: pipeline(COST_VOLUME_WINDOW_SAMPLE_WGSL, 'taptr costVolume taps: sample'),
  };

  /** Runs `encode` with fresh temporaries, submits, and surfaces GPU validation / OOM errors. */
  async function run(op: string, encode: (encoder: GPUCommandEncoder, temp: (size: number, usage: number) => GPUBuffer) => void): Promise<void> {
    const temps: GPUBuffer[] = [];
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const encoder = device.createCommandEncoder({ label: op });
    encode(encoder, (size, usage) => {
      const b = device.createBuffer({ size, usage });
      temps.push(b);
      return b;
    });
    device.queue.submit([encoder.finish()]);
    for (const b of temps) b.destroy();
    const errors = [await device.popErrorScope(), await device.popErrorScope()].filter((e): e is GPUError => e !== null);
    if (errors.length > 0) throw new TaptrError('TAPTR_WEBGPU_ERROR', `${op}: WebGPU error: ${errors.map((e) => e.message).join('; ')}`);
  }

  function uniform(temp: (size: number, usage: number) => GPUBuffer, bytes: number, fill: (u: Uint32Array, f: Float32Array) => void): GPUBuffer {
    const data = new ArrayBuffer(bytes);
    fill(new Uint32Array(data), new Float32Array(data));
    const b = temp(bytes, BufferUsage.UNIFORM | BufferUsage.COPY_DST);
    device.queue.writeBuffer(b, 0, data);
    return b;
  }

  function dispatch(encoder: GPUCommandEncoder, p: GPUComputePipeline, buffers: readonly GPUBuffer[], invocations: number): void {
    if (invocations === 0) return;
    const groups = Math.ceil(invocations / WORKGROUP);
    const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
    const y = Math.ceil(groups / x);
    const bindGroup = device.createBindGroup({
      layout: p.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const pass = encoder.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  return {
    name: 'webgpu',
    upload(view) {
      const buffer = device.createBuffer({ size: tensorByteSize(view.data.length), usage: TENSOR_USAGE, mappedAtCreation: true });
      new Float32Array(buffer.getMappedRange(), 0, view.data.length).set(view.data);
      buffer.unmap();
      return { type: 'float32', dims: Object.freeze([...view.dims]), buffer };
    },
    async download(t) {
      const size = shapeSize(t.dims);
      const out = tensor('float32', t.dims);
      if (size === 0) return out;
      const staging = device.createBuffer({ size: size * 4, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
      const encoder = device.createCommandEncoder({ label: 'download' });
      encoder.copyBufferToBuffer(t.buffer, 0, staging, 0, size * 4);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_READ_MODE);
      out.data.set(new Float32Array(staging.getMappedRange(), 0, size));
      staging.unmap();
      staging.destroy();
      return out;
    },
    allocate(dims) {
      const buffer = device.createBuffer({ size: tensorByteSize(shapeSize(dims)), usage: TENSOR_USAGE });
      return { type: 'float32', dims: Object.freeze([...dims]), buffer };
    },
    release: (t) => t.buffer.destroy(),
    checkStorage(fn, arg, value: OpsTensor) {
      const given: unknown = (value as Partial<GpuTensor>).buffer;
      if (given === null || typeof given !== 'object' || typeof (given as Partial<GPUBuffer>).size !== 'number') {
        throw invalidArgument('type', fn, `${arg}.buffer`, 'a GPUBuffer (use ops.upload or ops.allocate)', describeValue(given));
      }
      const buffer = given as GPUBuffer;
      const bytes = shapeSize(value.dims) * 4;
      if (buffer.size < bytes || (buffer.usage & BufferUsage.STORAGE) === 0) {
        throw invalidArgument(
          'range',
          fn,
          `${arg}.buffer`,
          `a STORAGE buffer of >= ${bytes} bytes for shape ${formatShape(value.dims)}`,
          `${buffer.size} bytes, usage ${buffer.usage}`,
        );
      }
    },
    async gridSample(input, grid, attrs, out) {
      const [n, c, h, w] = input.dims as [number, number, number, number];
      const [, ho, wo] = grid.dims as [number, number, number, number];
      const total = n * c * ho * wo;
      await run('gridSample', (encoder, temp) => {
        const params = uniform(temp, GRID_SAMPLE_PARAMS_BYTES, (u) => {
          u.set([n, c, h, w, ho, wo, MODE[attrs.mode], PADDING[attrs.paddingMode], attrs.alignCorners ? 1 : 0, total]);
        });
        dispatch(encoder, pipelines.gridSample, [input.buffer, grid.buffer, out.buffer, params], total);
      });
    },
    async bilinearGather(table, positions, attrs, out) {
      const c = table.dims[1]!;
      const count = positions.dims[0]!;
      const total = count * c;
      await run('bilinearGather', (encoder, temp) => {
        const params = uniform(temp, BILINEAR_GATHER_PARAMS_BYTES, (u, fl) => {
          u.set([count, c, attrs.height, attrs.width, attrs.start, attrs.paddingMode === 'border' ? 1 : 0, total]);
          fl[8] = attrs.pixelScale?.[0] ?? 1;
          fl[9] = attrs.pixelScale?.[1] ?? 1;
        });
        dispatch(encoder, pipelines.bilinearGather, [table.buffer, positions.buffer, out.buffer, params], total);
      });
    },
    async costVolume(features, queries, centers, attrs, out) {
      const [b, n, levels] = queries.dims as [number, number, number, number];
      const c = features.dims[2]!;
      const k = 2 * attrs.radius + 1;
      const kk = k * k;
      const outStride = levels * kk;
      const win2 = (k + 1) * (k + 1);
      await run(`costVolume (${attrs.method})`, (encoder, temp) => {
        const windowCorr = attrs.method === 'taps' ? temp(tensorByteSize(b * n * win2), BufferUsage.STORAGE) : undefined;
        attrs.levels.forEach(({ h, w }, l) => {
          const params = (bIndex: number, nStart: number, total: number) =>
            uniform(temp, COST_VOLUME_PARAMS_BYTES, (u, fl) => {
              u.set([b, n, c, h, w, k, attrs.radius, l * kk, outStride, total, bIndex, nStart, levels, l, attrs.tokens, attrs.starts[l]!]);
              fl[16] = 1 / 2 ** l;
              fl[17] = attrs.scale;
              fl[18] = attrs.pixelScale?.[0] ?? 1;
              fl[19] = attrs.pixelScale?.[1] ?? 1;
            });
          if (windowCorr !== undefined) {
            const pixels = b * n * win2;
            dispatch(encoder, pipelines.windowCorr, [features.buffer, queries.buffer, centers.buffer, windowCorr, params(0, 0, pixels)], pixels);
            dispatch(encoder, pipelines.windowSample, [windowCorr, centers.buffer, out.buffer, params(0, 0, b * n * kk)], b * n * kk);
            return;
          }
          const chunk = Math.max(1, Math.min(n, Math.floor(maxScratch / (h * w * 4))));
          const corr = temp(tensorByteSize(chunk * h * w), BufferUsage.STORAGE);
          for (let bi = 0; bi < b; bi++) {
            for (let start = 0; start < n; start += chunk) {
              const count = Math.min(chunk, n - start);
              dispatch(encoder, pipelines.corr, [features.buffer, queries.buffer, corr, params(bi, start, count * h * w)], count * h * w);
              dispatch(encoder, pipelines.sample, [corr, centers.buffer, out.buffer, params(bi, start, count * kk)], count * kk);
            }
          }
        });
      });
    },
    dispose: () => {},
  };
}

/**
 * Creates the WebGPU backend (WGSL kernels) behind the validating façade. Tensors live in GPU
 * storage buffers ({@link GpuTensor}); use `upload`/`download` to move data.
 * @param options - the device (see {@link WebGpuOpsOptions}).
 * @returns an {@link OpsBackend} over {@link GpuTensor}s.
 * @example
 * ```ts
 * const ops = createWebGpuOps({ device });
 * const out = await ops.download(await ops.gridSample(ops.upload(input), ops.upload(grid), { alignCorners: true }));
 * ```
 */
export function createWebGpuOps(options: WebGpuOpsOptions): OpsBackend<GpuTensor> {
  return withValidation(createWebGpuKernels(options));
}
