#include "net/http/router.hpp"

#include <optional>
#include <utility>

namespace mserve::net::http {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool isDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

HttpResponse preflightResponse() {
  HttpResponse response;
  // OVMS's defaults for --allowed_origins/methods/headers are all "*".
  response.headers = {{"Access-Control-Allow-Origin", "*"},
                      {"Access-Control-Allow-Methods", "*"},
                      {"Access-Control-Allow-Headers", "*"}};
  return response;
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hexValue(text[i + 1]);
    const int low = hexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return segments;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return segments;
    start = slash + 1;
  }
}

void Router::add(Method method, std::string_view pattern, Handler handler) {
  Route route{method, {}, std::move(handler)};
  for (std::string_view part : splitPath(pattern)) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      std::string_view name = part.substr(1, part.size() - 2);
      Segment::Kind kind = Segment::Kind::kAny;
      if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
        kind = Segment::Kind::kDigits;  // the only typed capture: "{name:int}"
        name = name.substr(0, colon);
      }
      route.segments.push_back({kind, std::string(name)});
    } else {
      route.segments.push_back({Segment::Kind::kLiteral, std::string(part)});
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::matches(const Route& route, const std::vector<std::string_view>& segments,
                     std::vector<std::pair<std::string_view, std::string>>& params) {
  if (route.segments.size() != segments.size()) return false;
  params.clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& expected = route.segments[i];
    const std::string_view actual = segments[i];
    switch (expected.kind) {
      case Segment::Kind::kLiteral:
        if (actual != expected.text) return false;
        break;
      case Segment::Kind::kDigits:
        if (!isDigits(actual)) return false;
        params.emplace_back(expected.text, std::string(actual));
        break;
      case Segment::Kind::kAny: {
        std::optional<std::string> decoded = percentDecode(actual);
        if (!decoded || decoded->empty()) return false;
        params.emplace_back(expected.text, std::move(*decoded));
        break;
      }
    }
  }
  return true;
}

void Router::dispatch(HttpRequest& request, const Responder& respond) const {
  if (request.method == Method::kOther) {
    return respond(errorResponse(util::Status(util::StatusCode::kRestUnsupportedMethod)));
  }
  if (request.method == Method::kOptions) return respond(preflightResponse());
  const std::string_view path = request.path();
  // OVMS refuses any path with "..", escaped or not, before routing.
  const std::optional<std::string> decoded_path = percentDecode(path);
  if (path.find("..") != std::string_view::npos ||
      (decoded_path && decoded_path->find("..") != std::string::npos)) {
    return respond(errorResponse(util::Status(util::StatusCode::kPathInvalid)));
  }
  const std::vector<std::string_view> segments = splitPath(path);
  // HEAD is GET without the body; the connection leaves the body out.
  const Method method = request.method == Method::kHead ? Method::kGet : request.method;
  bool path_known = false;
  for (const Route& route : routes_) {
    if (!matches(route, segments, request.params)) continue;
    if (route.method != method) {
      path_known = true;
      continue;
    }
    return route.handler(request, respond);
  }
  request.params.clear();
  return respond(errorResponse(util::Status(path_known ? util::StatusCode::kRestUnsupportedMethod
                                                       : util::StatusCode::kRestInvalidUrl)));
}

}  // namespace mserve::net::http
