#include "serving/model.hpp"

#include "util/logging.hpp"

namespace mserve::serving {

using util::Status;
using util::StatusCode;

const VersionEntry* Model::entry(int64_t version) const {
  const auto found = versions_.find(version);
  return found == versions_.end() ? nullptr : &found->second;
}

util::StatusOr<std::shared_ptr<ModelVersion>> Model::find(int64_t version) const {
  if (version == 0) {
    for (auto it = versions_.rbegin(); it != versions_.rend(); ++it) {
      if (it->second.serving) return it->second.serving;
    }
    return Status(StatusCode::kModelVersionMissing);
  }
  const auto found = versions_.find(version);
  if (found == versions_.end()) return Status(StatusCode::kModelVersionMissing);
  if (found->second.serving) return found->second.serving;
  switch (found->second.state) {
    case VersionState::kStart:
    case VersionState::kLoading:
      return Status(StatusCode::kModelVersionNotLoadedYet);
    default:
      return Status(StatusCode::kModelVersionNotLoadedAnymore);
  }
}

std::vector<std::shared_ptr<ModelVersion>> Model::available() const {
  std::vector<std::shared_ptr<ModelVersion>> result;
  for (auto it = versions_.rbegin(); it != versions_.rend(); ++it) {
    if (it->second.serving) result.push_back(it->second.serving);
  }
  return result;
}

std::vector<VersionStatus> Model::statuses() const {
  std::vector<VersionStatus> result;
  result.reserve(versions_.size());
  for (const auto& [version, entry] : versions_) {
    VersionState state = entry.state;
    // Retired but still finishing requests: the memory is not free yet.
    if (state == VersionState::kEnd && !entry.retired.expired()) state = VersionState::kUnloading;
    result.push_back({version, state, entry.error_code, entry.reason});
  }
  return result;
}

void Model::logState(int64_t version) const {
  const VersionEntry& entry = versions_.at(version);
  MSERVE_LOG(util::modelManagerLog(), info,
             "STATUS CHANGE: Version {} of model {} status change. New status: ( \"state\": "
             "\"{}\", \"error_code\": \"{}\" )",
             version, config_.name, stateName(entry.state), errorCodeName(entry.error_code));
}

void Model::markLoading(int64_t version) {
  VersionEntry& entry = versions_[version];
  if (entry.serving) return;  // a replacement loads beside the serving instance
  entry.state = VersionState::kLoading;
  entry.error_code = VersionErrorCode::kOk;
  logState(version);
}

std::shared_ptr<ModelVersion> Model::install(std::shared_ptr<ModelVersion> instance,
                                             const std::string& fingerprint) {
  const int64_t version = instance->version();
  VersionEntry& entry = versions_[version];
  std::shared_ptr<ModelVersion> previous = std::move(entry.serving);
  if (previous) {
    previous->setState(VersionState::kEnd);
    entry.retired = previous;
  }
  instance->setState(VersionState::kAvailable);
  entry.serving = std::move(instance);
  entry.serving_fingerprint = fingerprint;
  entry.state = VersionState::kAvailable;
  entry.error_code = VersionErrorCode::kOk;
  entry.reason.clear();
  entry.failed_key.clear();
  logState(version);
  return previous;
}

void Model::markFailed(int64_t version, const std::string& failed_key, const Status& status) {
  VersionEntry& entry = versions_[version];
  entry.failed_key = failed_key;
  entry.reason = status.message();
  if (entry.serving) return;  // the previous instance keeps serving
  entry.state = VersionState::kLoading;
  entry.error_code = VersionErrorCode::kUnknown;
  logState(version);
}

std::shared_ptr<ModelVersion> Model::retire(int64_t version) {
  VersionEntry& entry = versions_[version];
  std::shared_ptr<ModelVersion> previous = std::move(entry.serving);
  if (previous) {
    previous->setState(VersionState::kEnd);
    entry.retired = previous;
  }
  entry.serving_fingerprint.clear();
  entry.state = VersionState::kEnd;
  entry.error_code = VersionErrorCode::kOk;
  entry.failed_key.clear();
  logState(version);
  return previous;
}

std::vector<std::shared_ptr<ModelVersion>> Model::retireAllBut(const std::set<int64_t>& keep) {
  std::vector<std::shared_ptr<ModelVersion>> retired;
  for (auto& [version, entry] : versions_) {
    if (keep.count(version) != 0 || (entry.state == VersionState::kEnd && !entry.serving)) {
      continue;
    }
    if (auto previous = retire(version)) retired.push_back(std::move(previous));
  }
  return retired;
}

void Model::forgetFailures() {
  for (auto& [version, entry] : versions_) entry.failed_key.clear();
}

}  // namespace mserve::serving
