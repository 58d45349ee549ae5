// Model version policy (OVMS's `model_version_policy`): which of the versions found on disk are
// served. Parsed from its JSON form; pure value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.hpp"

namespace mserve::config {

class VersionPolicy {
 public:
  enum class Kind { kLatest, kSpecific, kAll };

  static VersionPolicy latest(uint32_t count = 1) { return {Kind::kLatest, count, {}}; }
  static VersionPolicy specific(std::vector<int64_t> versions) {
    return {Kind::kSpecific, 0, std::move(versions)};
  }
  static VersionPolicy all() { return {Kind::kAll, 0, {}}; }
  // {"latest":{"num_versions":N}} | {"specific":{"versions":[...]}} | {"all":{}}; "" gives the
  // default, latest 1. Errors are MODEL_CONFIG_INVALID "Couldn't parse model version policy. …".
  static util::StatusOr<VersionPolicy> parse(const std::string& json);

  // The versions to serve out of `available`, highest first.
  std::vector<int64_t> select(std::vector<int64_t> available) const;

  Kind kind() const { return kind_; }
  std::string toString() const;

 private:
  VersionPolicy(Kind kind, uint32_t count, std::vector<int64_t> versions)
      : kind_(kind), count_(count), versions_(std::move(versions)) {}
  Kind kind_;
  uint32_t count_;
  std::vector<int64_t> versions_;
};

}  // namespace mserve::config
