#include "api/tfs/tfs_rest_api.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "api/kfs/kfs_request_decoder.hpp"
#include "api/tfs/tfs_metadata.hpp"
#include "api/tfs/tfs_rest_request.hpp"
#include "api/tfs/tfs_rest_response.hpp"

namespace mserve::api::tfs {
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

constexpr std::string_view kPredict = "predict";

// What a /v1/models/... path names. The action (":predict") is glued to the last segment, which
// the Router captures whole, so it is split off here.
struct ModelTarget {
  std::string model;
  int64_t version = 0;  // 0 = default (also for a label: OVMS parses labels and ignores them)
  std::string action;   // "" for none, else "predict", "classify" or "regress"
};

bool isDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Splits "name:action" off the last capture. As OVMS's regexes: names and labels hold no ':',
// versions are digits, actions are the three TF Serving verbs; anything else is not a URL we
// serve (REST_INVALID_URL).
util::StatusOr<ModelTarget> parseTarget(const HttpRequest& request) {
  ModelTarget target;
  target.model = request.param("model");
  std::string version = request.param("version");
  std::string label = request.param("label");
  std::string& last = !version.empty() ? version : !label.empty() ? label : target.model;
  if (const size_t colon = last.rfind(':'); colon != std::string::npos) {
    target.action = last.substr(colon + 1);
    last.resize(colon);
    if (target.action != kPredict && target.action != "classify" && target.action != "regress") {
      return Status(StatusCode::kRestInvalidUrl);
    }
  }
  const bool model_ok = !target.model.empty() && target.model.find(':') == std::string::npos;
  const bool label_ok =
      request.param("label").empty() || (!label.empty() && label.find(':') == std::string::npos);
  const bool version_ok = request.param("version").empty() || isDigits(version);
  if (!model_ok || !label_ok || !version_ok) return Status(StatusCode::kRestInvalidUrl);
  if (!version.empty()) {
    auto parsed = kfs::parseModelVersion(version);
    if (!parsed.isOk()) return parsed.status();
    target.version = *parsed;
  }
  return target;
}

void modelStatus(const kfs::KfsBackend& backend, const HttpRequest& request,
                 const Responder& respond) {
  auto target = parseTarget(request);
  if (!target.isOk()) return respond(errorResponse(target.status()));
  // The predict URL asked with GET: the right path with the wrong method.
  if (!target->action.empty())
    return respond(errorResponse(Status(StatusCode::kRestUnsupportedMethod)));
  auto statuses = backend.versionStatuses(target->model);
  if (!statuses.isOk()) return respond(errorResponse(statuses.status()));
  tensorflow::serving::GetModelStatusResponse status;
  Status built = buildModelStatus(*statuses, target->version, status);
  backend.countRequest(target->model, target->version, metrics::Api::kTensorFlowServing,
                       metrics::Interface::kRest, metrics::Method::kStatus, built.isOk());
  if (!built.isOk()) return respond(errorResponse(built));
  respond(jsonResponse(modelStatusJson(status)));
}

void modelMetadata(const kfs::KfsBackend& backend, const HttpRequest& request,
                   const Responder& respond) {
  auto version = kfs::parseModelVersion(request.param("version"));
  if (!version.isOk()) return respond(errorResponse(version.status()));
  auto model = backend.describe(request.param("model"), *version);
  if (!model.isOk()) return respond(errorResponse(model.status()));
  backend.countRequest(model->name, model->version, metrics::Api::kTensorFlowServing,
                       metrics::Interface::kRest, metrics::Method::kMetadata, true);
  tensorflow::serving::GetModelMetadataResponse metadata;
  buildModelMetadata(*model, metadata);
  respond(jsonResponse(modelMetadataJson(metadata)));
}

HttpResponse predictResponse(const Status& status, const tensor::InferenceResponse* response,
                             TfsRestPredictRequest& request) {
  if (!status.isOk()) return errorResponse(status);
  auto encoded = encodeTfsRestPredict(*response, request.format, request.memory);
  if (!encoded.isOk()) return errorResponse(encoded.status());
  return jsonResponse(std::move(*encoded));
}

void predict(kfs::KfsBackend& backend, const TfsRestOptions& options, HttpRequest& request,
             const Responder& respond) {
  auto target = parseTarget(request);
  if (!target.isOk()) return respond(errorResponse(target.status()));
  // The status URL posted to: the right path with the wrong method.
  if (target->action.empty())
    return respond(errorResponse(Status(StatusCode::kRestUnsupportedMethod)));
  if (target->action != kPredict) return respond(errorResponse(Status(StatusCode::kRestNotFound)));
  // As OVMS: the model is looked up (for its inputs) before the body is parsed.
  auto model = backend.describe(target->model, target->version);
  if (!model.isOk()) return respond(errorResponse(model.status()));
  // The context owns the body: input views point into it until the backend calls back.
  auto context = std::make_shared<TfsRestPredictRequest>();
  context->body = std::move(request.body);
  context->memory = RequestMemory(options.max_request_memory_bytes);
  if (Status decoded = decodeTfsRestPredict(*model, options.max_json_depth, *context);
      !decoded.isOk()) {
    return respond(errorResponse(decoded));
  }
  context->request.api = metrics::Api::kTensorFlowServing;
  context->request.interface = metrics::Interface::kRest;
  context->request.model_name = std::move(target->model);
  context->request.model_version = target->version;
  context->request.completion = request.executor;  // complete on the connection: one hop
  std::shared_ptr<const tensor::InferenceRequest> shared(context, &context->request);
  backend.infer(std::move(shared), [context, respond](const Status& result,
                                                      const tensor::InferenceResponse* response) {
    // Encoded here, on the connection's thread: the response's views die with this call.
    respond(predictResponse(result, response, *context));
  });
}

}  // namespace

void addTfsRestRoutes(Router& router, kfs::KfsBackend& backend, TfsRestOptions options) {
  // Captures are untyped so that "{v}:predict" reaches parseTarget; it checks the digits.
  for (const char* pattern : {"/v1/models/{model}", "/v1/models/{model}/versions/{version}",
                              "/v1/models/{model}/labels/{label}"}) {
    router.add(Method::kGet, pattern, [&backend](HttpRequest& request, Responder respond) {
      modelStatus(backend, request, respond);
    });
    router.add(Method::kPost, pattern,
               [&backend, options](HttpRequest& request, Responder respond) {
                 predict(backend, options, request, respond);
               });
  }
  for (const char* pattern :
       {"/v1/models/{model}/metadata", "/v1/models/{model}/versions/{version:int}/metadata"}) {
    router.add(Method::kGet, pattern, [&backend](HttpRequest& request, Responder respond) {
      modelMetadata(backend, request, respond);
    });
  }
}

}  // namespace mserve::api::tfs
