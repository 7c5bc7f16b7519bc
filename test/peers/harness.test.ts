/** The peer harness finds what it says it finds: python3 and its packages, the SDK converter. */
import { describe, expect, it } from 'vitest';
import { labelStudioSdk, python, pythonHas, skipping } from './peers.js';

const sdk = labelStudioSdk();
const packages = pythonHas('PIL', 'numpy', 'lxml', 'ijson', 'ujson');
if (!packages) skipping('python3 with Pillow, NumPy, lxml, ijson, ujson', 'not installed');
if (!sdk) skipping('Label Studio SDK converter', 'no ../peers/ls-sdk/src: see test/peers/README.md');

describe('peer harness', () => {
  it.skipIf(!packages || !sdk)('the SDK converter imports and names its formats', () => {
    const r = python('from label_studio_sdk.converter import Converter; from label_studio_sdk.converter.converter import Format; print(",".join(sorted(f.name for f in Format)))', [], [sdk!]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split(',')).toEqual(expect.arrayContaining(['COCO', 'YOLO', 'VOC', 'CSV']));
  });
});
