// TF Serving REST predict body (POST /v1/models/{m}[/versions/{v}]:predict, REFERENCE.md §3.4)
// → protocol-neutral tensor::InferenceRequest. Row format {"instances": [...]} stacks the
// instances along a new first dimension; column format {"inputs": ...} takes each ndarray as it
// is; both have a named form (objects keyed by input name) and an unnamed one for single-input
// models. Values are converted to the model input's datatype; strings and {"b64": ...} values
// become BYTES (images for 4-D inputs, decoded later by serving/). Pure function, thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string>

#include "api/kfs/kfs_backend.hpp"
#include "api/request_memory.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::api::tfs {

enum class RestFormat { kRow, kColumn };

// Everything one REST predict needs to keep alive until it is answered: input views point into
// `json` (strings) or request.owned_buffers/owned_strings. Built in place, never moved after
// decoding, and shared with the backend.
struct TfsRestPredictRequest {
  std::string body;
  rapidjson::Document json;
  tensor::InferenceRequest request;
  RestFormat format = RestFormat::kRow;  // decides the response's shape
  // What the body, its decoding and the response cost, against the caller's limit.
  RequestMemory memory;
};

// Decodes out.body into the other fields (model name and version are the caller's, from the
// URL). `model` gives the inputs' names and datatypes: values for a name the model does not
// have are typed by their JSON (number FP32, bool BOOL, string BYTES) and left to serving/ to
// refuse. Errors use OVMS's REST codes (JSON_INVALID, REST_BODY_IS_NOT_AN_OBJECT,
// REST_PREDICT_UNKNOWN_ORDER, REST_NO_INSTANCES_FOUND, REST_NO_INPUTS_FOUND,
// REST_INSTANCES_BATCH_SIZE_DIFFER, REST_COULD_NOT_PARSE_INSTANCE/INPUT, ...). The body, the
// JSON document and converted values are charged to out.memory (set its limit first).
util::Status decodeTfsRestPredict(const kfs::ModelDescription& model, size_t max_json_depth,
                                  TfsRestPredictRequest& out);

}  // namespace mserve::api::tfs
