// TF Serving's base64 ({"b64": ...} values): decoding arbitrary text, and the round trip
// encode → decode, which must give the bytes back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/tfs/tfs_base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mserve::api::tfs;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto decoded = decodeBase64(input)) {
    // What decodes must re-encode to a string that decodes to the same bytes.
    if (decodeBase64(encodeBase64(*decoded)) != decoded) std::abort();
  }
  const auto round_trip = decodeBase64(encodeBase64(input));
  if (!round_trip || *round_trip != input) std::abort();
  return 0;
}
