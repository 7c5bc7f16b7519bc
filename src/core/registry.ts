/** Lookup of formats by id or alias, over the explicit list in formats/index.ts. */
import { FORMATS } from '../formats/index.js';
import type { FormatDescriptor } from './format.js';
import { AnnoconvError, diag } from './diagnostics.js';

export function listFormats(): readonly FormatDescriptor[] {
  return FORMATS;
}

/** The format with this id or alias (case-insensitive), or undefined. */
export function findFormat(name: string): FormatDescriptor | undefined {
  const n = name.toLowerCase();
  return FORMATS.find((f) => f.id === n || f.aliases.includes(n));
}

/** Like {@link findFormat} but a usage error (exit 2) when unknown. */
export function requireFormat(name: string, role: 'read' | 'write' | 'validate'): FormatDescriptor {
  const f = findFormat(name);
  if (!f) {
    const ids = FORMATS.map((x) => x.id).join(', ');
    throw new AnnoconvError(diag('OPTION_UNKNOWN_FORMAT', `unknown format "${name}" (known: ${ids})`), 2);
  }
  if (!f.can[role]) {
    throw new AnnoconvError(diag('OPTION_NOT_SUPPORTED', `format "${f.id}" cannot ${role}`), 2);
  }
  return f;
}
