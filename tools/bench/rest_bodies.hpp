// Request bodies and metadata parsing for the REST targets: KServe v2 binary (JSON header plus
// raw tensors, Inference-Header-Content-Length) and JSON bodies, TF Serving columnar JSON
// ("inputs" with nested arrays, {"b64": ...} for BYTES). Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "input_data.hpp"
#include "model_signature.hpp"
#include "util/status.hpp"

namespace mserve::bench {

struct KfsBody {
  std::string body;
  size_t json_length = 0;  // > 0: binary extension; the value of Inference-Header-Content-Length
};

// Binary: every input as binary data and outputs asked for as binary (binary_data_output).
KfsBody kfsBinaryBody(const std::vector<InputTensorData>& inputs);
// JSON: every input's values in "data" (flat, row-major); BYTES elements as strings.
KfsBody kfsJsonBody(const std::vector<InputTensorData>& inputs);
// TF Serving predict, columnar: {"inputs": {"name": nested arrays, ...}}.
std::string tfsJsonBody(const std::vector<InputTensorData>& inputs);

// GET /v2/models/{m} answer → signature.
util::StatusOr<ModelSignature> parseKfsMetadata(const std::string& json);
// GET /v1/models/{m}/metadata answer (signature serving_default) → signature.
util::StatusOr<ModelSignature> parseTfsMetadata(const std::string& json);

}  // namespace mserve::bench
