#include "api/kfs/kfs_statistics.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mserve::api::kfs {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void setDuration(inference::StatisticDuration& out, const metrics::StatisticDuration& in) {
  out.set_count(in.count);
  out.set_ns(in.ns);
}

void setBatch(inference::InferBatchStatistics& out, const metrics::BatchStatistics& in) {
  out.set_batch_size(in.batch_size);
  setDuration(*out.mutable_compute_input(), {in.count, in.ns.input_ns});
  setDuration(*out.mutable_compute_infer(), {in.count, in.ns.infer_ns});
  setDuration(*out.mutable_compute_output(), {in.count, in.ns.output_ns});
}

void setVersion(inference::ModelStatistics& out, const VersionStatistics& in) {
  const metrics::InferStatisticsSnapshot& figures = in.statistics;
  out.set_name(in.name);
  out.set_version(std::to_string(in.version));
  out.set_last_inference(figures.last_inference_ms);
  out.set_inference_count(figures.inference_count);
  out.set_execution_count(figures.execution_count);
  inference::InferStatistics& stats = *out.mutable_inference_stats();
  setDuration(*stats.mutable_success(), figures.success);
  setDuration(*stats.mutable_fail(), figures.fail);
  setDuration(*stats.mutable_queue(), figures.queue);
  setDuration(*stats.mutable_compute_input(), figures.compute_input);
  setDuration(*stats.mutable_compute_infer(), figures.compute_infer);
  setDuration(*stats.mutable_compute_output(), figures.compute_output);
  stats.mutable_cache_hit();  // no response cache: present and zero, as Triton without one
  stats.mutable_cache_miss();
  for (const metrics::BatchStatistics& batch : figures.batches) {
    setBatch(*out.add_batch_stats(), batch);
  }
}

void writeString(JsonWriter& writer, const std::string& text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void writeDuration(JsonWriter& writer, const char* key, const inference::StatisticDuration& in) {
  writer.Key(key);
  writer.StartObject();
  writer.Key("count");
  writer.Uint64(in.count());
  writer.Key("ns");
  writer.Uint64(in.ns());
  writer.EndObject();
}

void writeInferStatistics(JsonWriter& writer, const inference::InferStatistics& stats) {
  writer.Key("inference_stats");
  writer.StartObject();
  writeDuration(writer, "success", stats.success());
  writeDuration(writer, "fail", stats.fail());
  writeDuration(writer, "queue", stats.queue());
  writeDuration(writer, "compute_input", stats.compute_input());
  writeDuration(writer, "compute_infer", stats.compute_infer());
  writeDuration(writer, "compute_output", stats.compute_output());
  writeDuration(writer, "cache_hit", stats.cache_hit());
  writeDuration(writer, "cache_miss", stats.cache_miss());
  writer.EndObject();
}

void writeModel(JsonWriter& writer, const inference::ModelStatistics& model) {
  writer.StartObject();
  writer.Key("name");
  writeString(writer, model.name());
  writer.Key("version");
  writeString(writer, model.version());
  writer.Key("last_inference");
  writer.Uint64(model.last_inference());
  writer.Key("inference_count");
  writer.Uint64(model.inference_count());
  writer.Key("execution_count");
  writer.Uint64(model.execution_count());
  writeInferStatistics(writer, model.inference_stats());
  writer.Key("response_stats");
  writer.StartObject();  // decoupled models only; none here
  writer.EndObject();
  writer.Key("batch_stats");
  writer.StartArray();
  for (const inference::InferBatchStatistics& batch : model.batch_stats()) {
    writer.StartObject();
    writer.Key("batch_size");
    writer.Uint64(batch.batch_size());
    writeDuration(writer, "compute_input", batch.compute_input());
    writeDuration(writer, "compute_infer", batch.compute_infer());
    writeDuration(writer, "compute_output", batch.compute_output());
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("memory_usage");
  writer.StartArray();
  writer.EndArray();
  writer.EndObject();
}

}  // namespace

void buildModelStatistics(const std::vector<VersionStatistics>& versions,
                          inference::ModelStatisticsResponse& out) {
  for (const VersionStatistics& version : versions) setVersion(*out.add_model_stats(), version);
}

std::string modelStatisticsJson(const inference::ModelStatisticsResponse& statistics) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("model_stats");
  writer.StartArray();
  for (const inference::ModelStatistics& model : statistics.model_stats()) {
    writeModel(writer, model);
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mserve::api::kfs
