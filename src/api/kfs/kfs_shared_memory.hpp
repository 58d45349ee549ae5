// Tensors in system shared memory for KServe infer requests (Triton's extension, REFERENCE-2.md
// §3.2): the shared_memory_region / _offset / _byte_size parameters of an input or requested
// output, read from REST JSON or gRPC parameters; inputs bound as views into the region (no
// copy); outputs written into the region. The regions themselves live in shm::RegionRegistry.
// Pure functions over the registry; safe on any thread.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kfs/grpc_predict_v2.pb.h"
#include "shm/region_registry.hpp"
#include "tensor/inference_request.hpp"
#include "util/status.hpp"

namespace mserve::api::kfs {

// Where a tensor lives, as its parameters name it.
struct ShmReference {
  std::string region;
  uint64_t offset = 0;
  uint64_t byte_size = 0;
};

// The output slots of one request, parallel to its requested_outputs (nullopt: the output goes
// in the response as usual).
using ShmOutputSlots = std::vector<std::optional<shm::RegionSlice>>;

using ProtoParameters = google::protobuf::Map<std::string, inference::InferParameter>;

// The reference in a tensor's parameters, nullopt when it names no region. `parameters` may be
// null (REST: no "parameters" member). Errors: offset or size without a region, a region without
// a size, wrong value types (Triton's texts).
util::StatusOr<std::optional<ShmReference>> shmReferenceFromJson(const rapidjson::Value* parameters,
                                                                 std::string_view tensor);
util::StatusOr<std::optional<ShmReference>> shmReferenceFromProto(const ProtoParameters& parameters,
                                                                  std::string_view tensor);

// Binds `tensor` (name, datatype and shape set) to the referenced bytes without copying them,
// and keeps the region mapped for as long as `request` lives. The byte size must be the
// tensor's (BYTES: its length-prefixed elements). `registry` null = extension off.
util::Status bindShmInput(const shm::RegionRegistry* registry, const ShmReference& reference,
                          tensor::InputTensor& tensor, tensor::InferenceRequest& request);

// The slot a requested output is written to; checked before inference runs.
util::StatusOr<shm::RegionSlice> shmOutputSlot(const shm::RegionRegistry* registry,
                                               const ShmReference& reference,
                                               std::string_view output);

// The slot of the output `name`, or null when it goes in the response.
const shm::RegionSlice* findShmSlot(const ShmOutputSlots& slots,
                                    const std::vector<std::string>& requested_outputs,
                                    std::string_view name);

// Writes `output` into `slot` in the raw layout (BYTES length-prefixed); the slot must be big
// enough (Triton's text otherwise).
util::Status writeShmOutput(const tensor::OutputTensor& output, const shm::RegionSlice& slot);

}  // namespace mserve::api::kfs
