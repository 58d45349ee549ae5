// KServe REST request bodies: JSON data of every kind, the binary tensor extension's framing,
// and the errors for malformed bodies.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "api/kfs/kfs_json_document.hpp"
#include "api/kfs/kfs_json_request.hpp"

namespace mserve::api::kfs {
namespace {

using tensor::DataType;
using util::StatusCode;

template <typename T>
std::vector<T> valuesOf(const tensor::InputTensor& tensor) {
  std::vector<T> values(tensor.data.size() / sizeof(T));
  std::memcpy(values.data(), tensor.data.data(), tensor.data.size());
  return values;
}

template <typename T>
std::string rawOf(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string framed(const std::vector<std::string>& elements) {
  std::string raw;
  for (const std::string& element : elements) {
    const auto length = static_cast<uint32_t>(element.size());
    raw.append(reinterpret_cast<const char*>(&length), sizeof(length));
    raw += element;
  }
  return raw;
}

// Decodes `json` (+ `binary` after it, announced by the header when `binary` is given).
util::Status decode(RestInferRequest& out, const std::string& json,
                    std::optional<std::string> binary = std::nullopt, size_t depth = 100) {
  out.body = json + binary.value_or("");
  const std::string length = std::to_string(json.size());
  return decodeRestInferRequest(binary ? std::optional<std::string_view>(length) : std::nullopt,
                                depth, out);
}

TEST(KfsRestRequest, JsonDataNestedOrFlat) {
  for (const char* data : {"[[1.5, 2, -3]]", "[1.5, 2, -3]"}) {
    RestInferRequest out;
    ASSERT_TRUE(decode(out, std::string(R"({"id":"r1","inputs":[{"name":"b","shape":[1,3],)"
                                        R"("datatype":"FP32","data":)") +
                                data + "}]}")
                    .isOk());
    EXPECT_EQ(out.request.id, "r1");
    ASSERT_EQ(out.request.inputs.size(), 1u);
    const tensor::InputTensor& b = out.request.inputs[0];
    EXPECT_EQ(b.name, "b");
    EXPECT_EQ(b.datatype, DataType::kFp32);
    EXPECT_EQ(b.shape, (tensor::Shape{1, 3}));
    EXPECT_EQ(valuesOf<float>(b), (std::vector<float>{1.5f, 2.0f, -3.0f}));
    EXPECT_TRUE(out.request.requested_outputs.empty());
  }
}

TEST(KfsRestRequest, JsonIntegersBoolsAndStrings) {
  RestInferRequest out;
  ASSERT_TRUE(decode(out, R"({"inputs":[
      {"name":"i8","shape":[3],"datatype":"INT8","data":[-128,0,127]},
      {"name":"u64","shape":[2],"datatype":"UINT64","data":[0,18446744073709551615]},
      {"name":"f","shape":[1],"datatype":"FP64","data":[0.1]},
      {"name":"ok","shape":[2],"datatype":"BOOL","data":[true,false]},
      {"name":"s","shape":[2],"datatype":"BYTES","data":["ab","a much longer string"]}]})")
                  .isOk());
  const auto& inputs = out.request.inputs;
  EXPECT_EQ(valuesOf<int8_t>(inputs[0]), (std::vector<int8_t>{-128, 0, 127}));
  EXPECT_EQ(valuesOf<uint64_t>(inputs[1]), (std::vector<uint64_t>{0, UINT64_MAX}));
  EXPECT_EQ(valuesOf<double>(inputs[2]), (std::vector<double>{0.1}));
  EXPECT_EQ(valuesOf<uint8_t>(inputs[3]), (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(inputs[4].strings, (std::vector<std::string_view>{"ab", "a much longer string"}));
}

TEST(KfsRestRequest, JsonNanAndInfinityLiteralsForFloatingPoint) {
  RestInferRequest out;
  ASSERT_TRUE(decode(out, R"({"inputs":[
      {"name":"f","shape":[3],"datatype":"FP32","data":[NaN,Infinity,-Infinity]},
      {"name":"d","shape":[2],"datatype":"FP64","data":[-Infinity,NaN]}]})")
                  .isOk());
  const auto f = valuesOf<float>(out.request.inputs[0]);
  EXPECT_TRUE(std::isnan(f[0]));
  EXPECT_EQ(f[1], std::numeric_limits<float>::infinity());
  EXPECT_EQ(f[2], -std::numeric_limits<float>::infinity());
  const auto d = valuesOf<double>(out.request.inputs[1]);
  EXPECT_EQ(d[0], -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(d[1]));
  // Integer tensors still refuse them.
  RestInferRequest integer;
  EXPECT_EQ(decode(integer, R"({"inputs":[{"name":"i","shape":[1],"datatype":"INT32",)"
                            R"("data":[NaN]}]})")
                .code(),
            StatusCode::kRestCouldNotParseInput);
}

TEST(KfsRestRequest, JsonValueErrors) {
  struct Case {
    const char* input;
    StatusCode code;
  };
  for (const Case& c : {
           Case{R"({"name":"x","shape":[2],"datatype":"INT8","data":[1,128]})",
                StatusCode::kRestCouldNotParseInput},
           Case{R"({"name":"x","shape":[2],"datatype":"INT32","data":[1,1.5]})",
                StatusCode::kRestCouldNotParseInput},
           Case{R"({"name":"x","shape":[2],"datatype":"UINT8","data":[1,-1]})",
                StatusCode::kRestCouldNotParseInput},
           Case{R"({"name":"x","shape":[1],"datatype":"FP32","data":["1"]})",
                StatusCode::kRestCouldNotParseInput},
           Case{R"({"name":"x","shape":[1],"datatype":"BOOL","data":[1]})",
                StatusCode::kRestCouldNotParseInput},
           Case{R"({"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2]})",
                StatusCode::kInvalidValueCount},
           Case{R"({"name":"x","shape":[1],"datatype":"FP16","data":[1]})",
                StatusCode::kRestUnsupportedPrecision},
           Case{R"({"name":"x","shape":[1],"datatype":"FP99","data":[1]})",
                StatusCode::kInvalidPrecision},
           Case{R"({"name":"x","shape":[-1],"datatype":"FP32","data":[1]})",
                StatusCode::kRestCouldNotParseInput},
           Case{R"({"name":"x","shape":[4294967296,4294967296,4],"datatype":"FP32","data":[]})",
                StatusCode::kInvalidContentSize},
           Case{R"({"shape":[1],"datatype":"FP32","data":[1]})",
                StatusCode::kRestCouldNotParseInput},
           Case{R"({"name":"x","shape":[1],"datatype":"FP32"})",
                StatusCode::kRestCouldNotParseInput},
       }) {
    RestInferRequest out;
    const util::Status status = decode(out, std::string(R"({"inputs":[)") + c.input + "]}");
    EXPECT_EQ(status.code(), c.code) << c.input << " → " << status.message();
    EXPECT_EQ(status.httpStatus(), 400) << c.input;
  }
}

TEST(KfsRestRequest, StringsAreComparedWithTheirFullLength) {
  // A NUL inside a JSON string is part of it: "INT32\u0000x" is not INT32.
  RestInferRequest out;
  util::Status status =
      decode(out, R"({"inputs":[{"name":"x","shape":[1],"datatype":"INT32\u0000x","data":[1]}]})");
  EXPECT_EQ(status.code(), StatusCode::kInvalidPrecision) << status.message();
  EXPECT_NE(status.message().find(std::string("INT32\0x", 7)), std::string::npos);
  RestInferRequest named;
  ASSERT_TRUE(
      decode(named, R"({"inputs":[{"name":"x\u0000y","shape":[1],"datatype":"INT32","data":[1]}]})")
          .isOk());
  EXPECT_EQ(named.request.inputs[0].name, std::string("x\0y", 3));
}

TEST(KfsRestRequest, BodyShapeErrors) {
  struct Case {
    const char* body;
    StatusCode code;
  };
  for (const Case& c : {
           Case{"[1,2]", StatusCode::kRestBodyIsNotAnObject},
           Case{"{}", StatusCode::kRestNoInputsFound},
           Case{R"({"inputs":[]})", StatusCode::kRestNoInputsFound},
           Case{R"({"id":5,"inputs":[]})", StatusCode::kRestCouldNotParseInput},
           Case{R"({"parameters":{"binary_data_output":1},"inputs":[]})",
                StatusCode::kRestCouldNotParseParameters},
           Case{R"({"inputs":[{"name":"a","shape":[1],"datatype":"BOOL","data":[true]},)"
                R"({"name":"a","shape":[1],"datatype":"BOOL","data":[true]}]})",
                StatusCode::kInvalidDuplicateInput},
           Case{R"({"inputs":[{"name":"a","shape":[1],"datatype":"BOOL","data":[true]}],)"
                R"("outputs":[{"name":"o"},{"name":"o"}]})",
                StatusCode::kInvalidArgument},
           Case{R"({"inputs":[{"name":"a","shape":[1],"datatype":"BOOL","data":[true]}],)"
                R"("outputs":[{"name":"o","parameters":{"binary_data":"yes"}}]})",
                StatusCode::kRestCouldNotParseOutput},
       }) {
    RestInferRequest out;
    EXPECT_EQ(decode(out, c.body).code(), c.code) << c.body;
  }
}

TEST(KfsRestRequest, InvalidJsonIs412WithRapidJsonTextAndOffset) {
  RestInferRequest out;
  const util::Status status = decode(out, R"({"inputs": [}")");
  EXPECT_EQ(status.code(), StatusCode::kJsonInvalid);
  EXPECT_EQ(status.httpStatus(), 412);
  EXPECT_EQ(status.message().rfind("The file is not valid json - Error: ", 0), 0u)
      << status.message();
  EXPECT_NE(status.message().find(" Offset: 12"), std::string::npos) << status.message();
}

TEST(KfsRestRequest, NestingDepthIsLimited) {
  const std::string deep = std::string(101, '[') + std::string(101, ']');
  rapidjson::Document document;
  api::RequestMemory memory;
  const util::Status status = parseJson(deep, 100, memory, document);
  EXPECT_EQ(status.code(), StatusCode::kJsonNestingDepthExceeded);
  EXPECT_NE(status.message().find("--rest_max_json_depth"), std::string::npos);
  EXPECT_TRUE(
      parseJson(std::string(100, '[') + std::string(100, ']'), 100, memory, document).isOk());
  // Far past any stack: refused while parsing, nothing recursive ever sees it.
  const std::string huge(1 << 20, '[');
  EXPECT_EQ(parseJson(huge, 100, memory, document).code(), StatusCode::kJsonNestingDepthExceeded);
}

TEST(KfsRestRequest, OutputsAndBinaryFlags) {
  RestInferRequest out;
  ASSERT_TRUE(decode(out, R"({"inputs":[{"name":"a","shape":[1],"datatype":"BOOL","data":[true]}],
      "parameters":{"binary_data_output":true,"other":"ignored"},
      "outputs":[{"name":"x","parameters":{"binary_data":false}},{"name":"y"},
                 {"name":"z","parameters":{"binary_data":true}}]})")
                  .isOk());
  EXPECT_TRUE(out.binary_data_output);
  EXPECT_EQ(out.request.requested_outputs, (std::vector<std::string>{"x", "y", "z"}));
  ASSERT_EQ(out.output_binary.size(), 3u);
  EXPECT_EQ(out.output_binary[0], false);
  EXPECT_EQ(out.output_binary[1], std::nullopt);
  EXPECT_EQ(out.output_binary[2], true);
}

TEST(KfsRestRequest, BinaryInputsInOrderWithAndWithoutSize) {
  const std::vector<float> floats = {1.0f, 2.0f};
  const std::vector<int32_t> ints = {7, 8, 9};
  const std::string strings = framed({"hi", ""});
  RestInferRequest out;
  ASSERT_TRUE(decode(out, R"({"inputs":[
      {"name":"f","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}},
      {"name":"s","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":10}},
      {"name":"i","shape":[3],"datatype":"INT32"}]})",
                     rawOf(floats) + strings + rawOf(ints))
                  .isOk());
  const auto& inputs = out.request.inputs;
  EXPECT_EQ(valuesOf<float>(inputs[0]), floats);
  EXPECT_EQ(inputs[1].strings, (std::vector<std::string_view>{"hi", ""}));
  EXPECT_EQ(valuesOf<int32_t>(inputs[2]), ints);
  // Views into the body, not copies.
  EXPECT_EQ(reinterpret_cast<const char*>(inputs[0].data.data()),
            out.body.data() + out.body.size() - 8 - 10 - 12);
}

TEST(KfsRestRequest, SingleBytesInputWithoutSizeTakesTheTail) {
  RestInferRequest out;
  ASSERT_TRUE(decode(out, R"({"inputs":[{"name":"s","shape":[3],"datatype":"BYTES"}]})",
                     framed({"a", "bb", "ccc"}))
                  .isOk());
  EXPECT_EQ(out.request.inputs[0].strings, (std::vector<std::string_view>{"a", "bb", "ccc"}));
}

TEST(KfsRestRequest, BinaryFramingErrors) {
  struct Case {
    const char* json;
    std::string binary;
    StatusCode code;
  };
  const std::string eight(8, '\0');
  for (const Case& c : {
           Case{R"({"inputs":[{"name":"f","shape":[2],"datatype":"FP32",)"
                R"("parameters":{"binary_data_size":12}}]})",
                eight, StatusCode::kRestBinaryBufferExceeded},
           Case{R"({"inputs":[{"name":"f","shape":[2],"datatype":"FP32",)"
                R"("parameters":{"binary_data_size":4}}]})",
                eight, StatusCode::kInvalidContentSize},
           Case{R"({"inputs":[{"name":"f","shape":[1],"datatype":"FP32",)"
                R"("parameters":{"binary_data_size":4}}]})",
                eight, StatusCode::kRestBinaryDataSizeParameterInvalid},
           Case{R"({"inputs":[{"name":"f","shape":[2],"datatype":"FP32",)"
                R"("parameters":{"binary_data_size":-8}}]})",
                eight, StatusCode::kRestBinaryDataSizeParameterInvalid},
           Case{R"({"inputs":[{"name":"f","shape":[2],"datatype":"FP32","data":[1,2],)"
                R"("parameters":{"binary_data_size":8}}]})",
                eight, StatusCode::kRestContentsFieldNotEmpty},
           Case{R"({"inputs":[{"name":"s","shape":[2],"datatype":"BYTES"},)"
                R"({"name":"t","shape":[1],"datatype":"BYTES"}]})",
                eight, StatusCode::kRestBinaryDataSizeParameterInvalid},
           Case{R"({"inputs":[{"name":"s","shape":[2],"datatype":"BYTES"}]})",
                std::string("\x05\0\0\0ab", 6), StatusCode::kInvalidContentSize},
       }) {
    RestInferRequest out;
    const util::Status status = decode(out, c.json, c.binary);
    EXPECT_EQ(status.code(), c.code) << c.json << " → " << status.message();
    EXPECT_EQ(status.httpStatus(), 400) << c.json;
  }
}

TEST(KfsRestRequest, InferenceHeaderContentLengthErrors) {
  const std::string json = R"({"inputs":[{"name":"s","shape":[1],"datatype":"BYTES"}]})";
  for (const char* value : {"-1", "abc", "", "12x", "99999999999999999999999"}) {
    RestInferRequest out;
    out.body = json;
    EXPECT_EQ(decodeRestInferRequest(std::string_view(value), 100, out).code(),
              StatusCode::kRestInferenceHeaderContentLengthInvalid)
        << value;
  }
  RestInferRequest out;
  out.body = json;
  const std::string longer = std::to_string(json.size() + 1);
  const util::Status status = decodeRestInferRequest(std::string_view(longer), 100, out);
  EXPECT_EQ(status.code(), StatusCode::kRestInferenceHeaderContentLengthExceeded);
  EXPECT_EQ(status.httpStatus(), 400);
}

// A body of many small values would grow a DOM ~20 times its size: it is refused while parsing,
// with the flag named, once the document would pass the request's memory limit.
TEST(KfsRestRequest, JsonDocumentIsChargedToTheRequestMemory) {
  std::string data = "[0";
  for (int i = 1; i < 100000; ++i) data += ",0";
  data += "]";
  const std::string json =
      R"({"inputs":[{"name":"b","shape":[100000],"datatype":"INT32","data":)" + data + "}]}";
  RestInferRequest small;
  small.memory = api::RequestMemory(1 << 20);  // 1 MiB: the DOM alone needs ~4 MB
  const util::Status refused = decode(small, json);
  EXPECT_EQ(refused.code(), StatusCode::kRequestMemoryExceeded);
  EXPECT_EQ(refused.httpStatus(), 413);
  EXPECT_NE(refused.message().find("--rest_max_request_memory_bytes"), std::string::npos)
      << refused.message();
  RestInferRequest large;
  large.memory = api::RequestMemory(64 << 20);
  ASSERT_TRUE(decode(large, json).isOk());
  // Body, document (kDomBytesPerValue per value) and the converted INT32 values.
  EXPECT_GE(large.memory.used(), json.size() + 100000 * kDomBytesPerValue + 100000 * 4);
  EXPECT_EQ(valuesOf<int32_t>(large.request.inputs[0]).size(), 100000u);
}

// Binary data is viewed, not converted: only the body is charged for it.
TEST(KfsRestRequest, BinaryBodyIsChargedOnce) {
  const std::vector<float> values(1000, 1.5f);
  const std::string json = R"({"inputs":[{"name":"b","shape":[1000],"datatype":"FP32",)"
                           R"("parameters":{"binary_data_size":4000}}]})";
  RestInferRequest out;
  out.memory = api::RequestMemory(4000 + json.size() + 64 * kDomBytesPerValue);
  ASSERT_TRUE(decode(out, json, rawOf(values)).isOk());
  RestInferRequest tight;
  tight.memory = api::RequestMemory(3999);
  EXPECT_EQ(decode(tight, json, rawOf(values)).code(), StatusCode::kRequestMemoryExceeded);
}

}  // namespace
}  // namespace mserve::api::kfs
