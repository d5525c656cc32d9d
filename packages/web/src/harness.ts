// SPDX-License-Identifier: Apache-2.0
// Browser-side test harness (harness.html): drives @taptr/runtime-web adapters on behalf of tests
// running in Node (the shared conformance suite through a proxy adapter, the reduced model's
// encoder, the bench). Values cross the boundary as plain arrays / base64.
import { buildProbeModel, type ModelSession, type RuntimeAdapter, type RuntimeDType } from '@taptr/runtime';
import { createRuntime, type Backend } from '@taptr/runtime-web';
import { WIRE_ARRAYS, type WireTensor } from './wire-tensor.js';

/** A serialised error: message plus the TaptrError code / JS error name. */
export interface WireError {
  readonly error: { readonly name: string; readonly code?: string; readonly message: string };
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(base64: string): Uint8Array {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const adapters = new Map<string, RuntimeAdapter>();
const sessions = new Map<number, { adapter: RuntimeAdapter; session: ModelSession }>();
let nextSession = 1;

async function guard<T>(fn: () => Promise<T>): Promise<T | WireError> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { name?: string; code?: unknown; message?: string };
    return { error: { name: e?.name ?? 'Error', ...(typeof e?.code === 'string' ? { code: e.code } : {}), message: e?.message ?? String(error) } };
  }
}

function adapterOf(name: string): RuntimeAdapter {
  const adapter = adapters.get(name);
  if (adapter === undefined) throw new Error(`harness: no adapter "${name}" (call open first)`);
  return adapter;
}

const harness = {
  crossOriginIsolated: (): boolean => globalThis.crossOriginIsolated,
  /** Creates (once) the adapter of `backend`; resolves its name, or the typed error why it is unavailable. */
  open: (backend: Backend, threads = 0) =>
    guard(async () => {
      const key = backend;
      if (!adapters.has(key)) adapters.set(key, await createRuntime(backend, { threads, wasmPaths: new URL('ort/', document.baseURI).href }));
      return adapters.get(key)!.name;
    }),
  isSupported: (backend: string) => guard(() => adapterOf(backend).isSupported()),
  createSession: (backend: string, model: string, options?: Record<string, unknown>) =>
    guard(async () => {
      const adapter = adapterOf(backend);
      const source = model.startsWith('url:') ? new URL(model.slice(4), document.baseURI).href : fromBase64(model);
      const session = await adapter.createSession(source, options);
      const id = nextSession++;
      sessions.set(id, { adapter, session });
      return { id, inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
    }),
  /**
   * Runs a session. `preallocated` names outputs to pre-allocate here (type and dims; each a view into
   * a larger buffer) and pass to `session.run`: those outputs are read back from the given tensors.
   */
  run: (id: number, feeds: Record<string, WireTensor>, preallocated?: Record<string, { readonly type: RuntimeDType; readonly dims: readonly number[] }>) =>
    guard(async () => {
      const entry = sessions.get(id);
      if (entry === undefined) throw new Error(`harness: no session ${id}`);
      const tensors = Object.fromEntries(
        Object.entries(feeds).map(([name, t]) => {
          const bytes = fromBase64(t.base64);
          const Ctor = WIRE_ARRAYS[t.type];
          const data = new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
          return [name, entry.adapter.tensors.tensor(t.type, data, t.dims)];
        }),
      );
      const given =
        preallocated === undefined
          ? undefined
          : Object.fromEntries(
              Object.entries(preallocated).map(([name, spec]) => {
                const size = spec.dims.reduce((a, b) => a * b, 1);
                const Ctor = WIRE_ARRAYS[spec.type];
                const data = new Ctor(size + 2).subarray(1, size + 1);
                return [name, entry.adapter.tensors.tensor(spec.type, data, spec.dims)];
              }),
            );
      const started = performance.now();
      const out = await entry.session.run(tensors, given);
      const ms = performance.now() - started;
      const outputs = Object.fromEntries(
        Object.entries({ ...out, ...given }).map(([name, t]) => {
          const data = t.data as ArrayBufferView;
          return [name, { type: t.type as RuntimeDType, dims: [...t.dims], base64: toBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) }];
        }),
      );
      return { outputs, ms };
    }),
  /**
   * GPU tensors of the WebGPU adapter (`open('webgpu')` first): a host write, copies between buffers
   * and within one (overlapping), a run with GPU feeds and a pre-allocated GPU output (the probe model,
   * sum = a + b), read back. Returns what was read.
   */
  gpuRoundTrip: () =>
    guard(async () => {
      const adapter = adapterOf('webgpu');
      const session = await adapter.createSession(buildProbeModel());
      try {
        const gpu = await adapter.gpuTensors!();
        const a = gpu.createBuffer(4);
        const b = gpu.createBuffer(8);
        const out = gpu.createBuffer(4);
        gpu.write(a, 0, Float32Array.of(1, 2, 3, 4));
        gpu.copy(a, 0, b, 4, 4); // b = 0 0 0 0 1 2 3 4
        gpu.copy(b, 4, b, 2, 4); // within b, overlapping: 0 0 1 2 3 4 3 4
        const returned = await session.run({ a: gpu.tensor(a, [4]), b: gpu.tensor(a, [4]) }, { sum: gpu.tensor(out, [4]) });
        gpu.copy(out, 1, b, 0, 2); // the run's output, on the device: b = 4 6 1 2 3 4 3 4
        const result = { b: Array.from(await gpu.read(b, 0, 8)), out: Array.from(await gpu.read(out, 0, 4)), location: returned['sum']?.location ?? 'none' };
        for (const buffer of [a, b, out]) gpu.destroy(buffer);
        return result;
      } finally {
        await session.release();
      }
    }),
  release: (id: number) =>
    guard(async () => {
      const entry = sessions.get(id);
      if (entry === undefined) throw new Error(`harness: no session ${id}`);
      await entry.session.release();
      return true;
    }),
};

export type TaptrHarness = typeof harness;
(globalThis as unknown as { taptrHarness: TaptrHarness }).taptrHarness = harness;
document.body.dataset['ready'] = 'true';
