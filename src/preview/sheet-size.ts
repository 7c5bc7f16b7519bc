/** The contact sheet's cells and thumbnail size (apart from sheet.ts, which loads sharp). */

export interface SheetCell {
  id: string;
  /** Raw RGB thumbnail (3 channels) and its size; absent when the item has no picture. */
  thumb?: { data: Buffer; width: number; height: number };
  /** Why there is no picture. */
  missing?: string;
}

/** The thumbnail size for a sheet of n items: 240 px up to 64 items, 160 up to 400, then 112. */
export function sheetThumbSize(n: number): number {
  return n <= 64 ? 240 : n <= 400 ? 160 : 112;
}
