// Parsing of OpenVINO's SUPPORTED_PROPERTIES value as the C API renders it: a space-separated
// list of keys. Internal to engine/; pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mserve::engine {

struct PropertyName {
  std::string key;
  bool writable = true;  // may be passed to compile_model
};

// Splits the list. The C API drops OpenVINO's mutability flags (checked with 2026.4: the CPU's
// list is plain "SUPPORTED_PROPERTIES AVAILABLE_DEVICES ... NUM_STREAMS ..."), so read-only keys
// are recognised by name; a ":RO"/":RW"/":WO" suffix, should a release add one, is honoured.
std::vector<PropertyName> parsePropertyList(std::string_view list);

}  // namespace mserve::engine
