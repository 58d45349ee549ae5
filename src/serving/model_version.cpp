#include "serving/model_version.hpp"

#include <utility>

#include "serving/request_validator.hpp"

namespace mserve::serving {
namespace {

std::vector<engine::TensorInfo> renamed(std::vector<engine::TensorInfo> tensors,
                                        const std::map<std::string, std::string>& names) {
  for (engine::TensorInfo& tensor : tensors) {
    const auto found = names.find(tensor.name);
    if (found != names.end()) tensor.name = found->second;
  }
  return tensors;
}

}  // namespace

ModelVersion::ModelVersion(std::string name, int64_t version,
                           std::unique_ptr<engine::CompiledModel> model,
                           std::unique_ptr<engine::InferRequestPool> pool,
                           const config::TensorMapping& mapping)
    : name_(std::move(name)),
      version_(version),
      model_(std::move(model)),
      pool_(std::move(pool)),
      inputs_(renamed(model_->inputs(), mapping.inputs)),
      outputs_(renamed(model_->outputs(), mapping.outputs)) {}

void ModelVersion::infer(const tensor::InferenceRequest& request, util::Executor& completion,
                         ResponseCallback done) {
  auto input_order = matchInputs(inputs(), request);
  if (!input_order.isOk()) return done(input_order.status(), nullptr);
  auto output_indices = matchOutputs(outputs(), request.requested_outputs);
  if (!output_indices.isOk()) return done(output_indices.status(), nullptr);

  // The version stays alive (and so does its pool) until the completion below has run.
  pool_->acquire([self = shared_from_this(), &request, &completion,
                  input_order = std::move(input_order.value()),
                  output_indices = std::move(output_indices.value()),
                  done = std::move(done)](engine::InferRequest& slot) mutable {
    for (size_t i = 0; i < input_order.size(); ++i) {
      util::Status status = slot.setInput(i, request.inputs[input_order[i]]);
      if (!status.isOk()) {
        self->pool_->release(slot);
        return done(status, nullptr);
      }
    }
    slot.start(completion, [self, &slot, &request, output_indices = std::move(output_indices),
                            done = std::move(done)](util::Status status) {
      self->complete(slot, request, output_indices, status, done);
    });
  });
}

void ModelVersion::complete(engine::InferRequest& slot, const tensor::InferenceRequest& request,
                            const std::vector<size_t>& output_indices, util::Status status,
                            const ResponseCallback& done) {
  tensor::InferenceResponse response;
  if (status.isOk()) {
    response.model_name = name_;
    response.model_version = version_;
    response.id = request.id;
    response.outputs.reserve(output_indices.size());
    for (size_t index : output_indices) {
      auto output = slot.output(index);
      if (!output.isOk()) {
        status = output.status();
        break;
      }
      output->name = outputs_[index].name;  // the name clients know it by
      response.outputs.push_back(std::move(output.value()));
    }
  }
  // Respond before releasing: the output views point into the infer request's tensors.
  done(status, status.isOk() ? &response : nullptr);
  pool_->release(slot);
}

}  // namespace mserve::serving
