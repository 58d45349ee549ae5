// The one way to include Boost.Asio and Boost.Beast in mserve. Boost 1.74's Asio uses
// std::exchange without including <utility>, which g++ 12 in C++20 mode rejects, so <utility>
// comes first (DESIGN.md §2). Never include boost/asio or boost/beast headers directly.
#pragma once

// clang-format off
#include <utility>
// clang-format on

#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace mserve::net::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

}  // namespace mserve::net::http
