#include "serving/model_loader.hpp"

#include "config/cpu_defaults.hpp"
#include "config/tensor_mapping.hpp"
#include "engine/infer_request_pool.hpp"
#include "repository/model_repository.hpp"
#include "util/logging.hpp"

namespace mserve::serving {
namespace {

using util::Status;
using util::StatusCode;

constexpr uint32_t kMaxNireq = 100000;  // OVMS's limit ("Nireq parameter too high")

bool hasAutoShapes(const config::ModelConfig& config) {
  return config.batch_size_auto || !config.shape.auto_inputs.empty();
}

bool cachingOff(const config::ModelConfig& config, bool cache_dir_set) {
  return cache_dir_set && !config.allow_cache && hasAutoShapes(config);
}

// Shape keys name inputs as clients see them; the engine reshapes by the model's own names.
util::StatusOr<std::map<std::string, tensor::ModelShape>> engineShapes(
    const config::ModelConfig& config, const config::TensorMapping& mapping) {
  std::map<std::string, tensor::ModelShape> shapes;
  for (const auto& [name, shape] : config.shape.shapes) {
    std::string real = name;
    for (const auto& [model_name, mapped] : mapping.inputs) {
      if (mapped == name) real = model_name;
    }
    if (real == name && mapping.inputs.count(name) != 0) {
      return Status(StatusCode::kModelConfigInvalid,
                    "Shape from config has real name. Use mapped name instead: " + name);
    }
    shapes[real] = shape;
  }
  for (const std::string& input : config.shape.auto_inputs) {
    std::string real = input;
    for (const auto& [model_name, mapped] : mapping.inputs) {
      if (mapped == input) real = model_name;
    }
    shapes.erase(input);
    shapes[real] = {};
  }
  return shapes;
}

// The user's properties plus what the CPU budget decides for the ones left unset, logged so the
// effective values can be traced to their origin.
config::PluginConfig effectiveProperties(const config::ModelConfig& config,
                                         const util::CpuBudget& budget) {
  config::PluginConfig properties = config.plugin_config;
  const config::PluginConfig added =
      config::cpuBudgetDefaults(properties, config.target_device, budget);
  std::string text;
  for (const auto& [key, value] : added) {
    text += (text.empty() ? "" : ", ") + key + ": " + value;
    properties.emplace_back(key, value);
  }
  if (!text.empty()) {
    MSERVE_LOG(util::modelManagerLog(), info,
               "Model {}: defaults from the CPU budget ({} CPUs, quota {}): {}", config.name,
               budget.cpus, budget.quota_cpus.value_or(0), text);
  }
  return properties;
}

util::StatusOr<engine::LoadSpec> loadSpec(const config::ModelConfig& config,
                                          const config::TensorMapping& mapping,
                                          const std::string& model_file,
                                          const LoadOptions& options) {
  engine::LoadSpec spec;
  spec.model_file = model_file;
  spec.device = config.target_device;
  spec.properties = effectiveProperties(config, options.cpu_budget);
  if (cachingOff(config, options.cache_dir_set)) spec.properties.emplace_back("CACHE_DIR", "");
  auto shapes = engineShapes(config, mapping);
  if (!shapes.isOk()) return shapes.status();
  spec.shapes = std::move(shapes).value();
  spec.batch = config.batch_size;
  // Dynamic batching needs dimension 0 to take every batch it forms: unless the user shaped the
  // model, make it the range [1, max_batch_size] (one compiled model for every batch size).
  const uint32_t max_batch = config.scheduling.batching.max_batch_size;
  if (max_batch > 0 && !spec.batch && spec.shapes.empty()) {
    spec.batch = tensor::Dimension{1, static_cast<int64_t>(max_batch)};
  }
  for (const auto& [name, layout] : config.layouts) {  // keyed by mapped names, as shapes
    std::string real = name;
    for (const auto& [model_name, mapped] : mapping.inputs) {
      if (mapped == name) real = model_name;
    }
    spec.layouts[real] = layout;
  }
  return spec;
}

void logEffectiveProperties(const ModelVersion& version) {
  std::string text;
  for (const auto& [key, value] : version.compiledModel().allProperties()) {
    if (!text.empty()) text += ", ";
    text += key + ": " + value;
  }
  MSERVE_LOG(util::modelManagerLog(), info, "Model {} version {} compiled properties: {}",
             version.name(), version.version(), text);
  MSERVE_LOG(util::modelManagerLog(), info,
             "Model {} version {}: number of OpenVINO streams: {}, nireq: {}", version.name(),
             version.version(), version.compiledModel().property("NUM_STREAMS"), version.nireq());
}

// Every input and output must have a dimension 0 that takes 1 .. max_batch_size.
Status checkBatchable(const engine::CompiledModel& model, const config::ModelConfig& config) {
  const auto max_batch = static_cast<int64_t>(config.scheduling.batching.max_batch_size);
  if (max_batch == 0) return Status::ok();
  for (const auto* tensors : {&model.inputs(), &model.outputs()}) {
    for (const engine::TensorInfo& tensor : *tensors) {
      if (tensor.shape.empty() || !tensor.shape[0].accepts(1) ||
          !tensor.shape[0].accepts(max_batch)) {
        return Status(StatusCode::kModelConfigInvalid,
                      config.name + ": dynamic batching with max_batch_size " +
                          std::to_string(max_batch) + " needs dimension 0 of every input and " +
                          "output to take 1 to " + std::to_string(max_batch) + "; '" + tensor.name +
                          "' has shape " + tensor::toString(tensor.shape));
      }
    }
  }
  return Status::ok();
}

}  // namespace

// Composite devices (HETERO:, MULTI:, AUTO:) accept the union of their members' keys; OpenVINO
// itself rejects a wrong key there, so only single devices are pre-checked with OVMS's texts.
util::Status checkPluginKeys(const engine::Core& core, const config::ModelConfig& config) {
  if (config.target_device.find(':') != std::string::npos) return Status::ok();
  auto supported = core.supportedProperties(config.target_device);
  if (!supported.isOk()) return supported.status();
  const auto unknown = config::unsupportedKeys(config.plugin_config, supported.value());
  if (unknown.empty()) return Status::ok();
  for (const std::string& key : unknown) {
    MSERVE_LOG(util::modelManagerLog(), err,
               "Plugin config key: {} not found in supported config keys for device: {}.", key,
               config.target_device);
  }
  MSERVE_LOG(util::modelManagerLog(), err, "List of supported keys for this device:");
  for (const std::string& key : supported.value()) {
    MSERVE_LOG(util::modelManagerLog(), err, "{}", key);
  }
  return Status(StatusCode::kPluginConfigUnsupportedKey,
                "unsupported keys for " + config.target_device + ": " + unknown.front());
}

util::StatusOr<std::shared_ptr<ModelVersion>> loadModelVersion(const engine::Core& core,
                                                               const config::ModelConfig& config,
                                                               int64_t version,
                                                               const std::string& version_path,
                                                               const LoadOptions& options) {
  auto model_file = repository::findModelFile(version_path);
  if (!model_file.isOk()) return model_file.status();
  auto mapping = config::readTensorMapping(version_path);
  if (!mapping.isOk()) return mapping.status();
  auto spec = loadSpec(config, mapping.value(), model_file.value(), options);
  if (!spec.isOk()) return spec.status();
  MSERVE_LOG(util::modelManagerLog(), info, "Loading model: {}, version: {}, from path: {}",
             config.name, version, model_file.value());
  auto compiled = engine::CompiledModel::load(core, spec.value());
  if (!compiled.isOk()) return compiled.status();
  MSERVE_RETURN_IF_ERROR(checkBatchable(*compiled.value(), config));
  const uint32_t nireq =
      config.nireq != 0 ? config.nireq : compiled.value()->optimalInferRequests();
  if (nireq > kMaxNireq) {
    return Status(StatusCode::kInvalidNireq, "nireq: " + std::to_string(nireq));
  }
  auto pool =
      engine::InferRequestPool::create(*compiled.value(), nireq, options.inline_inference_limit);
  if (!pool.isOk()) return pool.status();
  if (config.scheduling.admitted && options.admission) {
    pool.value()->useAdmission(options.admission, config.scheduling.cpu_weight);
  }
  auto loaded = std::make_shared<ModelVersion>(config.name, version, std::move(compiled.value()),
                                               std::move(pool.value()), mapping.value(),
                                               hasAutoShapes(config));
  const auto limits = scheduling::SchedulerLimits::from(config.scheduling, options.scheduling);
  if (limits.needed()) loaded->useScheduler(limits);
  logEffectiveProperties(*loaded);
  return loaded;
}

}  // namespace mserve::serving
