// Inference on the caller's thread (engine/inline_policy.hpp): the policy's estimate, and the
// pool running light models synchronously for acquire()'s caller and, up to a bound, for the
// waiters a release serves, against the real CPU plugin on the hand-written add-constant model.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "counting_executor.hpp"
#include "engine/compiled_model.hpp"
#include "engine/core.hpp"
#include "engine/infer_request_pool.hpp"
#include "engine/inline_policy.hpp"
#include "ir_test_models.hpp"
#include "temp_dir.hpp"
#include "util/thread_pool.hpp"

namespace mserve::engine {
namespace {

using namespace std::chrono_literals;

TEST(InlinePolicyTest, UnknownCostRunsAsynchronously) {
  InlinePolicy policy(200us);
  EXPECT_EQ(policy.meanNanoseconds(), InlinePolicy::kUnknown);
  EXPECT_FALSE(policy.runInline());
}

TEST(InlinePolicyTest, FollowsTheRecentMean) {
  InlinePolicy policy(200us);
  policy.record(50us);  // the first sample is the estimate
  EXPECT_EQ(policy.meanNanoseconds(), 50'000);
  EXPECT_TRUE(policy.runInline());
  policy.record(850us);  // one slow inference moves the mean by an eighth of the gap
  EXPECT_EQ(policy.meanNanoseconds(), 150'000);
  EXPECT_TRUE(policy.runInline());
  for (int i = 0; i < 4; ++i) policy.record(850us);
  EXPECT_FALSE(policy.runInline());  // a model that became heavy stops blocking callers
  for (int i = 0; i < 40; ++i) policy.record(10us);
  EXPECT_TRUE(policy.runInline());
}

TEST(InlinePolicyTest, ZeroLimitNeverInlines) {
  InlinePolicy policy(0us);
  policy.record(0ns);
  EXPECT_FALSE(policy.runInline());
}

class InlineInferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.empty());
    std::ofstream(dir_ / "m.xml") << test_models::kAddConstantXml;
    const std::vector<float> ones(10, 1.0f);
    std::ofstream(dir_ / "m.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(ones.data()), 40);
    auto core = Core::create();
    ASSERT_TRUE(core.isOk()) << core.status().message();
    core_ = std::move(core).value();
    LoadSpec spec;
    spec.model_file = (dir_ / "m.xml").string();
    spec.properties = {{"INFERENCE_PRECISION_HINT", "f32"}, {"PERFORMANCE_HINT", "LATENCY"}};
    auto model = CompiledModel::load(*core_, spec);
    ASSERT_TRUE(model.isOk()) << model.status().message();
    model_ = std::move(model).value();
  }

  struct Outcome {
    bool ok = false;
    float first = 0;               // a[0] = b[0] + 1
    std::thread::id completed_on;  // the thread `done` ran on
    bool completed_before_start_returned = false;
  };

  // What a completion sees, read before the request is released.
  static Outcome observe(InferRequest& slot, const util::Status& status) {
    Outcome outcome;
    const auto out = slot.output(0);
    outcome.ok = status.isOk() && out.isOk();
    if (outcome.ok) std::memcpy(&outcome.first, out->data.data(), sizeof(float));
    outcome.completed_on = std::this_thread::get_id();
    return outcome;
  }

  // Acquires, binds b = `value`, starts; while the request is held, `while_held` may queue more
  // work on the pool. Waits for the outcome.
  Outcome infer(InferRequestPool& pool, float value,
                const std::function<void()>& while_held = nullptr) {
    const std::vector<float> values(10, value);
    const tensor::InputTensor input{
        "b", tensor::DataType::kFp32, {1, 10}, std::as_bytes(std::span(values)), {}};
    std::promise<Outcome> result;
    // Out here, not in the acquire callback: the completion may run after that has returned.
    std::atomic<bool> start_returned{false};
    pool.acquire([&](InferRequest& request) {
      if (!request.setInput(0, input).isOk()) {
        pool.release(request);
        result.set_value({});
        return;
      }
      if (while_held) while_held();
      request.start(executor_, [&, slot = &request](const util::Status& status) {
        Outcome outcome = observe(*slot, status);
        outcome.completed_before_start_returned = !start_returned.load();
        pool.release(*slot);
        result.set_value(outcome);
      });
      start_returned = true;
    });
    auto future = result.get_future();
    EXPECT_EQ(future.wait_for(30s), std::future_status::ready);
    return future.get();
  }

  mserve::testing::TempDir temp_{"mserve_inline_test"};
  const std::filesystem::path& dir_ = temp_.path();
  std::shared_ptr<Core> core_;
  std::unique_ptr<CompiledModel> model_;
  CountingExecutor executor_{"inline-test"};
};

TEST_F(InlineInferenceTest, LightModelRunsOnTheCallersThreadOnceMeasured) {
  auto pool = InferRequestPool::create(*model_, 1, 10s);  // everything counts as light
  ASSERT_TRUE(pool.isOk());
  // The first inference has no estimate yet: asynchronous, one hop to the executor.
  const Outcome first = infer(**pool, 1.5f);
  EXPECT_TRUE(first.ok);
  EXPECT_EQ(first.first, 2.5f);
  EXPECT_NE(first.completed_on, std::this_thread::get_id());
  EXPECT_EQ(executor_.posts(), 1);
  EXPECT_NE((*pool)->inlinePolicy().meanNanoseconds(), InlinePolicy::kUnknown);

  for (int i = 0; i < 5; ++i) {
    const Outcome next = infer(**pool, static_cast<float>(i));
    EXPECT_TRUE(next.ok);
    EXPECT_EQ(next.first, static_cast<float>(i) + 1.0f);
    EXPECT_EQ(next.completed_on, std::this_thread::get_id());
    EXPECT_TRUE(next.completed_before_start_returned);
  }
  EXPECT_EQ(executor_.posts(), 1);  // no hop for the synchronous ones
  EXPECT_EQ((*pool)->idleCount(), 1u);
}

TEST_F(InlineInferenceTest, ZeroLimitKeepsEveryInferenceAsynchronous) {
  auto pool = InferRequestPool::create(*model_, 1);
  ASSERT_TRUE(pool.isOk());
  for (int i = 0; i < 3; ++i) {
    const Outcome outcome = infer(**pool, 4.0f);
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.first, 5.0f);
    EXPECT_NE(outcome.completed_on, std::this_thread::get_id());
  }
  EXPECT_EQ(executor_.posts(), 3);
}

TEST_F(InlineInferenceTest, ReleaseServesWaitersInlineUpToTheBound) {
  auto created = InferRequestPool::create(*model_, 1, 10s);
  ASSERT_TRUE(created.isOk());
  InferRequestPool& pool = **created;
  infer(pool, 0.0f);  // measured: light from now on
  const int posts_before = executor_.posts();

  // While the first client holds the only request, more queue. Its release serves them on this
  // thread, nested, up to the bound; the next one is handed to OpenVINO (one hop), and the
  // executor thread that completes it serves the rest the same way.
  constexpr int kWaiters = InferRequestPool::kMaxInlineHandOvers + 3;
  struct Waiter {
    std::vector<float> values;
    tensor::InputTensor input;
    std::promise<Outcome> outcome;
  };
  std::vector<Waiter> waiters(kWaiters);
  const Outcome first = infer(pool, 1.0f, [&] {
    for (int i = 0; i < kWaiters; ++i) {
      Waiter& waiter = waiters[i];
      waiter.values.assign(10, static_cast<float>(10 * i));
      waiter.input = {
          "b", tensor::DataType::kFp32, {1, 10}, std::as_bytes(std::span(waiter.values)), {}};
      pool.acquire([&](InferRequest& request) {
        ASSERT_TRUE(request.setInput(0, waiter.input).isOk());
        request.start(executor_, [&, slot = &request](const util::Status& status) {
          const Outcome outcome = observe(*slot, status);
          pool.release(*slot);
          waiter.outcome.set_value(outcome);
        });
      });
    }
    EXPECT_EQ(pool.waitingCount(), static_cast<size_t>(kWaiters));
  });
  EXPECT_TRUE(first.ok);
  EXPECT_EQ(first.first, 2.0f);
  EXPECT_EQ(first.completed_on, std::this_thread::get_id());

  int on_this_thread = 0;
  for (int i = 0; i < kWaiters; ++i) {
    auto future = waiters[i].outcome.get_future();
    ASSERT_EQ(future.wait_for(30s), std::future_status::ready);
    const Outcome outcome = future.get();
    EXPECT_TRUE(outcome.ok) << i;
    EXPECT_EQ(outcome.first, static_cast<float>(10 * i) + 1.0f) << i;
    if (outcome.completed_on == std::this_thread::get_id()) ++on_this_thread;
  }
  EXPECT_EQ(on_this_thread, InferRequestPool::kMaxInlineHandOvers);
  EXPECT_EQ(executor_.posts(), posts_before + 1);
  EXPECT_EQ(pool.idleCount(), 1u);
  EXPECT_EQ(pool.waitingCount(), 0u);
}

}  // namespace
}  // namespace mserve::engine
