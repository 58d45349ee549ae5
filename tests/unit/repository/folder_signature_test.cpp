#include "repository/folder_signature.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.hpp"

namespace mserve::repository {
namespace {

namespace fs = std::filesystem;

class FolderSignatureTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(root_.empty()); }
  void write(const std::string& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }

  mserve::testing::TempDir dir_{"mserve_signature"};
  const fs::path& root_ = dir_.path();
};

TEST_F(FolderSignatureTest, UnreadableFolderIsEmpty) {
  EXPECT_EQ(folderSignature((root_ / "missing").string()), "");
  EXPECT_NE(folderSignature(root_.string()), "");  // an empty folder still signs
}

TEST_F(FolderSignatureTest, ChangesWithSizesAndEntriesOnly) {
  write("model.xml", "<net/>");
  write("variables/data", "1234");
  const std::string before = folderSignature(root_.string());
  EXPECT_EQ(folderSignature(root_.string()), before);
  write("variables/data", "12345");  // a copy still growing
  const std::string grown = folderSignature(root_.string());
  EXPECT_NE(grown, before);
  write("model.bin", "");
  EXPECT_NE(folderSignature(root_.string()), grown);
}

TEST_F(FolderSignatureTest, HugeFolderSignsTheSameWayEachTimeAndSeesNewEntries) {
  for (size_t i = 0; i < kMaxSignatureEntries + 50; ++i) write("f" + std::to_string(i), "x");
  const std::string first = folderSignature(root_.string());
  EXPECT_EQ(folderSignature(root_.string()), first);
  // Sorts after every kept entry: only the count can tell it was added.
  write("zzz", "x");
  EXPECT_NE(folderSignature(root_.string()), first);
}

}  // namespace
}  // namespace mserve::repository
