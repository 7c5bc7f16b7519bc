// A minimal Part-10 DICOM file (explicit VR little endian, preamble and meta header) holding the
// tags a scan reads and, optionally, 16-bit pixel data. For the scan benchmark and tests.
// `position` (x, y, z) defaults to (0, 0, z); `orientation` (row and column direction cosines) and
// `instance` are left out when not given.
export function minimalDicom({ series, sop, instance, z, position, orientation, rows = 4, columns = 6, pixels = false }) {
  const el = (group, element, vr, value) => {
    let v = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
    if (v.length % 2) v = Buffer.concat([v, Buffer.from(vr === 'UI' ? '\0' : ' ')]);
    const long = vr === 'OW' || vr === 'OB';
    const h = Buffer.alloc(long ? 12 : 8);
    h.writeUInt16LE(group, 0);
    h.writeUInt16LE(element, 2);
    h.write(vr, 4, 'latin1');
    if (long) h.writeUInt32LE(v.length, 8);
    else h.writeUInt16LE(v.length, 6);
    return Buffer.concat([h, v]);
  };
  const us = (n) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n);
    return b;
  };
  const meta = el(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(meta.length);
  const groupLength = Buffer.concat([Buffer.from([0x02, 0x00, 0x00, 0x00]), Buffer.from('UL'), Buffer.from([4, 0]), len]);
  const parts = [
    Buffer.alloc(128), Buffer.from('DICM'), groupLength, meta,
    el(0x0008, 0x0018, 'UI', sop), el(0x0008, 0x0060, 'CS', 'CT'), el(0x0008, 0x103e, 'LO', 'series ' + series.slice(-1)),
    el(0x0020, 0x000d, 'UI', '1.2.3.4'), el(0x0020, 0x000e, 'UI', series),
    ...(instance !== undefined ? [el(0x0020, 0x0013, 'IS', String(instance))] : []),
    el(0x0020, 0x0032, 'DS', (position ?? [0, 0, z]).join('\\')),
    ...(orientation ? [el(0x0020, 0x0037, 'DS', orientation.join('\\'))] : []),
    el(0x0028, 0x0010, 'US', us(rows)), el(0x0028, 0x0011, 'US', us(columns)),
  ];
  if (pixels) parts.push(el(0x7fe0, 0x0010, 'OW', Buffer.alloc(rows * columns * 2, 7)));
  return Buffer.concat(parts);
}
