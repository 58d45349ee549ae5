// In-process target over engine::CompiledModel and engine::InferRequestPool.
#include "in_process_target.hpp"

#include <cstdio>
#include <filesystem>
#include <future>

#include "config/plugin_config.hpp"
#include "engine/core.hpp"
#include "engine/infer_request_pool.hpp"
#include "output_values.hpp"
#include "repository/model_repository.hpp"
#include "util/thread_pool.hpp"

namespace mserve::bench {
namespace {

// The server's completion pool size (main.cpp kCompletionThreads).
constexpr size_t kCompletionThreads = 2;

// A model file as is; a folder with numeric versions → its highest version's model file.
util::StatusOr<std::string> resolveModelFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return path;
  auto versions = repository::listVersions(path);
  if (versions.isOk() && !versions->empty()) {
    return repository::findModelFile(versions->back().path);
  }
  return repository::findModelFile(path);
}

class InProcessClient final : public BenchClient {
 public:
  InProcessClient(engine::InferRequestPool& pool, util::Executor& completion,
                  const std::vector<tensor::InputTensor>& inputs, size_t outputs)
      : pool_(pool), completion_(completion), inputs_(inputs), outputs_(outputs) {}

  void send(CallDone done) override {
    pool_.acquire([this, done = std::move(done)](engine::InferRequest& slot) mutable {
      for (size_t i = 0; i < inputs_.size(); ++i) {
        util::Status status = slot.setInput(i, inputs_[i]);
        if (!status.isOk()) {
          pool_.release(slot);
          return done({false, status.message()});
        }
      }
      slot.start(completion_, [this, &slot, done = std::move(done)](util::Status status) {
        // Read the outputs as the server does before encoding them.
        for (size_t i = 0; status.isOk() && i < outputs_; ++i) status = slot.output(i).status();
        pool_.release(slot);
        done(status.isOk() ? CallResult{} : CallResult{false, status.message()});
      });
    });
  }

 private:
  engine::InferRequestPool& pool_;
  util::Executor& completion_;
  const std::vector<tensor::InputTensor>& inputs_;
  const size_t outputs_;
};

std::vector<int64_t> metadataDims(const tensor::ModelShape& shape) {
  return tensor::toMetadataDims(shape);
}

class InProcessTarget final : public BenchTarget {
 public:
  InProcessTarget(std::string description, Properties properties,
                  std::shared_ptr<engine::Core> core, std::unique_ptr<engine::CompiledModel> model,
                  std::unique_ptr<engine::InferRequestPool> pool)
      : description_(std::move(description)),
        properties_(std::move(properties)),
        core_(std::move(core)),
        model_(std::move(model)),
        pool_(std::move(pool)) {}

  std::string describe() const override { return description_; }
  Properties properties() const override { return properties_; }

  util::StatusOr<ModelSignature> signature() override {
    ModelSignature signature;
    for (const auto& info : model_->inputs()) {
      signature.inputs.push_back({info.name, info.datatype, metadataDims(info.shape)});
    }
    for (const auto& info : model_->outputs()) {
      signature.outputs.push_back({info.name, info.datatype, metadataDims(info.shape)});
    }
    return signature;
  }

  util::Status setInputs(const std::vector<InputTensorData>& inputs) override {
    data_ = inputs;
    views_.clear();
    for (const InputTensorData& input : data_) {
      tensor::InputTensor view;
      view.name = input.name;
      view.datatype = input.datatype;
      view.shape = input.shape;
      view.data = input.bytes;
      view.strings.assign(input.strings.begin(), input.strings.end());
      views_.push_back(std::move(view));
    }
    return util::Status::ok();
  }

  util::StatusOr<std::unique_ptr<BenchClient>> makeClient(size_t) override {
    return std::unique_ptr<BenchClient>(
        new InProcessClient(*pool_, completion_, views_, model_->outputs().size()));
  }

  util::StatusOr<OutputValues> inferOnce() override {
    std::promise<util::StatusOr<OutputValues>> promise;
    pool_->acquire([this, &promise](engine::InferRequest& slot) {
      util::Status status = util::Status::ok();
      for (size_t i = 0; status.isOk() && i < views_.size(); ++i) {
        status = slot.setInput(i, views_[i]);
      }
      if (!status.isOk()) {
        pool_->release(slot);
        return promise.set_value(status);
      }
      slot.start(completion_, [this, &slot, &promise](util::Status status) {
        OutputValues values;
        for (size_t i = 0; status.isOk() && i < model_->outputs().size(); ++i) {
          auto output = slot.output(i);
          status = output.status();
          if (status.isOk()) values.push_back(numericValues(output.value()));
        }
        pool_->release(slot);
        if (status.isOk()) return promise.set_value(std::move(values));
        promise.set_value(status);
      });
    });
    return promise.get_future().get();
  }

 private:
  // First, so destroyed last: OpenVINO's callback thread may still be returning from post()
  // when the requests are freed (as in main.cpp).
  util::ThreadPool completion_{kCompletionThreads, "bench-completion"};
  const std::string description_;
  Properties properties_;
  std::shared_ptr<engine::Core> core_;
  std::unique_ptr<engine::CompiledModel> model_;
  std::unique_ptr<engine::InferRequestPool> pool_;
  std::vector<InputTensorData> data_;
  std::vector<tensor::InputTensor> views_;  // into data_; shared read-only by every request
};

}  // namespace

util::StatusOr<std::unique_ptr<BenchTarget>> makeInProcessTarget(const InProcessOptions& options) {
  auto parsed = config::parsePluginConfig(options.plugin_config, options.device);
  if (!parsed.isOk()) return parsed.status();
  config::NormalisedPluginConfig normalised =
      config::normalisePluginConfig(std::move(parsed.value()));
  for (const std::string& warning : normalised.warnings) {
    std::fprintf(stderr, "plugin config: %s\n", warning.c_str());
  }
  auto model_file = resolveModelFile(options.model_path);
  if (!model_file.isOk()) return model_file.status();
  auto core = engine::Core::create();
  if (!core.isOk()) return core.status();
  engine::LoadSpec spec;
  spec.model_file = model_file.value();
  spec.device = options.device;
  spec.properties = std::move(normalised.properties);
  auto compiled = engine::CompiledModel::load(*core.value(), spec);
  if (!compiled.isOk()) return compiled.status();
  const uint32_t nireq =
      options.nireq != 0 ? options.nireq : compiled.value()->optimalInferRequests();
  auto pool = engine::InferRequestPool::create(*compiled.value(), nireq);
  if (!pool.isOk()) return pool.status();
  Properties properties;
  for (const char* key : {"PERFORMANCE_HINT", "NUM_STREAMS", "INFERENCE_NUM_THREADS",
                          "INFERENCE_PRECISION_HINT", "ENABLE_CPU_PINNING"}) {
    properties.emplace_back(key, compiled.value()->property(key));
  }
  properties.emplace_back("nireq", std::to_string(nireq));
  return std::unique_ptr<BenchTarget>(new InProcessTarget(
      "in-process " + spec.model_file, std::move(properties), std::move(core.value()),
      std::move(compiled.value()), std::move(pool.value())));
}

}  // namespace mserve::bench
