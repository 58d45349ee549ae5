#include "engine/property_list.hpp"

#include <algorithm>
#include <array>

namespace mserve::engine {
namespace {

// Every ov::Property<..., PropertyMutability::RO> name declared in the 2026.4 wheel's headers
// (include/openvino/runtime/**/properties.hpp). A read-only key missing here would be offered
// as writable, and compile_model would then reject it with its own message: harmless.
constexpr std::array<std::string_view, 32> kReadOnlyKeys = {
    "AVAILABLE_DEVICES",
    "COMPATIBILITY_CHECK",
    "DEVICE_ARCHITECTURE",
    "DEVICE_GOPS",
    "DEVICE_LUID",
    "DEVICE_PCI_INFO",
    "DEVICE_THERMAL",
    "DEVICE_TYPE",
    "DEVICE_UUID",
    "EXECUTION_DEVICES",
    "FULL_DEVICE_NAME",
    "GPU_CACHELINE_SIZE",
    "GPU_DEVICE_MAX_ALLOC_MEM_SIZE",
    "GPU_DEVICE_TOTAL_MEM_SIZE",
    "GPU_EXECUTION_UNITS_COUNT",
    "GPU_MEMORY_STATISTICS",
    "GPU_UARCH_VERSION",
    "LOADED_FROM_CACHE",
    "MAX_BATCH_SIZE",
    "NETWORK_NAME",
    "NPU_COMPILER_VERSION",
    "NPU_DEVICE_ALLOC_MEM_SIZE",
    "NPU_DEVICE_TOTAL_MEM_SIZE",
    "NPU_DRIVER_VERSION",
    "NPU_MAX_TILES",
    "OPTIMAL_BATCH_SIZE",
    "OPTIMAL_NUMBER_OF_INFER_REQUESTS",
    "OPTIMIZATION_CAPABILITIES",
    "RANGE_FOR_ASYNC_INFER_REQUESTS",
    "RANGE_FOR_STREAMS",
    "RUNTIME_REQUIREMENTS",
    "SUPPORTED_PROPERTIES",
};

bool isReadOnlyKey(std::string_view key) {
  return std::find(kReadOnlyKeys.begin(), kReadOnlyKeys.end(), key) != kReadOnlyKeys.end();
}

PropertyName parseEntry(std::string_view entry) {
  const size_t colon = entry.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view flag = entry.substr(colon + 1);
    if (flag == "RO" || flag == "RW" || flag == "WO") {
      return {std::string(entry.substr(0, colon)), flag != "RO"};
    }
  }
  return {std::string(entry), !isReadOnlyKey(entry)};
}

}  // namespace

std::vector<PropertyName> parsePropertyList(std::string_view list) {
  std::vector<PropertyName> names;
  size_t pos = 0;
  while (pos < list.size()) {
    const size_t end = std::min(list.find(' ', pos), list.size());
    if (end > pos) names.push_back(parseEntry(list.substr(pos, end - pos)));
    pos = end + 1;
  }
  return names;
}

}  // namespace mserve::engine
