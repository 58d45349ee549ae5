// KServe v2 REST infer request body → protocol-neutral tensor::InferenceRequest: the JSON
// header (REFERENCE.md §3.2) and, with Inference-Header-Content-Length, the binary tensor data
// after it (§3.3). Checks what the body itself says (framing, datatypes, shapes against data);
// checks against the model belong to serving/. Pure function, safe on any thread.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/kfs/kfs_shared_memory.hpp"
#include "api/request_memory.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::api::kfs {

inline constexpr std::string_view kInferenceHeaderContentLength = "Inference-Header-Content-Length";

// Everything one REST inference needs to keep alive until it is answered: input views point
// into `body` (binary data) and `json` (strings), or into request.owned_buffers (converted
// numbers). Built in place (never moved after decoding) and shared with the backend.
struct RestInferRequest {
  std::string body;  // the HTTP body: JSON header, then binary chunks
  rapidjson::Document json;
  tensor::InferenceRequest request;
  // How outputs are sent back: request-level parameters.binary_data_output, and per entry of
  // request.requested_outputs its parameters.binary_data, if given.
  bool binary_data_output = false;
  std::vector<std::optional<bool>> output_binary;
  // Requested outputs the client wants written into shared memory (parallel to
  // request.requested_outputs; empty when none does).
  ShmOutputSlots output_slots;
  // What the body, its decoding and the response cost, against the caller's limit.
  RequestMemory memory;
};

// Decodes `out.body` into the other fields of `out` (model name and version are the caller's).
// `header_length` is the Inference-Header-Content-Length header value, if present. Tensors in
// shared memory are looked up in `shm` (null: the extension is off). The body, the JSON
// document and converted values are charged to `out.memory` (set its limit first).
util::Status decodeRestInferRequest(std::optional<std::string_view> header_length,
                                    size_t max_json_depth, RestInferRequest& out,
                                    const shm::RegionRegistry* shm = nullptr);

}  // namespace mserve::api::kfs
