// The small internal API through which the KServe frontends reach the serving core (DESIGN.md
// §1: frontends depend on a small API, not on ModelManager). serving/ implements it; tests fake
// it. Implementations must be safe to call from any number of transport threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/infer_statistics.hpp"
#include "metrics/request_kind.hpp"
#include "tensor/datatype.hpp"
#include "tensor/inference_request.hpp"
#include "tensor/shape.hpp"
#include "util/status.hpp"

namespace mserve::api::kfs {

struct TensorDescription {
  std::string name;
  tensor::DataType datatype = tensor::DataType::kFp32;
  tensor::ModelShape shape;
};

// What the metadata and config answers say about one model version.
struct ModelDescription {
  std::string name;
  int64_t version = 0;            // the version described (the default one if 0 was asked)
  std::vector<int64_t> versions;  // every available version of the model, ascending (OVMS)
  std::vector<TensorDescription> inputs;
  std::vector<TensorDescription> outputs;
  // Server-side dynamic batching (Triton's ModelConfig meaning); 0 = the model does not batch.
  int32_t max_batch_size = 0;
  std::vector<int32_t> preferred_batch_sizes;
  uint64_t max_queue_delay_us = 0;
  bool preserve_ordering = false;
};

// Lifecycle of one model version as TF Serving's GetModelStatus reports it (REFERENCE.md §2.4).
enum class VersionState { kStart, kLoading, kAvailable, kUnloading, kEnd };
// The version's error code in that report: a failed load is kLoading with kUnknown.
enum class VersionError { kOk, kUnknown, kFailedPrecondition };

struct VersionStatus {
  int64_t version = 0;
  VersionState state = VersionState::kAvailable;
  VersionError error = VersionError::kOk;
};

// Triton statistics of one READY model version.
struct VersionStatistics {
  std::string name;
  int64_t version = 0;
  metrics::InferStatisticsSnapshot statistics;
};

// One line of the repository index (Triton's RepositoryIndex): a model and one of its versions.
struct ModelIndexEntry {
  std::string name;
  int64_t version = 0;  // 0: the model has no version yet; listed by name only
  std::string state;    // READY, LOADING, UNLOADING, UNAVAILABLE
  std::string reason;   // why UNAVAILABLE ("unloaded", a load error); "" otherwise
};

// Called once with the outcome of a model load or unload, on any thread.
using ControlCallback = std::function<void(const util::Status& status)>;

// Called exactly once per infer() with the outcome; `response` is non-null only on success and
// its views are valid only during the call. May run on any thread.
using InferCallback =
    std::function<void(const util::Status& status, const tensor::InferenceResponse* response)>;

class KfsBackend {
 public:
  virtual ~KfsBackend() = default;

  // Liveness: the process serves requests. Readiness: initial models loaded and not draining.
  virtual bool live() const = 0;
  virtual bool ready() const = 0;

  // Whether the version (0 = default) is AVAILABLE. Errors as OVMS: MODEL_NAME_MISSING for an
  // unknown model, MODEL_VERSION_MISSING for an unknown version (gRPC NOT_FOUND); a known
  // version in another state is OK with false.
  virtual util::StatusOr<bool> modelReady(std::string_view name, int64_t version) const = 0;

  // Inputs, outputs and versions of the version (0 = default), or the lookup error.
  virtual util::StatusOr<ModelDescription> describe(std::string_view name,
                                                    int64_t version) const = 0;

  // Every version of the model the server knows, in any state, ascending; MODEL_NAME_MISSING
  // for an unknown model. The default lists the versions describe() reports as AVAILABLE, for
  // backends (and test fakes) that track nothing else.
  virtual util::StatusOr<std::vector<VersionStatus>> versionStatuses(std::string_view name) const {
    auto model = describe(name, 0);
    if (!model.isOk()) return model.status();
    std::vector<VersionStatus> statuses;
    for (int64_t version : model->versions) statuses.push_back({version});
    return statuses;
  }

  // Triton's statistics extension: every READY version of every model (`name` empty), of one
  // model (`version` 0) or one version, by name then version. Unknown or unready model:
  // "requested model '<m>' is not available"; version not ready: "requested model version is
  // not available for model '<m>'" (both kTritonInvalidArgument). Default: not supported.
  virtual util::StatusOr<std::vector<VersionStatistics>> statistics(std::string_view /*name*/,
                                                                    int64_t /*version*/) const {
    return util::Status(util::StatusCode::kTritonUnsupported, "statistics not supported");
  }

  // Triton's model repository extension. The index lists every model the server knows, by
  // name then version (`ready_only`: READY versions only). Load (with an optional config
  // override, the JSON of a config.json entry's "config") and unload answer through `done`,
  // after the change took effect; both fail with kTritonUnavailable unless explicit model
  // control is on. Defaults: not supported.
  virtual util::StatusOr<std::vector<ModelIndexEntry>> repositoryIndex(bool /*ready_only*/) const {
    return util::Status(util::StatusCode::kTritonUnsupported, "model repository not supported");
  }
  virtual void loadModel(std::string /*name*/, std::optional<std::string> /*config*/,
                         ControlCallback done) {
    done(util::Status(util::StatusCode::kTritonUnsupported, "model repository not supported"));
  }
  virtual void unloadModel(std::string /*name*/, ControlCallback done) {
    done(util::Status(util::StatusCode::kTritonUnsupported, "model repository not supported"));
  }

  // Counts a metadata or status request in the metrics of the version it named (0 = the
  // default one); nothing for unknown models, which have no series (OVMS). Default: no metrics.
  virtual void countRequest(std::string_view /*name*/, int64_t /*version*/, metrics::Api,
                            metrics::Interface, metrics::Method, bool /*success*/) const {}

  // Runs `request` (model name and version are in it) and calls `done` exactly once, possibly
  // on another thread, possibly before infer() returns. The backend keeps `request` alive
  // until `done` has returned; the request's views point into the transport's message, which
  // the caller keeps alive until then too.
  virtual void infer(std::shared_ptr<const tensor::InferenceRequest> request,
                     InferCallback done) = 0;
};

}  // namespace mserve::api::kfs
