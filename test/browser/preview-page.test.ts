/**
 * The preview page in a real browser: Debian's headless Chromium (installed by .ci/run), driven by
 * playwright-core, opens preview.html from disk. Checked: one grid cell per item; clicking a
 * legend label shows only the items holding it, clicking it again shows all; a click on a card
 * shows the enlarged picture, loaded from the folder beside the page; every request the page
 * makes is file: or data: (one item's image URL is on a host, and is not asked for); no
 * Content-Security-Policy violation (the inline script and style pass by their hashes). A
 * screenshot is saved in test-artifacts/ for CI. Skipped, saying so, where Chromium is absent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORPUS, ROOT, cli } from '../helpers/run.js';
import { skipping } from '../peers/peers.js';

const CHROMIUM = process.env.ANNOCONV_CHROMIUM ?? '/usr/bin/chromium';
const YOLO = join(CORPUS, 'yolo/label-studio-sdk/data/test_import_yolo_data');
const playwright = await import('playwright-core').catch(() => undefined);
const ready = existsSync(CHROMIUM) && playwright !== undefined && existsSync(YOLO);
if (!ready) skipping('chromium', !existsSync(CHROMIUM) ? `${CHROMIUM} not found (apt-get install chromium)` : playwright === undefined ? 'playwright-core not installed' : 'corpus YOLO sample absent');

const dir = mkdtempSync(join(tmpdir(), 'annoconv-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!ready)('preview.html in headless Chromium', () => {
  it('grid cells, legend filter, enlarged view, no request leaving the page, no policy violation; screenshot saved', async () => {
    // the corpus sample as Label Studio tasks, plus one task whose image is only on a host
    const ls = join(dir, 'tasks.json');
    let r = await cli(['convert', YOLO, '--from', 'yolo', '--to', 'labelstudio', '-o', ls, '--url-prefix', '/data/local-files/?d=']);
    expect(r.code, r.stderr).toBe(0);
    const tasks = JSON.parse((await import('node:fs')).readFileSync(ls, 'utf8')) as unknown[];
    tasks.push({ data: { image: 'https://example.com/remote.jpg' }, annotations: [] });
    writeFileSync(ls, JSON.stringify(tasks));
    const page = join(dir, 'preview.html');
    r = await cli(['preview', ls, '--from', 'labelstudio', '--media-root', YOLO, '-o', page]);
    expect(r.code, r.stderr).toBe(0);

    const browser = await playwright!.chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const violations: string[] = [];
      tab.on('request', (q) => requests.push(q.url()));
      tab.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      tab.on('pageerror', (e) => violations.push(String(e)));
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });

      const visible = (): Promise<number> => tab.locator('.card:visible').count();
      expect(await tab.locator('.card').count()).toBe(8);
      expect(await visible()).toBe(8);
      expect(await tab.locator('.card .none').count()).toBe(1); // the remote image: listed, not drawn
      // every thumbnail decoded (data: URIs pass the policy)
      const thumbs = await tab.locator('.card img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      expect(thumbs.length).toBe(7);
      for (const w of thumbs) expect(w).toBeGreaterThan(0);

      // opened_door is on img_6 only (class 1 of classes.txt in one label file)
      await tab.locator('.legend button', { hasText: 'opened_door' }).click();
      expect(await visible()).toBe(1);
      expect(await tab.locator('.card:visible .src').first().textContent()).toContain('img_6');
      await tab.locator('.legend button', { hasText: 'opened_door' }).click();
      expect(await visible()).toBe(8);
      await tab.locator('.legend button', { hasText: 'bus' }).click();
      expect(await visible()).toBe(7);
      await tab.locator('.legend button', { hasText: 'bus' }).click();

      // the enlarged view loads its picture from the folder beside the page
      await tab.locator('.card').first().click();
      await tab.waitForFunction(() => (document.querySelector('#view img') as HTMLImageElement | null)?.complete === true);
      expect(await tab.locator('#view').evaluate((v) => v.classList.contains('open'))).toBe(true);
      expect(await tab.locator('#view img').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      await tab.keyboard.press('Escape');

      mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
      await tab.screenshot({ path: join(ROOT, 'test-artifacts', 'preview-page.png'), fullPage: true });

      expect(requests.length).toBeGreaterThan(1);
      expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
      expect(requests.some((u) => u.includes('preview_files/'))).toBe(true);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
