// RequestScheduler on a real model: which thread answers what. The timer thread only moves work
// to executors; if it ran (and answered) a batch itself, a version retired meanwhile could be
// freed on it and join the timer from itself.
#include "scheduling/request_scheduler.hpp"

#include <chrono>
#include <future>
#include <thread>

#include "serving/model_loader.hpp"
#include "serving/test_repository.hpp"

namespace mserve::scheduling {
namespace {

using serving::testing::RepositoryTest;
using Clock = std::chrono::steady_clock;

struct Answer {
  util::Status status;
  std::thread::id thread;
};

// A response callback that fulfils `promise` with the status and the answering thread.
auto record(std::promise<Answer>& promise) {
  return [&promise](const util::Status& status, const tensor::InferenceResponse*) {
    promise.set_value({status, std::this_thread::get_id()});
  };
}

class RequestSchedulerTest : public RepositoryTest {
 protected:
  // b f32 [?,?] + k: requests of different widths (1 broadcasts, 10) never share a batch.
  std::shared_ptr<serving::ModelVersion> loadBatching(uint32_t max_batch, uint64_t delay_us) {
    const auto dir = addVersion("m", 1, 1.0f);
    config::ModelConfig config;
    config.name = "m";
    config.base_path = (root_ / "m").string();
    config.nireq = 2;
    config.plugin_config = {{"INFERENCE_PRECISION_HINT", "f32"}, {"PERFORMANCE_HINT", "LATENCY"}};
    config.shape.shapes["b"] = {tensor::Dimension::dynamic(), tensor::Dimension::dynamic()};
    config.scheduling.batching.max_batch_size = max_batch;
    config.scheduling.batching.max_queue_delay_us = delay_us;
    auto loaded = serving::loadModelVersion(*core(), config, 1, dir.string(), {});
    EXPECT_TRUE(loaded.isOk()) << loaded.status().message();
    return loaded.isOk() ? loaded.value() : nullptr;
  }

  static tensor::InferenceRequest request(const std::vector<float>& zeros, int64_t rows,
                                          int64_t width) {
    tensor::InferenceRequest out;
    out.model_name = "m";
    tensor::InputTensor input;
    input.name = "b";
    input.shape = {rows, width};
    input.data = std::as_bytes(std::span(zeros.data(), static_cast<size_t>(rows * width)));
    out.inputs.push_back(input);
    return out;
  }
};

// A one-row request of width 10 waits for its batch's delay while a full batch of width 1
// queues behind it. When the timer sends the first, the second needs another infer request:
// acquiring it must not run that batch on the timer thread. Its client's deadline passed, so
// it is answered at once wherever it runs.
TEST_F(RequestSchedulerTest, TheTimerNeverAnswersTheNextBatchItself) {
  const auto version = loadBatching(4, 50000);
  ASSERT_NE(version, nullptr);
  engine::CountingExecutor executor("scheduler-test");
  std::promise<std::thread::id> executor_thread;
  executor.post([&] { executor_thread.set_value(std::this_thread::get_id()); });
  const std::thread::id on_executor = executor_thread.get_future().get();

  const std::vector<float> zeros(40, 0.0f);
  tensor::InferenceRequest wide = request(zeros, 1, 10);
  tensor::InferenceRequest narrow = request(zeros, 4, 1);
  narrow.deadline = Clock::now() + std::chrono::milliseconds(5);
  std::promise<Answer> wide_answer, narrow_answer;
  version->infer(wide, executor, record(wide_answer));
  version->infer(narrow, executor, record(narrow_answer));

  const Answer first = wide_answer.get_future().get();
  EXPECT_TRUE(first.status.isOk()) << first.status.message();
  const Answer second = narrow_answer.get_future().get();
  EXPECT_EQ(second.status.code(), util::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(second.thread, on_executor) << "answered on the timer thread";
}

// The request that completes a batch while the scheduler holds an infer request for it leaves
// the queue at once, in the batch: nothing may read it from the queue afterwards (ASan saw a
// read of the freed queue slot here; in a release build it went unnoticed).
TEST_F(RequestSchedulerTest, TheRequestThatFillsTheBatchIsNotReadFromTheQueueAfterwards) {
  const auto version = loadBatching(2, 50000);
  ASSERT_NE(version, nullptr);
  engine::CountingExecutor executor("scheduler-test");
  const std::vector<float> zeros(2, 0.0f);
  const tensor::InferenceRequest first = request(zeros, 1, 1);
  const tensor::InferenceRequest second = request(zeros, 1, 1);
  std::promise<util::Status> first_answer, second_answer;
  auto record_ok = [](std::promise<util::Status>& promise) {
    return [&promise](const util::Status& status, const tensor::InferenceResponse* response) {
      EXPECT_TRUE(status.isOk() && response != nullptr && response->outputs.size() == 1);
      promise.set_value(status);
    };
  };
  version->infer(first, executor, record_ok(first_answer));
  version->infer(second, executor, record_ok(second_answer));
  EXPECT_TRUE(first_answer.get_future().get().isOk());
  EXPECT_TRUE(second_answer.get_future().get().isOk());
}

// As on the direct path: a request whose input bytes went bad during its batch's inference is
// answered with that error; the others in the batch keep their rows.
TEST_F(RequestSchedulerTest, AnInputCheckFailingAfterInferenceReplacesThatAnswerOnly) {
  const auto version = loadBatching(4, 20000);
  ASSERT_NE(version, nullptr);
  engine::CountingExecutor executor("scheduler-test");
  const std::vector<float> zeros(40, 0.0f);
  tensor::InferenceRequest good = request(zeros, 1, 10);
  tensor::InferenceRequest bad = request(zeros, 1, 10);
  bad.input_checks.push_back(
      [] { return util::Status(util::StatusCode::kShmInvalidRegion, "the object was shrunk"); });
  std::promise<Answer> good_answer, bad_answer;
  version->infer(good, executor, record(good_answer));
  version->infer(bad, executor, record(bad_answer));
  EXPECT_TRUE(good_answer.get_future().get().status.isOk());
  EXPECT_EQ(bad_answer.get_future().get().status.code(), util::StatusCode::kShmInvalidRegion);
}

}  // namespace
}  // namespace mserve::scheduling
