// A RapidJSON output stream that writes straight into a response body (no intermediate buffer
// copied at the end) and stops growing at a byte limit: the writer keeps running but nothing
// more is stored, and overflowed() tells the caller to answer with an error instead. Reserve
// first (reserve()) so the body is never reallocated while it grows: a reallocation holds the
// old and the new copy at once. Not thread-safe; one per response.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

namespace mserve::api {

class BoundedJsonOutput {
 public:
  using Ch = char;

  BoundedJsonOutput(std::string& out, size_t limit) : out_(out), limit_(out.size() + limit) {}

  void Put(char c) {
    if (out_.size() < limit_) {
      out_.push_back(c);
    } else {
      overflowed_ = true;
    }
  }
  void Flush() {}

  // Room for `bytes` more (clamped to the limit); untouched pages cost no resident memory.
  void reserve(size_t bytes) { out_.reserve(out_.size() + std::min(bytes, limit_ - out_.size())); }
  bool overflowed() const { return overflowed_; }
  size_t size() const { return out_.size(); }

 private:
  std::string& out_;
  const size_t limit_;
  bool overflowed_ = false;
};

}  // namespace mserve::api
