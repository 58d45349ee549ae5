#include "api/request_memory.hpp"

#include <string_view>

namespace mserve::api {

util::Status RequestMemory::charge(uint64_t bytes, std::string_view what) {
  if (bytes > remaining()) return exceeded(what);
  used_ += bytes;
  return util::Status::ok();
}

util::Status RequestMemory::exceeded(std::string_view what) const {
  return util::Status(util::StatusCode::kRequestMemoryExceeded,
                      std::string(what) + " would take the request past " + std::to_string(limit_) +
                          " bytes (" + std::to_string(used_) + " already used), the limit set by " +
                          std::string(kMaxRequestMemoryFlag));
}

util::Status chargeConvertedInput(RequestMemory& memory, int64_t count, tensor::DataType datatype) {
  const size_t element = datatype == tensor::DataType::kBytes ? sizeof(std::string_view)
                                                              : tensor::elementSize(datatype);
  const uint64_t elements = count > 0 ? static_cast<uint64_t>(count) : 0;
  // The count was checked against the JSON values (each charged far more), so this cannot
  // overflow unless the limit is near 2^64; clamp anyway.
  const uint64_t bytes = elements > UINT64_MAX / element ? UINT64_MAX : elements * element;
  return memory.charge(bytes, "the converted input values");
}

}  // namespace mserve::api
