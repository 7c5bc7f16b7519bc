/** Entry point of annoconv's worker threads: runs one exported function of one module per message. */
import { parentPort } from 'node:worker_threads';

interface Task {
  id: number;
  module: string;
  name: string;
  args: unknown;
}

parentPort!.on('message', (t: Task) => {
  void (async () => {
    try {
      const fn = ((await import(t.module)) as Record<string, (a: unknown) => unknown>)[t.name];
      if (typeof fn !== 'function') throw new Error(`${t.module} has no function ${t.name}`);
      const result = await fn(t.args);
      // a result may name ArrayBuffers to move rather than copy (large outputs)
      const transfer = result !== null && typeof result === 'object' && Array.isArray((result as { transfer?: unknown }).transfer) ? (result as { transfer: ArrayBuffer[] }).transfer : [];
      parentPort!.postMessage({ id: t.id, result }, transfer);
    } catch (e) {
      parentPort!.postMessage({ id: t.id, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
