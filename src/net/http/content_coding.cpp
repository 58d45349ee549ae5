#include "net/http/content_coding.hpp"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "net/http/asio.hpp"
#include "net/http/http_limits.hpp"

namespace mserve::net::http {
namespace {

// inflateInit2's windowBits: 15 (the largest window) + 32 = detect zlib or gzip framing.
constexpr int kDetectFraming = 15 + 32;
// deflateInit2's windowBits: 15 = zlib framing (HTTP "deflate"), + 16 = gzip framing.
constexpr int kZlibFraming = 15;
constexpr int kGzipFraming = 15 + 16;
// How much more output room one inflate round may ask for (the body grows in steps this big).
constexpr size_t kInflateStep = 256 * 1024;

util::Status tooLarge(uint64_t max_bytes) {
  return util::Status(util::StatusCode::kRestPayloadTooLarge,
                      "limit " + std::to_string(max_bytes) + " bytes after decompression, set by " +
                          std::string(kMaxBodyFlag));
}

util::Status corrupt(const z_stream& stream) {
  return util::Status(util::StatusCode::kRestCompressedBodyInvalid,
                      stream.msg != nullptr ? stream.msg : "incomplete compressed data");
}

// zlib counts in uInt (32 bits): feed and drain at most this much per call.
uInt chunk(size_t bytes) {
  return static_cast<uInt>(std::min<size_t>(bytes, std::numeric_limits<uInt>::max()));
}

double qValue(const bhttp::param_list& params) {
  for (const auto& [name, value] : params) {
    if (!beast::iequals(name, "q")) continue;
    double q = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), q);
    return error == std::errc() && end == value.data() + value.size() ? q : 0.0;
  }
  return 1.0;
}

}  // namespace

util::StatusOr<std::string> inflateBody(std::string_view body, uint64_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, kDetectFraming) != Z_OK) {
    return util::Status(util::StatusCode::kInternalError, "zlib inflateInit2 failed");
  }
  std::string out;
  int result = Z_OK;
  size_t consumed = 0;
  while (result != Z_STREAM_END) {
    // One byte of room past the limit: if inflate fills it, the body is too large.
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return tooLarge(max_bytes);
    }
    const size_t produced = out.size();
    const uint64_t room = std::min<uint64_t>(
        {max_bytes + 1 - produced, std::max(kInflateStep, produced), kInflateStep * 64});
    out.resize(produced + room);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data() + consumed));
    stream.avail_in = chunk(body.size() - consumed);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = chunk(room);
    const uInt offered = stream.avail_in;
    result = inflate(&stream, Z_NO_FLUSH);
    consumed += offered - stream.avail_in;
    out.resize(out.size() - stream.avail_out);
    const bool stalled = result == Z_BUF_ERROR && consumed == body.size();
    if ((result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR) || stalled) {
      util::Status status = corrupt(stream);
      inflateEnd(&stream);
      return status;
    }
  }
  inflateEnd(&stream);
  if (out.size() > max_bytes) return tooLarge(max_bytes);
  if (consumed != body.size()) {
    return util::Status(util::StatusCode::kRestCompressedBodyInvalid,
                        "data after the end of the compressed stream");
  }
  return out;
}

std::optional<std::string> deflateBody(std::string_view body, ContentCoding coding) {
  z_stream stream{};
  const int framing = coding == ContentCoding::kGzip ? kGzipFraming : kZlibFraming;
  // The fastest level: most of what a response carries is tensor data that barely compresses, so
  // higher levels cost CPU on the event loop for little gain.
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, framing, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, body.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = chunk(body.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = chunk(out.size());
  const bool whole = stream.avail_in == body.size() && stream.avail_out == out.size();
  const int result = whole ? deflate(&stream, Z_FINISH) : Z_STREAM_ERROR;
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return out;
}

util::Status decodeRequestBody(HttpRequest& request, uint64_t max_body_bytes) {
  const auto coding = request.header("Content-Encoding");
  // Exact values, as Triton: "gzip" and "deflate" are what every client sends.
  if (!coding || coding->empty() || *coding == "identity") return util::Status::ok();
  if (*coding != "gzip" && *coding != "deflate") {
    return util::Status(util::StatusCode::kRestContentEncodingUnsupported, std::string(*coding));
  }
  auto inflated = inflateBody(request.body, max_body_bytes);
  if (!inflated.isOk()) return inflated.status();
  request.body = std::move(*inflated);
  return util::Status::ok();
}

ContentCoding acceptedCoding(const HttpRequest& request) {
  const auto accept = request.header("Accept-Encoding");
  if (!accept) return ContentCoding::kIdentity;
  ContentCoding best = ContentCoding::kIdentity;
  double best_q = -1;
  for (const auto& [token, params] :
       bhttp::ext_list(beast::string_view(accept->data(), accept->size()))) {
    ContentCoding coding;
    if (beast::iequals(token, "gzip")) {
      coding = ContentCoding::kGzip;
    } else if (beast::iequals(token, "deflate")) {
      coding = ContentCoding::kDeflate;
    } else if (beast::iequals(token, "identity")) {
      coding = ContentCoding::kIdentity;
    } else {
      continue;
    }
    const double q = qValue(params);
    if (q > best_q) {
      best = coding;
      best_q = q;
    }
  }
  return best_q > 0 ? best : ContentCoding::kIdentity;
}

void encodeResponseBody(HttpResponse& response, ContentCoding coding) {
  if (coding == ContentCoding::kIdentity || response.body.size() < kMinCompressedBodyBytes) return;
  for (const auto& [name, value] : response.headers) {
    if (beast::iequals(name, "Content-Encoding")) return;
  }
  auto compressed = deflateBody(response.body, coding);
  if (!compressed) return;
  response.body = std::move(*compressed);
  response.headers.emplace_back("Content-Encoding",
                                coding == ContentCoding::kGzip ? "gzip" : "deflate");
  response.headers.emplace_back("Vary", "Accept-Encoding");
}

HttpResponse decodeErrorResponse(const util::Status& status) {
  HttpResponse response = errorResponse(status);
  response.headers.emplace_back("Accept-Encoding", "gzip, deflate");
  return response;
}

}  // namespace mserve::net::http
