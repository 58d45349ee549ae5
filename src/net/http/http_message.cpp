#include "net/http/http_message.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

namespace mserve::net::http {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view HttpRequest::path() const {
  const std::string_view view(target);
  return view.substr(0, view.find('?'));
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

const std::string& HttpRequest::param(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return kEmpty;
}

HttpResponse errorResponse(const util::Status& status) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("error");
  const std::string message = status.message();
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  HttpResponse response;
  response.status = status.httpStatus();
  response.content_type = kJsonContentType;
  response.body.assign(buffer.GetString(), buffer.GetSize());
  return response;
}

HttpResponse jsonResponse(std::string body) {
  HttpResponse response;
  response.content_type = kJsonContentType;
  response.body = std::move(body);
  return response;
}

}  // namespace mserve::net::http
