// The server-wide admission limit: at most `limit` admitted at once, a freed slot handed to the
// waiter whose lane's weight entitles it next, FIFO within a lane, no wake-up lost when
// admissions and releases race.
#include "engine/admission_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace mserve::engine {
namespace {

TEST(AdmissionLimiterTest, AdmitsAtOnceBelowTheLimitAndQueuesAtIt) {
  AdmissionLimiter limiter(2);
  auto lane = limiter.addLane(1);
  int ran = 0;
  for (int i = 0; i < 3; ++i) limiter.admit(*lane, [&](bool) { ++ran; });
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(limiter.running(), 2u);
  EXPECT_EQ(limiter.waiting(), 1u);
  limiter.release();  // hands the slot to the third
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(limiter.running(), 2u);
  limiter.release();
  limiter.release();
  EXPECT_EQ(limiter.running(), 0u);
  EXPECT_EQ(limiter.peakRunning(), 2u);
}

TEST(AdmissionLimiterTest, ReleaseHandsOverByWeightThenInArrivalOrder) {
  AdmissionLimiter limiter(1);
  auto heavy = limiter.addLane(3);
  auto light = limiter.addLane(1);
  std::string order;
  limiter.admit(*light, [&](bool) { order += "first "; });  // takes the only slot
  for (int i = 0; i < 4; ++i) {
    limiter.admit(*heavy, [&, i](bool) { order += "h" + std::to_string(i) + " "; });
    limiter.admit(*light, [&, i](bool) { order += "l" + std::to_string(i) + " "; });
  }
  for (int i = 0; i < 9; ++i) limiter.release();
  // Weight 3 against 1: three heavy turns per light one, each lane in its own order.
  EXPECT_EQ(order, "first h0 l0 h1 h2 h3 l1 l2 l3 ");
  EXPECT_EQ(limiter.running(), 0u);
}

TEST(AdmissionLimiterTest, SharesFollowTheWeightsUnderContention) {
  AdmissionLimiter limiter(1);
  auto a = limiter.addLane(1);
  auto b = limiter.addLane(2);
  auto c = limiter.addLane(5);
  int served[3] = {0, 0, 0};
  limiter.admit(*a, [](bool) {});
  for (int i = 0; i < 100; ++i) {
    limiter.admit(*a, [&](bool) { ++served[0]; });
    limiter.admit(*b, [&](bool) { ++served[1]; });
    limiter.admit(*c, [&](bool) { ++served[2]; });
  }
  for (int i = 0; i < 80; ++i) limiter.release();  // while all three lanes stay busy
  EXPECT_EQ(served[0], 10);
  EXPECT_EQ(served[1], 20);
  EXPECT_EQ(served[2], 50);
}

TEST(AdmissionLimiterTest, AnIdleLaneDoesNotClaimTheTurnsItLeftUnused) {
  AdmissionLimiter limiter(1);
  auto busy = limiter.addLane(1);
  auto late = limiter.addLane(1);
  std::string order;
  limiter.admit(*busy, [](bool) {});
  for (int i = 0; i < 10; ++i) {
    limiter.admit(*busy, [&](bool) { order += "b"; });
    limiter.release();
  }
  for (int i = 0; i < 3; ++i) limiter.admit(*busy, [&](bool) { order += "b"; });
  for (int i = 0; i < 3; ++i) limiter.admit(*late, [&](bool) { order += "l"; });
  for (int i = 0; i < 6; ++i) limiter.release();
  // Equal weights alternate from now on, instead of `late` running three in a row to catch up.
  EXPECT_EQ(order, "bbbbbbbbbblblblb");
}

TEST(AdmissionLimiterTest, NestedHandOversAreBoundedOnOneThread) {
  AdmissionLimiter limiter(1);
  auto lane = limiter.addLane(1);
  std::vector<bool> nested_ok;
  limiter.admit(*lane, [](bool) {});
  constexpr int kWaiters = AdmissionLimiter::kMaxNestedHandOvers + 3;
  for (int i = 0; i < kWaiters; ++i) {
    // Each waiter releases at once, so the next one runs nested inside it.
    limiter.admit(*lane, [&](bool ok) {
      nested_ok.push_back(ok);
      limiter.release();
    });
  }
  limiter.release();
  ASSERT_EQ(nested_ok.size(), static_cast<size_t>(kWaiters));
  EXPECT_TRUE(nested_ok[AdmissionLimiter::kMaxNestedHandOvers - 1]);
  EXPECT_FALSE(nested_ok[AdmissionLimiter::kMaxNestedHandOvers]);
  EXPECT_EQ(limiter.running(), 0u);
}

TEST(AdmissionLimiterTest, NoWakeUpIsLostWhenThreadsRace) {
  constexpr size_t kLimit = 2;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  AdmissionLimiter limiter(kLimit);
  std::vector<std::shared_ptr<AdmissionLimiter::Lane>> lanes;
  for (int i = 0; i < kThreads; ++i) lanes.push_back(limiter.addLane(i + 1));
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        limiter.admit(*lanes[t], [&](bool) {
          const int now = inside.fetch_add(1) + 1;
          int seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {
          }
          inside.fetch_sub(1);
          done.fetch_add(1);
          limiter.release();
        });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(done.load(), kThreads * kPerThread);  // every waiter ran
  EXPECT_LE(most.load(), static_cast<int>(kLimit));
  EXPECT_EQ(limiter.running(), 0u);
  EXPECT_EQ(limiter.waiting(), 0u);
}

}  // namespace
}  // namespace mserve::engine
