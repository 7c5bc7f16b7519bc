import type { FormatDescriptor } from '../../core/format.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import type { Options } from '../../core/options.js';

/** A value option that must be a pixel value: 0-65535 read (16-bit masks), 0-255 written (8-bit palette PNGs). */
function checkValue(options: Options, key: 'background' | 'ignore', max: number): void {
  const v = options.format[key];
  if (v === undefined) return;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new AnnoconvError(diag('OPTION_INVALID', `--${key} must be a whole number 0-${max} (a pixel value${max === 255 ? ' of the 8-bit PNGs written' : ''}), got ${JSON.stringify(v)}`), 2);
  }
}

export const masks: FormatDescriptor = {
  id: 'masks',
  aliases: ['semantic-masks', 'png-masks'],
  title: 'Semantic mask PNGs (pixel = class index) with labelmap.txt or classes.txt; written as masks/*.png and labelmap.txt into -o DIR',
  extensions: [],
  can: { read: true, write: true, validate: true, directory: true, oneSet: true, pixels: true },
  async detectDirectory(path: string): Promise<number> {
    const { looksLikeMasks } = await import('./reader.js');
    return (await looksLikeMasks(path)) ? 0.9 : 0;
  },
  options: {
    background: { type: 'string', describe: 'masks: the pixel value of no class (default 0): not read as a class, and what unpainted pixels get' },
    ignore: { type: 'string', describe: 'masks: the pixel value to ignore (default 255, the void band): not read as a class, never painted' },
    'paint-order': {
      type: 'string', scope: 'write', choices: ['items', 'area'],
      describe: 'masks output: items (default): later annotations over earlier ones; area: largest first, so that small objects stay on top',
    },
  },
  checkOptions(options, role) {
    const max = role === 'write' ? 255 : 65535;
    checkValue(options, 'background', max);
    checkValue(options, 'ignore', max);
  },
  async load() {
    const [{ readMasks }, { createMasksWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readMasks, createWriter: createMasksWriter };
  },
};
