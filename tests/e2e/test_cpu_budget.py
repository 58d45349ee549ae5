"""Container-aware CPU budget (DESIGN.md §3b): the server sizes what the user left unset from
the affinity mask and a CFS quota, and explicit plugin config still wins. Effective values are
read from the compiled-properties log line, which OpenVINO itself reports."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BINARY, Server, model_args

CGROUP_V1_CPU = Path("/sys/fs/cgroup/cpu")


def compiled_properties(server, model="dummy"):
    match = re.search(rf"Model {model} version \d+ compiled properties: (.*)", server.log)
    assert match, server.log
    return dict(item.split(": ", 1) for item in match.group(1).split(", "))


def start(models_dir, log_dir, plugin_config=None, prefix=(), extra=()):
    return Server(model_args("dummy", models_dir, plugin_config, extra), log_dir,
                  prefix=prefix).start()


@pytest.fixture
def servers():
    started = []
    yield started
    for server in started:
        assert server.stop() == 0, server.log


def test_taskset_one_cpu_sizes_everything_to_one(models_dir, log_dir, servers):
    if shutil.which("taskset") is None:
        pytest.fail("taskset (util-linux) is missing; scripts/setup installs it")
    servers.append(start(models_dir, log_dir, {"PERFORMANCE_HINT": "THROUGHPUT"},
                         prefix=["taskset", "-c", "0"]))
    server = servers[-1]
    assert "CPU budget: 1 (affinity: 1 from sched_getaffinity" in server.log
    properties = compiled_properties(server)
    assert properties["INFERENCE_NUM_THREADS"] == "1"
    assert properties["NUM_STREAMS"] == "1"
    # No quota: OpenVINO honours the mask itself, pinning stays its default.
    assert "defaults from the CPU budget" not in server.log
    assert "Started REST server at 0.0.0.0:%d with 2 workers" % server.rest_port in server.log


def test_taskset_bounds_grpc_workers(models_dir):
    result = subprocess.run(
        ["taskset", "-c", "0", str(BINARY), "--model_name", "dummy", "--model_path",
         str(models_dir / "dummy"), "--port", "9", "--grpc_workers", "2"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 64
    assert "grpc_workers count should be from 1 to CPU core count : 1" in result.stderr


class QuotaCgroup:
    """A cgroup v1 `cpu` group with a CFS quota, removed at the end."""

    def __init__(self, quota_us, period_us=100000):
        self.path = CGROUP_V1_CPU / f"mserve_test_{os.getpid()}"
        self.path.mkdir()
        (self.path / "cpu.cfs_period_us").write_text(str(period_us))
        (self.path / "cpu.cfs_quota_us").write_text(str(quota_us))

    def prefix(self):
        """A launcher that moves itself into the group, then execs the server."""
        return ["sh", "-c", f'echo $$ > {self.path}/cgroup.procs && exec "$0" "$@"']

    def remove(self):
        for pid in (self.path / "cgroup.procs").read_text().split():
            (CGROUP_V1_CPU / "cgroup.procs").write_text(pid)
        self.path.rmdir()


@pytest.fixture
def quota_one_cpu():
    if os.cpu_count() < 2:
        pytest.skip("needs at least 2 CPUs for a 1-CPU quota to limit anything")
    try:
        group = QuotaCgroup(100000)
    except OSError as error:
        pytest.skip(f"no writable cgroup v1 cpu controller at {CGROUP_V1_CPU}: {error}")
    yield group
    group.remove()


def test_quota_sets_threads_streams_and_pinning(models_dir, log_dir, servers, quota_one_cpu):
    servers.append(start(models_dir, log_dir, {"PERFORMANCE_HINT": "THROUGHPUT"},
                         prefix=quota_one_cpu.prefix()))
    server = servers[-1]
    assert re.search(r"CPU budget: 1 \(affinity: \d+ from sched_getaffinity.*quota: 1 CPUs "
                     r"\(rounded up to 1\) from .*mserve_test_\d+/cpu.cfs_quota_us", server.log)
    properties = compiled_properties(server)
    assert properties["INFERENCE_NUM_THREADS"] == "1"
    assert properties["ENABLE_CPU_PINNING"] == "NO"
    assert properties["NUM_STREAMS"] == "1"
    assert server.client().is_model_ready("dummy")


def test_quota_leaves_explicit_values(models_dir, log_dir, servers, quota_one_cpu):
    explicit = {"PERFORMANCE_HINT": "THROUGHPUT", "INFERENCE_NUM_THREADS": 2,
                "ENABLE_CPU_PINNING": True, "NUM_STREAMS": 2}
    servers.append(start(models_dir, log_dir, explicit, prefix=quota_one_cpu.prefix()))
    properties = compiled_properties(servers[-1])
    assert properties["INFERENCE_NUM_THREADS"] == "2"
    assert properties["ENABLE_CPU_PINNING"] == "YES"
    assert properties["NUM_STREAMS"] == "2"
