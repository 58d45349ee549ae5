#include "api/kfs/kfs_json_document.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>

namespace mserve::api::kfs {
namespace {

// Forwards SAX events to the document that is being built, refusing to open a level past the
// limit (which stops the parse with kParseErrorTermination).
class DepthLimitedHandler {
 public:
  DepthLimitedHandler(rapidjson::Document& document, size_t max_depth)
      : document_(document), max_depth_(max_depth) {}

  bool exceeded() const { return exceeded_; }

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned u) { return document_.Uint(u); }
  bool Int64(int64_t i) { return document_.Int64(i); }
  bool Uint64(uint64_t u) { return document_.Uint64(u); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.RawNumber(text, length, copy);
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.String(text, length, copy);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.Key(text, length, copy);
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
    if (++depth_ > max_depth_) {
      exceeded_ = true;
      return false;
    }
    return true;
  }

  rapidjson::Document& document_;
  const size_t max_depth_;
  size_t depth_ = 0;
  bool exceeded_ = false;
};

}  // namespace

util::Status parseJson(std::string_view text, size_t max_depth, rapidjson::Document& document) {
  bool exceeded = false;
  rapidjson::ParseResult result;
  auto generator = [&](rapidjson::Document& target) {
    DepthLimitedHandler handler(target, max_depth);
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::Reader reader;
    result = reader.Parse<rapidjson::kParseIterativeFlag>(stream, handler);
    exceeded = handler.exceeded();
    return !result.IsError();
  };
  document.Populate(generator);
  if (exceeded) {
    return util::Status(
        util::StatusCode::kJsonNestingDepthExceeded,
        "limit " + std::to_string(max_depth) + " levels, set by " + std::string(kMaxJsonDepthFlag));
  }
  if (result.IsError()) {
    return util::Status(util::StatusCode::kJsonInvalid,
                        std::string("Error: ") + rapidjson::GetParseError_En(result.Code()) +
                            " Offset: " + std::to_string(result.Offset()));
  }
  return util::Status::ok();
}

}  // namespace mserve::api::kfs
