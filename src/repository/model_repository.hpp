// Reading a model's folder: numeric version sub-folders and the model file each holds (IR, ONNX,
// PaddlePaddle, TF SavedModel, TFLite, in OVMS's detection order). Pure filesystem reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.hpp"

namespace mserve::repository {

struct VersionEntry {
  int64_t version;
  std::string path;  // the version folder
};

// Positive integer sub-folders of `base_path`, sorted ascending; others are skipped (each
// reported in `skipped`). PATH_INVALID if base_path is not a readable directory.
util::StatusOr<std::vector<VersionEntry>> listVersions(const std::string& base_path,
                                                       std::vector<std::string>* skipped = nullptr);

// The file to give OpenVINO for a version folder: the first `*.xml` by name that has a
// same-stem `.bin`, `*.onnx`, `*.pdmodel` (+ .pdiparams), the folder itself for
// `saved_model.pb`, or `*.tflite`.
util::StatusOr<std::string> findModelFile(const std::string& version_path);

}  // namespace mserve::repository
