/**
 * Temporary files and folders that must not outlive the run: removed on success, on error, and
 * (through the CLI's signal handlers) on Ctrl-C / SIGTERM.
 */
import { rmSync } from 'node:fs';

const temps = new Set<string>();

export function registerTemp(path: string): void {
  temps.add(path);
}

export function unregisterTemp(path: string): void {
  temps.delete(path);
}

/** Remove every registered temporary path now (synchronously, safe in signal and exit handlers). */
export function removeAllTemps(): void {
  for (const p of temps) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // best effort: nothing else can be done during shutdown
    }
  }
  temps.clear();
}
