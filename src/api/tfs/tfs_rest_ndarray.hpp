// JSON ndarrays of TF Serving's REST predict API (REFERENCE.md §3.4): their shape (arrays must
// be rectangular), and their values converted to a tensor of the model input's datatype.
// Numbers become a buffer the request owns, strings are viewed in the JSON document and
// {"b64": ...} values are decoded into the request's owned strings. Pure functions, safe on any
// thread; every walk over the (untrusted) JSON is iterative.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <span>

#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::api::tfs {

// {"b64": "<string>"}: exactly one member, named b64, holding a string.
bool isBase64Object(const rapidjson::Value& value);

// The shape of `value`: [] for a scalar, a string or a b64 object, the nesting sizes for an
// array. nullopt when the arrays are ragged or a leaf is neither a number, a bool, a string nor
// a b64 object.
std::optional<tensor::Shape> ndarrayShape(const rapidjson::Value& value);

// The first non-array value of `value` (itself if it is no array); null for empty arrays.
const rapidjson::Value* firstLeaf(const rapidjson::Value& value);

// Fills `tensor` (name, datatype and shape set; `count` elements) from the leaves of `parts` in
// order. kBytes takes strings and b64 objects; other datatypes take numbers (integers in range
// for integer types) or bools for kBool. A wrong leaf is `parse_error` (the row or column
// format's code); bad base64 is REST_BASE64_DECODE_ERROR; FP16/BF16 inputs are
// REST_UNSUPPORTED_PRECISION. `parts` must stay alive as long as `request`.
util::Status fillTensor(std::span<const rapidjson::Value* const> parts, int64_t count,
                        util::StatusCode parse_error, tensor::InputTensor& tensor,
                        tensor::InferenceRequest& request);

}  // namespace mserve::api::tfs
