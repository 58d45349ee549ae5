// The config endpoints' bodies, compared with what OVMS's own unit tests expect
// (model_server: src/test/model_service_test.cpp, rest_api config tests).
#include "api/config/config_status_json.hpp"

#include <gtest/gtest.h>

namespace mserve::api::config {
namespace {

using kfs::VersionError;
using kfs::VersionState;

TEST(ConfigStatusJsonTest, OneModelAsOvms) {
  const ModelStatusMap statuses = {{"dummy", {{2, VersionState::kStart, VersionError::kOk}}}};
  EXPECT_EQ(modelStatusesJson(statuses), R"({
"dummy" : 
{
 "model_version_status": [
  {
   "version": "2",
   "state": "START",
   "status": {
    "error_code": "OK",
    "error_message": "OK"
   }
  }
 ]
}
})");
}

TEST(ConfigStatusJsonTest, TwoModelsAsOvms) {
  const ModelStatusMap statuses = {{"dummy1", {{2, VersionState::kStart, VersionError::kOk}}},
                                   {"dummy2", {{3, VersionState::kLoading, VersionError::kOk}}}};
  EXPECT_EQ(modelStatusesJson(statuses), R"({
"dummy1" : 
{
 "model_version_status": [
  {
   "version": "2",
   "state": "START",
   "status": {
    "error_code": "OK",
    "error_message": "OK"
   }
  }
 ]
},
"dummy2" : 
{
 "model_version_status": [
  {
   "version": "3",
   "state": "LOADING",
   "status": {
    "error_code": "OK",
    "error_message": "OK"
   }
  }
 ]
}
})");
}

TEST(ConfigStatusJsonTest, SeveralVersionsAndStates) {
  EXPECT_EQ(modelStatusJson({{1, VersionState::kEnd, VersionError::kOk},
                             {3, VersionState::kLoading, VersionError::kUnknown}}),
            R"({
 "model_version_status": [
  {
   "version": "1",
   "state": "END",
   "status": {
    "error_code": "OK",
    "error_message": "OK"
   }
  },
  {
   "version": "3",
   "state": "LOADING",
   "status": {
    "error_code": "UNKNOWN",
    "error_message": "UNKNOWN"
   }
  }
 ]
}
)");
  EXPECT_EQ(modelStatusJson({}), "{\n \"model_version_status\": []\n}\n");
}

TEST(ConfigStatusJsonTest, EmptyMapAndErrors) {
  EXPECT_EQ(modelStatusesJson({}), "{}");
  EXPECT_EQ(configErrorJson("Config file not found or cannot open."),
            "{\n\t\"error\": \"Config file not found or cannot open.\"\n}");
}

TEST(ConfigStatusJsonTest, ReloadAnswers) {
  const ModelStatusMap statuses = {{"m", {{1, VersionState::kAvailable, VersionError::kOk}}}};
  for (ReloadOutcome outcome : {ReloadOutcome::kReloaded, ReloadOutcome::kNotReloaded}) {
    const ConfigAnswer answer = configReloadAnswer(outcome, statuses);
    EXPECT_EQ(answer.http_status, 200);
    EXPECT_EQ(answer.body, modelStatusesJson(statuses));
  }
  const ConfigAnswer missing = configReloadAnswer(ReloadOutcome::kFileUnreadable, statuses);
  EXPECT_EQ(missing.http_status, 500);
  EXPECT_EQ(missing.body, "{\n\t\"error\": \"Config file not found or cannot open.\"\n}");
  const ConfigAnswer invalid = configReloadAnswer(ReloadOutcome::kConfigInvalid, statuses);
  EXPECT_EQ(invalid.http_status, 412);
  EXPECT_EQ(invalid.body,
            "{\n\t\"error\": \"Reloading config file failed. Check server logs for more "
            "info.\"\n}");
  const ConfigAnswer status = configStatusAnswer(statuses);
  EXPECT_EQ(status.http_status, 200);
  EXPECT_EQ(status.body, modelStatusesJson(statuses));
}

}  // namespace
}  // namespace mserve::api::config
