/**
 * A labeling config matching the tasks written (`--config-out FILE`): one object tag per data field
 * the results point at, one control tag per control name with every label used, in first-seen
 * order. Built with fast-xml-parser's builder, which escapes attribute values.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { JsonObject } from '../../model/types.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Control tag and the child tag of its labels, by result type. */
const CONTROLS: Record<string, [tag: string, child?: string, labelKey?: string]> = {
  rectanglelabels: ['RectangleLabels', 'Label', 'rectanglelabels'],
  rectangle: ['Rectangle'],
  polygonlabels: ['PolygonLabels', 'Label', 'polygonlabels'],
  polygon: ['Polygon'],
  keypointlabels: ['KeyPointLabels', 'Label', 'keypointlabels'],
  keypoint: ['KeyPoint'],
  ellipselabels: ['EllipseLabels', 'Label', 'ellipselabels'],
  ellipse: ['Ellipse'],
  brushlabels: ['BrushLabels', 'Label', 'brushlabels'],
  brush: ['Brush'],
  labels: ['Labels', 'Label', 'labels'],
  choices: ['Choices', 'Choice', 'choices'],
  textarea: ['TextArea'],
  taxonomy: ['Taxonomy'],
};

/** Object tag by data field kind. */
const OBJECTS: Record<string, string> = { image: 'Image', text: 'Text', html: 'HyperText', audio: 'Audio', video: 'Video', pdf: 'PDF' };

interface Control {
  tag: string;
  child?: string;
  toName: string;
  labels: Set<string>;
  multiple: boolean;
  /** Taxonomy: the tree of paths used. */
  tree?: Map<string, unknown>;
}

type Tree = Map<string, Tree>;

function treeNodes(t: Tree): JsonObject[] {
  return [...t].map(([v, sub]) => (sub.size ? { '@_value': v, Choice: treeNodes(sub) } : { '@_value': v }));
}

export class ConfigCollector {
  private readonly objects = new Map<string, { tag: string; value: string }>();
  private readonly controls = new Map<string, Control>();
  private relations = new Set<string>();
  private hasRelations = false;

  /** Notes the object tag of a task's data field and the controls of its results. */
  add(task: JsonObject, dataKey: string, kind: string, toName: string): void {
    if (!this.objects.has(toName)) this.objects.set(toName, { tag: OBJECTS[kind] ?? 'Image', value: '$' + dataKey });
    for (const list of ['annotations', 'completions', 'predictions']) {
      const recs = task[list];
      if (!Array.isArray(recs)) continue;
      for (const rec of recs) {
        const results = isObj(rec) ? rec.result : undefined;
        if (!Array.isArray(results)) continue;
        for (const r of results) if (isObj(r)) this.result(r, dataKey, kind);
      }
    }
  }

  private result(r: JsonObject, dataKey: string, kind: string): void {
    if (typeof r.to_name === 'string' && !this.objects.has(r.to_name)) this.objects.set(r.to_name, { tag: OBJECTS[kind] ?? 'Image', value: '$' + dataKey });
    if (r.type === 'relation') {
      this.hasRelations = true;
      if (Array.isArray(r.labels)) for (const l of r.labels) if (typeof l === 'string') this.relations.add(l);
      return;
    }
    const spec = CONTROLS[String(r.type)];
    if (!spec || typeof r.from_name !== 'string') return;
    let c = this.controls.get(r.from_name);
    if (!c) this.controls.set(r.from_name, (c = { tag: spec[0], ...(spec[1] ? { child: spec[1] } : {}), toName: typeof r.to_name === 'string' ? r.to_name : 'image', labels: new Set(), multiple: false }));
    const value = isObj(r.value) ? r.value : {};
    if (r.type === 'taxonomy' && Array.isArray(value.taxonomy)) {
      c.tree ??= new Map();
      for (const path of value.taxonomy) {
        if (!Array.isArray(path)) continue;
        let node = c.tree as Tree;
        for (const step of path) {
          if (typeof step !== 'string') break;
          let next = node.get(step);
          if (!next) node.set(step, (next = new Map()));
          node = next;
        }
      }
    }
    const labels = spec[2] ? value[spec[2]] : undefined;
    if (Array.isArray(labels)) {
      if (labels.length > 1) c.multiple = true;
      for (const l of labels) if (typeof l === 'string') c.labels.add(l);
    }
  }

  xml(): string {
    const view: JsonObject = {};
    const push = (tag: string, node: JsonObject): void => {
      ((view[tag] ??= []) as JsonObject[]).push(node);
    };
    for (const [name, o] of this.objects) push(o.tag, { '@_name': name, '@_value': o.value });
    for (const [name, c] of this.controls) {
      const node: JsonObject = { '@_name': name, '@_toName': c.toName };
      if (c.tag === 'Choices') node['@_choice'] = c.multiple ? 'multiple' : 'single';
      if (c.child && c.labels.size) node[c.child] = [...c.labels].map((l) => ({ '@_value': l }));
      if (c.tree?.size) node.Choice = treeNodes(c.tree as Tree);
      push(c.tag, node);
    }
    if (this.hasRelations) push('Relations', this.relations.size ? { Relation: [...this.relations].map((l) => ({ '@_value': l })) } : {});
    const b = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });
    return b.build({ View: view }) as string;
  }
}
