#include "serving/serving_backend.hpp"

#include <chrono>

#include "serving/binary_inputs.hpp"

namespace mserve::serving {
namespace {

std::vector<api::kfs::TensorDescription> describeTensors(
    const std::vector<engine::TensorInfo>& tensors) {
  std::vector<api::kfs::TensorDescription> result;
  result.reserve(tensors.size());
  for (const engine::TensorInfo& info : tensors) {
    result.push_back({info.name, info.datatype, info.shape});
  }
  return result;
}

}  // namespace

bool ServingBackend::ready() const {
  return manager_.ready() && !draining_.load(std::memory_order_acquire);
}

util::StatusOr<bool> ServingBackend::modelReady(std::string_view name, int64_t version) const {
  auto found = manager_.findVersion(name, version);
  if (found.isOk()) return true;
  switch (found.status().code()) {
    case util::StatusCode::kModelVersionNotLoadedYet:
    case util::StatusCode::kModelVersionNotLoadedAnymore:
      return false;  // known version, not AVAILABLE
    default:
      return found.status();
  }
}

util::StatusOr<api::kfs::ModelDescription> ServingBackend::describe(std::string_view name,
                                                                    int64_t version) const {
  auto found = manager_.findVersion(name, version);
  if (!found.isOk()) return found.status();
  auto all = manager_.versions(name);
  if (!all.isOk()) return all.status();
  const ModelVersion& model = *found.value();
  api::kfs::ModelDescription description;
  description.name = model.name();
  description.version = model.version();
  for (auto it = all.value().rbegin(); it != all.value().rend(); ++it) {
    description.versions.push_back((*it)->version());
  }
  const MetadataPorts ports = model.metadataPorts();
  description.inputs = describeTensors(ports.inputs);
  description.outputs = describeTensors(ports.outputs);
  if (const scheduling::RequestScheduler* scheduler = model.scheduler();
      scheduler != nullptr && scheduler->limits().batching()) {
    const scheduling::SchedulerLimits& limits = scheduler->limits();
    description.max_batch_size = static_cast<int32_t>(limits.max_batch_size);
    description.preferred_batch_sizes.assign(limits.preferred_batch_sizes.begin(),
                                             limits.preferred_batch_sizes.end());
    description.max_queue_delay_us = static_cast<uint64_t>(limits.max_queue_delay.count());
    description.preserve_ordering = limits.preserve_ordering;
  }
  return description;
}

util::StatusOr<std::vector<api::kfs::VersionStatus>> ServingBackend::versionStatuses(
    std::string_view name) const {
  // Failed (LOADING + UNKNOWN) and retired (END) versions included, as OVMS lists them.
  auto all = manager_.versionStatuses(name);
  if (!all.isOk()) return all.status();
  std::vector<api::kfs::VersionStatus> statuses;
  for (const VersionStatus& status : all.value()) statuses.push_back(toApiStatus(status));
  return statuses;
}

util::StatusOr<std::vector<api::kfs::VersionStatistics>> ServingBackend::statistics(
    std::string_view name, int64_t version) const {
  const std::vector<std::string> names =
      name.empty() ? manager_.modelNames() : std::vector<std::string>{std::string(name)};
  std::vector<api::kfs::VersionStatistics> result;
  for (const std::string& model : names) {
    std::vector<std::shared_ptr<ModelVersion>> ready;  // ascending; READY versions only
    if (auto found = manager_.allVersions(model); found.isOk()) {
      for (auto& candidate : found.value()) {
        if (candidate->state() == VersionState::kAvailable) ready.push_back(std::move(candidate));
      }
    }
    const size_t before = result.size();
    for (const auto& candidate : ready) {
      if (version != 0 && candidate->version() != version) continue;
      result.push_back({model, candidate->version(), candidate->statistics().snapshot()});
    }
    if (name.empty() || result.size() > before) continue;
    if (ready.empty()) {
      return util::Status(util::StatusCode::kTritonInvalidArgument,
                          "requested model '" + model + "' is not available");
    }
    return util::Status(util::StatusCode::kTritonInvalidArgument,
                        "requested model version is not available for model '" + model + "'");
  }
  return result;
}

void ServingBackend::countRequest(std::string_view name, int64_t version, metrics::Api api,
                                  metrics::Interface interface, metrics::Method method,
                                  bool success) const {
  auto found = manager_.findVersion(name, version);
  if (found.isOk() && found.value()->metrics() != nullptr) {
    found.value()->metrics()->countRequest(api, interface, method, success);
  }
}

void ServingBackend::infer(std::shared_ptr<const tensor::InferenceRequest> request,
                           api::kfs::InferCallback done) {
  auto version = manager_.findVersion(request->model_name, request->model_version);
  if (!version.isOk()) return done(version.status(), nullptr);
  // Counted once the response is out, so that request time covers encoding too. Requests for
  // unknown models have no series to count in (as OVMS).
  done = [metrics = version.value()->metrics(), api = request->api, interface = request->interface,
          received = request->received, done = std::move(done)](
             const util::Status& status, const tensor::InferenceResponse* response) {
    done(status, response);
    if (metrics == nullptr) return;
    metrics->countRequest(api, interface, metrics::Method::kInfer, status.isOk());
    metrics->observeRequestTime(
        interface, static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                             std::chrono::steady_clock::now() - received)
                                             .count()));
  };
  if (image_decoders_ && hasImageInputs(version.value()->inputs(), *request)) {
    auto task = [this, version = version.value(), request, done]() mutable {
      inferDecoded(std::move(version), std::move(request), std::move(done));
    };
    if (!image_decoders_->tryPost(std::move(task), image_max_waiting_)) {
      done(util::Status(util::StatusCode::kResourceExhausted,
                        "image decoding queue is full (" + std::to_string(image_max_waiting_) +
                            " requests waiting)"),
           nullptr);
    }
    return;
  }
  inferDecoded(std::move(version.value()), std::move(request), std::move(done));
}

void ServingBackend::startImageDecoders(size_t threads, size_t max_waiting) {
  image_max_waiting_ = max_waiting;
  image_decoders_ = std::make_unique<util::ThreadPool>(threads, "image-decode");
}

void ServingBackend::inferDecoded(std::shared_ptr<ModelVersion> version,
                                  std::shared_ptr<const tensor::InferenceRequest> request,
                                  api::kfs::InferCallback done) {
  // Binary images become tensors here, so every protocol shares one decode and validation.
  auto prepared = prepareBinaryInputs(version->inputs(), request, image_limits_);
  if (!prepared.isOk()) {
    done(prepared.status(), nullptr);
    return version->statistics().recordFailure(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - request->received)
                                  .count()));
  }
  request = std::move(prepared.value());
  const tensor::InferenceRequest& request_ref = *request;
  util::Executor& completion = request->completion ? *request->completion : completion_;
  version->infer(request_ref, completion,
                 [request = std::move(request), done = std::move(done)](
                     const util::Status& status, const tensor::InferenceResponse* response) {
                   done(status, response);
                 });
}

}  // namespace mserve::serving
