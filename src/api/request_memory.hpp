// The memory one REST request may cost (--rest_max_request_memory_bytes): its body, the JSON
// document parsed from it, the numbers converted from that document and the response it gets.
// JSON multiplies a body many times over (docs/hardening.md gives the worst case per byte), so
// every codec charges what it is about to allocate here first and refuses the request, with an
// error naming the flag, instead of allocating past the limit. One per request; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tensor/datatype.hpp"
#include "util/status.hpp"

namespace mserve::api {

inline constexpr std::string_view kMaxRequestMemoryFlag = "--rest_max_request_memory_bytes";
// 1 GiB of body (the largest by default) and as much again for its decoding and its answer.
inline constexpr uint64_t kDefaultMaxRequestMemoryBytes = uint64_t{2} << 30;

class RequestMemory {
 public:
  explicit RequestMemory(uint64_t limit = kDefaultMaxRequestMemoryBytes) : limit_(limit) {}

  // Counts `bytes` as used; REQUEST_MEMORY_EXCEEDED (413) if that crosses the limit, and then
  // nothing is counted. `what` names the allocation in the error ("JSON document", "response").
  util::Status charge(uint64_t bytes, std::string_view what);
  // What may still be charged.
  uint64_t remaining() const { return limit_ - used_; }
  uint64_t used() const { return used_; }
  uint64_t limit() const { return limit_; }
  // The error charge() returns, for codecs that stop on their own when remaining() runs out.
  util::Status exceeded(std::string_view what) const;

 private:
  uint64_t limit_;
  uint64_t used_ = 0;
};

// Charges the buffer that `count` JSON values converted to `datatype` need: the elements, or a
// view per string for BYTES. Call before converting.
util::Status chargeConvertedInput(RequestMemory& memory, int64_t count, tensor::DataType datatype);

}  // namespace mserve::api
