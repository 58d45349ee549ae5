#!/usr/bin/env python3
"""Draws a line of text with OpenCV, sends it as a JPEG to the demo's text recogniser over
KServe gRPC, and prints what the model read, so a person can check the answer.

Usage: .venv/bin/python tools/sample_request.py [--url localhost:9000] [--model ocr_text]
           [--text "mserve 2026"] [--labels build/models/ocr_text/labels.txt] [--save FILE]

The server decodes the JPEG and resizes it to the model's input (scripts/demo serves PaddleOCR's
recogniser with --layout NHWC:NCHW --shape "(1,48,320,3)"). The model answers, for each column
of the image, scores over its character labels; greedy CTC decoding (best label per column,
repeats merged, blanks dropped) turns them into text.
"""
import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
import tritonclient.grpc as grpcclient

REPO = Path(__file__).resolve().parents[1]


def text_image(text, height=48, width=320):
    """Black text on white (BGR), as large as fits: what a scanned line looks like."""
    image = np.full((height, width, 3), 255, np.uint8)
    font, thickness = cv2.FONT_HERSHEY_SIMPLEX, max(1, height // 24)
    (text_width, _), _ = cv2.getTextSize(text, font, 1.0, thickness)
    scale = min(height / 40, (width - 12) / max(text_width, 1))
    cv2.putText(image, text, (6, height * 3 // 4), font, scale, (0, 0, 0), thickness,
                cv2.LINE_AA)
    return image


def jpeg(image):
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])
    if not ok:
        raise RuntimeError("OpenCV could not encode the image")
    return data.tobytes()


def read_ctc(scores, labels):
    """(text, mean confidence of the kept characters) from [columns, labels] scores; label 0 is
    the CTC blank. Spaces at either end are dropped."""
    best = scores.argmax(axis=-1)
    kept = [i for i, index in enumerate(best) if index != 0 and (i == 0 or index != best[i - 1])]
    text = "".join(labels[best[i]] for i in kept).strip()  # margins can read as spaces
    confidence = float(np.mean([scores[i, best[i]] for i in kept])) if kept else 0.0
    return text, confidence


def recognise(url, model, data):
    """Scores [columns, labels] of one JPEG sent as a KServe BYTES input."""
    client = grpcclient.InferenceServerClient(url)
    metadata = client.get_model_metadata(model)
    infer_input = grpcclient.InferInput(metadata.inputs[0].name, [1], "BYTES")
    infer_input.set_data_from_numpy(np.array([data], dtype=np.object_))
    result = client.infer(model, [infer_input])
    return result.as_numpy(metadata.outputs[0].name)[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="localhost:9000", help="gRPC host:port of the server")
    parser.add_argument("--model", default="ocr_text", help="model name")
    parser.add_argument("--text", default="mserve 2026", help="the text to draw")
    parser.add_argument("--labels", default=str(REPO / "build/models/ocr_text/labels.txt"),
                        help="the model's character labels, one a line")
    parser.add_argument("--save", help="also write the JPEG sent to this file")
    args = parser.parse_args(argv)

    labels = Path(args.labels).read_text(encoding="utf-8").split("\n")
    data = jpeg(text_image(args.text))
    if args.save:
        Path(args.save).write_bytes(data)
    scores = recognise(args.url, args.model, data)
    text, confidence = read_ctc(scores, labels)
    saved = f" (saved as {args.save})" if args.save else ""
    print(f"sent:  a {len(data)}-byte JPEG of the text {args.text!r}{saved}")
    print(f"read:  {text!r}  (mean confidence {confidence:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
