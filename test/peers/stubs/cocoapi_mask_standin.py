"""A pure-Python stand-in for cocoapi's compiled `pycocotools._mask` (Cython over common/maskApi.c).

The peer checks run cocoapi's own coco.py and cocoeval.py (the evaluation rules: which ground truth
is ignored, how detections match); only the mask arithmetic they call is replaced, written here from
maskApi.c's documented behaviour, without a compiler. RLEs are dicts {size: [h, w], counts: [...]}
with runs over the column-major mask, zeros first; compressed (string) counts are decoded as
rleFrString does. Not a copy of cocoapi: a small independent implementation of the same rules.
"""
import numpy as np


def _counts(rle):
    c = rle['counts']
    if isinstance(c, (list, tuple)):
        return [int(v) for v in c]
    s = c.decode('ascii') if isinstance(c, bytes) else c
    out, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            ch = ord(s[p]) - 48
            x |= (ch & 0x1f) << (5 * k)
            more = bool(ch & 0x20)
            p += 1
            k += 1
            if not more and (ch & 0x10):
                x |= -1 << (5 * k)
        if len(out) > 2:
            x += out[-2]
        out.append(x)
    return out


def _bits(rle):
    h, w = rle['size']
    flat = np.zeros(h * w, dtype=np.uint8)
    pos, val = 0, 0
    for n in _counts(rle):
        flat[pos:pos + n] = val
        pos += n
        val ^= 1
    return flat.reshape((h, w), order='F')


def _rle(mask):
    h, w = mask.shape
    flat = mask.reshape(-1, order='F').astype(np.uint8)
    counts, prev, run = [], 0, 0
    for v in flat:
        if v != prev:
            counts.append(run)
            run, prev = 0, v
        run += 1
    counts.append(run)
    return {'size': [h, w], 'counts': counts}


def _is_box(o):
    return isinstance(o, (list, tuple, np.ndarray)) and len(o) == 4 and not isinstance(o[0], (list, tuple, dict))


def frPyObjects(pyobj, h, w):
    if isinstance(pyobj, dict):
        return {'size': [h, w], 'counts': _counts(pyobj)}
    if isinstance(pyobj, list) and pyobj and isinstance(pyobj[0], dict):
        return [{'size': [h, w], 'counts': _counts(o)} for o in pyobj]
    raise NotImplementedError('this stand-in converts RLE objects only (no polygon or box rasterising)')


def decode(rles):
    return np.stack([_bits(r) for r in rles], axis=2)


def encode(bimask):
    return [_rle(bimask[:, :, i]) for i in range(bimask.shape[2])]


def area(rles):
    return np.array([int(_bits(r).sum()) for r in rles], dtype=np.uint32)


def toBbox(rles):
    out = []
    for r in rles:
        ys, xs = np.nonzero(_bits(r))
        out.append([0, 0, 0, 0] if len(xs) == 0 else [xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1])
    return np.array(out, dtype=np.float64)


def merge(rles, intersect=0):
    bits = [_bits(r) for r in rles]
    m = bits[0]
    for b in bits[1:]:
        m = (m & b) if intersect else (m | b)
    return _rle(m)


def iou(dt, gt, iscrowd):
    """maskApi's rule: intersection over union, or over the detection's own area for a crowd gt."""
    if len(dt) == 0 or len(gt) == 0:
        return []
    crowd = [bool(c) for c in iscrowd]
    o = np.zeros((len(dt), len(gt)))
    if all(_is_box(d) for d in dt) and all(_is_box(g) for g in gt):
        for j, g in enumerate(gt):
            ga = g[2] * g[3]
            for i, d in enumerate(dt):
                da = d[2] * d[3]
                iw = min(d[0] + d[2], g[0] + g[2]) - max(d[0], g[0])
                ih = min(d[1] + d[3], g[1] + g[3]) - max(d[1], g[1])
                inter = max(iw, 0) * max(ih, 0)
                u = da if crowd[j] else da + ga - inter
                o[i, j] = inter / u if u > 0 else 0
        return o
    dm = [_bits(d) for d in dt]
    gm = [_bits(g) for g in gt]
    for j, g in enumerate(gm):
        for i, d in enumerate(dm):
            inter = int((d & g).sum())
            u = int(d.sum()) if crowd[j] else int((d | g).sum())
            o[i, j] = 0 if inter == 0 else inter / u
    return o
