// Batching's tensor work: how many rows a request brings, whether two requests can share a
// batch, one concatenation of their inputs along dimension 0, and per-request views of the
// batched outputs. Pure functions over tensor views; no OpenVINO.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::scheduling {

// The batch size of `request`: dimension 0, equal across every input, and each input's data
// the size its shape says (checked here because the batch copies it). `input_order[i]` is the
// request input feeding model input i.
util::StatusOr<int64_t> batchRows(const tensor::InferenceRequest& request,
                                  const std::vector<size_t>& input_order);

// Whether `a` and `b` can share a batch: every model input has the same datatype and the same
// dimensions after the first.
bool batchCompatible(const tensor::InferenceRequest& a, const std::vector<size_t>& order_a,
                     const tensor::InferenceRequest& b, const std::vector<size_t>& order_b);

// The parts (rows of requests, in batch order) as one tensor along dimension 0. Fixed-size data
// is copied once into `buffer`; strings are views of the parts' strings. Parts must be
// batchCompatible and checked by batchRows.
tensor::InputTensor concatenate(std::span<const tensor::InputTensor* const> parts,
                                std::vector<std::byte>& buffer);

// Rows [first, first + rows) of a batched output, as a view.
util::StatusOr<tensor::OutputTensor> sliceRows(const tensor::OutputTensor& batched, int64_t first,
                                               int64_t rows);

}  // namespace mserve::scheduling
