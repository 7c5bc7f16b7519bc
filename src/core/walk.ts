/**
 * The files below a folder, as paths relative to it in sorted order, without following symbolic
 * links (fs.readdir's `recursive` follows links to folders, so a link to `.` or `..` made it list
 * forever) and without hidden entries. Links and special files (pipes, sockets, devices) are
 * counted, not used: a reader says how many it skipped.
 */
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';

export async function filesBelow(root: string, keep: (rel: string) => boolean): Promise<{ files: string[]; skipped: number }> {
  const files: string[] = [];
  let skipped = 0;
  const folders = [''];
  while (folders.length) {
    const rel = folders.pop()!;
    const dir = await opendir(join(root, rel));
    for await (const d of dir) {
      if (d.name.startsWith('.')) continue;
      const path = rel === '' ? d.name : join(rel, d.name);
      if (d.isDirectory()) folders.push(path);
      else if (d.isSymbolicLink()) skipped++; // a link to a folder may hold what was meant: said, not followed
      else if (!keep(path)) continue;
      else if (d.isFile()) files.push(path);
      else skipped++;
    }
  }
  files.sort();
  return { files, skipped };
}
