// ServingBackend's side of Triton's model repository extension: the index from the manager's
// version statuses, and load/unload requests run one at a time on the control thread, so no
// transport thread waits for a model to compile (REFERENCE-2.md §2).
#include <future>

#include "serving/serving_backend.hpp"

namespace mserve::serving {
namespace {

// Load/unload requests waiting for the control thread; more are refused rather than queued
// without bound.
constexpr size_t kMaxWaitingControl = 16;

// Triton's wording, and the flag that enables it here.
constexpr const char* kControlOff =
    "explicit model load / unload is not allowed if polling is enabled (start the server with "
    "--model_control_mode explicit)";

api::kfs::ModelIndexEntry indexEntry(const std::string& name, const VersionStatus& status) {
  api::kfs::ModelIndexEntry entry{name, status.version, "UNAVAILABLE", ""};
  switch (status.state) {
    case VersionState::kAvailable:
      entry.state = "READY";
      break;
    case VersionState::kStart:
    case VersionState::kLoading:
      // A failed load stays LOADING + UNKNOWN for OVMS's status APIs; Triton says UNAVAILABLE.
      if (status.error_code == VersionErrorCode::kOk) {
        entry.state = "LOADING";
      } else {
        entry.reason = status.reason.empty() ? "load failed" : status.reason;
      }
      break;
    case VersionState::kUnloading:
      entry.state = "UNLOADING";
      break;
    case VersionState::kEnd:
      entry.reason = "unloaded";
      break;
  }
  return entry;
}

}  // namespace

util::StatusOr<std::vector<api::kfs::ModelIndexEntry>> ServingBackend::repositoryIndex(
    bool ready_only) const {
  std::vector<api::kfs::ModelIndexEntry> index;
  for (const auto& [name, statuses] : manager_.allVersionStatuses()) {
    if (statuses.empty() && !ready_only) index.push_back({name});
    for (const VersionStatus& status : statuses) {
      api::kfs::ModelIndexEntry entry = indexEntry(name, status);
      if (!ready_only || entry.state == "READY") index.push_back(std::move(entry));
    }
  }
  return index;
}

void ServingBackend::enableModelControl() {
  control_ = std::make_unique<util::ThreadPool>(1, "model-control");
}

void ServingBackend::stopModelControl() {
  if (!control_) return;
  // Waiting tasks see draining_ and answer at once; the running one finishes. Afterwards the
  // transports still answer calls already made, then stop.
  std::promise<void> idle;
  control_->post([&idle] { idle.set_value(); });
  idle.get_future().wait();
}

void ServingBackend::control(std::function<util::Status()> change, api::kfs::ControlCallback done) {
  if (!control_) return done(util::Status(util::StatusCode::kTritonUnavailable, kControlOff));
  if (control_waiting_.fetch_add(1) >= kMaxWaitingControl) {
    control_waiting_.fetch_sub(1);
    return done(util::Status(util::StatusCode::kTritonUnavailable,
                             "too many model load / unload requests waiting; retry later"));
  }
  control_->post([this, change = std::move(change), done = std::move(done)] {
    control_waiting_.fetch_sub(1);
    if (draining_.load(std::memory_order_acquire)) {
      return done(util::Status(util::StatusCode::kTritonUnavailable, "Server not ready"));
    }
    done(change());
  });
}

void ServingBackend::loadModel(std::string name, std::optional<std::string> config,
                               api::kfs::ControlCallback done) {
  control([this, name = std::move(name),
           config = std::move(config)] { return manager_.loadOnRequest(name, config); },
          std::move(done));
}

void ServingBackend::unloadModel(std::string name, api::kfs::ControlCallback done) {
  control([this, name = std::move(name)] { return manager_.unloadOnRequest(name); },
          std::move(done));
}

}  // namespace mserve::serving
