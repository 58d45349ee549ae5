#include "config/scheduling_config.hpp"

#include <algorithm>
#include <charconv>

namespace mserve::config {
namespace {

using util::Status;
using util::StatusCode;

Status invalid(const std::string& model_name, const std::string& what) {
  return Status(StatusCode::kModelConfigInvalid, model_name + ": scheduling: " + what);
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  const auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

// The schema checks types and ranges; a number too large for 64 bits still arrives as a double.
util::Status readUint(const rapidjson::Value& value, const char* name,
                      const std::string& model_name, uint64_t& out) {
  if (!value.IsUint64()) return invalid(model_name, std::string(name) + " is out of range");
  out = value.GetUint64();
  return Status::ok();
}

util::Status parseBatching(const rapidjson::Value& value, const std::string& model_name,
                           DynamicBatching& batching) {
  if (const rapidjson::Value* max = member(value, "max_batch_size")) {
    batching.max_batch_size = max->GetUint();
  }
  if (const rapidjson::Value* sizes = member(value, "preferred_batch_size")) {
    for (const rapidjson::Value& size : sizes->GetArray()) {
      batching.preferred_batch_sizes.push_back(size.GetUint());
    }
  }
  if (const rapidjson::Value* delay = member(value, "max_queue_delay_microseconds")) {
    MSERVE_RETURN_IF_ERROR(
        readUint(*delay, "max_queue_delay_microseconds", model_name, batching.max_queue_delay_us));
  }
  if (const rapidjson::Value* ordering = member(value, "preserve_ordering")) {
    batching.preserve_ordering = ordering->GetBool();
  }
  if (batching.max_batch_size == 0) {
    return invalid(model_name, "dynamic_batching needs max_batch_size of at least 1");
  }
  return Status::ok();
}

}  // namespace

util::StatusOr<SchedulingConfig> schedulingFromJson(const rapidjson::Value& value,
                                                    const std::string& model_name) {
  SchedulingConfig config;
  if (const rapidjson::Value* batching = member(value, "dynamic_batching")) {
    MSERVE_RETURN_IF_ERROR(parseBatching(*batching, model_name, config.batching));
  }
  if (const rapidjson::Value* size = member(value, "max_queue_size")) {
    config.max_queue_size = size->GetUint();
  }
  if (const rapidjson::Value* timeout = member(value, "queue_timeout_microseconds")) {
    uint64_t us = 0;
    MSERVE_RETURN_IF_ERROR(readUint(*timeout, "queue_timeout_microseconds", model_name, us));
    config.queue_timeout_us = us;
  }
  if (const rapidjson::Value* weight = member(value, "cpu_weight")) {
    config.cpu_weight = weight->GetUint();
  }
  MSERVE_RETURN_IF_ERROR(validateScheduling(config, model_name));
  return config;
}

util::Status validateScheduling(SchedulingConfig& config, const std::string& model_name) {
  DynamicBatching& batching = config.batching;
  if (batching.max_batch_size > kMaxBatchSizeLimit) {
    return invalid(model_name, "max_batch_size " + std::to_string(batching.max_batch_size) +
                                   " is above the limit of " + std::to_string(kMaxBatchSizeLimit));
  }
  if (!batching.enabled() &&
      (!batching.preferred_batch_sizes.empty() || batching.max_queue_delay_us != 0)) {
    return invalid(model_name, "preferred batch sizes and a queue delay need max_batch_size");
  }
  for (uint32_t size : batching.preferred_batch_sizes) {
    if (size == 0 || size > batching.max_batch_size) {
      return invalid(model_name, "preferred batch size " + std::to_string(size) +
                                     " must be in [1, max_batch_size " +
                                     std::to_string(batching.max_batch_size) + "]");
    }
  }
  std::sort(batching.preferred_batch_sizes.begin(), batching.preferred_batch_sizes.end());
  batching.preferred_batch_sizes.erase(
      std::unique(batching.preferred_batch_sizes.begin(), batching.preferred_batch_sizes.end()),
      batching.preferred_batch_sizes.end());
  if (batching.max_queue_delay_us > kMaxQueueDelayUs) {
    return invalid(model_name, "max_queue_delay_microseconds is above one minute");
  }
  if (config.queue_timeout_us && *config.queue_timeout_us > kMaxQueueTimeoutUs) {
    return invalid(model_name, "queue_timeout_microseconds is above one hour");
  }
  if (config.cpu_weight == 0 || config.cpu_weight > kMaxCpuWeight) {
    return invalid(model_name, "cpu_weight must be in [1, " + std::to_string(kMaxCpuWeight) + "]");
  }
  return Status::ok();
}

util::StatusOr<std::vector<uint32_t>> parseBatchSizeList(const std::string& text) {
  std::vector<uint32_t> sizes;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const size_t end = std::min(text.find(',', start), text.size());
    uint32_t value = 0;
    const char* first = text.data() + start;
    const char* last = text.data() + end;
    const auto [ptr, error] = std::from_chars(first, last, value);
    if (error != std::errc() || ptr != last || sizes.size() >= kMaxBatchSizeLimit) {
      return Status(StatusCode::kModelConfigInvalid,
                    "preferred batch sizes must be a comma-separated list of integers: " + text);
    }
    sizes.push_back(value);
    start = end + 1;
  }
  return sizes;
}

}  // namespace mserve::config
