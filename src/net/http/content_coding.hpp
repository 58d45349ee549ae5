// HTTP content codings (REFERENCE-2.md §8): request bodies sent with Content-Encoding gzip or
// deflate are inflated before any handler sees them, bounded by --rest_max_body_bytes after
// inflation; responses are deflated when the client accepts it and the body is worth it.
// Pure functions over std types (zlib inside); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/http/http_message.hpp"
#include "util/status.hpp"

namespace mserve::net::http {

enum class ContentCoding { kIdentity, kGzip, kDeflate };

// Responses smaller than this go out as they are: compressing them saves less than it costs.
inline constexpr size_t kMinCompressedBodyBytes = 1024;

// Replaces a compressed request body by its inflated bytes (Content-Encoding gzip or deflate,
// either framing accepted for both, as Triton). Identity or no header leaves it alone. An
// unsupported coding, a corrupt stream or more than `max_body_bytes` inflated bytes is an error;
// the bound is checked while inflating, so a zip bomb never gets its memory.
util::Status decodeRequestBody(HttpRequest& request, uint64_t max_body_bytes);

// The coding to answer this request with, from its Accept-Encoding: the highest q among
// identity, gzip and deflate (ties keep the first listed, Triton's rule); identity when absent.
ContentCoding acceptedCoding(const HttpRequest& request);

// Compresses `response.body` with `coding` and sets Content-Encoding, if the body is at least
// kMinCompressedBodyBytes and has no coding yet. On a zlib failure the body stays as it was.
void encodeResponseBody(HttpResponse& response, ContentCoding coding);

// What a request whose body could not be decoded is answered: the status's error response, plus
// the Accept-Encoding header telling the client which codings would have worked.
HttpResponse decodeErrorResponse(const util::Status& status);

// zlib one-shot helpers, exposed for tests. inflate takes zlib or gzip framing.
util::StatusOr<std::string> inflateBody(std::string_view body, uint64_t max_bytes);
std::optional<std::string> deflateBody(std::string_view body, ContentCoding coding);

}  // namespace mserve::net::http
