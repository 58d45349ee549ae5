// The config.json JSON Schema (OVMS's, REFERENCE.md §2.1) and the checks that turn a violation
// into a message naming the offending key: features mserve does not implement are "not
// supported", unknown keys are named, other violations name the value. Also the schema of a
// version's mapping_config.json. Pure functions; the compiled schemas are immutable statics.
#pragma once

#include <rapidjson/document.h>

#include "util/status.hpp"

namespace mserve::config {

// CONFIG_FILE_INVALID with a message such as
//   "Unknown key in config file: model_config_list[0].config.foo"
//   "Not supported by mserve: pipeline_config_list (DAG pipelines)"
//   "Invalid value in config file: model_config_list[0].config.nireq (minimum)"
util::Status validateConfigSchema(const rapidjson::Value& document);

// {"inputs": {"real": "mapped"}, "outputs": {...}}, both optional; JSON_INVALID otherwise.
util::Status validateMappingSchema(const rapidjson::Value& document);

}  // namespace mserve::config
