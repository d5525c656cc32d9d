// SPDX-License-Identifier: Apache-2.0
/// <reference types="@webgpu/types" />
import type { GpuBuffer, GpuTensors } from '@taptr/runtime';
import { TaptrError } from '@taptr/tensor';
import type * as OrtWeb from 'onnxruntime-web';

const FLOAT = 4;

/**
 * {@link GpuTensors} on onnxruntime-web's WebGPU device: float32 storage buffers the sessions take as
 * feeds and write as pre-allocated outputs (`Tensor.fromGpuBuffer`), copies queued on the device's
 * queue (after the commands of the runs already awaited). A copy within one buffer goes through a
 * scratch buffer (WebGPU copies need two buffers), kept for the next one.
 * @internal
 */
function createWebGpuTensors(device: GPUDevice, Tensor: Pick<typeof OrtWeb.Tensor, 'fromGpuBuffer'>): GpuTensors {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  let scratch: GPUBuffer | undefined;
  const gpu = (buffer: GpuBuffer): GPUBuffer => buffer as GPUBuffer;
  return {
    createBuffer(floats) {
      return device.createBuffer({ size: Math.max(1, floats) * FLOAT, usage });
    },
    tensor(buffer, dims) {
      return Tensor.fromGpuBuffer(gpu(buffer), { dataType: 'float32', dims });
    },
    copy(source, sourceOffset, target, targetOffset, floats) {
      if (floats === 0) return;
      const encoder = device.createCommandEncoder();
      if (source === target) {
        if (scratch === undefined || scratch.size < floats * FLOAT) {
          scratch?.destroy();
          scratch = device.createBuffer({ size: floats * FLOAT, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
        }
        encoder.copyBufferToBuffer(gpu(source), sourceOffset * FLOAT, scratch, 0, floats * FLOAT);
        encoder.copyBufferToBuffer(scratch, 0, gpu(target), targetOffset * FLOAT, floats * FLOAT);
      } else {
        encoder.copyBufferToBuffer(gpu(source), sourceOffset * FLOAT, gpu(target), targetOffset * FLOAT, floats * FLOAT);
      }
      device.queue.submit([encoder.finish()]);
    },
    write(buffer, offset, data) {
      device.queue.writeBuffer(gpu(buffer), offset * FLOAT, data.buffer, data.byteOffset, data.byteLength);
    },
    async read(buffer, offset, floats) {
      const staging = device.createBuffer({ size: Math.max(1, floats) * FLOAT, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      try {
        const encoder = device.createCommandEncoder();
        encoder.copyBufferToBuffer(gpu(buffer), offset * FLOAT, staging, 0, floats * FLOAT);
        device.queue.submit([encoder.finish()]);
        await staging.mapAsync(GPUMapMode.READ);
        const out = new Float32Array(staging.getMappedRange().slice(0, floats * FLOAT));
        staging.unmap();
        return out;
      } finally {
        staging.destroy();
      }
    },
    destroy(buffer) {
      gpu(buffer).destroy();
    },
  };
}

/**
 * The GPU tensors of an onnxruntime-web module's WebGPU device, once it exists (onnxruntime creates
 * it with the first WebGPU session).
 * @throws TaptrError `TAPTR_WEBGPU_UNAVAILABLE` when no session has created the device yet.
 * @internal
 */
export async function webGpuTensorsOf(ort: Pick<typeof OrtWeb, 'env' | 'Tensor'>): Promise<GpuTensors> {
  const device = await (ort.env.webgpu as { device?: GPUDevice | Promise<GPUDevice> }).device;
  if (device === undefined)
    throw new TaptrError('TAPTR_WEBGPU_UNAVAILABLE', 'gpuTensors: onnxruntime-web has no WebGPU device yet (create a WebGPU session first)');
  return createWebGpuTensors(device, ort.Tensor);
}
