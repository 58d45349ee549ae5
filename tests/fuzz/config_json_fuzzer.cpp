// config.json: RapidJSON parse, JSON-Schema validation (config_schema) and conversion into
// ModelConfigs, including every nested string parser a model entry reaches (shape, layout,
// batch size, version policy, plugin config, base path).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)mserve::config::parseServerConfig(text, "/models");
  return 0;
}
