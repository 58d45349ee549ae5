// The status page itself: one self-contained HTML document (CSS and JavaScript inline, no
// external assets) that polls GET /status/data and draws the models, their compiled
// properties, live charts and the advice. Compiled into the binary. Constant.
#pragma once

#include <string_view>

namespace mserve::status {

std::string_view statusPageHtml();

}  // namespace mserve::status
