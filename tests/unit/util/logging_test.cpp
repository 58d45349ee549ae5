#include "util/logging.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mserve::util {
namespace {

// `pattern` with '#' standing for one digit and '*' for one or more digits.
bool matchesDigitPattern(const std::string& text, const std::string& pattern) {
  size_t t = 0;
  for (char p : pattern) {
    if (p == '#' || p == '*') {
      if (t >= text.size() || !isdigit(static_cast<unsigned char>(text[t]))) return false;
      ++t;
      while (p == '*' && t < text.size() && isdigit(static_cast<unsigned char>(text[t]))) ++t;
    } else if (t >= text.size() || text[t++] != p) {
      return false;
    }
  }
  return t == text.size();
}

std::string readAll(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/mserve_log_XXXXXX";
    const int fd = mkstemp(name);
    close(fd);
    path_ = name;
  }
  void TearDown() override {
    EXPECT_TRUE(setupLogging("INFO", ""));  // release the file, restore the default level
    std::filesystem::remove(path_);
  }
  std::string path_;
};

TEST_F(LoggingTest, LoggersWorkBeforeSetup) {
  EXPECT_EQ(servingLog().name(), "serving");
  EXPECT_EQ(modelManagerLog().name(), "modelmanager");
  EXPECT_EQ(openvinoLog().name(), "openvino");
  EXPECT_EQ(spdlog::get("serving").get(), &servingLog());
}

TEST_F(LoggingTest, WritesOvmsLineFormatToTheFileAndFlushesEachLine) {
  ASSERT_TRUE(setupLogging("INFO", path_));
  MSERVE_LOG(modelManagerLog(), info, "Started model manager thread {}", 7);
  // No explicit flush: every line must already be on disk.
  const std::string text = readAll(path_);
  EXPECT_TRUE(matchesDigitPattern(text,
                                  "[####-##-## ##:##:##.###][*][modelmanager][info]"
                                  "[logging_test.cpp:*] Started model manager thread 7\n"))
      << text;
}

TEST_F(LoggingTest, LevelFiltersAndWarningIsNamedLikeOvms) {
  ASSERT_TRUE(setupLogging("WARNING", path_));
  MSERVE_LOG(servingLog(), info, "hidden");
  MSERVE_LOG(servingLog(), warn, "shown");
  const std::string text = readAll(path_);
  EXPECT_EQ(text.find("hidden"), std::string::npos) << text;
  EXPECT_NE(text.find("[serving][warning]"), std::string::npos) << text;
}

TEST_F(LoggingTest, TraceLevelLetsEverythingThrough) {
  ASSERT_TRUE(setupLogging("TRACE", path_));
  MSERVE_LOG(openvinoLog(), trace, "fine detail");
  EXPECT_NE(readAll(path_).find("[openvino][trace]"), std::string::npos);
}

TEST_F(LoggingTest, RejectsUnknownLevelAndUnopenableFile) {
  EXPECT_FALSE(setupLogging("VERBOSE", ""));
  // spdlog creates missing folders, so make one impossible: a folder below a regular file.
  EXPECT_FALSE(setupLogging("INFO", path_ + "/log.txt"));
  // Logging still works afterwards (stdout only).
  MSERVE_LOG(servingLog(), info, "still alive");
}

}  // namespace
}  // namespace mserve::util
