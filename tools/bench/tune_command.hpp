// `mserve-bench tune ...`: options → CPU budget → in-process measurer → guided (or grid) search →
// table, recommendation, --write_config, --json. See tools/bench/README.md.
#pragma once

namespace mserve::bench {

// argv[0] is "tune". Exit code: 0 with a recommendation, 1 when none could be made or the model
// cannot load, 64 on usage errors.
int runTune(int argc, char** argv);

}  // namespace mserve::bench
