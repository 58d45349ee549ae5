// --layout through OpenVINO's pre-processing: "NHWC:NCHW" makes an NCHW model take NHWC tensors
// (the conversion is OpenVINO's), "NCHW" only declares the layout. On a tiny IR model the test
// writes itself, against the real CPU plugin.
#include "engine/layout.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include "counting_executor.hpp"
#include "engine/compiled_model.hpp"
#include "engine/core.hpp"
#include "engine/infer_request_pool.hpp"
#include "util/thread_pool.hpp"

namespace mserve::engine {
namespace {

using tensor::Dimension;

// x f32 [1,3,2,2] (NCHW) -> y = relu(x).
constexpr char kNchwXml[] = R"(<?xml version="1.0"?>
<net name="nchw" version="11">
  <layers>
    <layer id="0" name="x" type="Parameter" version="opset1">
      <data shape="1,3,2,2" element_type="f32"/>
      <output><port id="0" precision="FP32" names="x">
        <dim>1</dim><dim>3</dim><dim>2</dim><dim>2</dim></port></output>
    </layer>
    <layer id="1" name="relu" type="ReLU" version="opset1">
      <input><port id="0" precision="FP32"><dim>1</dim><dim>3</dim><dim>2</dim><dim>2</dim></port>
      </input>
      <output><port id="1" precision="FP32" names="y">
        <dim>1</dim><dim>3</dim><dim>2</dim><dim>2</dim></port></output>
    </layer>
    <layer id="2" name="y/sink_port_0" type="Result" version="opset1">
      <input><port id="0" precision="FP32"><dim>1</dim><dim>3</dim><dim>2</dim><dim>2</dim></port>
      </input>
    </layer>
  </layers>
  <edges>
    <edge from-layer="0" from-port="0" to-layer="1" to-port="0"/>
    <edge from-layer="1" from-port="1" to-layer="2" to-port="0"/>
  </edges>
</net>
)";

class LayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mserve_layout_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ / "nchw.xml") << kNchwXml;
    std::ofstream(dir_ / "nchw.bin");
    auto core = Core::create();
    ASSERT_TRUE(core.isOk());
    core_ = std::move(core).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  LoadSpec spec(std::map<std::string, std::string> layouts) const {
    LoadSpec spec;
    spec.model_file = (dir_ / "nchw.xml").string();
    spec.properties = {{"INFERENCE_PRECISION_HINT", "f32"}};
    spec.layouts = std::move(layouts);
    return spec;
  }

  std::filesystem::path dir_;
  std::shared_ptr<Core> core_;
};

TEST_F(LayoutTest, TensorToModelLayoutTransposesTheInput) {
  auto model = CompiledModel::load(*core_, spec({{"", "NHWC:NCHW"}}));
  ASSERT_TRUE(model.isOk()) << model.status().message();
  const TensorInfo& input = model.value()->inputs()[0];
  EXPECT_EQ(input.shape, (tensor::ModelShape{Dimension::fixed(1), Dimension::fixed(2),
                                             Dimension::fixed(2), Dimension::fixed(3)}));
  EXPECT_EQ(input.layout, "NHWC");
  EXPECT_EQ(model.value()->outputs()[0].shape.size(), 4u);

  auto pool = InferRequestPool::create(*model.value(), 1);
  ASSERT_TRUE(pool.isOk());
  // NHWC values: pixel p, channel c holds 10 * p + c.
  std::vector<float> nhwc(12);
  for (int p = 0; p < 4; ++p) {
    for (int c = 0; c < 3; ++c) nhwc[p * 3 + c] = static_cast<float>(10 * p + c);
  }
  tensor::InputTensor tensor{
      "x", tensor::DataType::kFp32, {1, 2, 2, 3}, std::as_bytes(std::span(nhwc)), {}};
  CountingExecutor executor("layout-test");
  std::promise<std::vector<float>> result;
  pool.value()->acquire([&](InferRequest& request) {
    ASSERT_TRUE(request.setInput(0, tensor).isOk());
    request.start(executor, [&, slot = &request](util::Status status) {
      EXPECT_TRUE(status.isOk()) << status.message();
      auto output = slot->output(0);
      std::vector<float> values(12);
      if (output.isOk() && output->data.size() == 48) {
        std::memcpy(values.data(), output->data.data(), 48);
      }
      pool.value()->release(*slot);
      result.set_value(values);
    });
  });
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const std::vector<float> nchw = future.get();
  for (int c = 0; c < 3; ++c) {
    for (int p = 0; p < 4; ++p) EXPECT_EQ(nchw[c * 4 + p], 10.0f * p + c) << c << "," << p;
  }
}

TEST_F(LayoutTest, ModelLayoutAloneChangesNothingButTheLayout) {
  auto model = CompiledModel::load(*core_, spec({{"x", "NCHW"}}));
  ASSERT_TRUE(model.isOk()) << model.status().message();
  EXPECT_EQ(model.value()->inputs()[0].shape[1], Dimension::fixed(3));
  EXPECT_EQ(model.value()->inputs()[0].layout, "NCHW");
}

TEST_F(LayoutTest, WithoutLayoutsInputsHaveNone) {
  auto model = CompiledModel::load(*core_, spec({}));
  ASSERT_TRUE(model.isOk());
  EXPECT_EQ(model.value()->inputs()[0].layout, "");
}

TEST_F(LayoutTest, BadLayoutsAreConfigErrors) {
  for (const auto& layouts : std::vector<std::map<std::string, std::string>>{
           {{"nope", "NHWC:NCHW"}}, {{"", "NHWC:NCH"}}, {{"", "NC:NCHW"}}}) {
    auto model = CompiledModel::load(*core_, spec(layouts));
    ASSERT_FALSE(model.isOk()) << layouts.begin()->second;
    EXPECT_EQ(model.status().code(), util::StatusCode::kModelConfigInvalid)
        << model.status().message();
  }
}

TEST(ClientLayout, TensorPartElseModelPart) {
  LoadSpec spec;
  spec.layouts = {{"", "NCHW"}, {"a", "NHWC:NCHW"}};
  EXPECT_EQ(clientLayout(spec, "a"), "NHWC");
  EXPECT_EQ(clientLayout(spec, "b"), "NCHW");
  EXPECT_EQ(clientLayout(LoadSpec{}, "a"), "");
}

}  // namespace
}  // namespace mserve::engine
