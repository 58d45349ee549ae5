#include "util/json_document.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <string>

namespace mserve::util {
namespace {

enum class Refusal { kNone, kTooDeep, kNul, kTooLarge };

// Forwards SAX events to the document that is being built, refusing to open a level past the
// limit, (if so told) a string holding NUL, or a value past the document's byte limit, which
// stops the parse (kParseErrorTermination).
class LimitedHandler {
 public:
  LimitedHandler(rapidjson::Document& document, JsonLimits limits)
      : document_(document), limits_(limits) {}

  Refusal refusal() const { return refusal_; }
  uint64_t bytes() const { return bytes_; }

  bool Null() { return take(0) && document_.Null(); }
  bool Bool(bool b) { return take(0) && document_.Bool(b); }
  bool Int(int i) { return take(0) && document_.Int(i); }
  bool Uint(unsigned u) { return take(0) && document_.Uint(u); }
  bool Int64(int64_t i) { return take(0) && document_.Int64(i); }
  bool Uint64(uint64_t u) { return take(0) && document_.Uint64(u); }
  bool Double(double d) { return take(0) && document_.Double(d); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool copy) {
    return take(length) && document_.RawNumber(text, length, copy);
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) {
    return take(length) && allowed(text, length) && document_.String(text, length, copy);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return take(length) && allowed(text, length) && document_.Key(text, length, copy);
  }
  bool StartObject() { return enter() && document_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return document_.EndObject(members);
  }
  bool StartArray() { return enter() && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return document_.EndArray(elements);
  }

 private:
  bool enter() {
    if (++depth_ > limits_.max_depth) {
      refusal_ = Refusal::kTooDeep;
      return false;
    }
    return take(0);
  }
  // One more value, holding `string_bytes` of text (copied into the document with a NUL).
  bool take(size_t string_bytes) {
    bytes_ += kDomBytesPerValue + (string_bytes > 0 ? string_bytes + 1 : 0);
    if (bytes_ <= limits_.max_document_bytes) return true;
    refusal_ = Refusal::kTooLarge;
    return false;
  }
  bool allowed(const char* text, rapidjson::SizeType length) {
    if (limits_.allow_nul || std::memchr(text, 0, length) == nullptr) return true;
    refusal_ = Refusal::kNul;
    return false;
  }

  rapidjson::Document& document_;
  const JsonLimits limits_;
  size_t depth_ = 0;
  uint64_t bytes_ = 0;
  Refusal refusal_ = Refusal::kNone;
};

}  // namespace

Status parseJsonDocument(std::string_view text, JsonLimits limits, rapidjson::Document& document,
                         std::string* reason, uint64_t* document_bytes) {
  Refusal refusal = Refusal::kNone;
  rapidjson::ParseResult result;
  auto generator = [&](rapidjson::Document& target) {
    LimitedHandler handler(target, limits);
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::Reader reader;
    result = limits.allow_nan_and_infinity
                 ? reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNanAndInfFlag>(
                       stream, handler)
                 : reader.Parse<rapidjson::kParseIterativeFlag>(stream, handler);
    refusal = handler.refusal();
    if (document_bytes) *document_bytes = handler.bytes();
    return !result.IsError();
  };
  document.Populate(generator);
  if (refusal == Refusal::kTooLarge) {
    if (reason) *reason = "larger than " + std::to_string(limits.max_document_bytes) + " bytes";
    return Status(StatusCode::kRequestMemoryExceeded,
                  "the JSON document would take more than " +
                      std::to_string(limits.max_document_bytes) + " bytes");
  }
  if (refusal == Refusal::kTooDeep) {
    if (reason) *reason = "nested deeper than " + std::to_string(limits.max_depth) + " levels";
    return Status(StatusCode::kJsonNestingDepthExceeded,
                  "limit " + std::to_string(limits.max_depth) + " levels");
  }
  if (result.IsError()) {
    const std::string what = refusal == Refusal::kNul ? "a string holds a NUL character (\\u0000)"
                                                      : rapidjson::GetParseError_En(result.Code());
    if (reason) *reason = what;
    return Status(StatusCode::kJsonInvalid,
                  "Error: " + what + " Offset: " + std::to_string(result.Offset()));
  }
  return Status::ok();
}

}  // namespace mserve::util
