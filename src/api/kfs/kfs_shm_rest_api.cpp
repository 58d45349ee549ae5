#include "api/kfs/kfs_shm_rest_api.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "api/kfs/kfs_json_document.hpp"

namespace mserve::api::kfs {
namespace {

using net::http::errorResponse;
using net::http::HttpRequest;
using net::http::HttpResponse;
using net::http::jsonResponse;
using net::http::Method;
using net::http::Responder;
using net::http::Router;
using util::Status;
using util::StatusCode;

// A register body is one flat object.
constexpr size_t kRegisterJsonDepth = 2;

HttpResponse okResponse() { return HttpResponse{}; }

std::string statusJson(const std::vector<shm::RegionInfo>& regions) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const shm::RegionInfo& region : regions) {
    writer.StartObject();
    writer.Key("name");
    writer.String(region.name);
    writer.Key("key");
    writer.String(region.key);
    writer.Key("offset");
    writer.Uint64(region.offset);
    writer.Key("byte_size");
    writer.Uint64(region.byte_size);
    writer.EndObject();
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// {"key": string, "offset": uint (optional), "byte_size": uint} → registry.add.
Status registerRegion(shm::RegionRegistry& registry, const std::string& name,
                      const std::string& body) {
  if (!registry.enabled()) return Status(StatusCode::kShmDisabled);
  rapidjson::Document json;
  RequestMemory memory;  // a small control body: the default limit bounds its document
  MSERVE_RETURN_IF_ERROR(parseJson(body, kRegisterJsonDepth, memory, json));
  if (!json.IsObject()) return Status(StatusCode::kRestBodyIsNotAnObject);
  const auto key = json.FindMember("key");
  if (key == json.MemberEnd() || !key->value.IsString()) {
    return Status(StatusCode::kShmInvalidRegion,
                  "Shared memory register request has no 'key' field");
  }
  const auto byte_size = json.FindMember("byte_size");
  if (byte_size == json.MemberEnd() || !byte_size->value.IsUint64()) {
    return Status(StatusCode::kShmInvalidRegion,
                  "Shared memory register request has no 'byte_size' field");
  }
  uint64_t offset = 0;
  if (const auto found = json.FindMember("offset"); found != json.MemberEnd()) {
    if (!found->value.IsUint64()) {
      return Status(StatusCode::kShmInvalidRegion, "'offset' must be a non-negative integer");
    }
    offset = found->value.GetUint64();
  }
  return registry.add(name, key->value.GetString(), offset, byte_size->value.GetUint64());
}

void answer(const Responder& respond, const Status& status) {
  respond(status.isOk() ? okResponse() : errorResponse(status));
}

void addSystemRoutes(Router& router, shm::RegionRegistry& registry) {
  const auto status = [&registry](HttpRequest& request, Responder respond) {
    auto regions = registry.list(request.param("region"));
    respond(regions.isOk() ? jsonResponse(statusJson(*regions)) : errorResponse(regions.status()));
  };
  router.add(Method::kGet, "/v2/systemsharedmemory/status", status);
  router.add(Method::kGet, "/v2/systemsharedmemory/region/{region}/status", status);
  router.add(Method::kPost, "/v2/systemsharedmemory/region/{region}/register",
             [&registry](HttpRequest& request, Responder respond) {
               answer(respond, registerRegion(registry, request.param("region"), request.body));
             });
  const auto unregister = [&registry](HttpRequest& request, Responder respond) {
    answer(respond, registry.remove(request.param("region")));
  };
  router.add(Method::kPost, "/v2/systemsharedmemory/unregister", unregister);
  router.add(Method::kPost, "/v2/systemsharedmemory/region/{region}/unregister", unregister);
}

// CUDA shared memory needs a GPU: nothing is ever registered, so status is empty and
// unregistering succeeds (perf_analyzer calls both on start and exit whatever it uses).
void addCudaRoutes(Router& router) {
  const auto status = [](HttpRequest& request, Responder respond) {
    if (!request.param("region").empty()) {
      return respond(errorResponse(
          Status(StatusCode::kShmRegionNotFound, "'" + request.param("region") + "' (CUDA)")));
    }
    respond(jsonResponse("[]"));
  };
  router.add(Method::kGet, "/v2/cudasharedmemory/status", status);
  router.add(Method::kGet, "/v2/cudasharedmemory/region/{region}/status", status);
  const auto unregister = [](HttpRequest&, Responder respond) { respond(okResponse()); };
  router.add(Method::kPost, "/v2/cudasharedmemory/unregister", unregister);
  router.add(Method::kPost, "/v2/cudasharedmemory/region/{region}/unregister", unregister);
  router.add(Method::kPost, "/v2/cudasharedmemory/region/{region}/register",
             [](HttpRequest&, Responder respond) {
               respond(errorResponse(
                   Status(StatusCode::kShmCudaUnsupported, "this server has no CUDA devices")));
             });
}

}  // namespace

void addShmRestRoutes(Router& router, shm::RegionRegistry& registry) {
  addSystemRoutes(router, registry);
  addCudaRoutes(router);
}

}  // namespace mserve::api::kfs
