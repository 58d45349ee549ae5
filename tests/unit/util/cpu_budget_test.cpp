// CPU budget over fixture trees laid out like /proc and /sys/fs/cgroup on cgroup v1, v2, hybrid
// and non-namespaced container hosts.
#include "util/cpu_budget.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace mserve::util {
namespace {

namespace fs = std::filesystem;

class CpuBudgetTest : public ::testing::Test {
 protected:
  void write(const std::string& relative, const std::string& text) {
    const fs::path path = dir_.path() / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  // cgroup v1 with cpu and cpuset hierarchies, the process in `path` of both.
  void v1Host(const std::string& path, const std::string& cpu_mount_root = "/") {
    write("proc/self/cgroup", "4:memory:/x\n3:cpuset:" + path + "\n2:cpu,cpuacct:" + path + "\n");
    write("proc/self/mountinfo",
          "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
          "32 31 0:29 " +
              cpu_mount_root +
              " /sys/fs/cgroup/cpu,cpuacct rw shared:9 - cgroup "
              "cgroup rw,cpu,cpuacct\n"
              "34 31 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
              "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
    write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  }
  void v2Host(const std::string& path) {
    write("proc/self/cgroup", "0::" + path + "\n");
    write("proc/self/mountinfo",
          "25 23 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
  }
  CpuBudget budget(uint32_t affinity) { return computeCpuBudget(dir_.path(), affinity); }

  mserve::testing::TempDir dir_{"cpu_budget"};
};

TEST_F(CpuBudgetTest, NoCgroupFilesLeavesTheAffinityMask) {
  const CpuBudget b = budget(6);
  EXPECT_EQ(b.cpus, 6u);
  EXPECT_FALSE(b.quota_cpus.has_value());
  EXPECT_FALSE(b.cpuset_cpus.has_value());
  EXPECT_FALSE(b.quotaLimits());
}

TEST_F(CpuBudgetTest, V1QuotaIsRoundedUp) {
  v1Host("/kubepods/pod1/c1");
  write("sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/c1/cpu.cfs_quota_us", "150000\n");
  write("sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/c1/cpu.cfs_period_us", "100000\n");
  const CpuBudget b = budget(8);
  EXPECT_EQ(b.cpus, 2u);
  ASSERT_TRUE(b.quota_cpus.has_value());
  EXPECT_DOUBLE_EQ(*b.quota_cpus, 1.5);
  EXPECT_TRUE(b.quotaLimits());
  EXPECT_NE(b.quota_source.find("kubepods/pod1/c1/cpu.cfs_quota_us"), std::string::npos);
  EXPECT_NE(b.describe().find("quota: 1.5 CPUs (rounded up to 2)"), std::string::npos)
      << b.describe();
}

TEST_F(CpuBudgetTest, V1ParentQuotaLimitsTheChild) {
  v1Host("/kubepods/pod1/c1");
  write("sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/cpu.cfs_quota_us", "100000\n");
  write("sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/cpu.cfs_period_us", "100000\n");
  write("sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/c1/cpu.cfs_quota_us", "-1\n");
  write("sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/c1/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(budget(4).cpus, 1u);
}

TEST_F(CpuBudgetTest, V1UnlimitedQuotaIsNoLimit) {
  v1Host("/user.slice");
  write("sys/fs/cgroup/cpu,cpuacct/user.slice/cpu.cfs_quota_us", "-1\n");
  write("sys/fs/cgroup/cpu,cpuacct/user.slice/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(budget(4).cpus, 4u);
  EXPECT_FALSE(budget(4).quotaLimits());
}

TEST_F(CpuBudgetTest, V1ContainerWithoutCgroupNamespaceUsesItsMount) {
  // Docker on v1: /proc/self/cgroup shows the host's path, the mount starts at it.
  v1Host("/docker/abc", "/docker/abc");
  write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "250000\n");
  EXPECT_EQ(budget(16).cpus, 3u);
}

TEST_F(CpuBudgetTest, V1CpusetBelowAffinityCounts) {
  v1Host("/");
  write("sys/fs/cgroup/cpuset/cpuset.effective_cpus", "0-1,4\n");
  const CpuBudget b = budget(8);
  EXPECT_EQ(b.cpus, 3u);
  EXPECT_EQ(b.cpuset_cpus, 3u);
  EXPECT_FALSE(b.quotaLimits());
}

TEST_F(CpuBudgetTest, V2QuotaAndCpuset) {
  v2Host("/kubepods.slice/pod2/ctr");
  write("sys/fs/cgroup/kubepods.slice/pod2/ctr/cpu.max", "50000 100000\n");
  write("sys/fs/cgroup/kubepods.slice/pod2/ctr/cpuset.cpus.effective", "2-5\n");
  const CpuBudget b = budget(64);
  EXPECT_EQ(b.cpus, 1u);
  EXPECT_EQ(b.cpuset_cpus, 4u);
  EXPECT_DOUBLE_EQ(b.quota_cpus.value_or(0), 0.5);
  EXPECT_TRUE(b.quotaLimits());
  EXPECT_NE(b.quota_source.find("pod2/ctr/cpu.max"), std::string::npos);
}

TEST_F(CpuBudgetTest, V2MaxIsNoLimit) {
  v2Host("/");
  write("sys/fs/cgroup/cpu.max", "max 100000\n");
  EXPECT_EQ(budget(4).cpus, 4u);
  EXPECT_FALSE(budget(4).quota_cpus.has_value());
}

TEST_F(CpuBudgetTest, V2NamespacedRootPath) {
  // A private cgroup namespace shows "0::/" and mounts the container's own cgroup.
  v2Host("/");
  write("sys/fs/cgroup/cpu.max", "200000 100000\n");
  EXPECT_EQ(budget(32).cpus, 2u);
}

TEST_F(CpuBudgetTest, QuotaAboveAffinityDoesNotLimit) {
  v2Host("/app");
  write("sys/fs/cgroup/app/cpu.max", "400000 100000\n");
  const CpuBudget b = budget(2);
  EXPECT_EQ(b.cpus, 2u);
  EXPECT_FALSE(b.quotaLimits());
}

TEST_F(CpuBudgetTest, MalformedFilesAreIgnored) {
  v2Host("/app");
  write("sys/fs/cgroup/app/cpu.max", "lots of cpus\n");
  write("sys/fs/cgroup/app/cpuset.cpus.effective", "3-1\n");
  const CpuBudget b = budget(4);
  EXPECT_EQ(b.cpus, 4u);
  EXPECT_FALSE(b.cpuset_cpus.has_value());
}

TEST_F(CpuBudgetTest, HybridLayoutReadsV1CpuAndV2) {
  v1Host("/svc");
  write("proc/self/cgroup", "2:cpu,cpuacct:/svc\n0::/svc\n");
  write("proc/self/mountinfo",
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  write("sys/fs/cgroup/cpu,cpuacct/svc/cpu.cfs_quota_us", "300000\n");
  write("sys/fs/cgroup/cpu,cpuacct/svc/cpu.cfs_period_us", "100000\n");
  write("sys/fs/cgroup/unified/svc/cgroup.procs", "1\n");
  EXPECT_EQ(budget(8).cpus, 3u);
}

TEST(ProcessCpuBudget, NeverMoreThanTheAffinityMask) {
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  const CpuBudget b = processCpuBudget();
  EXPECT_EQ(b.affinity_cpus, static_cast<uint32_t>(CPU_COUNT(&set)));
  EXPECT_LE(b.cpus, b.affinity_cpus);
  EXPECT_GE(b.cpus, 1u);
}

}  // namespace
}  // namespace mserve::util
