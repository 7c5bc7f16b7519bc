/**
 * `preview.html`: one static page that opens from the file system. Thumbnails are embedded as
 * data: URIs; the enlarged pictures are files in the folder beside the page (`preview_files/`).
 * Its script and style are inline and allowed by their SHA-256 in a Content-Security-Policy that
 * permits nothing else: no network, no other script, font or style, no form or frame; images only
 * from data:, the page's own origin and file:.
 *
 * The page: a header with the counts; a legend of labels (colour, annotation count, items) whose
 * buttons filter the grid to the items holding that label (again: show all); a grid of cards with
 * the item id, its label counts and what was not drawn; a click on a card shows the picture large
 * with its details (Escape or a click closes it); and a table of everything not drawn.
 */
import { createHash } from 'node:crypto';
import { labelColour } from './colour.js';
import type { NotDrawn } from './overlay.js';

export interface PageCard {
  id: string;
  /** data: URI of the thumbnail. */
  thumb?: string;
  /** Relative URL of the enlarged picture. */
  full?: string;
  /** Annotations per label on the item. */
  labels: [string, number][];
  notDrawn: NotDrawn[];
  /** Why the item has no picture. */
  missing?: string;
  /** "640x480" of the image file. */
  size?: string;
  /** The item's path or URL, shown when it is not its id. */
  source?: string;
}

export interface PageData {
  title: string;
  /** What was chosen: "7 items of 7" or "a sample of 100 of 5,000 items (seed 1)". */
  chosen: string;
  cards: PageCard[];
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const sha = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
const n = (v: number): string => v.toLocaleString('en-US');

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{padding:12px 16px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:18px;margin:0 0 4px}
.legend{display:flex;flex-wrap:wrap;gap:6px;padding:10px 16px}
.legend button{font:inherit;border:1px solid #ccc;background:#fff;border-radius:12px;padding:2px 10px;cursor:pointer}
.legend button.on{border-color:#222;background:#222;color:#fff}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;background:var(--c)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:10px;padding:0 16px 16px}
.card{background:#fff;border:1px solid #ddd;border-radius:4px;padding:6px;cursor:zoom-in}
.card[hidden]{display:none}
.card img{width:100%;height:170px;object-fit:contain;background:#eee;display:block}
.card .none{height:170px;background:#e4e4e4;color:#555;display:flex;align-items:center;justify-content:center;text-align:center;font-size:12px;padding:4px;overflow:hidden;word-break:break-all}
.id{font-weight:600;word-break:break-all;margin-top:4px}
.counts,.warn,.src{font-size:12px;color:#555}
.src{word-break:break-all}
.warn{color:#a05000}
.info{display:none}
#view{position:fixed;inset:0;background:rgba(0,0,0,.85);display:none;flex-direction:column;align-items:center;justify-content:center;color:#fff;cursor:zoom-out;padding:12px}
#view.open{display:flex}
#view img{max-width:96vw;max-height:80vh;background:#fff}
#view .info{display:block;max-width:96vw;font-size:13px}
table{border-collapse:collapse;margin:0 16px 24px;font-size:13px}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
h2{font-size:16px;margin:16px}
`;

const SCRIPT = `
const cards=[...document.querySelectorAll('.card')];
const buttons=[...document.querySelectorAll('.legend button')];
const shown=document.getElementById('shown');
let active=null;
for(const b of buttons)b.addEventListener('click',()=>{
  active=active===b.dataset.k?null:b.dataset.k;
  for(const o of buttons)o.classList.toggle('on',o.dataset.k===active);
  let k=0;
  for(const c of cards){c.hidden=active!==null&&!c.dataset.l.includes(' '+active+' ');if(!c.hidden)k++;}
  shown.textContent=k.toLocaleString('en-US');
});
const view=document.getElementById('view');
const big=view.querySelector('img');
const details=view.querySelector('.info');
for(const c of cards)c.addEventListener('click',()=>{
  const src=c.dataset.full||(c.querySelector('img')||{}).src;
  big.hidden=!src;if(src)big.src=src;
  details.replaceChildren(...[...c.querySelector('.info').childNodes].map((x)=>x.cloneNode(true)));
  view.classList.add('open');
});
view.addEventListener('click',()=>view.classList.remove('open'));
document.addEventListener('keydown',(e)=>{if(e.key==='Escape')view.classList.remove('open');});
`;

function legend(cards: readonly PageCard[], index: Map<string, number>): string {
  const totals = new Map<string, { annotations: number; items: number }>();
  for (const c of cards)
    for (const [l, k] of c.labels) {
      const t = totals.get(l) ?? { annotations: 0, items: 0 };
      t.annotations += k;
      t.items++;
      totals.set(l, t);
    }
  return [...totals]
    .sort((a, b) => b[1].annotations - a[1].annotations || (a[0] < b[0] ? -1 : 1))
    .map(([l, t]) => `<button type="button" data-k="${index.get(l)}" class="k${index.get(l)}" title="${n(t.items)} items"><span class="sw"></span>${esc(l)} <b>${n(t.annotations)}</b></button>`)
    .join('');
}

function card(c: PageCard, index: Map<string, number>): string {
  const keys = ` ${c.labels.map(([l]) => index.get(l)).join(' ')} `;
  const pic = c.thumb ? `<img src="${c.thumb}" alt="${esc(c.id)}">` : `<div class="none">${esc(c.missing ?? 'not drawn')}</div>`;
  const counts = c.labels.map(([l, k]) => `${esc(l)} ${n(k)}`).join(', ') || 'no labels';
  const missed = c.notDrawn.filter((d) => !d.partly).length;
  const warn = missed ? `<div class="warn">${n(missed)} not drawn</div>` : '';
  const info = `<div class="info"><div class="id">${esc(c.id)}${c.size ? ` (${c.size})` : ''}</div>${c.source !== undefined && c.source !== c.id ? `<div>${esc(c.source)}</div>` : ''}<div>${counts}</div>${c.missing ? `<div class="warn">${esc(c.missing)}</div>` : ''}${c.notDrawn.map((d) => `<div class="warn">${esc(d.annotation ?? 'item')}: ${esc(d.why)}</div>`).join('')}</div>`;
  const source = c.source !== undefined && c.source !== c.id ? `<div class="src">${esc(c.source)}</div>` : '';
  return `<div class="card" data-l="${keys}"${c.full ? ` data-full="${esc(c.full)}"` : ''}>${pic}<div class="id">${esc(c.id)}</div>${source}<div class="counts">${counts}</div>${warn}${info}</div>`;
}

function notDrawnTable(cards: readonly PageCard[]): string {
  const rows: string[] = [];
  for (const c of cards) {
    if (c.missing) rows.push(`<tr><td>${esc(c.id)}</td><td>item</td><td>${esc(c.missing)}</td></tr>`);
    for (const d of c.notDrawn) rows.push(`<tr><td>${esc(c.id)}</td><td>${esc(d.annotation ?? 'item')}</td><td>${esc(d.why)}</td></tr>`);
  }
  if (!rows.length) return '<h2>Not drawn</h2><p>Everything was drawn.</p>';
  return `<h2>Not drawn (${n(rows.length)})</h2><table id="not-drawn"><tr><th>item</th><th>annotation</th><th>why</th></tr>${rows.join('')}</table>`;
}

/** The page's HTML (see the module comment). */
export function previewPage(data: PageData): string {
  const index = new Map<string, number>();
  for (const c of data.cards) for (const [l] of c.labels) if (!index.has(l)) index.set(l, index.size);
  const style = STYLE + [...index].map(([l, k]) => `.k${k}{--c:${labelColour(l)}}`).join('\n') + '\n';
  const csp = `default-src 'none'; img-src data: 'self' file:; style-src ${sha(style)}; script-src ${sha(SCRIPT)}; base-uri 'none'; form-action 'none'`;
  const drawn = data.cards.filter((c) => c.thumb).length;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>${esc(data.title)}</title>
<style>${style}</style></head>
<body><header><h1>${esc(data.title)}</h1><div>${esc(data.chosen)}: ${n(drawn)} drawn, ${n(data.cards.length - drawn)} without a picture; <span id="shown">${n(data.cards.length)}</span> shown</div></header>
<nav class="legend">${legend(data.cards, index)}</nav>
<main class="grid">${data.cards.map((c) => card(c, index)).join('\n')}</main>
${notDrawnTable(data.cards)}
<div id="view"><img alt=""><div class="info"></div></div>
<script>${SCRIPT}</script>
</body></html>
`;
}
