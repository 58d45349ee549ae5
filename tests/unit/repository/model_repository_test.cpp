#include "repository/model_repository.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace mserve::repository {
namespace {

namespace fs = std::filesystem;
using util::StatusCode;

class ModelRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/mserve_repo_XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    root_ = name;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string dir(const std::string& relative) {
    fs::create_directories(root_ / relative);
    return (root_ / relative).string();
  }
  std::string file(const std::string& relative) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << "x";
    return (root_ / relative).string();
  }

  fs::path root_;
};

TEST_F(ModelRepositoryTest, ListsPositiveIntegerFoldersAscending) {
  for (const char* name :
       {"10", "2", "1", "0", "-1", "abc", "+3", " 4", "5x", "01", "99999999999999999999"}) {
    dir("m/" + std::string(name));
  }
  file("m/7");  // a file, not a version folder
  std::vector<std::string> skipped;
  auto versions = listVersions((root_ / "m").string(), &skipped);
  ASSERT_TRUE(versions.isOk()) << versions.status().message();
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[0].path, (root_ / "m" / "1").string());
  EXPECT_EQ((*versions)[1].version, 2);
  EXPECT_EQ((*versions)[2].version, 10);
  EXPECT_EQ((*versions)[2].path, (root_ / "m" / "10").string());

  std::sort(skipped.begin(), skipped.end());
  std::vector<std::string> expected;
  for (const char* name : {" 4", "+3", "-1", "0", "01", "5x", "99999999999999999999", "abc"}) {
    expected.push_back((root_ / "m" / name).string());
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(skipped, expected);
}

TEST_F(ModelRepositoryTest, SkippedListIsOptional) {
  dir("m/1");
  dir("m/x");
  auto versions = listVersions((root_ / "m").string());
  ASSERT_TRUE(versions.isOk());
  EXPECT_EQ(versions->size(), 1u);
}

TEST_F(ModelRepositoryTest, EmptyFolderHasNoVersions) {
  auto versions = listVersions(dir("empty"));
  ASSERT_TRUE(versions.isOk());
  EXPECT_TRUE(versions->empty());
}

TEST_F(ModelRepositoryTest, MissingOrNonFolderBasePathIsPathInvalid) {
  auto missing = listVersions((root_ / "nope").string());
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kPathInvalid);
  EXPECT_EQ(missing.status().details(), (root_ / "nope").string() + ": No such file or directory");

  auto not_dir = listVersions(file("plain"));
  ASSERT_FALSE(not_dir.isOk());
  EXPECT_EQ(not_dir.status().code(), StatusCode::kPathInvalid);
}

TEST_F(ModelRepositoryTest, FindsIrWithItsWeights) {
  const std::string version = dir("m/1");
  const std::string xml = file("m/1/model.xml");
  file("m/1/model.bin");
  file("m/1/model.onnx");  // IR comes first
  auto found = findModelFile(version);
  ASSERT_TRUE(found.isOk()) << found.status().message();
  EXPECT_EQ(found.value(), xml);
}

TEST_F(ModelRepositoryTest, IrWithoutWeightsFallsThroughToOnnx) {
  const std::string version = dir("m/1");
  file("m/1/model.xml");
  file("m/1/other.bin");
  const std::string onnx = file("m/1/net.onnx");
  auto found = findModelFile(version);
  ASSERT_TRUE(found.isOk());
  EXPECT_EQ(found.value(), onnx);
}

TEST_F(ModelRepositoryTest, FindsPaddlePaddleWithParams) {
  const std::string version = dir("m/1");
  const std::string model = file("m/1/inference.pdmodel");
  file("m/1/inference.pdiparams");
  file("m/1/model.tflite");
  auto found = findModelFile(version);
  ASSERT_TRUE(found.isOk());
  EXPECT_EQ(found.value(), model);
}

TEST_F(ModelRepositoryTest, SavedModelIsTheFolder) {
  const std::string version = dir("m/1");
  file("m/1/saved_model.pb");
  dir("m/1/variables");
  file("m/1/model.tflite");  // SavedModel comes before TFLite
  auto found = findModelFile(version);
  ASSERT_TRUE(found.isOk());
  EXPECT_EQ(found.value(), version);
}

TEST_F(ModelRepositoryTest, FindsTfLite) {
  const std::string version = dir("m/1");
  file("m/1/model.pdmodel");  // without .pdiparams: not a PaddlePaddle model
  const std::string tflite = file("m/1/model.tflite");
  auto found = findModelFile(version);
  ASSERT_TRUE(found.isOk());
  EXPECT_EQ(found.value(), tflite);
}

TEST_F(ModelRepositoryTest, NoModelFileIsFileInvalid) {
  const std::string version = dir("m/1");
  file("m/1/readme.txt");
  dir("m/1/sub.onnx");  // folders do not count
  auto found = findModelFile(version);
  ASSERT_FALSE(found.isOk());
  EXPECT_EQ(found.status().code(), StatusCode::kFileInvalid);
  EXPECT_EQ(found.status().message(),
            "File not found or cannot open - No model file found in " + version);
}

TEST_F(ModelRepositoryTest, MissingVersionFolderIsPathInvalid) {
  auto found = findModelFile((root_ / "gone").string());
  ASSERT_FALSE(found.isOk());
  EXPECT_EQ(found.status().code(), StatusCode::kPathInvalid);
}

}  // namespace
}  // namespace mserve::repository
