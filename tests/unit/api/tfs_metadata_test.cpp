#include "api/tfs/tfs_metadata.hpp"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>

namespace mserve::api::tfs {
namespace {

using tensor::DataType;
using tensor::Dimension;

kfs::ModelDescription resnetLike() {
  kfs::ModelDescription model;
  model.name = "resnet";
  model.version = 2;
  model.versions = {1, 2};
  model.inputs.push_back(
      {"image",
       DataType::kFp32,
       {Dimension::dynamic(), Dimension::fixed(224), Dimension{100, 300}, Dimension::fixed(3)}});
  model.outputs.push_back({"prob", DataType::kFp16, {Dimension::fixed(1), Dimension::fixed(1001)}});
  model.outputs.push_back({"label", DataType::kBytes, {Dimension::fixed(1)}});
  return model;
}

TEST(TfsMetadata, OnlySignatureDefIsAccepted) {
  tensorflow::serving::GetModelMetadataRequest request;
  EXPECT_EQ(checkMetadataFields(request).message(), "Invalid signature name");
  request.add_metadata_field("signature_def");
  EXPECT_TRUE(checkMetadataFields(request).isOk());
  request.add_metadata_field("signature_def");
  EXPECT_EQ(checkMetadataFields(request).code(), util::StatusCode::kInvalidSignatureDef);
  request.clear_metadata_field();
  request.add_metadata_field("other");
  EXPECT_EQ(checkMetadataFields(request).grpcCode(), 3);
}

TEST(TfsMetadata, SignatureDefMapIsPackedWithTheTfServingTypeUrl) {
  tensorflow::serving::GetModelMetadataResponse response;
  buildModelMetadata(resnetLike(), response);
  EXPECT_EQ(response.model_spec().name(), "resnet");
  EXPECT_EQ(response.model_spec().version().value(), 2);
  const google::protobuf::Any& any = response.metadata().at("signature_def");
  EXPECT_EQ(any.type_url(), "type.googleapis.com/tensorflow.serving.SignatureDefMap");
  tensorflow::serving::SignatureDefMap map;
  ASSERT_TRUE(any.UnpackTo(&map));
  const tensorflow::SignatureDef& signature = map.signature_def().at("serving_default");
  EXPECT_EQ(signature.method_name(), "");
  const tensorflow::TensorInfo& image = signature.inputs().at("image");
  EXPECT_EQ(image.name(), "image");
  EXPECT_EQ(image.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(image.tensor_shape().dim_size(), 4);
  EXPECT_EQ(image.tensor_shape().dim(0).size(), -1);
  EXPECT_EQ(image.tensor_shape().dim(1).size(), 224);
  EXPECT_EQ(image.tensor_shape().dim(2).size(), -1);  // bounded dims read as dynamic
  EXPECT_EQ(signature.outputs().at("prob").dtype(), tensorflow::DT_HALF);
  EXPECT_EQ(signature.outputs().at("label").dtype(), tensorflow::DT_STRING);
}

TEST(TfsMetadata, PrintsAsOvmsJson) {
  tensorflow::serving::GetModelMetadataResponse response;
  kfs::ModelDescription model;
  model.name = "m";
  model.version = 1;
  model.inputs.push_back({"b", DataType::kFp32, {Dimension::fixed(1)}});
  buildModelMetadata(model, response);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(response, &json).ok());
  EXPECT_NE(json.find(R"("@type":"type.googleapis.com/tensorflow.serving.SignatureDefMap")"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("tensorShape":{"dim":[{"size":"1"}]})"), std::string::npos) << json;
}

TEST(TfsStatus, EveryVersionOrOne) {
  const std::vector<kfs::VersionStatus> statuses = {
      {3, kfs::VersionState::kLoading, kfs::VersionError::kUnknown},
      {1, kfs::VersionState::kEnd, kfs::VersionError::kOk},
      {2, kfs::VersionState::kAvailable, kfs::VersionError::kOk},
  };
  tensorflow::serving::GetModelStatusResponse all;
  ASSERT_TRUE(buildModelStatus(statuses, 0, all).isOk());
  ASSERT_EQ(all.model_version_status_size(), 3);
  EXPECT_EQ(all.model_version_status(0).version(), 1);
  EXPECT_EQ(all.model_version_status(0).state(), tensorflow::serving::ModelVersionStatus::END);
  EXPECT_EQ(all.model_version_status(1).state(),
            tensorflow::serving::ModelVersionStatus::AVAILABLE);
  EXPECT_EQ(all.model_version_status(1).status().error_code(), tensorflow::error::OK);
  EXPECT_EQ(all.model_version_status(1).status().error_message(), "OK");
  EXPECT_EQ(all.model_version_status(2).state(), tensorflow::serving::ModelVersionStatus::LOADING);
  EXPECT_EQ(all.model_version_status(2).status().error_code(), tensorflow::error::UNKNOWN);
  EXPECT_EQ(all.model_version_status(2).status().error_message(), "UNKNOWN");

  tensorflow::serving::GetModelStatusResponse one;
  ASSERT_TRUE(buildModelStatus(statuses, 2, one).isOk());
  ASSERT_EQ(one.model_version_status_size(), 1);
  EXPECT_EQ(one.model_version_status(0).version(), 2);

  tensorflow::serving::GetModelStatusResponse none;
  EXPECT_EQ(buildModelStatus(statuses, 4, none).message(),
            "Model with requested version is not found");
}

TEST(TfsStatus, PrintsWithTfServingJsonNames) {
  tensorflow::serving::GetModelStatusResponse response;
  ASSERT_TRUE(buildModelStatus({{1}}, 0, response).isOk());
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(response, &json, options).ok());
  EXPECT_EQ(json, R"({"model_version_status":[{"version":"1","state":"AVAILABLE",)"
                  R"("status":{"error_code":"OK","error_message":"OK"}}]})");
}

}  // namespace
}  // namespace mserve::api::tfs
