#include "proc_cpu.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace mserve::bench {

std::optional<double> processCpuSeconds(pid_t pid) {
  const std::string path = pid == 0 ? "/proc/self/stat" : "/proc/" + std::to_string(pid) + "/stat";
  std::ifstream file(path);
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces: fields count from the
  // last ')'. utime and stime are fields 14 and 15, in clock ticks.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string skip;
  for (int field = 3; field < 14; ++field) fields >> skip;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  if (!(fields >> utime >> stime)) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace mserve::bench
