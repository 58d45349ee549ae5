// --cache_dir (REFERENCE.md §1.1): OpenVINO's compiled-model cache, set once on the core before
// any model loads. Not thread-safe; call at start-up.
#pragma once

#include <string>

#include "engine/core.hpp"

namespace mserve::serving {

// OVMS's rules: unset means /opt/cache when that folder exists; a missing folder is created;
// an unwritable one is reported and caching stays off. Returns whether caching is on.
bool setupCacheDir(engine::Core& core, const std::string& cache_dir);

}  // namespace mserve::serving
