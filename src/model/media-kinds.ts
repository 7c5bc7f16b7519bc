/** The kind of media a file name or URL suggests by its extension (undefined when unknown). */
import type { ItemKind } from './types.js';

const BY_EXTENSION: Record<string, ItemKind> = {};
const add = (kind: ItemKind, exts: string): void => {
  for (const e of exts.split(' ')) BY_EXTENSION[e] = kind;
};
add('image', 'jpg jpeg jpe png gif bmp tif tiff webp avif heic heif jp2');
add('video', 'mp4 m4v mov avi mkv webm mpg mpeg wmv flv 3gp ogv');
add('audio', 'mp3 wav flac aac ogg oga m4a opus wma');
add('pdf', 'pdf');
add('text', 'txt md csv tsv json xml html htm');
add('dicom', 'dcm dicom');
add('nifti', 'nii nii.gz hdr');

/** Extensions of a kind, without the dot, in the order listed above. */
export function extensionsOf(kind: ItemKind): string[] {
  return Object.keys(BY_EXTENSION).filter((e) => BY_EXTENSION[e] === kind);
}

/** The extension-suggested kind of a path or URL (query and fragment ignored, case-insensitive). */
export function kindFromName(name: string): ItemKind | undefined {
  const path = name.split(/[?#]/)[0]!.toLowerCase();
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base.endsWith('.nii.gz')) return 'nifti';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? undefined : BY_EXTENSION[base.slice(dot + 1)];
}
