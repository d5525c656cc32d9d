// SPDX-License-Identifier: Apache-2.0
// The mask the user paints with a brush (or uploads as a PNG), kept at the video's own size.
import { maskArea, maskFromRgba, type PixelMask } from './pixel-mask.js';

/** Colour of the painted mask (opaque magenta: inside by the CLI's rule, visible over most footage). */
const MASK_COLOR = 'rgb(255, 0, 255)';

/** A paintable mask over a `width x height` video. */
export interface MaskPainter {
  readonly width: number;
  readonly height: number;
  /** The mask image (opaque {@link MASK_COLOR} inside, transparent outside), for drawing over the frame. */
  readonly canvas: OffscreenCanvas;
  /** Paints (or erases) a stroke of radius `radius` video pixels from `(x0, y0)` to `(x1, y1)`. */
  stroke(x0: number, y0: number, x1: number, y1: number, radius: number, erase: boolean): void;
  clear(): void;
  /** Replaces the mask with an image (scaled to the video size, nearest neighbour), read with the CLI's rule. */
  load(image: ImageBitmap): void;
  /** The current mask. */
  mask(): PixelMask;
  /** Pixels inside. */
  area(): number;
  /** The mask as a PNG (opaque inside, transparent outside), as `taptr track --mask` reads it. */
  toPng(): Promise<Blob>;
}

/** Creates an empty mask of `width x height` video pixels. */
export function createMaskPainter(width: number, height: number): MaskPainter {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) throw new Error('no 2d context for the mask');
  const read = (): PixelMask => maskFromRgba(width, height, ctx.getImageData(0, 0, width, height).data);
  return {
    width,
    height,
    canvas,
    stroke(x0, y0, x1, y1, radius, erase) {
      ctx.save();
      ctx.globalCompositeOperation = erase ? 'destination-out' : 'source-over';
      ctx.strokeStyle = MASK_COLOR;
      ctx.fillStyle = MASK_COLOR;
      ctx.lineCap = 'round';
      ctx.lineWidth = 2 * radius;
      // Pixel (x, y) covers [x - 0.5, x + 0.5] in video coordinates, [x, x + 1] on the canvas.
      ctx.beginPath();
      ctx.moveTo(x0 + 0.5, y0 + 0.5);
      ctx.lineTo(x1 + 0.5, y1 + 0.5);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(x1 + 0.5, y1 + 0.5, radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.restore();
    },
    clear() {
      ctx.clearRect(0, 0, width, height);
    },
    load(image) {
      ctx.clearRect(0, 0, width, height);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(image, 0, 0, width, height);
      // Normalise to the mask colour, so it shows like a painted one.
      const inside = read().inside;
      const rgba = new ImageData(width, height);
      for (let i = 0; i < inside.length; i++) {
        if (inside[i] === 0) continue;
        rgba.data.set([255, 0, 255, 255], i * 4);
      }
      ctx.putImageData(rgba, 0, 0);
    },
    mask: read,
    area: () => maskArea(read()),
    toPng: () => canvas.convertToBlob({ type: 'image/png' }),
  };
}
