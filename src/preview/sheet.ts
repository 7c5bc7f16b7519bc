/**
 * `contact-sheet.png`: every drawn item's thumbnail in a grid, in reading order, each with its id
 * below it; an item without a picture gets a grey cell saying why. Thumbnails shrink as the count
 * grows (240 px up to 64 items, 160 up to 400, then 112) so that the sheet stays a few thousand
 * pixels wide. Up to 4 Mpx it is a palette PNG (a third of the bytes: a sheet is for looking, the
 * item PNGs hold exact pixels); larger sheets skip the quantizing, which would take seconds.
 */
import sharp from 'sharp';
import { sheetThumbSize, type SheetCell } from './sheet-size.js';

const PAD = 8;
const TEXT = 18;
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const clip = (s: string, n: number): string => (s.length <= n ? s : s.slice(0, n - 1) + '…');

/** The contact sheet of the cells (see the module comment). */
export async function contactSheet(cells: readonly SheetCell[]): Promise<Buffer> {
  const T = sheetThumbSize(cells.length);
  const cols = Math.max(1, Math.min(cells.length, Math.ceil(Math.sqrt(cells.length * 1.6))));
  const rows = Math.max(1, Math.ceil(cells.length / cols));
  // rows as tall as the tallest thumbnail: landscape pictures leave no empty band
  const heights = cells.flatMap((c) => (c.thumb ? [c.thumb.height] : []));
  const th = heights.length ? Math.max(...heights) : Math.round(T * 0.75);
  const cw = T + PAD;
  const ch = th + TEXT + PAD;
  const width = cols * cw + PAD;
  const height = rows * ch + PAD;
  // thumbnails copied row by row into one raw canvas: libvips compositing 1,000 layers takes seconds
  const canvas = Buffer.alloc(width * height * 3, 0xf4);
  const svg: string[] = [];
  const chars = Math.floor(T / 7);
  cells.forEach((c, i) => {
    const x = PAD + (i % cols) * cw;
    const y = PAD + Math.floor(i / cols) * ch;
    if (c.thumb) blit(canvas, width, c.thumb, x + ((T - c.thumb.width) >> 1), y + ((th - c.thumb.height) >> 1));
    else {
      svg.push(`<rect x="${x}" y="${y}" width="${T}" height="${th}" fill="#d8d8d8"/>`);
      svg.push(`<text x="${x + T / 2}" y="${y + th / 2}" text-anchor="middle" font-size="11" fill="#444">${esc(clip(c.missing ?? 'not drawn', chars))}</text>`);
    }
    svg.push(`<text x="${x}" y="${y + th + 13}" font-size="12" fill="#222">${esc(clip(c.id, chars))}</text>`);
  });
  const text = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">${svg.join('')}</svg>`;
  return sharp(canvas, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(text), left: 0, top: 0 }])
    .png(width * height <= 4e6 ? { palette: true, compressionLevel: 9 } : { compressionLevel: 6 })
    .toBuffer();
}

/** Copies a raw RGB thumbnail into the canvas at (x, y). */
function blit(canvas: Buffer, width: number, t: { data: Buffer; width: number; height: number }, x: number, y: number): void {
  const row = t.width * 3;
  for (let r = 0; r < t.height; r++) t.data.copy(canvas, ((y + r) * width + x) * 3, r * row, r * row + row);
}
