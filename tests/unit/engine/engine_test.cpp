// Engine tests against the real OpenVINO CPU plugin, on tiny IR models the test writes itself:
// loading and metadata, reshape, compile properties, inference through the pool (outputs views,
// all datatypes, scalars, strings) and the pool's FIFO hand-over.
#include <gtest/gtest.h>
#include <pthread.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "counting_executor.hpp"
#include "engine/compiled_model.hpp"
#include "engine/core.hpp"
#include "engine/infer_request_pool.hpp"
#include "engine/property_list.hpp"
#include "ir_test_models.hpp"
#include "util/thread_pool.hpp"

namespace mserve::engine {
namespace {

using tensor::DataType;
using tensor::Dimension;
using util::StatusCode;

// OVMS's "dummy": b [1,10] f32 -> a = b + 1, the ones coming from the .bin.
constexpr const char* kDummyXml = test_models::kAddConstantXml;

// One identity per datatype family, with names holding ':' and '/', a dynamic dim and a scalar.
constexpr char kMultiXml[] = R"(<?xml version="1.0"?>
<net name="multi" version="11">
  <layers>
    <layer id="0" name="in:0" type="Parameter" version="opset1">
      <data shape="2" element_type="i64"/>
      <output><port id="0" precision="I64" names="in:0"><dim>2</dim></port></output>
    </layer>
    <layer id="1" name="x/y" type="Parameter" version="opset1">
      <data shape="?,3" element_type="boolean"/>
      <output><port id="0" precision="BOOL" names="x/y"><dim>-1</dim><dim>3</dim></port></output>
    </layer>
    <layer id="2" name="s" type="Parameter" version="opset1">
      <data shape="?" element_type="string"/>
      <output><port id="0" precision="STRING" names="s"><dim>-1</dim></port></output>
    </layer>
    <layer id="3" name="scalar" type="Parameter" version="opset1">
      <data shape="" element_type="f32"/>
      <output><port id="0" precision="FP32" names="scalar"/></output>
    </layer>
    <layer id="4" name="h" type="Parameter" version="opset1">
      <data shape="2" element_type="f16"/>
      <output><port id="0" precision="FP16" names="h"><dim>2</dim></port></output>
    </layer>
    <layer id="5" name="r0" type="Result" version="opset1">
      <input><port id="0" precision="I64"><dim>2</dim></port></input>
    </layer>
    <layer id="6" name="r1" type="Result" version="opset1">
      <input><port id="0" precision="BOOL"><dim>-1</dim><dim>3</dim></port></input>
    </layer>
    <layer id="7" name="r2" type="Result" version="opset1">
      <input><port id="0" precision="STRING"><dim>-1</dim></port></input>
    </layer>
    <layer id="8" name="r3" type="Result" version="opset1">
      <input><port id="0" precision="FP32"/></input>
    </layer>
    <layer id="9" name="r4" type="Result" version="opset1">
      <input><port id="0" precision="FP16"><dim>2</dim></port></input>
    </layer>
  </layers>
  <edges>
    <edge from-layer="0" from-port="0" to-layer="5" to-port="0"/>
    <edge from-layer="1" from-port="0" to-layer="6" to-port="0"/>
    <edge from-layer="2" from-port="0" to-layer="7" to-port="0"/>
    <edge from-layer="3" from-port="0" to-layer="8" to-port="0"/>
    <edge from-layer="4" from-port="0" to-layer="9" to-port="0"/>
  </edges>
</net>
)";

// A u4 input: a type OpenVINO has and mserve cannot serve.
constexpr char kU4Xml[] = R"(<?xml version="1.0"?>
<net name="u4" version="11">
  <layers>
    <layer id="0" name="q" type="Parameter" version="opset1">
      <data shape="2" element_type="u4"/>
      <output><port id="0" precision="U4" names="q"><dim>2</dim></port></output>
    </layer>
    <layer id="1" name="to_f32" type="Convert" version="opset1">
      <data destination_type="f32"/>
      <input><port id="0" precision="U4"><dim>2</dim></port></input>
      <output><port id="1" precision="FP32" names="f"><dim>2</dim></port></output>
    </layer>
    <layer id="2" name="r" type="Result" version="opset1">
      <input><port id="0" precision="FP32"><dim>2</dim></port></input>
    </layer>
  </layers>
  <edges>
    <edge from-layer="0" from-port="0" to-layer="1" to-port="0"/>
    <edge from-layer="1" from-port="1" to-layer="2" to-port="0"/>
  </edges>
</net>
)";

void writeFile(const std::filesystem::path& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  ASSERT_TRUE(out.good()) << path;
}

std::string threadName() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof(name));
  return name;
}

template <typename T>
std::span<const std::byte> bytesOf(const std::vector<T>& values) {
  return std::as_bytes(std::span(values));
}

template <typename T>
std::vector<T> valuesOf(const tensor::OutputTensor& out) {
  std::vector<T> values(out.data.size() / sizeof(T));
  std::memcpy(values.data(), out.data.data(), values.size() * sizeof(T));
  return values;
}

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/mserve_engine_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = new std::filesystem::path(pattern);
    writeFile(*dir_ / "dummy.xml", kDummyXml, std::strlen(kDummyXml));
    const std::vector<float> ones(10, 1.0f);
    writeFile(*dir_ / "dummy.bin", ones.data(), ones.size() * sizeof(float));
    writeFile(*dir_ / "multi.xml", kMultiXml, sizeof(kMultiXml) - 1);
    writeFile(*dir_ / "u4.xml", kU4Xml, sizeof(kU4Xml) - 1);
    auto core = Core::create();
    ASSERT_TRUE(core.isOk()) << core.status().message();
    core_ = new std::shared_ptr<Core>(std::move(core).value());
  }

  static void TearDownTestSuite() {
    delete core_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static LoadSpec spec(const std::string& file) {
    LoadSpec spec;
    spec.model_file = (*dir_ / file).string();
    // Exact arithmetic: these CPUs would otherwise run FP32 models in bf16.
    spec.properties = {{"INFERENCE_PRECISION_HINT", "f32"}, {"PERFORMANCE_HINT", "LATENCY"}};
    return spec;
  }

  static std::unique_ptr<CompiledModel> load(const LoadSpec& spec) {
    auto model = CompiledModel::load(**core_, spec);
    EXPECT_TRUE(model.isOk()) << model.status().message();
    return model.isOk() ? std::move(model).value() : nullptr;
  }

  // Acquires a request, binds `inputs`, runs it and calls `check` from the completion, before
  // the request is released (output views are valid only until then). Blocks until done.
  void run(InferRequestPool& pool, const std::vector<tensor::InputTensor>& inputs,
           const std::function<void(InferRequest&, const util::Status&)>& check) {
    std::promise<void> finished;
    pool.acquire([&](InferRequest& request) {
      for (size_t i = 0; i < inputs.size(); ++i) {
        const util::Status status = request.setInput(i, inputs[i]);
        if (!status.isOk()) {
          check(request, status);
          pool.release(request);
          finished.set_value();
          return;
        }
      }
      request.start(executor_, [&, slot = &request](const util::Status& status) {
        EXPECT_EQ(threadName(), "engine-test");  // the completion runs on our executor
        check(*slot, status);
        pool.release(*slot);
        finished.set_value();
      });
    });
    ASSERT_EQ(finished.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  }

  static std::filesystem::path* dir_;
  static std::shared_ptr<Core>* core_;
  CountingExecutor executor_{"engine-test"};
};

std::filesystem::path* EngineTest::dir_ = nullptr;
std::shared_ptr<Core>* EngineTest::core_ = nullptr;

tensor::InputTensor floatInput(const std::string& name, tensor::Shape shape,
                               const std::vector<float>& values) {
  tensor::InputTensor input;
  input.name = name;
  input.datatype = DataType::kFp32;
  input.shape = std::move(shape);
  input.data = bytesOf(values);
  return input;
}

TEST_F(EngineTest, CoreReportsVersionAndWritableKeys) {
  EXPECT_NE((*core_)->version(), "unknown");
  EXPECT_FALSE((*core_)->version().empty());
  const auto keys = (*core_)->supportedProperties("CPU");
  ASSERT_TRUE(keys.isOk()) << keys.status().message();
  const auto has = [&](const char* key) {
    return std::find(keys->begin(), keys->end(), key) != keys->end();
  };
  EXPECT_TRUE(has("PERFORMANCE_HINT"));
  EXPECT_TRUE(has("NUM_STREAMS"));
  EXPECT_TRUE(has("INFERENCE_PRECISION_HINT"));
  EXPECT_TRUE(has("ENABLE_CPU_PINNING"));
  EXPECT_FALSE(has("SUPPORTED_PROPERTIES"));
  EXPECT_FALSE(has("FULL_DEVICE_NAME"));
  EXPECT_FALSE(has("AVAILABLE_DEVICES"));
}

TEST_F(EngineTest, UnknownDeviceHasNoProperties) {
  const auto keys = (*core_)->supportedProperties("NO_SUCH_DEVICE");
  ASSERT_FALSE(keys.isOk());
  EXPECT_EQ(keys.status().code(), StatusCode::kCannotCompileModelIntoTargetDevice);
  EXPECT_NE(keys.status().details().find("NO_SUCH_DEVICE"), std::string::npos);
}

TEST_F(EngineTest, SetsCacheDir) {
  auto core = Core::create();
  ASSERT_TRUE(core.isOk());
  EXPECT_TRUE((*core)->setCacheDir((*dir_ / "cache").string()).isOk());
  EXPECT_TRUE((*core)->setCacheDir("").isOk());
}

TEST_F(EngineTest, PropertyListHonoursSuffixesAndKnownReadOnlyKeys) {
  const auto names = parsePropertyList("SUPPORTED_PROPERTIES NUM_STREAMS  X:RO Y:RW Z:WO");
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[0].key, "SUPPORTED_PROPERTIES");
  EXPECT_FALSE(names[0].writable);
  EXPECT_TRUE(names[1].writable);
  EXPECT_EQ(names[2].key, "X");
  EXPECT_FALSE(names[2].writable);
  EXPECT_TRUE(names[3].writable);
  EXPECT_TRUE(names[4].writable);
}

TEST_F(EngineTest, LoadsDummyWithMetadataAndProperties) {
  const auto model = load(spec("dummy.xml"));
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(model->inputs().size(), 1u);
  EXPECT_EQ(model->inputs()[0].name, "b");
  EXPECT_EQ(model->inputs()[0].datatype, DataType::kFp32);
  EXPECT_EQ(model->inputs()[0].shape,
            (tensor::ModelShape{Dimension::fixed(1), Dimension::fixed(10)}));
  ASSERT_EQ(model->outputs().size(), 1u);
  EXPECT_EQ(model->outputs()[0].name, "a");
  EXPECT_EQ(model->outputs()[0].shape, model->inputs()[0].shape);

  EXPECT_GE(model->optimalInferRequests(), 1u);
  EXPECT_EQ(model->property("INFERENCE_PRECISION_HINT"), "f32");
  EXPECT_EQ(model->property("NO_SUCH_KEY"), "");
  const Properties all = model->allProperties();
  const auto find = [&](const std::string& key) {
    return std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.first == key; });
  };
  ASSERT_NE(find("PERFORMANCE_HINT"), all.end());
  EXPECT_EQ(find("PERFORMANCE_HINT")->second, "LATENCY");
  EXPECT_NE(find("NUM_STREAMS"), all.end());
  EXPECT_EQ(find("SUPPORTED_PROPERTIES"), all.end());
}

TEST_F(EngineTest, InfersBPlusOneOnTheExecutor) {
  const auto model = load(spec("dummy.xml"));
  ASSERT_NE(model, nullptr);
  auto pool = InferRequestPool::create(*model, 2);
  ASSERT_TRUE(pool.isOk()) << pool.status().message();
  EXPECT_EQ((*pool)->size(), 2u);

  for (int round = 0; round < 3; ++round) {  // reuses requests and their output tensors
    std::vector<float> values(10);
    for (int i = 0; i < 10; ++i) values[i] = static_cast<float>(i * 10 + round) - 0.5f;
    run(**pool, {floatInput("b", {1, 10}, values)},
        [&](InferRequest& request, const util::Status& status) {
          ASSERT_TRUE(status.isOk()) << status.message();
          const auto out = request.output(0);
          ASSERT_TRUE(out.isOk()) << out.status().message();
          EXPECT_EQ(out->name, "a");
          EXPECT_EQ(out->datatype, DataType::kFp32);
          EXPECT_EQ(out->shape, (tensor::Shape{1, 10}));
          const std::vector<float> result = valuesOf<float>(out.value());
          ASSERT_EQ(result.size(), 10u);
          for (int i = 0; i < 10; ++i) EXPECT_EQ(result[i], values[i] + 1.0f) << i;
          EXPECT_FALSE(request.output(1).isOk());
        });
  }
  EXPECT_EQ(executor_.posts(), 3);  // one hop per inference
  EXPECT_EQ((*pool)->idleCount(), 2u);
}

TEST_F(EngineTest, RejectsBadInputsBeforeInference) {
  const auto model = load(spec("dummy.xml"));
  ASSERT_NE(model, nullptr);
  auto pool = InferRequestPool::create(*model, 1);
  ASSERT_TRUE(pool.isOk());
  const std::vector<float> ten(10, 1.0f);
  const std::vector<float> seven(7, 1.0f);
  const auto expectError = [&](const tensor::InputTensor& input, StatusCode code) {
    run(**pool, {input}, [&](InferRequest&, const util::Status& status) {
      EXPECT_EQ(status.code(), code) << status.message();
    });
  };
  expectError(floatInput("b", {1, 10}, seven), StatusCode::kInvalidContentSize);
  expectError(floatInput("b", {1, -10}, ten), StatusCode::kInvalidShape);
  expectError(floatInput("b", {1, 7}, seven), StatusCode::kInvalidShape);  // OpenVINO refuses
  tensor::InputTensor wrong_type = floatInput("b", {1, 10}, ten);
  wrong_type.datatype = DataType::kInt32;
  expectError(wrong_type, StatusCode::kInvalidPrecision);
  EXPECT_EQ((*pool)->idleCount(), 1u);
}

TEST_F(EngineTest, ReshapesBatchToDynamic) {
  LoadSpec dynamic = spec("dummy.xml");
  dynamic.batch = Dimension::dynamic();
  const auto model = load(dynamic);
  ASSERT_NE(model, nullptr);
  const tensor::ModelShape expected{Dimension::dynamic(), Dimension::fixed(10)};
  EXPECT_EQ(model->inputs()[0].shape, expected);
  EXPECT_EQ(model->outputs()[0].shape, expected);

  auto pool = InferRequestPool::create(*model, 1);
  ASSERT_TRUE(pool.isOk());
  std::vector<float> values(30);
  for (int i = 0; i < 30; ++i) values[i] = static_cast<float>(i);
  run(**pool, {floatInput("b", {3, 10}, values)},
      [&](InferRequest& request, const util::Status& status) {
        ASSERT_TRUE(status.isOk()) << status.message();
        const auto out = request.output(0);
        ASSERT_TRUE(out.isOk());
        EXPECT_EQ(out->shape, (tensor::Shape{3, 10}));
        const std::vector<float> result = valuesOf<float>(out.value());
        ASSERT_EQ(result.size(), 30u);
        for (int i = 0; i < 30; ++i) EXPECT_EQ(result[i], values[i] + 1.0f);
      });
}

TEST_F(EngineTest, ReshapesWithBoundsAndShapes) {
  LoadSpec bounded = spec("dummy.xml");
  bounded.batch = Dimension{1, 4};
  auto model = load(bounded);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->inputs()[0].shape, (tensor::ModelShape{{1, 4}, Dimension::fixed(10)}));

  LoadSpec all_auto = spec("dummy.xml");
  all_auto.shapes[""] = {};              // --shape auto
  all_auto.batch = Dimension::fixed(5);  // ignored: shapes win
  model = load(all_auto);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->inputs()[0].shape,
            (tensor::ModelShape{Dimension::dynamic(), Dimension::dynamic()}));

  LoadSpec named = spec("dummy.xml");
  named.shapes[""] = {};
  named.shapes["b"] = {Dimension::fixed(2), Dimension::fixed(10)};  // a name beats ""
  model = load(named);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->inputs()[0].shape,
            (tensor::ModelShape{Dimension::fixed(2), Dimension::fixed(10)}));
}

TEST_F(EngineTest, ReshapeFailuresAreReported) {
  LoadSpec bad = spec("dummy.xml");
  bad.shapes["b"] = {Dimension::fixed(1), Dimension::fixed(7)};  // cannot broadcast with [1,10]
  auto model = CompiledModel::load(**core_, bad);
  ASSERT_FALSE(model.isOk());
  EXPECT_EQ(model.status().code(), StatusCode::kReshapeError);
  EXPECT_NE(model.status().details().find("b (1,7)"), std::string::npos)
      << model.status().details();

  LoadSpec unknown = spec("dummy.xml");
  unknown.shapes["nope"] = {Dimension::fixed(1)};
  model = CompiledModel::load(**core_, unknown);
  ASSERT_FALSE(model.isOk());
  EXPECT_EQ(model.status().code(), StatusCode::kModelConfigInvalid);
  EXPECT_NE(model.status().details().find("'nope'"), std::string::npos);
}

TEST_F(EngineTest, UnsupportedPropertyFailsCompile) {
  LoadSpec bad = spec("dummy.xml");
  bad.properties.emplace_back("NOPE_KEY", "1");
  const auto model = CompiledModel::load(**core_, bad);
  ASSERT_FALSE(model.isOk());
  EXPECT_EQ(model.status().code(), StatusCode::kCannotCompileModelIntoTargetDevice);
  EXPECT_NE(model.status().details().find("Unsupported property NOPE_KEY"), std::string::npos)
      << model.status().details();
  // The message ends with OpenVINO's text, without its trailing blank lines.
  EXPECT_NE(model.status().details().back(), '\n');
}

TEST_F(EngineTest, MissingFileIsFileInvalid) {
  const auto model = CompiledModel::load(**core_, spec("missing.xml"));
  ASSERT_FALSE(model.isOk());
  EXPECT_EQ(model.status().code(), StatusCode::kFileInvalid);
  EXPECT_NE(model.status().details().find("missing.xml"), std::string::npos);
}

TEST_F(EngineTest, ModelOpenVinoCannotConvertIsAnInternalErrorWithItsReason) {
  // The file is there and is an IR, but names an operator OpenVINO does not have.
  std::string xml = kU4Xml;
  xml.replace(xml.find("type=\"Convert\""), std::strlen("type=\"Convert\""),
              "type=\"NoSuchOperation\"");
  writeFile(*dir_ / "unknown_op.xml", xml.data(), xml.size());
  const auto model = CompiledModel::load(**core_, spec("unknown_op.xml"));
  ASSERT_FALSE(model.isOk());
  EXPECT_EQ(model.status().code(), StatusCode::kInternalError);
  EXPECT_EQ(model.status().message().rfind("Internal server error - OpenVINO cannot read or "
                                           "convert model ",
                                           0),
            0u)
      << model.status().message();
  EXPECT_NE(model.status().details().find("NoSuchOperation"), std::string::npos)
      << model.status().details();
}

TEST_F(EngineTest, UnsupportedElementTypeNamesTensorAndType) {
  const auto model = CompiledModel::load(**core_, spec("u4.xml"));
  ASSERT_FALSE(model.isOk());
  EXPECT_EQ(model.status().code(), StatusCode::kModelConfigInvalid);
  EXPECT_NE(model.status().details().find("input 'q' has element type u4"), std::string::npos)
      << model.status().details();
}

TEST_F(EngineTest, ServesEveryDatatypeFamilyScalarsAndStrings) {
  const auto model = load(spec("multi.xml"));
  ASSERT_NE(model, nullptr);
  const std::vector<TensorInfo>& in = model->inputs();
  ASSERT_EQ(in.size(), 5u);
  EXPECT_EQ(in[0].name, "in:0");
  EXPECT_EQ(in[0].datatype, DataType::kInt64);
  EXPECT_EQ(in[1].name, "x/y");
  EXPECT_EQ(in[1].datatype, DataType::kBool);
  EXPECT_EQ(in[1].shape, (tensor::ModelShape{Dimension::dynamic(), Dimension::fixed(3)}));
  EXPECT_EQ(in[2].datatype, DataType::kBytes);
  EXPECT_EQ(in[3].name, "scalar");
  EXPECT_TRUE(in[3].shape.empty());
  EXPECT_EQ(in[4].datatype, DataType::kFp16);
  ASSERT_EQ(model->outputs().size(), 5u);
  EXPECT_EQ(model->outputs()[2].datatype, DataType::kBytes);

  const std::vector<int64_t> ints{5, -6};
  const std::vector<uint8_t> bools{1, 0, 1, 0, 0, 1};
  const std::vector<float> scalar{2.5f};
  const std::vector<uint16_t> halves{0x3c00, 0xc000};  // 1.0, -2.0
  std::vector<tensor::InputTensor> inputs(5);
  inputs[0] = {"in:0", DataType::kInt64, {2}, bytesOf(ints), {}};
  inputs[1] = {"x/y", DataType::kBool, {2, 3}, bytesOf(bools), {}};
  inputs[2] = {"s", DataType::kBytes, {3}, {}, {"ab", "", "c\xff d"}};
  inputs[3] = {"scalar", DataType::kFp32, {}, bytesOf(scalar), {}};
  inputs[4] = {"h", DataType::kFp16, {2}, bytesOf(halves), {}};

  auto pool = InferRequestPool::create(*model, 1);
  ASSERT_TRUE(pool.isOk());
  run(**pool, inputs, [&](InferRequest& request, const util::Status& status) {
    ASSERT_TRUE(status.isOk()) << status.message();
    std::vector<tensor::OutputTensor> outs;
    for (size_t i = 0; i < 5; ++i) {
      auto out = request.output(i);
      ASSERT_TRUE(out.isOk()) << out.status().message();
      outs.push_back(std::move(out).value());
    }
    EXPECT_EQ(outs[0].name, "in:0");
    EXPECT_EQ(valuesOf<int64_t>(outs[0]), ints);
    EXPECT_EQ(outs[1].shape, (tensor::Shape{2, 3}));
    EXPECT_EQ(valuesOf<uint8_t>(outs[1]), bools);
    EXPECT_EQ(outs[2].shape, (tensor::Shape{3}));
    EXPECT_TRUE(outs[2].data.empty());
    ASSERT_EQ(outs[2].strings.size(), 3u);
    EXPECT_EQ(outs[2].strings[0], "ab");
    EXPECT_EQ(outs[2].strings[1], "");
    EXPECT_EQ(outs[2].strings[2], "c\xff d");
    EXPECT_TRUE(outs[3].shape.empty());
    EXPECT_EQ(valuesOf<float>(outs[3]), scalar);
    EXPECT_EQ(valuesOf<uint16_t>(outs[4]), halves);
  });

  // Strings reach OpenVINO as C strings: an embedded NUL is refused, not truncated.
  inputs[2].strings = {"a", std::string_view("b\0c", 3), "d"};
  run(**pool, inputs, [&](InferRequest&, const util::Status& status) {
    EXPECT_EQ(status.code(), StatusCode::kInvalidStringInput) << status.message();
  });
  inputs[2].strings = {"a"};  // shape says 3
  run(**pool, inputs, [&](InferRequest&, const util::Status& status) {
    EXPECT_EQ(status.code(), StatusCode::kInvalidValueCount) << status.message();
  });
}

TEST_F(EngineTest, ConcurrentClientsShareFewRequests) {
  const auto model = load(spec("dummy.xml"));
  ASSERT_NE(model, nullptr);
  auto created = InferRequestPool::create(*model, 2);
  ASSERT_TRUE(created.isOk());
  InferRequestPool& pool = **created;
  constexpr int kClients = 4;
  constexpr int kRequestsPerClient = 25;
  std::atomic<int> correct{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int r = 0; r < kRequestsPerClient; ++r) {
        const std::vector<float> values(10, static_cast<float>(c * 100 + r));
        const tensor::InputTensor input = floatInput("b", {1, 10}, values);
        std::promise<void> finished;
        // Waiters queue up and are served from release(), on the completion thread.
        pool.acquire([&](InferRequest& request) {
          if (!request.setInput(0, input).isOk()) {
            ADD_FAILURE() << "setInput failed";
            pool.release(request);
            finished.set_value();
            return;
          }
          request.start(executor_, [&, slot = &request](const util::Status& status) {
            const auto out = slot->output(0);
            if (status.isOk() && out.isOk() && valuesOf<float>(out.value())[9] == values[9] + 1) {
              ++correct;
            }
            pool.release(*slot);
            finished.set_value();
          });
        });
        finished.get_future().wait();
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(correct.load(), kClients * kRequestsPerClient);
  EXPECT_EQ(pool.idleCount(), 2u);
  EXPECT_EQ(pool.waitingCount(), 0u);
}

TEST_F(EngineTest, PoolHandsRequestsToWaitersInArrivalOrder) {
  const auto model = load(spec("dummy.xml"));
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(InferRequestPool::create(*model, 0).status().code(), StatusCode::kInvalidNireq);
  auto created = InferRequestPool::create(*model, 1);
  ASSERT_TRUE(created.isOk());
  InferRequestPool& pool = **created;

  std::vector<int> order;
  InferRequest* held = nullptr;
  const auto waiter = [&](int id) {
    return [&, id](InferRequest& request) {
      order.push_back(id);
      held = &request;
    };
  };
  pool.acquire(waiter(1));  // idle: runs at once, on this thread
  EXPECT_EQ(order, (std::vector<int>{1}));
  EXPECT_EQ(pool.idleCount(), 0u);
  for (int id = 2; id <= 4; ++id) pool.acquire(waiter(id));
  EXPECT_EQ(pool.waitingCount(), 3u);
  EXPECT_EQ(order, (std::vector<int>{1}));

  InferRequest* first = held;
  for (int expected_waiting = 2; expected_waiting >= 0; --expected_waiting) {
    pool.release(*held);  // hands the request straight to the oldest waiter
    EXPECT_EQ(held, first);
    EXPECT_EQ(pool.waitingCount(), static_cast<size_t>(expected_waiting));
    EXPECT_EQ(pool.idleCount(), 0u);
  }
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
  pool.release(*held);
  EXPECT_EQ(pool.idleCount(), 1u);
}

}  // namespace
}  // namespace mserve::engine
