#!/usr/bin/env python3
"""Writes the benchmark's JPEG input: a 224×224 smooth random image (a photo-like file size and
decode cost, fixed seed) to the path given. Used by compare.sh and soak.sh."""
import sys

import cv2
import numpy as np

rng = np.random.default_rng(7)
image = cv2.GaussianBlur(rng.integers(0, 256, (224, 224, 3), dtype=np.uint8), (9, 9), 3)
if not cv2.imwrite(sys.argv[1], image, [cv2.IMWRITE_JPEG_QUALITY, 90]):
    sys.exit(f"cannot write {sys.argv[1]}")
