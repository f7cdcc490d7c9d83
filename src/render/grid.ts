/**
 * Draws grey or colour images as a grid on any CanvasRenderingContext2D (node-canvas or Skia in
 * Node, a browser's canvas in a page). Pure drawing: it does not know where the canvas lives.
 */

export interface GridLayout {
  /** Images to draw. */
  readonly count: number;
  /** Pixel rows and columns of one image. */
  readonly rows: number;
  readonly cols: number;
  /** 1 (absent): a grey level per pixel; 3: red, green and blue. */
  readonly channels?: number;
  /** Images per grid row. */
  readonly gridCols: number;
  /** Screen pixels per image pixel. */
  readonly scale: number;
  /** Screen pixels between images and around the grid. */
  readonly pad: number;
}

/** Enough of CanvasRenderingContext2D for image grids. */
export type PixelContext = Pick<CanvasRenderingContext2D, 'createImageData' | 'putImageData' | 'fillRect'> & {
  fillStyle: unknown;
};

/**
 * The scale at which an image of rows x cols takes about the room a 28x28 one takes at `scale`:
 * small images (a folder's 8x8 or 16x16) drawn larger, never smaller.
 */
export const scaleLike28 = (scale: number, rows: number, cols: number): number =>
  Math.max(scale, Math.round((scale * 28) / Math.max(rows, cols)));

/** The layout of a milestone's grid: 8 images a row, small images drawn larger (scaleLike28). */
export const eightAcross = (
  images: { readonly count: number; readonly rows: number; readonly cols: number; readonly channels: number },
  scale: number,
  pad: number,
): GridLayout => ({ ...images, gridCols: 8, scale: scaleLike28(scale, images.rows, images.cols), pad });

/** How many images `levels` holds at the layout's size and channels. */
export const imagesIn = (levels: ArrayLike<number>, l: Pick<GridLayout, 'rows' | 'cols' | 'channels'>): number =>
  levels.length / (l.rows * l.cols * (l.channels ?? 1));

export function gridSize(l: GridLayout): { width: number; height: number } {
  const gridRows = Math.ceil(l.count / l.gridCols);
  return {
    width: l.gridCols * (l.cols * l.scale + l.pad) + l.pad,
    height: gridRows * (l.rows * l.scale + l.pad) + l.pad,
  };
}

const PAD_GREY = 40;

/** Draws `count` images of levels 0-255 (image after image, row after row, channel after channel) at (x, y). */
export function drawGrid(ctx: PixelContext, levels: Uint8Array, l: GridLayout, x = 0, y = 0): void {
  const { width, height } = gridSize(l);
  const image = ctx.createImageData(width, height);
  const px = image.data;
  for (let i = 0; i < px.length; i += 4) {
    px[i] = px[i + 1] = px[i + 2] = PAD_GREY;
    px[i + 3] = 255;
  }
  const ch = l.channels ?? 1;
  // Where green and blue are after red: the next two levels in colour, the same level in grey.
  const [g, b] = ch === 3 ? [1, 2] : [0, 0];
  const per = l.rows * l.cols;
  for (let n = 0; n < l.count; n++) {
    const left = l.pad + (n % l.gridCols) * (l.cols * l.scale + l.pad);
    const top = l.pad + Math.floor(n / l.gridCols) * (l.rows * l.scale + l.pad);
    for (let r = 0; r < l.rows * l.scale; r++) {
      const srcRow = n * per + Math.floor(r / l.scale) * l.cols;
      let o = ((top + r) * width + left) * 4;
      for (let c = 0; c < l.cols * l.scale; c++, o += 4) {
        const at = (srcRow + Math.floor(c / l.scale)) * ch;
        px[o] = levels[at];
        px[o + 1] = levels[at + g];
        px[o + 2] = levels[at + b];
      }
    }
  }
  ctx.putImageData(image, x, y);
}
