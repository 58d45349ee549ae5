// A model version's mapping_config.json: {"inputs": {...}, "outputs": {...}} with its schema.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/tensor_mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)mserve::config::parseTensorMapping(text);
  return 0;
}
