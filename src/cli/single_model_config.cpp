#include "cli/single_model_config.hpp"

namespace mserve::cli {

util::StatusOr<config::ModelConfig> singleModelConfig(const ServerOptions& options,
                                                      std::vector<std::string>* warnings) {
  config::ModelConfig model;
  model.name = options.model_name;
  model.base_path = options.model_path;
  model.target_device = options.target_device;
  model.nireq = options.nireq;

  const std::string plugin_text = options.plugin_config.empty() ? "{}" : options.plugin_config;
  auto plugin = config::parsePluginConfig(plugin_text, options.target_device);
  if (!plugin.isOk()) return plugin.status();
  config::NormalisedPluginConfig normalised = config::normalisePluginConfig(plugin.value());
  model.plugin_config = std::move(normalised.properties);
  warnings->insert(warnings->end(), normalised.warnings.begin(), normalised.warnings.end());

  if (!options.model_version_policy.empty()) {
    auto policy = config::VersionPolicy::parse(options.model_version_policy);
    if (!policy.isOk()) return policy.status();
    model.version_policy = policy.value();
  }
  if (!options.shape.empty()) {
    auto shape = config::parseShapeParam(options.shape);
    if (!shape.isOk()) return shape.status();
    model.shape = shape.value();
    if (!options.batch_size.empty()) {
      warnings->push_back(
          "Both shape and batch size have been defined. Batch size parameter will be ignored.");
    }
  } else if (!options.batch_size.empty()) {
    auto batch = config::parseBatchSize(options.batch_size);
    if (!batch.isOk()) return batch.status();
    model.batch_size = batch.value();
    model.batch_size_auto = options.batch_size == "auto";
  }
  if (!options.layout.empty()) {
    auto layouts = config::parseLayoutParam(options.layout);
    if (!layouts.isOk()) return layouts.status();
    model.layouts = std::move(layouts).value();
  }
  if (options.shape == "auto" || options.batch_size == "auto") {
    warnings->push_back(
        "Shape or batch size set to auto: mserve makes those dimensions dynamic instead of "
        "reloading the model per request. Prefer explicit dynamic dimensions, e.g. --shape "
        "\"(-1,3,224,224)\".");
  }
  config::DynamicBatching& batching = model.scheduling.batching;
  batching.max_batch_size = options.dynamic_batching_max_batch_size;
  auto preferred = config::parseBatchSizeList(options.dynamic_batching_preferred_batch_sizes);
  if (!preferred.isOk()) return preferred.status();
  batching.preferred_batch_sizes = std::move(preferred).value();
  batching.max_queue_delay_us = options.dynamic_batching_max_queue_delay_us;
  batching.preserve_ordering = options.dynamic_batching_preserve_ordering;
  MSERVE_RETURN_IF_ERROR(config::validateScheduling(model.scheduling, model.name));
  return model;
}

}  // namespace mserve::cli
