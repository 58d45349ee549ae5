#include "image/image_header.hpp"

#include <cstring>
#include <optional>
#include <string>

namespace mserve::image {
namespace {

using util::Status;
using util::StatusCode;

Status parsingFailed(const std::string& reason) {
  return Status(StatusCode::kImageParsingFailed, reason);
}

uint8_t byteAt(std::string_view data, size_t offset) { return static_cast<uint8_t>(data[offset]); }

// Callers check that offset + 2 (or + 4) <= data.size().
uint32_t bigEndian16(std::string_view data, size_t offset) {
  return (uint32_t{byteAt(data, offset)} << 8) | byteAt(data, offset + 1);
}
uint32_t bigEndian32(std::string_view data, size_t offset) {
  return (bigEndian16(data, offset) << 16) | bigEndian16(data, offset + 2);
}
uint32_t littleEndian16(std::string_view data, size_t offset) {
  return byteAt(data, offset) | (uint32_t{byteAt(data, offset + 1)} << 8);
}
uint32_t littleEndian32(std::string_view data, size_t offset) {
  return littleEndian16(data, offset) | (littleEndian16(data, offset + 2) << 16);
}

// ---- PNG: signature, IHDR first, then chunks up to IEND. --------------------------------------

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);
constexpr size_t kPngChunkOverhead = 12;  // length, type, CRC
constexpr uint32_t kPngMaxLength = 0x7fffffff;

util::StatusOr<ImageHeader> readPng(std::string_view data) {
  size_t offset = kPngSignature.size();
  if (data.size() < offset + kPngChunkOverhead + 13 || bigEndian32(data, offset) != 13 ||
      data.substr(offset + 4, 4) != "IHDR") {
    return parsingFailed("PNG without a valid IHDR chunk");
  }
  ImageHeader header{ImageFormat::kPng, bigEndian32(data, offset + 8),
                     bigEndian32(data, offset + 12)};
  if (header.width == 0 || header.height == 0 || header.width > kPngMaxLength ||
      header.height > kPngMaxLength) {
    return parsingFailed("PNG declares an invalid size");
  }
  while (data.size() - offset >= kPngChunkOverhead) {
    const uint32_t length = bigEndian32(data, offset);
    if (length > kPngMaxLength || length > data.size() - offset - kPngChunkOverhead) break;
    if (data.substr(offset + 4, 4) == "IEND") return header;
    offset += kPngChunkOverhead + length;
  }
  return parsingFailed("PNG data is truncated (no IEND chunk)");
}

// ---- JPEG: marker segments, SOFn for the size, entropy-coded scans, EOI. ----------------------

bool isStartOfFrame(uint8_t marker) {
  // C0-CF are frame markers except DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

bool isStandalone(uint8_t marker) {
  return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);  // TEM, RSTn
}

// Offset of the marker (its 0xFF) that ends the entropy-coded data starting at `offset`, or
// nullopt if the data ends first. Inside a scan 0xFF is followed by 0x00 (a stuffed byte), by
// RSTn, or by fill bytes before a real marker.
std::optional<size_t> endOfScan(std::string_view data, size_t offset) {
  while (offset < data.size()) {
    const void* found = std::memchr(data.data() + offset, 0xFF, data.size() - offset);
    if (found == nullptr) return std::nullopt;
    size_t marker = static_cast<size_t>(static_cast<const char*>(found) - data.data());
    size_t next = marker + 1;
    while (next < data.size() && byteAt(data, next) == 0xFF) ++next;  // fill bytes
    if (next >= data.size()) return std::nullopt;
    const uint8_t code = byteAt(data, next);
    if (code != 0x00 && !(code >= 0xD0 && code <= 0xD7)) return next - 1;
    offset = next + 1;
  }
  return std::nullopt;
}

util::StatusOr<ImageHeader> readJpeg(std::string_view data) {
  std::optional<ImageHeader> header;
  size_t offset = 2;  // after SOI
  for (;;) {
    // Stray bytes before a marker: libjpeg skips them with a warning, and so do we.
    const void* found = offset < data.size()
                            ? std::memchr(data.data() + offset, 0xFF, data.size() - offset)
                            : nullptr;
    if (found == nullptr) break;
    offset = static_cast<size_t>(static_cast<const char*>(found) - data.data());
    while (offset < data.size() && byteAt(data, offset) == 0xFF) ++offset;  // fill bytes
    if (offset >= data.size()) break;
    const uint8_t marker = byteAt(data, offset++);
    if (marker == 0xD9) {  // EOI
      if (!header) return parsingFailed("JPEG without a frame header");
      return *header;
    }
    if (isStandalone(marker)) continue;
    if (marker == 0xD8) return parsingFailed("JPEG with a nested SOI marker");
    if (data.size() - offset < 2) break;
    const uint32_t length = bigEndian16(data, offset);
    if (length < 2 || length > data.size() - offset) break;
    if (isStartOfFrame(marker) && !header) {
      if (length < 8) return parsingFailed("JPEG frame header too short");
      header = ImageHeader{ImageFormat::kJpeg, bigEndian16(data, offset + 5),
                           bigEndian16(data, offset + 3)};
      if (header->width == 0 || header->height == 0) {
        return parsingFailed("JPEG declares an invalid size");
      }
    }
    offset += length;
    if (marker == 0xDA) {  // SOS: entropy-coded data follows the header
      if (!header) return parsingFailed("JPEG scan before the frame header");
      const auto end = endOfScan(data, offset);
      if (!end) break;
      offset = *end;
    }
  }
  return parsingFailed("JPEG data is truncated or malformed (no EOI marker)");
}

// ---- BMP: file header, then a core (12-byte) or info (>= 40-byte) header. ---------------------

util::StatusOr<ImageHeader> readBmp(std::string_view data) {
  constexpr size_t kFileHeader = 14;
  if (data.size() < kFileHeader + 4) return parsingFailed("BMP header is truncated");
  const uint32_t pixel_offset = littleEndian32(data, 10);
  const uint32_t info_size = littleEndian32(data, kFileHeader);
  ImageHeader header{ImageFormat::kBmp, 0, 0};
  if (info_size == 12 && data.size() >= kFileHeader + 12) {
    header.width = littleEndian16(data, kFileHeader + 4);
    header.height = littleEndian16(data, kFileHeader + 6);
  } else if (info_size >= 40 && data.size() >= kFileHeader + 40) {
    const auto width = static_cast<int32_t>(littleEndian32(data, kFileHeader + 4));
    const auto height = static_cast<int32_t>(littleEndian32(data, kFileHeader + 8));
    // A negative height means top-down rows; INT32_MIN has no positive counterpart.
    if (width <= 0 || height == 0 || height == INT32_MIN) {
      return parsingFailed("BMP declares an invalid size");
    }
    header.width = static_cast<uint32_t>(width);
    header.height = static_cast<uint32_t>(height < 0 ? -height : height);
  } else {
    return parsingFailed("BMP header is truncated or of an unknown kind");
  }
  if (header.width == 0 || header.height == 0) return parsingFailed("BMP declares an invalid size");
  if (pixel_offset >= data.size()) return parsingFailed("BMP data is truncated");
  return header;
}

}  // namespace

util::StatusOr<ImageHeader> readImageHeader(std::string_view data) {
  if (data.substr(0, kPngSignature.size()) == kPngSignature) return readPng(data);
  if (data.size() >= 3 && byteAt(data, 0) == 0xFF && byteAt(data, 1) == 0xD8 &&
      byteAt(data, 2) == 0xFF) {
    return readJpeg(data);
  }
  if (data.substr(0, 2) == "BM") return readBmp(data);
  return parsingFailed(
      "unsupported or unrecognised image format; mserve decodes JPEG, PNG and BMP");
}

}  // namespace mserve::image
