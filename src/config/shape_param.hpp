// --shape and --batch_size (and their config.json forms) turned into model shapes to reshape to.
// `auto` makes dimensions dynamic (DESIGN.md §4). Pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "tensor/shape.hpp"
#include "util/status.hpp"

namespace mserve::config {

struct ShapeParam {
  // Input name → shape; the key "" means every input. An `auto` shape is stored as an empty
  // ModelShape with `auto_inputs` naming it ("" = all): each of its dims becomes dynamic.
  std::map<std::string, tensor::ModelShape> shapes;
  std::vector<std::string> auto_inputs;
};

// "auto", "(1,3,224,224)", "(1,3,-1,100:200)", "[1,3]" or JSON {"in":"(1,3)","in2":"auto"}.
util::StatusOr<ShapeParam> parseShapeParam(const std::string& text);

// "auto" → dynamic dimension, "N" → fixed, "a:b" → bounded.
util::StatusOr<tensor::Dimension> parseBatchSize(const std::string& text);

}  // namespace mserve::config
