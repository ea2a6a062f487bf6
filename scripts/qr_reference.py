#!/usr/bin/env python3
"""Reference decoder for the QR benchmark: zxing-cpp's Python package on every corpus image.

Usage: qr_reference.py CORPUS_DIR OUT_JSON [--runs N]

Writes {"decoder": "zxing-cpp X.Y.Z (python)", "images": {file: {"codes": [...], "ms": t}}}.
Timing covers the read_barcodes call only (the image is loaded first), one thread, the median
of N runs. Only QR codes are asked for, as Tweestap does. Texts are the raw bytes as UTF-8
(the decoder's text otherwise), the same rule as the Rust side.
"""
import json
import statistics
import sys
import time

import zxingcpp
from importlib.metadata import version
from PIL import Image


def main():
    args = sys.argv[1:]
    runs = 1
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    corpus, out = args
    with open(f"{corpus}/manifest.json") as fh:
        manifest = json.load(fh)
    images = {}
    for entry in manifest["images"]:
        img = Image.open(f"{corpus}/{entry['file']}")
        img.load()
        img = img.convert("RGB")
        times = []
        codes = []
        for _ in range(runs):
            t0 = time.perf_counter()
            res = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
            times.append((time.perf_counter() - t0) * 1000.0)
            codes = []
            for r in res:
                try:
                    t = bytes(r.bytes).decode("utf-8")
                except UnicodeDecodeError:
                    t = r.text
                if t not in codes:
                    codes.append(t)
        images[entry["file"]] = {"codes": codes, "ms": statistics.median(times)}
    with open(out, "w") as fh:
        json.dump({"decoder": f"zxing-cpp {version('zxing-cpp')} (python)", "images": images}, fh)


if __name__ == "__main__":
    main()
