#include "serving/serving_backend.hpp"

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
  description.inputs = describeTensors(model.inputs());
  description.outputs = describeTensors(model.outputs());
  return description;
}

void ServingBackend::infer(std::shared_ptr<const tensor::InferenceRequest> request,
                           api::kfs::InferCallback done) {
  auto version = manager_.findVersion(request->model_name, request->model_version);
  if (!version.isOk()) return done(version.status(), nullptr);
  const tensor::InferenceRequest& request_ref = *request;
  version.value()->infer(request_ref, completion_,
                         [request = std::move(request), done = std::move(done)](
                             const util::Status& status, const tensor::InferenceResponse* response) {
                           done(status, response);
                         });
}

}  // namespace mserve::serving
