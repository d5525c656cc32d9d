// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';

/** One image component of a JPEG frame header. */
export interface JpegComponent {
  readonly id: number;
  /** Horizontal and vertical sampling factors (1..4). */
  readonly h: number;
  readonly v: number;
}

/** What {@link readJpegHeader} found: frame size, components, Adobe colour transform. */
export interface JpegHeader {
  readonly width: number;
  readonly height: number;
  readonly components: readonly JpegComponent[];
  readonly progressive: boolean;
  /** The Adobe APP14 transform flag (0 = none, 1 = YCbCr), undefined when there is no such segment. */
  readonly adobeTransform: number | undefined;
}

const SUPPORTED_SOF = new Set([0xc0, 0xc1, 0xc2]);
const UNSUPPORTED_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Walks every marker segment of a JPEG file and checks what a decoder relies on before it decodes
 * anything: segments inside the file, one baseline/extended/progressive frame header with 1 to 4
 * components (sampling factors 1..4, distinct ids, quantization table ids 0..3), well-formed
 * quantization and Huffman tables (no over-subscribed code), and scans that name frame components
 * and tables defined before them. For sequential JPEGs the entropy-coded data must also hold at
 * least one bit per 8x8 block (every block costs at least two Huffman codes), so a corrupt size
 * cannot make a decoder fill a huge image from a few bytes.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` naming the marker, byte offset and what is wrong.
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  const fail = (message: string): never => {
    throw new TaptrError('TAPTR_VIDEO_FORMAT', message);
  };
  const hex = (marker: number): string => `FF${marker.toString(16).toUpperCase().padStart(2, '0')}`;
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) fail('no JPEG start-of-image marker (FF D8)');
  let frame: { width: number; height: number; components: (JpegComponent & { tq: number })[]; progressive: boolean } | undefined;
  let adobeTransform: number | undefined;
  const quant = new Set<number>();
  const dc = new Set<number>();
  const ac = new Set<number>();
  let scans = 0;
  let entropyBytes = 0;
  let at = 2;
  for (;;) {
    // Next marker: skip stray bytes and fill bytes as libjpeg does.
    while (at < bytes.length && bytes[at] !== 0xff) at++;
    while (at < bytes.length && bytes[at] === 0xff) at++;
    if (at >= bytes.length) break;
    const marker = bytes[at]!;
    const markerAt = at - 1;
    at++;
    if (marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (marker === 0xd8) fail(`second start-of-image marker at byte ${markerAt}`);
    if (at + 2 > bytes.length) fail(`segment ${hex(marker)} at byte ${markerAt} has no length`);
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    const end = at + length;
    if (length < 2 || end > bytes.length) fail(`segment ${hex(marker)} at byte ${markerAt} has length ${length}, ${bytes.length - at} bytes left`);
    const seg = bytes.subarray(at + 2, end);
    at = end;
    if (SUPPORTED_SOF.has(marker)) {
      if (frame !== undefined) fail(`second frame header ${hex(marker)} at byte ${markerAt}`);
      const count = seg[5] ?? 0;
      if (seg.length !== 6 + 3 * count || count < 1 || count > 4) fail(`frame header at byte ${markerAt}: ${count} components in ${seg.length} bytes`);
      if (seg[0] !== 8) fail(`frame header at byte ${markerAt}: ${seg[0]}-bit samples (only 8-bit JPEGs are supported)`);
      const height = (seg[1]! << 8) | seg[2]!;
      const width = (seg[3]! << 8) | seg[4]!;
      if (width === 0 || height === 0) fail(`frame header at byte ${markerAt}: size ${width}x${height}`);
      const components: (JpegComponent & { tq: number })[] = [];
      for (let i = 0; i < count; i++) {
        const id = seg[6 + 3 * i]!;
        const h = seg[7 + 3 * i]! >> 4;
        const v = seg[7 + 3 * i]! & 15;
        const tq = seg[8 + 3 * i]!;
        if (h < 1 || h > 4 || v < 1 || v > 4) fail(`frame header at byte ${markerAt}: component ${id} has sampling factors ${h}x${v}`);
        if (tq > 3) fail(`frame header at byte ${markerAt}: component ${id} uses quantization table ${tq}`);
        if (components.some((c) => c.id === id)) fail(`frame header at byte ${markerAt}: component id ${id} appears twice`);
        components.push({ id, h, v, tq });
      }
      frame = { width, height, components, progressive: marker === 0xc2 };
    } else if (UNSUPPORTED_SOF.has(marker)) {
      fail(`unsupported JPEG process (${hex(marker)} frame header at byte ${markerAt})`);
    } else if (marker === 0xdb) {
      for (let p = 0; p < seg.length;) {
        const precision = seg[p]! >> 4;
        const id = seg[p]! & 15;
        const size = precision === 0 ? 64 : 128;
        if (precision > 1 || id > 3 || p + 1 + size > seg.length)
          fail(`quantization table at byte ${markerAt}: bad table spec 0x${seg[p]!.toString(16)} or size`);
        quant.add(id);
        p += 1 + size;
      }
    } else if (marker === 0xc4) {
      for (let p = 0; p < seg.length;) {
        const tableClass = seg[p]! >> 4;
        const id = seg[p]! & 15;
        if (tableClass > 1 || id > 3 || p + 17 > seg.length) fail(`Huffman table at byte ${markerAt}: bad table spec or size`);
        let count = 0;
        let available = 1;
        for (let l = 0; l < 16; l++) {
          const n = seg[p + 1 + l]!;
          count += n;
          available = available * 2 - n;
          if (available < 0) fail(`Huffman table at byte ${markerAt}: over-subscribed code lengths`);
        }
        if (p + 17 + count > seg.length) fail(`Huffman table at byte ${markerAt}: ${count} values do not fit in the segment`);
        (tableClass === 0 ? dc : ac).add(id);
        p += 17 + count;
      }
    } else if (marker === 0xdd) {
      if (seg.length !== 2) fail(`restart interval segment at byte ${markerAt} has length ${length}`);
    } else if (marker === 0xda) {
      if (frame === undefined) fail(`scan at byte ${markerAt} comes before the frame header`);
      const count = seg[0] ?? 0;
      if (count < 1 || count > 4 || seg.length !== 4 + 2 * count) fail(`scan header at byte ${markerAt}: ${count} components in ${seg.length} bytes`);
      const ss = seg[1 + 2 * count]!;
      const se = seg[2 + 2 * count]!;
      const ah = seg[3 + 2 * count]! >> 4;
      if (ss > se || se > 63) fail(`scan header at byte ${markerAt}: spectral selection ${ss}..${se}`);
      const seen = new Set<number>();
      for (let i = 0; i < count; i++) {
        const id = seg[1 + 2 * i]!;
        const component = frame!.components.find((c) => c.id === id);
        if (component === undefined || seen.has(id)) fail(`scan header at byte ${markerAt}: component ${id} is not in the frame or appears twice`);
        seen.add(id);
        const td = seg[2 + 2 * i]! >> 4;
        const ta = seg[2 + 2 * i]! & 15;
        const needsDc = ss === 0 && !(frame!.progressive && ah > 0);
        const needsAc = frame!.progressive ? se > 0 : true;
        if (needsDc && !dc.has(td)) fail(`scan at byte ${markerAt}: component ${id} uses DC Huffman table ${td}, which is not defined`);
        if (needsAc && !ac.has(ta)) fail(`scan at byte ${markerAt}: component ${id} uses AC Huffman table ${ta}, which is not defined`);
        if (!quant.has(component!.tq)) fail(`scan at byte ${markerAt}: component ${id} uses quantization table ${component!.tq}, which is not defined`);
      }
      // Entropy-coded data: up to the next marker that is neither a stuffed 00 nor a restart marker.
      const start = at;
      while (at + 1 < bytes.length) {
        if (bytes[at] === 0xff) {
          const next = bytes[at + 1]!;
          if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) break;
        }
        at++;
      }
      if (at + 1 >= bytes.length) at = bytes.length;
      entropyBytes += at - start;
      scans++;
    } else if (marker === 0xee && seg.length >= 12 && seg[0] === 0x41 /* 'A' */) {
      adobeTransform = seg[11];
    }
  }
  if (frame === undefined) fail('no frame header (SOF0/SOF1/SOF2)');
  if (scans === 0) fail('no scan (SOS) in the file');
  const { width, height, components, progressive } = frame!;
  if (!progressive) {
    // Blocks of each component without MCU padding (the fewest any scan layout codes).
    const maxH = Math.max(...components.map((c) => c.h));
    const maxV = Math.max(...components.map((c) => c.v));
    const blocks = components.reduce((n, c) => n + Math.ceil(Math.ceil((width * c.h) / maxH) / 8) * Math.ceil(Math.ceil((height * c.v) / maxV) / 8), 0);
    if (entropyBytes * 8 < blocks)
      fail(`${width}x${height} needs ${blocks} coded 8x8 blocks, but the scans hold only ${entropyBytes} bytes (truncated or corrupt)`);
  }
  return { width, height, components: components.map(({ id, h, v }) => ({ id, h, v })), progressive, adobeTransform };
}
