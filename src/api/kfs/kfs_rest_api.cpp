#include "api/kfs/kfs_rest_api.hpp"

#include <memory>
#include <string>
#include <utility>

#include "api/kfs/kfs_json_metadata.hpp"
#include "api/kfs/kfs_json_request.hpp"
#include "api/kfs/kfs_json_response.hpp"
#include "api/kfs/kfs_repository.hpp"
#include "api/kfs/kfs_request_decoder.hpp"
#include "api/kfs/kfs_statistics.hpp"

namespace mserve::api::kfs {
namespace {

using net::http::errorResponse;
using net::http::HttpRequest;
using net::http::HttpResponse;
using net::http::jsonResponse;
using net::http::Method;
using net::http::Responder;
using net::http::Router;

constexpr std::string_view kBinaryContentType = "application/octet-stream";

HttpResponse emptyResponse(int status) {
  HttpResponse response;
  response.status = status;
  return response;
}

// The health answers: 200 with a one-field JSON body ({"live":true}), because the KServe Python
// SDK decodes the body of a health check; failures keep their error status and body.
HttpResponse healthResponse(std::string_view field) {
  return jsonResponse("{\"" + std::string(field) + "\":true}");
}

// Registers `handler` for /v2/models/{model}<suffix> and the same with /versions/{version}.
void addModelRoute(Router& router, Method method, const std::string& suffix,
                   const net::http::Handler& handler) {
  router.add(method, "/v2/models/{model}" + suffix, handler);
  router.add(method, "/v2/models/{model}/versions/{version:int}" + suffix, handler);
}

util::StatusOr<int64_t> pathVersion(const HttpRequest& request) {
  return parseModelVersion(request.param("version"));  // "" (no version segment) → 0 = default
}

util::StatusOr<ModelDescription> describe(const KfsBackend& backend, const HttpRequest& request) {
  auto version = pathVersion(request);
  if (!version.isOk()) return version.status();
  return backend.describe(request.param("model"), *version);
}

void modelReady(const KfsBackend& backend, const HttpRequest& request, const Responder& respond) {
  auto version = pathVersion(request);
  if (!version.isOk()) return respond(errorResponse(version.status()));
  auto ready = backend.modelReady(request.param("model"), *version);
  backend.countRequest(request.param("model"), *version, metrics::Api::kKServe,
                       metrics::Interface::kRest, metrics::Method::kStatus, ready.isOk());
  if (!ready.isOk()) return respond(errorResponse(ready.status()));
  if (*ready) return respond(healthResponse("ready"));
  respond(errorResponse(util::Status(util::StatusCode::kModelVersionNotLoadedYet)));
}

void statistics(const KfsBackend& backend, const HttpRequest& request, const Responder& respond) {
  auto version = pathVersion(request);
  if (!version.isOk()) return respond(errorResponse(version.status()));
  auto statistics = backend.statistics(request.param("model"), *version);
  if (!statistics.isOk()) return respond(errorResponse(statistics.status()));
  inference::ModelStatisticsResponse proto;
  buildModelStatistics(*statistics, proto);
  respond(jsonResponse(modelStatisticsJson(proto)));
}

HttpResponse inferResponse(const util::Status& status, const tensor::InferenceResponse* response,
                           RestInferRequest& request) {
  if (!status.isOk()) return errorResponse(status);
  auto encoded = encodeRestInferResponse(*response, request);
  if (!encoded.isOk()) return errorResponse(encoded.status());
  HttpResponse http;
  http.body = std::move(encoded->body);
  if (encoded->json_length) {
    http.content_type = kBinaryContentType;
    http.headers.emplace_back(kInferenceHeaderContentLength, std::to_string(*encoded->json_length));
  } else {
    http.content_type = net::http::kJsonContentType;
  }
  return http;
}

void infer(KfsBackend& backend, const KfsRestOptions& options, HttpRequest& request,
           const Responder& respond) {
  // The context owns the body: input views point into it until the backend calls back.
  auto context = std::make_shared<RestInferRequest>();
  context->body = std::move(request.body);
  context->memory = RequestMemory(options.max_request_memory_bytes);
  context->request.interface = metrics::Interface::kRest;
  context->request.model_name = request.param("model");
  context->request.completion = request.executor;  // complete on the connection: one hop
  auto version = pathVersion(request);
  if (!version.isOk()) return respond(errorResponse(version.status()));
  context->request.model_version = *version;
  util::Status status = decodeRestInferRequest(request.header(kInferenceHeaderContentLength),
                                               options.max_json_depth, *context, options.shm);
  if (!status.isOk()) return respond(errorResponse(status));
  std::shared_ptr<const tensor::InferenceRequest> decoded(context, &context->request);
  backend.infer(std::move(decoded), [context, respond](const util::Status& result,
                                                       const tensor::InferenceResponse* response) {
    // Encoded here, on the connection's strand (request.executor): the response's views die
    // with this call. Only the finished bytes travel to the connection.
    respond(inferResponse(result, response, *context));
  });
}

// Answers a load or unload once the backend is done (on its control thread).
ControlCallback respondWhenDone(const Responder& respond) {
  return [respond](const util::Status& status) {
    respond(status.isOk() ? emptyResponse(200) : errorResponse(status));
  };
}

void addRepositoryRoutes(Router& router, KfsBackend& backend, size_t max_json_depth) {
  router.add(Method::kPost, "/v2/repository/index",
             [&backend, max_json_depth](HttpRequest& request, Responder respond) {
               auto ready = parseIndexBody(request.body, max_json_depth);
               if (!ready.isOk()) return respond(errorResponse(ready.status()));
               auto index = backend.repositoryIndex(*ready);
               respond(index.isOk() ? jsonResponse(repositoryIndexJson(*index))
                                    : errorResponse(index.status()));
             });
  router.add(Method::kPost, "/v2/repository/models/{model}/load",
             [&backend, max_json_depth](HttpRequest& request, Responder respond) {
               auto config = parseLoadBody(request.body, max_json_depth);
               if (!config.isOk()) return respond(errorResponse(config.status()));
               backend.loadModel(request.param("model"), std::move(*config),
                                 respondWhenDone(respond));
             });
  router.add(Method::kPost, "/v2/repository/models/{model}/unload",
             [&backend, max_json_depth](HttpRequest& request, Responder respond) {
               util::Status status = parseUnloadBody(request.body, max_json_depth);
               if (!status.isOk()) return respond(errorResponse(status));
               backend.unloadModel(request.param("model"), respondWhenDone(respond));
             });
}

}  // namespace

void addKfsRestRoutes(Router& router, KfsBackend& backend, KfsRestOptions options) {
  router.add(Method::kGet, "/v2/health/live", [&backend](HttpRequest&, Responder respond) {
    respond(backend.live() ? healthResponse("live")
                           : errorResponse(util::Status(util::StatusCode::kServerNotReady)));
  });
  router.add(Method::kGet, "/v2/health/ready", [&backend](HttpRequest&, Responder respond) {
    respond(backend.ready() ? healthResponse("ready")
                            : errorResponse(util::Status(util::StatusCode::kServerNotReady)));
  });
  router.add(Method::kGet, "/v2",
             [](HttpRequest&, Responder respond) { respond(jsonResponse(serverMetadataJson())); });
  addRepositoryRoutes(router, backend, options.max_json_depth);
  // Before the model routes: "stats" is not a model name here (Triton matches it first too).
  router.add(Method::kGet, "/v2/models/stats", [&backend](HttpRequest& request, Responder respond) {
    statistics(backend, request, respond);
  });
  addModelRoute(router, Method::kGet, "/stats",
                [&backend](HttpRequest& request, Responder respond) {
                  statistics(backend, request, respond);
                });
  addModelRoute(router, Method::kGet, "", [&backend](HttpRequest& request, Responder respond) {
    auto model = describe(backend, request);
    if (model.isOk()) {
      backend.countRequest(model->name, model->version, metrics::Api::kKServe,
                           metrics::Interface::kRest, metrics::Method::kMetadata, true);
    }
    respond(model.isOk() ? jsonResponse(modelMetadataJson(*model)) : errorResponse(model.status()));
  });
  addModelRoute(router, Method::kGet, "/ready",
                [&backend](HttpRequest& request, Responder respond) {
                  modelReady(backend, request, respond);
                });
  addModelRoute(router, Method::kGet, "/config",
                [&backend](HttpRequest& request, Responder respond) {
                  auto model = describe(backend, request);
                  respond(model.isOk() ? jsonResponse(modelConfigJson(*model))
                                       : errorResponse(model.status()));
                });
  addModelRoute(router, Method::kPost, "/infer",
                [&backend, options](HttpRequest& request, Responder respond) {
                  infer(backend, options, request, respond);
                });
}

}  // namespace mserve::api::kfs
