// Maps (method, path) to the handler registered for it, without std::regex (which recurses per
// character of input, REFERENCE.md §9.1): paths are split into segments and compared with
// patterns segment by segment. Also gives OVMS's answers for what matches no route: 406 for a
// known path with another method or a method other than GET/POST/OPTIONS, 400 "Invalid request
// URL" for an unknown path, 400 PATH_INVALID for "..", an empty 200 for any OPTIONS (CORS
// preflight). Routes are added before the server starts; dispatch() is then safe from any
// number of threads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http/http_message.hpp"

namespace mserve::net::http {

// Handles one request; must call `respond` exactly once (now or later, from any thread).
using Handler = std::function<void(HttpRequest& request, Responder respond)>;

class Router {
 public:
  // `pattern` is an absolute path whose segments are literals or captures: "{name}" matches
  // any non-empty segment (percent-decoded), "{name:int}" a segment of decimal digits, e.g.
  // "/v2/models/{model}/versions/{version:int}/infer". A trailing '/' in a request path is
  // ignored; so is the query string. First added route that matches wins.
  void add(Method method, std::string_view pattern, Handler handler);

  // Routes `request` (filling request.params) and calls its handler, or responds itself with
  // the errors described above.
  void dispatch(HttpRequest& request, const Responder& respond) const;

 private:
  struct Segment {
    enum class Kind { kLiteral, kAny, kDigits } kind;
    std::string text;  // the literal, or the capture's name
  };
  struct Route {
    Method method;
    std::vector<Segment> segments;
    Handler handler;
  };

  // Whether `route` matches the raw path segments; on a match fills `params`.
  static bool matches(const Route& route, const std::vector<std::string_view>& segments,
                      std::vector<std::pair<std::string_view, std::string>>& params);

  std::vector<Route> routes_;
};

// "%41b%2Fc" → "Ab/c"; nullopt for a malformed escape. '+' stays '+' (paths are not forms).
std::optional<std::string> percentDecode(std::string_view text);

// "/a/b/" → {"a", "b"}; "/" → {}. Empty inner segments ("/a//b") are kept as "".
std::vector<std::string_view> splitPath(std::string_view path);

}  // namespace mserve::net::http
