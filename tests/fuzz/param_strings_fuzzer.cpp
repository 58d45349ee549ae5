// The small languages of the command line and config.json: --shape, --batch_size, --layout
// (and a config entry's per-input layout), --model_version_policy, --plugin_config (JSON only:
// a path would read files) and model version strings. The first byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/kfs/kfs_request_decoder.hpp"
#include "config/layout_param.hpp"
#include "config/plugin_config.hpp"
#include "config/shape_param.hpp"
#include "config/version_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mserve;
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      (void)config::parseShapeParam(text);
      break;
    case 1:
      (void)config::parseBatchSize(text);
      break;
    case 2:
      (void)config::parseLayoutParam(text);
      break;
    case 3:
      (void)config::checkLayout(text);
      break;
    case 4:
      (void)config::VersionPolicy::parse(text);
      break;
    case 5:
      if (auto parsed = config::parsePluginConfig("{" + text, "CPU"); parsed.isOk()) {
        (void)config::normalisePluginConfig(std::move(parsed.value()));
      }
      break;
    default:
      (void)api::kfs::parseModelVersion(text);
      break;
  }
  return 0;
}
