/**
 * A small pool of worker threads for the second core: a reader hands it independent pieces of work
 * (a COCO partition to join and serialize) and takes the results back in order. Used only when the
 * compiled worker entry exists (it does in every install; tests running from sources go without).
 * The size comes from --workers; ANNOCONV_WORKERS=N overrides it.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

const ENTRY = new URL('./worker-main.js', import.meta.url);


/** How many worker threads to use: `requested` (or ANNOCONV_WORKERS), at most the cores, 0 without the entry file. */
export function workerCount(requested: number): number {
  const env = process.env.ANNOCONV_WORKERS;
  const n = env !== undefined && env !== '' ? Math.floor(Number(env)) || 0 : requested;
  if (n <= 0 || !existsSync(fileURLToPath(ENTRY))) return 0;
  return Math.min(n, availableParallelism());
}

/**
 * How many threads a parallel stage uses in all, the calling thread included: `requested` (0, the
 * default, is one: a second isolate costs more memory than COCO L's 256 MB bound leaves, measured
 * 276-300 MiB with two threads against 211 MiB with one), at most the cores; 1 (the calling thread
 * alone) without the worker entry.
 * ANNOCONV_WORKERS=N overrides it with N worker threads beside the calling one.
 */
export function threadCount(requested: number): number {
  const env = process.env.ANNOCONV_WORKERS;
  const cores = availableParallelism();
  if (!existsSync(fileURLToPath(ENTRY))) return 1;
  if (env !== undefined && env !== '') return Math.min(Math.max(0, Math.floor(Number(env)) || 0) + 1, cores);
  return requested > 0 ? Math.min(requested, cores) : 1;
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

  /** `resourceLimits` caps each worker's heap: a worker past it ends, and its tasks are rejected. */
  constructor(size: number, resourceLimits?: ResourceLimits) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(ENTRY, resourceLimits ? { resourceLimits } : {});
      w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result);
      });
      w.on('error', (e) => this.failAll(e));
      // a worker that ended (out of its heap, or terminated) answers nothing more
      w.on('exit', () => this.failAll(new Error('worker thread ended')));
      this.workers.push(w);
    }
  }

  /** Run `name(args)` exported by `module` (a file URL) on the next worker. */
  run<T>(module: string, name: string, args: unknown): Promise<T> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    const w = this.workers[this.turn++ % this.workers.length]!;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ id, module, name, args });
    });
  }

  private ended: Error | undefined;

  private failAll(e: Error): void {
    this.ended ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
