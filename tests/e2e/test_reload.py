"""Hot reload without dropping a request (issue 5): version folders appearing and disappearing,
config.json edits and broken versions while clients send requests continuously over gRPC and
REST; every answer must come from the version expected at that moment. Also: a retired big
model gives its memory back."""
import os
import time

import pytest
from ovmsclient import make_grpc_client

from config_repo import (F32_PLUGIN, LoadClients, ModelRepo, config_statuses, rss_kib,
                         version_state, wait_until)
from conftest import running_server

POLL = ["--file_system_poll_wait_seconds", "1"]


def server_args(repo):
    return ["--config_path", repo.root, *POLL]


def monotonic(sequence, increasing=True):
    pairs = zip(sequence, sequence[1:])
    return all(a <= b for a, b in pairs) if increasing else all(a >= b for a, b in pairs)


@pytest.fixture
def repo(tmp_path, models_dir):
    return ModelRepo(tmp_path / "repo", models_dir)


def test_version_folders_come_and_go_under_load(repo, log_dir):
    repo.add_version("versioned", 1)
    repo.write_config([{"name": "versioned", "base_path": "versioned"}])
    with running_server(server_args(repo), log_dir) as server:
        with LoadClients(server) as clients:
            repo.add_version("versioned", 2)
            clients.wait_for_version(2)
            repo.add_version("versioned", 3)
            clients.wait_for_version(3)
            rising = clients.answered()
            repo.remove_version("versioned", 3)
            clients.wait_for_version(2)
            repo.remove_version("versioned", 2)
            clients.wait_for_version(1)
        assert clients.failures == [], clients.failures[:5]
        for protocol, versions in rising.items():
            # Each client sees v1, then v2, then v3: never an older version after a newer one.
            assert monotonic(versions), protocol
            assert {1, 2, 3} <= set(versions), protocol
        statuses = config_statuses(server)["versioned"]
        assert statuses == {1: ("AVAILABLE", "OK"), 2: ("END", "OK"), 3: ("END", "OK")}


def test_config_edits_under_load(repo, log_dir):
    for version in (1, 2, 3):
        repo.add_version("versioned", version)
    repo.add_version("dummy", 1, source="dummy")
    base = {"name": "versioned", "base_path": "versioned"}
    dummy = {"name": "dummy", "base_path": "dummy"}
    repo.write_config([base, dummy])
    with running_server(server_args(repo), log_dir) as server:
        with LoadClients(server) as clients:
            # A changed setting reloads the model beside the serving one.
            repo.write_config([{**base, "nireq": 2}, dummy])
            wait_until(lambda: server.log.count("STATUS CHANGE: Version 3 of model versioned "
                                                "status change. New status: ( \"state\": "
                                                "\"AVAILABLE\"") >= 2, what="reload of v3")
            clients.wait_for_answers(10)
            # A policy change serves other versions.
            repo.write_config([{**base, "nireq": 2,
                                "model_version_policy": {"specific": {"versions": [1]}}}, dummy])
            clients.wait_for_version(1)
            # An invalid file is refused; everything keeps serving as before.
            repo.write_config([], raw='{"model_config_list": [], "bogus": 1}')
            wait_until(lambda: "Unknown key in config file: bogus" in server.log,
                       what="the invalid config to be reported")
            clients.wait_for_answers(20)
            assert clients.answered()["grpc"][-1] == 1
            # Removing a model retires it; the others are untouched.
            repo.write_config([{**base, "model_version_policy": {"latest": {"num_versions": 1}}}])
            clients.wait_for_version(3)
            wait_until(lambda: version_state(server, "dummy", 1) == "END", what="dummy retired")
        assert clients.failures == [], clients.failures[:5]
        assert server.client().is_server_ready()


def test_broken_version_falls_back_under_load(repo, log_dir):
    repo.add_version("versioned", 1)
    repo.write_config([{"name": "versioned", "base_path": "versioned"}])
    with running_server(server_args(repo), log_dir) as server:
        with LoadClients(server) as clients:
            repo.add_broken_version("versioned", 2)
            wait_until(lambda: config_statuses(server)["versioned"].get(2) ==
                       ("LOADING", "UNKNOWN"), what="v2 to fail")
            clients.wait_for_answers(20)
            assert set(clients.answered()["grpc"]) == {1}
            # Fixed in place (the watcher sees its files change): served.
            repo.remove_version("versioned", 2)
            repo.add_version("versioned", 2)
            clients.wait_for_version(2)
        assert clients.failures == [], clients.failures[:5]
        assert config_statuses(server)["versioned"] == {1: ("END", "OK"), 2: ("AVAILABLE", "OK")}


def test_model_status_reports_failed_and_retired_versions(repo, log_dir):
    """TF Serving GetModelStatus: a failed load is LOADING + UNKNOWN (2), a retired version END."""
    repo.add_version("versioned", 1)
    repo.write_config([{"name": "versioned", "base_path": "versioned"}])
    with running_server(server_args(repo), log_dir) as server:
        tfs = make_grpc_client(server.grpc_url)
        repo.add_version("versioned", 2)
        wait_until(lambda: tfs.get_model_status("versioned").get(2, {}).get("state") ==
                   "AVAILABLE", what="v2 available")
        repo.add_broken_version("versioned", 3)
        # v3 shows as LOADING with OK while its load runs: wait for the failure to be recorded.
        wait_until(lambda: tfs.get_model_status("versioned").get(3, {}).get("error_code") == 2,
                   what="v3 failed")
        assert tfs.get_model_status("versioned") == {
            1: {"state": "END", "error_code": 0, "error_message": "OK"},
            2: {"state": "AVAILABLE", "error_code": 0, "error_message": "OK"},
            3: {"state": "LOADING", "error_code": 2, "error_message": "UNKNOWN"}}


# scripts/test-asan sets MSERVE_E2E_SANITIZER: ASan's quarantine holds freed memory by design.
@pytest.mark.skipif(os.environ.get("MSERVE_E2E_SANITIZER") == "asan",
                    reason="ASan keeps freed memory in its quarantine")
def test_retired_big_model_gives_memory_back(repo, models_dir, log_dir):
    repo.add_version("dummy", 1, source="dummy")
    dummy = {"name": "dummy", "base_path": "dummy"}
    resnet = {"name": "resnet", "base_path": str(models_dir / "resnet")}
    repo.write_config([dummy])
    with running_server(server_args(repo), log_dir) as server:
        pid = server.process.pid
        time.sleep(1)
        before = rss_kib(pid)
        repo.write_config([dummy, resnet])
        wait_until(lambda: version_state(server, "resnet", 1) == "AVAILABLE",
                   what="resnet to load")
        loaded = rss_kib(pid)
        repo.write_config([dummy])
        wait_until(lambda: version_state(server, "resnet", 1) == "END", what="resnet to retire")
        time.sleep(2)  # the next poll hands freed memory back to the system
        after = rss_kib(pid)
    grown = loaded - before
    print(f"RSS KiB: before {before}, resnet loaded {loaded}, retired {after}")
    assert grown > 50_000, "resnet should take tens of MB"
    # Generous: allocator and OpenVINO runtime state (threads, kernels) may stay behind.
    assert after - before < grown * 0.5, (before, loaded, after)
