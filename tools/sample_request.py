#!/usr/bin/env python3
"""Sends one KServe gRPC inference request with a random image and prints the top-5 classes.

Usage: .venv/bin/python tools/sample_request.py [--url localhost:9000] [--model resnet]

The model's input name, shape and datatype are read from its metadata, so any image classifier
with one NHWC or NCHW input and one [1, classes] output works.
"""
import argparse
import sys

import numpy as np
import tritonclient.grpc as grpcclient


def random_input(metadata, seed):
    tensor = metadata.inputs[0]
    shape = [1 if dim < 0 else dim for dim in tensor.shape]
    image = np.random.default_rng(seed).uniform(0, 255, shape)
    return tensor.name, image.astype(grpcclient.triton_to_np_dtype(tensor.datatype))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="localhost:9000", help="gRPC host:port of the server")
    parser.add_argument("--model", default="resnet", help="model name")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random image")
    args = parser.parse_args(argv)

    client = grpcclient.InferenceServerClient(args.url)
    metadata = client.get_model_metadata(args.model)
    input_name, image = random_input(metadata, args.seed)
    infer_input = grpcclient.InferInput(input_name, list(image.shape),
                                        metadata.inputs[0].datatype)
    infer_input.set_data_from_numpy(image)
    result = client.infer(args.model, [infer_input])

    output_name = metadata.outputs[0].name
    scores = result.as_numpy(output_name)
    print(f"model {args.model} version {result.get_response().model_version}: "
          f"input {input_name} {list(image.shape)} -> output {output_name} {list(scores.shape)}")
    flat = scores.reshape(-1)
    for rank, index in enumerate(np.argsort(flat)[::-1][:5], start=1):
        print(f"  top-{rank}: class {index:4d}  score {flat[index]:.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
