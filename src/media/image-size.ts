/**
 * The displayed size of an image file, read from its header only (sharp `metadata()`): EXIF
 * orientations 5-8 turn the image a quarter, so width and height swap.
 */
import sharp from 'sharp';

export interface ImageSize {
  width: number;
  height: number;
}

/** The image's displayed width and height, or a message saying why it cannot be read. */
export async function imageSize(path: string): Promise<ImageSize | string> {
  try {
    const m = await sharp(path).metadata();
    if (!m.width || !m.height) return 'the image header gives no size';
    const turned = (m.orientation ?? 1) >= 5;
    return turned ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
  } catch (e) {
    return (e as Error).message.split('\n')[0]!.slice(0, 200);
  }
}
