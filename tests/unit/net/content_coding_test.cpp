// HTTP content codings: gzip/deflate request bodies inflated within the body limit (a zip bomb is
// refused while inflating), Accept-Encoding negotiation and response compression.
#include "net/http/content_coding.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace mserve::net::http {
namespace {

using util::StatusCode;

HttpRequest withHeader(std::string name, std::string value, std::string body = {}) {
  HttpRequest request;
  request.headers.emplace_back(std::move(name), std::move(value));
  request.body = std::move(body);
  return request;
}

// Text that compresses well, as JSON does.
std::string sampleText(size_t bytes) {
  std::string text;
  while (text.size() < bytes) text += R"({"name":"b","data":[1.5,2.5,3.5]},)";
  text.resize(bytes);
  return text;
}

TEST(ContentCoding, GzipAndDeflateRoundTrip) {
  const std::string text = sampleText(100000);
  for (ContentCoding coding : {ContentCoding::kGzip, ContentCoding::kDeflate}) {
    const auto compressed = deflateBody(text, coding);
    ASSERT_TRUE(compressed.has_value());
    EXPECT_LT(compressed->size(), text.size() / 10);
    // gzip framing starts with its magic bytes, zlib framing with 0x78.
    EXPECT_EQ(static_cast<unsigned char>((*compressed)[0]),
              coding == ContentCoding::kGzip ? 0x1f : 0x78);
    HttpRequest request = withHeader("content-encoding",
                                     coding == ContentCoding::kGzip ? "gzip" : "deflate",
                                     *compressed);
    ASSERT_TRUE(decodeRequestBody(request, text.size()).isOk());
    EXPECT_EQ(request.body, text);
  }
}

TEST(ContentCoding, IdentityAndNoHeaderLeaveTheBody) {
  HttpRequest plain;
  plain.body = "abc";
  EXPECT_TRUE(decodeRequestBody(plain, 1).isOk());  // the limit applies to inflated bodies only
  EXPECT_EQ(plain.body, "abc");
  HttpRequest identity = withHeader("Content-Encoding", "identity", "abc");
  EXPECT_TRUE(decodeRequestBody(identity, 10).isOk());
  EXPECT_EQ(identity.body, "abc");
}

TEST(ContentCoding, UnsupportedCodingIs501WithAcceptEncoding) {
  HttpRequest request = withHeader("Content-Encoding", "br", "abc");
  const util::Status status = decodeRequestBody(request, 10);
  EXPECT_EQ(status.code(), StatusCode::kRestContentEncodingUnsupported);
  EXPECT_EQ(status.httpStatus(), 501);
  EXPECT_EQ(status.message(), "Unsupported compression type - br");
  const HttpResponse response = decodeErrorResponse(status);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].second, "gzip, deflate");
}

TEST(ContentCoding, ZipBombIs413AtTheLimit) {
  const std::string zeros(64 << 20, '\0');  // 64 MiB of zeros deflate to ~64 KiB
  const auto bomb = deflateBody(zeros, ContentCoding::kGzip);
  ASSERT_TRUE(bomb.has_value());
  HttpRequest request = withHeader("Content-Encoding", "gzip", *bomb);
  const util::Status status = decodeRequestBody(request, 1 << 20);
  EXPECT_EQ(status.code(), StatusCode::kRestPayloadTooLarge);
  EXPECT_EQ(status.httpStatus(), 413);
  EXPECT_NE(status.message().find("limit 1048576 bytes after decompression, set by "
                                  "--rest_max_body_bytes"),
            std::string::npos)
      << status.message();
  EXPECT_EQ(request.body, *bomb);  // untouched
  // Exactly at the limit is fine.
  auto exact = inflateBody(*deflateBody(std::string(4096, 'x'), ContentCoding::kGzip), 4096);
  ASSERT_TRUE(exact.isOk());
  EXPECT_EQ(exact->size(), 4096u);
  EXPECT_EQ(inflateBody(*deflateBody(std::string(4097, 'x'), ContentCoding::kGzip), 4096)
                .status()
                .code(),
            StatusCode::kRestPayloadTooLarge);
}

TEST(ContentCoding, CorruptTruncatedOrTrailingDataIs400) {
  const std::string compressed = *deflateBody(sampleText(5000), ContentCoding::kGzip);
  for (const std::string& body :
       {std::string("not compressed at all"), compressed.substr(0, compressed.size() / 2),
        compressed + "junk", std::string()}) {
    auto result = inflateBody(body, 1 << 20);
    EXPECT_EQ(result.status().code(), StatusCode::kRestCompressedBodyInvalid)
        << body.size() << " " << result.status().message();
    EXPECT_EQ(result.status().httpStatus(), 400);
  }
}

TEST(ContentCoding, AcceptEncodingNegotiation) {
  struct Case {
    const char* accept;
    ContentCoding expected;
  };
  for (const Case& c : {
           Case{"gzip", ContentCoding::kGzip},
           Case{"deflate", ContentCoding::kDeflate},
           Case{"gzip, deflate", ContentCoding::kGzip},
           Case{"deflate;q=0.9, gzip;q=0.5", ContentCoding::kDeflate},
           Case{"identity, gzip", ContentCoding::kIdentity},
           Case{"gzip;q=0", ContentCoding::kIdentity},
           Case{"br, zstd", ContentCoding::kIdentity},
           Case{"GZIP;Q=1", ContentCoding::kGzip},
           Case{"gzip;q=bad, deflate;q=0.1", ContentCoding::kDeflate},
           Case{",,;;=", ContentCoding::kIdentity},
       }) {
    EXPECT_EQ(acceptedCoding(withHeader("Accept-Encoding", c.accept)), c.expected) << c.accept;
  }
  EXPECT_EQ(acceptedCoding(HttpRequest{}), ContentCoding::kIdentity);
}

TEST(ContentCoding, ResponsesCompressedOnlyWhenWorthIt) {
  HttpResponse small;
  small.body = "{\"live\":true}";
  encodeResponseBody(small, ContentCoding::kGzip);
  EXPECT_EQ(small.body, "{\"live\":true}");
  EXPECT_TRUE(small.headers.empty());

  HttpResponse large;
  large.body = sampleText(kMinCompressedBodyBytes * 10);
  const std::string original = large.body;
  encodeResponseBody(large, ContentCoding::kIdentity);
  EXPECT_EQ(large.body, original);
  encodeResponseBody(large, ContentCoding::kDeflate);
  ASSERT_FALSE(large.headers.empty());
  EXPECT_EQ(large.headers[0], (std::pair<std::string, std::string>("Content-Encoding", "deflate")));
  auto inflated = inflateBody(large.body, original.size());
  ASSERT_TRUE(inflated.isOk());
  EXPECT_EQ(*inflated, original);
  // Already coded: left alone.
  const std::string once = large.body;
  encodeResponseBody(large, ContentCoding::kGzip);
  EXPECT_EQ(large.body, once);
}

}  // namespace
}  // namespace mserve::net::http
