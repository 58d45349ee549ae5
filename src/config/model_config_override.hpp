// A model configuration sent in a request rather than read from config.json: the `config`
// parameter of the repository API's load (REFERENCE-2.md §2.1). It has the form of one
// config.json entry's "config" object and passes the same schema and checks. Pure function.
#pragma once

#include <string>
#include <string_view>

#include "config/model_config.hpp"
#include "util/status.hpp"

namespace mserve::config {

// `json` is the object, e.g. {"base_path": "/models/resnet", "nireq": 2}; its "name" may be
// omitted and must otherwise equal `name` (the model the request names). Relative base paths
// resolve against `config_dir`. The errors are those a config.json entry would get. The caller
// bounds the nesting depth of `json` (it is walked recursively).
util::StatusOr<ModelConfig> modelConfigFromOverride(std::string_view name, std::string_view json,
                                                    const std::string& config_dir);

}  // namespace mserve::config
