// Asio's TLS streams over OpenSSL, for the REST server's HTTPS: a separate header so that code
// needing only plain Asio (the benchmark's echo floor) does not link OpenSSL.
#pragma once

#include "net/http/asio.hpp"
// Asio first (asio.hpp explains the order).
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

namespace mserve::net::http {

namespace ssl = boost::asio::ssl;

}  // namespace mserve::net::http
