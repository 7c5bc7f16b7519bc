/**
 * A small pool of worker threads for the second core: a reader hands it independent pieces of work
 * (a COCO partition to join and serialize) and takes the results back in order. Used only when the
 * compiled worker entry exists (it does in every install; tests running from sources go without).
 * The size comes from --workers; ANNOCONV_WORKERS=N overrides it.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./worker-main.js', import.meta.url);


/** How many worker threads to use: `requested` (or ANNOCONV_WORKERS), at most the cores, 0 without the entry file. */
export function workerCount(requested: number): number {
  const env = process.env.ANNOCONV_WORKERS;
  const n = env !== undefined && env !== '' ? Math.floor(Number(env)) || 0 : requested;
  if (n <= 0 || !existsSync(fileURLToPath(ENTRY))) return 0;
  return Math.min(n, availableParallelism());
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class WorkerPool {
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;
  private turn = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(ENTRY);
      w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result);
      });
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
    }
  }

  /** Run `name(args)` exported by `module` (a file URL) on the next worker. */
  run<T>(module: string, name: string, args: unknown): Promise<T> {
    const id = this.nextId++;
    const w = this.workers[this.turn++ % this.workers.length]!;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ id, module, name, args });
    });
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
