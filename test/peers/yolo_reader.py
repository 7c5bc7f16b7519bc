"""Independent readers for test/peers/yolo.test.ts (annoconv's own test code, not a peer's).

`read OUT DEFAULT_DIR` reads a YOLO dataset as Ultralytics documents it: data.yaml (path, train/val/
test, names as a list or an {id: name} map whose ids must be 0..n-1), each image's labels at the
image path with its last /images/ replaced by /labels/ and the extension by .txt, lines
`class cx cy w h` with every value in [0, 1], w and h above 0, the class below len(names), no line
twice. It prints what it read as JSON, with every rule broken listed under `problems` and every
label file without an image under `orphans`.

`source KIND ...` reads the source of a conversion into the same terms (class, name, cx, cy, w, h as
fractions of the image size): a YOLO folder, a COCO file (the envelope of each object: bbox, polygon
points, or the set pixels of an uncompressed RLE) or a VOC folder (corners as continuous pixels).
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

import yaml
from PIL import Image

IMAGE_SUFFIXES = {"bmp", "dng", "jpeg", "jpg", "mpo", "png", "tif", "tiff", "webp", "pfm", "heic"}


def names_of(data):
    names = data.get("names")
    if isinstance(names, list):
        names = dict(enumerate(names))
    if not isinstance(names, dict):
        raise SystemExit("data.yaml: names is neither a list nor a map")
    names = {int(k): str(v) for k, v in names.items()}
    if names and max(names) >= len(names):
        raise SystemExit(f"data.yaml: names ids are not 0..{len(names) - 1}: {sorted(names)}")
    return names


def label_path(image):
    a, b = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    return b.join(image.rsplit(a, 1)).rsplit(".", 1)[0] + ".txt"


def read_labels(path, nc, problems):
    rows = [x.split() for x in open(path, encoding="utf-8").read().strip().splitlines() if len(x)]
    labels = []
    for row in rows:
        where = f"{path}: {' '.join(row)}"
        if len(row) != 5:
            problems.append(f"{where}: {len(row)} columns, not 5")
            continue
        if not row[0].isdigit() or int(row[0]) >= nc:
            problems.append(f"{where}: class is not a whole number below {nc}")
            continue
        values = [float(x) for x in row[1:]]
        if any(v < 0 or v > 1 for v in values):
            problems.append(f"{where}: a value outside 0-1")
        if values[2] <= 0 or values[3] <= 0:
            problems.append(f"{where}: width or height not above 0")
        labels.append([int(row[0])] + values)
    if len({tuple(x) for x in labels}) < len(labels):
        problems.append(f"{path}: the same line twice")
    return labels


def read(yaml_file, default_dir):
    data = yaml.safe_load(open(yaml_file, encoding="utf-8"))
    # Ultralytics (check_det_dataset): an empty path is the folder of the data.yaml file
    root = data.get("path") or os.path.dirname(os.path.abspath(yaml_file))
    if not os.path.isabs(root):
        raise SystemExit(f"data.yaml: path {root!r} would be read against the working directory")
    names = names_of(data)
    dirs = []
    for key in ("train", "val", "test"):
        value = data.get(key)
        if value:
            dirs += value if isinstance(value, list) else [value]
    problems, images = [], {}
    for sub in dirs or [default_dir]:
        for folder, _, files in os.walk(os.path.join(root, sub)):
            for f in sorted(files):
                if f.rsplit(".", 1)[-1].lower() not in IMAGE_SUFFIXES:
                    continue
                image = os.path.join(folder, f)
                lb = label_path(image)
                with Image.open(image) as im:
                    size = list(im.size)
                labels = read_labels(lb, len(names), problems) if os.path.isfile(lb) else None
                images[os.path.relpath(image, root)] = {"size": size, "label_file": os.path.relpath(lb, root), "labels": labels}
    paired = {x["label_file"] for x in images.values()}
    orphans = []
    for folder, _, files in os.walk(os.path.join(root, "labels")):
        for f in files:
            rel = os.path.relpath(os.path.join(folder, f), root)
            if rel not in paired:
                orphans.append(rel)
    return {"names": names, "data": {k: v for k, v in data.items() if k != "names"}, "images": images, "orphans": sorted(orphans), "problems": problems}


def source_yolo(names_file, pairs):
    names = [line.strip() for line in open(names_file, encoding="utf-8").read().splitlines()]
    out = {}
    for label_file, image in pairs:
        rows = [x.split() for x in open(label_file, encoding="utf-8").read().splitlines() if x.strip()]
        out[image] = [[int(r[0]), names[int(r[0])]] + [float(v) for v in r[1:5]] for r in rows]
    return out


def envelope(ann, w, h):
    seg = ann.get("segmentation")
    if isinstance(seg, list) and seg:
        xs = [v for ring in seg for v in ring[0::2]]
        ys = [v for ring in seg for v in ring[1::2]]
        return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    if isinstance(seg, dict) and isinstance(seg.get("counts"), list):
        rows, cols = seg["size"]
        cells, pos, value = [], 0, 0
        for run in seg["counts"]:
            if value:
                cells += range(pos, pos + run)
            pos += run
            value ^= 1
        xs = [c // rows for c in cells]  # column-major: the cell index runs down each column
        ys = [c % rows for c in cells]
        return min(xs), min(ys), max(xs) + 1 - min(xs), max(ys) + 1 - min(ys)
    return tuple(ann["bbox"])


def source_coco(path):
    d = json.load(open(path, encoding="utf-8"))
    ids = sorted(c["id"] for c in d["categories"])
    names = {c["id"]: c["name"] for c in d["categories"]}
    images = {i["id"]: i for i in d["images"]}
    out = {i["file_name"]: [] for i in d["images"]}
    for a in d["annotations"]:
        if a.get("iscrowd", 0):
            continue  # Ultralytics' COCO converter skips crowd regions
        im = images[a["image_id"]]
        W, H = im["width"], im["height"]
        x, y, w, h = envelope(a, W, H)
        # class ids count from 0 in the order of the category ids (Ultralytics' 80 COCO classes)
        out[im["file_name"]].append([ids.index(a["category_id"]), names[a["category_id"]], (x + w / 2) / W, (y + h / 2) / H, w / W, h / H])
    return out


def source_voc(folder):
    out = {}
    for f in sorted(os.listdir(folder)):
        root = ET.parse(os.path.join(folder, f)).getroot()
        W, H = float(root.findtext("size/width")), float(root.findtext("size/height"))
        boxes = []
        for o in root.findall("object"):
            # a <part> (a person's head) is a box of its own, before its object, as datumaro reads it
            for part in o.findall("part") + [o]:
                b = part.find("bndbox")
                x1, y1, x2, y2 = (float(b.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
                boxes.append([None, part.findtext("name"), (x1 + x2) / 2 / W, (y1 + y2) / 2 / H, (x2 - x1) / W, (y2 - y1) / H])
        out[root.findtext("filename")] = boxes
    return out


if __name__ == "__main__":
    verb, args = sys.argv[1], sys.argv[2:]
    if verb == "read":
        result = read(args[0], args[1])
    elif verb == "yolo":
        result = source_yolo(args[0], json.loads(args[1]))
    elif verb == "coco":
        result = source_coco(args[0])
    else:
        result = source_voc(args[0])
    print(json.dumps(result))
