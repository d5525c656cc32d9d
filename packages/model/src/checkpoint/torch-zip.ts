// SPDX-License-Identifier: Apache-2.0
import { isGlobalRef, isTuple, unpickle, type GlobalsMap } from '@taptr/pickle';
import { allocate, bytesPerElement, describeValue, isTaptrError, shapeSize, TaptrError, viewOf, type DType, type TensorView } from '@taptr/tensor';
import { openZipArchive, type ZipEntry } from './zip-archive.js';

/** torch storage class name -> element type. */
const STORAGE_TYPES: Readonly<Record<string, DType>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  // 16-bit floats are widened to float32 when materialized.
  HalfStorage: 'float32',
  BFloat16Storage: 'float32',
};

/** Storage element encodings that differ from the element type of the materialized tensor. */
const STORAGE_ENCODINGS: Readonly<Record<string, 'float16' | 'bfloat16'>> = { HalfStorage: 'float16', BFloat16Storage: 'bfloat16' };

/** Decodes an IEEE half-precision number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A storage referenced by a persistent id: `('storage', torch.<T>Storage, key, location, numel)`. */
interface StorageRef {
  readonly kind: 'storage';
  readonly key: string;
  /** Element type of tensors built on this storage. */
  readonly type: DType;
  /** Stored encoding when it differs from `type` (16-bit floats). */
  readonly encoding?: 'float16' | 'bfloat16';
  readonly numel: number;
}

const storageElementBytes = (ref: StorageRef): number => (ref.encoding === undefined ? bytesPerElement(ref.type) : 2);

/** A tensor not yet materialized: a strided view of a storage. */
export interface LazyTensor {
  readonly kind: 'lazy-tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly size: readonly number[];
  readonly stride: readonly number[];
}

/** Returns true when `value` is a {@link LazyTensor} produced by {@link readTorchZip}. */
export function isLazyTensor(value: unknown): value is LazyTensor {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'lazy-tensor';
}

/** An opaque Python object (e.g. `argparse.Namespace` in training checkpoints): its state only. */
export interface OpaqueObject {
  readonly kind: 'opaque';
  readonly type: string;
  state: unknown;
}

/** The decoded object tree of a torch checkpoint and a way to materialize its tensors. */
export interface TorchZip {
  /** The unpickled `data.pkl` (dict -> Map, tensors -> {@link LazyTensor}). */
  readonly root: unknown;
  /** Copies a lazy tensor's elements out of its storage (row-major, contiguous). */
  materialize(tensor: LazyTensor): TensorView;
  /**
   * Reads and CRC-checks the storages of `tensors` now (optional: materialize does it on first use),
   * so that a corrupt entry is reported before any tensor is copied.
   */
  prefetch(tensors: readonly LazyTensor[]): void;
}

function formatError(message: string, cause?: unknown): TaptrError {
  return new TaptrError('TAPTR_CHECKPOINT_FORMAT', `checkpoint: ${message}`, cause === undefined ? undefined : { cause });
}

const intList = (value: unknown, what: string): number[] => {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
    throw formatError(`${what} must be a tuple of non-negative integers, got ${describeValue(value)}`);
  }
  return value as number[];
};

function rebuildTensor(args: readonly unknown[]): LazyTensor {
  const [storage, offset, size, stride] = args;
  if (typeof storage !== 'object' || storage === null || (storage as { kind?: unknown }).kind !== 'storage') {
    throw formatError(`_rebuild_tensor_v2 expects a storage, got ${describeValue(storage)}`);
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw formatError(`bad storage offset ${describeValue(offset)}`);
  return { kind: 'lazy-tensor', storage: storage as StorageRef, offset, size: intList(size, 'tensor size'), stride: intList(stride, 'tensor stride') };
}

const opaque = (type: string) => ({
  call: (): OpaqueObject => ({ kind: 'opaque', type, state: null }),
  newObject: (): OpaqueObject => ({ kind: 'opaque', type, state: null }),
  build: (target: unknown, state: unknown) => {
    (target as OpaqueObject).state = state;
    return undefined;
  },
});

/**
 * The whitelist: tensor/parameter rebuilders, torch storage classes (as values only), OrderedDict
 * (its `_metadata` attribute state is dropped), and inert data types found in training checkpoints
 * (`argparse.Namespace` as a record, `collections.Counter`, `set`/`frozenset`, `_codecs.encode` for
 * protocol-2 bytes). Nothing else can be referenced, and nothing executes code.
 */
const TORCH_GLOBALS: GlobalsMap = {
  'torch._utils _rebuild_tensor_v2': rebuildTensor,
  'torch._utils _rebuild_parameter': (args) => {
    if (!isLazyTensor(args[0])) throw formatError(`_rebuild_parameter expects a tensor, got ${describeValue(args[0])}`);
    return args[0];
  },
  'collections OrderedDict': {
    call: () => new Map(),
    build: () => undefined,
  },
  // Inert containers that training checkpoints carry next to the weights (args, lr_scheduler's
  // milestones Counter, protocol-2 sets and bytes): decoded as data, never executed.
  'argparse Namespace': opaque('argparse.Namespace'),
  'collections Counter': (args) => new Map(args[0] instanceof Map ? args[0] : []),
  // Protocol 2 writes Python 2 module names (`__builtin__`) for builtins.
  ...Object.fromEntries(
    ['builtins', '__builtin__'].flatMap((m) =>
      ['set', 'frozenset'].map((n) => [`${m} ${n}`, (args: readonly unknown[]) => new Set(Array.isArray(args[0]) ? args[0] : [])]),
    ),
  ),
  '_codecs encode': (args) => {
    const [text, encoding] = args;
    if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1'))
      throw formatError(`_codecs.encode expects (str, 'latin1'), got ${describeValue(args)}`);
    return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
  },
  ...Object.fromEntries(Object.keys(STORAGE_TYPES).map((name) => [`torch ${name}`, {}])),
};

/**
 * Reads a torch checkpoint in the zip format of `torch.save` (PyTorch >= 1.6): `<archive>/data.pkl`
 * plus one `<archive>/data/<key>` entry per storage. Only whitelisted globals are accepted; storages
 * are read lazily (only those of the tensors you {@link TorchZip.materialize}), and the CRC-32 of
 * every entry read (data.pkl, each storage) is checked against the central directory, as
 * `torch.load` does.
 * @throws TaptrError `TAPTR_CHECKPOINT_CORRUPT` for a damaged zip, naming the entry: CRC-32
 *   mismatch, truncated file or entry, bad local header or central directory (from here or from
 *   {@link TorchZip.materialize} / {@link TorchZip.prefetch});
 *   `TAPTR_CHECKPOINT_FORMAT` for an intact file that is not a torch zip checkpoint (legacy non-zip
 *   format, no data.pkl, a missing storage); the `TAPTR_PICKLE_*` errors of the unpickler for a
 *   forbidden or malformed pickle.
 */
export function readTorchZip(bytes: Uint8Array): TorchZip {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`readTorchZip: bytes must be a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    const legacy = bytes[0] === 0x80 ? ' (this looks like the legacy non-zip torch.save format; re-save it with PyTorch >= 1.6)' : '';
    throw formatError(`not a zip file${legacy}: first bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  const zip = openZipArchive(bytes, 'checkpoint');
  const pkl = [...zip.entries.values()].filter((entry) => /^[^/]+\/data\.pkl$/.test(entry.name));
  if (pkl.length !== 1) throw formatError(`expected exactly one <archive>/data.pkl entry, found ${pkl.length}`);
  const pklEntry: ZipEntry = pkl[0]!;
  const pklBytes = zip.read(pklEntry);
  const archive = pklEntry.name.slice(0, -'/data.pkl'.length);
  let root: unknown;
  try {
    root = unpickle(pklBytes, {
      globals: TORCH_GLOBALS,
      lazyThreshold: Infinity,
      persistentLoad: (pid) => {
        if (!isTuple(pid) || pid[0] !== 'storage' || pid.length < 5) throw formatError(`unexpected persistent id ${describeValue(pid)}`);
        const [, cls, key, , numel] = pid;
        const name = isGlobalRef(cls, 'torch') ? cls.name : '';
        const type = STORAGE_TYPES[name];
        if (type === undefined) throw formatError(`unsupported storage type ${describeValue(cls)}`);
        if (typeof key !== 'string' || typeof numel !== 'number') throw formatError(`bad storage reference ${describeValue(pid)}`);
        const encoding = STORAGE_ENCODINGS[name];
        return (encoding === undefined ? { kind: 'storage', key, type, numel } : { kind: 'storage', key, type, encoding, numel }) satisfies StorageRef;
      },
    });
  } catch (error) {
    if (isTaptrError(error)) throw error;
    throw formatError(`cannot decode data.pkl (${(error as Error).message})`, error);
  }

  // Views of `bytes` (stored entries), each CRC-checked once when first needed.
  const storages = new Map<string, Uint8Array>();
  const storageBytes = (ref: StorageRef): Uint8Array => {
    let data = storages.get(ref.key);
    if (data === undefined) {
      const entryName = `${archive}/data/${ref.key}`;
      const entry = zip.entries.get(entryName);
      if (entry === undefined) throw formatError(`missing storage entry ${entryName}`);
      data = zip.read(entry);
      if (data.length < ref.numel * storageElementBytes(ref))
        throw formatError(`storage ${entryName} has ${data.length} bytes, expected ${ref.numel * storageElementBytes(ref)}`);
      storages.set(ref.key, data);
    }
    return data;
  };

  return {
    root,
    prefetch(tensors: readonly LazyTensor[]): void {
      for (const t of tensors) if (zip.entries.has(`${archive}/data/${t.storage.key}`)) storageBytes(t.storage);
    },
    materialize(t: LazyTensor): TensorView {
      const { storage, offset, size, stride } = t;
      const n = shapeSize(size);
      const bpe = storageElementBytes(storage);
      let last = offset;
      for (let i = 0; i < size.length; i++) if (size[i]! > 0) last += (size[i]! - 1) * stride[i]!;
      if (n > 0 && last >= storage.numel)
        throw formatError(`tensor view [${size.join(', ')}] at offset ${offset} exceeds its storage of ${storage.numel} elements`);
      const raw = storageBytes(storage);
      // Copy into an aligned buffer (zip entries are not aligned for the element size).
      const out = allocate(storage.type, n);
      const contiguous = size.every((_, i) => stride[i] === size.slice(i + 1).reduce((a, b) => a * b, 1) || size[i] === 1);
      if (storage.encoding === undefined && (contiguous || n === 0)) {
        new Uint8Array(out.buffer).set(raw.subarray(offset * bpe, (offset + n) * bpe));
      } else {
        const bytes = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
        let read: (i: number) => number | bigint;
        if (storage.encoding === 'float16') read = (i) => halfToFloat(bytes.getUint16(i * 2, true));
        else if (storage.encoding === 'bfloat16') read = (i) => new Float32Array(Uint32Array.of(bytes.getUint16(i * 2, true) << 16).buffer)[0]!;
        else {
          const all = allocate(storage.type, storage.numel);
          new Uint8Array(all.buffer).set(raw.subarray(0, storage.numel * bpe));
          const src = viewOf(storage.type, all.buffer, 0, storage.numel) as unknown as Record<number, number | bigint>;
          read = (i) => src[i]!;
        }
        const dst = out as unknown as Record<number, number | bigint>;
        const index = new Array<number>(size.length).fill(0);
        for (let k = 0; k < n; k++) {
          let s = offset;
          for (let d = 0; d < size.length; d++) s += index[d]! * stride[d]!;
          dst[k] = read(s);
          for (let d = size.length - 1; d >= 0; d--) {
            if (++index[d]! < size[d]!) break;
            index[d] = 0;
          }
        }
      }
      return { type: storage.type, dims: Object.freeze([...size]), data: out };
    },
  };
}
