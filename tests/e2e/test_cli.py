"""Command line: OVMS's usage errors (stderr text, exit 64), start-up failures (exit 1), --help,
--version, plugin config handling and --grpc_workers (REFERENCE.md §1)."""
import json
import os
import re
import subprocess

import numpy as np
import onnx
import openvino as ov
import pytest

from conftest import (BINARY, F32, free_port, model_args, raw_request, require_binary,
                      response_arrays, running_server)

USAGE = 64


def run_mserve(*args, timeout=120):
    require_binary()
    return subprocess.run([str(BINARY), *[str(arg) for arg in args]], capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def dummy_args(models_dir):
    return ["--model_name", "dummy", "--model_path", models_dir / "dummy"]


# ---------------------------------------------------------------------------------------------
# Usage errors: exit 64, OVMS's message on stderr


def assert_usage_error(result, message):
    assert result.returncode == USAGE, result
    assert result.stderr == message + "\n"


def test_no_port(dummy_args):
    assert_usage_error(run_mserve(*dummy_args), "port and rest_port cannot both be unset")


def test_no_model(dummy_args):
    assert_usage_error(run_mserve("--port", free_port()),
                       "Use config_path or model_path with model_name")


def test_model_name_without_path():
    assert_usage_error(run_mserve("--port", free_port(), "--model_name", "dummy"),
                       "Use config_path or model_path with model_name")


def test_config_path_and_model(dummy_args, tmp_path):
    result = run_mserve(*dummy_args, "--config_path", tmp_path / "config.json",
                        "--port", free_port())
    assert_usage_error(result, "Use either config_path or model_path with model_name")


def test_unknown_option(dummy_args):
    result = run_mserve("--foo", *dummy_args, "--port", free_port())
    assert_usage_error(result, "error parsing options - unmatched arguments: --foo, ")


def test_grpc_workers_above_core_count(dummy_args):
    result = run_mserve(*dummy_args, "--port", free_port(), "--grpc_workers", 100000)
    assert result.returncode == USAGE
    assert re.fullmatch(r"grpc_workers count should be from 1 to CPU core count : \d+\n",
                        result.stderr), result.stderr


def test_grpc_workers_zero(dummy_args):
    result = run_mserve(*dummy_args, "--port", free_port(), "--grpc_workers", 0)
    assert result.returncode == USAGE
    assert result.stderr.startswith("grpc_workers count should be from 1 to CPU core count : ")


def test_port_out_of_range(dummy_args):
    assert_usage_error(run_mserve(*dummy_args, "--port", 70000),
                       "port number out of range from 0 to 65535")


def test_port_not_a_number(dummy_args):
    result = run_mserve(*dummy_args, "--port", "-1")
    assert result.returncode == USAGE
    assert result.stderr.startswith("error parsing options: "), result.stderr
    assert "-1" in result.stderr


def test_same_grpc_and_rest_port(dummy_args):
    port = free_port()
    assert_usage_error(run_mserve(*dummy_args, "--port", port, "--rest_port", port),
                       "port and rest_port cannot have the same values")


def test_bad_log_level(dummy_args):
    assert_usage_error(run_mserve(*dummy_args, "--port", free_port(), "--log_level", "LOUD"),
                       "log_level should be one of: TRACE, DEBUG, INFO, WARNING, ERROR")


# ---------------------------------------------------------------------------------------------
# --help and --version


HELP_DEFAULTS = {
    "--port": "0", "--grpc_workers": "1", "--target_device": "CPU", "--log_level": "INFO",
    "--file_system_poll_wait_seconds": "1", "--nireq": "0", "--plugin_config": "{}",
}
HELP_FLAGS = [
    "--port", "--grpc_bind_address", "--grpc_workers", "--grpc_channel_arguments", "--rest_port",
    "--model_name", "--model_path", "--config_path", "--batch_size", "--shape",
    "--model_version_policy", "--nireq", "--target_device", "--plugin_config",
    "--file_system_poll_wait_seconds", "--log_level", "--log_path", "--cache_dir", "--help",
    "--version",
]


def help_line(text, flag):
    """The option line of `flag` (it starts with the flag, after an optional short form)."""
    lines = [line for line in text.splitlines()
             if re.match(rf"\s*(-\w, )?{flag}\b", line)]
    assert lines, f"{flag} is not in --help"
    return lines[0]


def test_help_lists_flags_with_defaults():
    result = run_mserve("--help")
    assert result.returncode == 0
    for flag in HELP_FLAGS:
        help_line(result.stdout, flag)
    for flag, default in HELP_DEFAULTS.items():
        assert default in help_line(result.stdout, flag).split(flag, 1)[1], flag


def test_no_arguments_prints_help():
    result = run_mserve()
    assert result.returncode == 0
    assert "--model_path" in result.stdout


def test_version():
    result = run_mserve("--version")
    assert result.returncode == 0
    openvino_release = ".".join(ov.get_version().split(".")[:2])  # e.g. 2026.4
    assert re.search(rf"^OpenVINO backend {re.escape(openvino_release)}", result.stdout,
                     re.MULTILINE), result.stdout


# ---------------------------------------------------------------------------------------------
# Start-up failures: exit 1 with a log that says why


def test_missing_model_path(tmp_path):
    result = run_mserve("--model_name", "ghost", "--model_path", tmp_path / "missing",
                        "--port", free_port())
    assert result.returncode == 1, result.stdout + result.stderr


def test_unsupported_plugin_config_key(dummy_args):
    result = run_mserve(*dummy_args, "--port", free_port(),
                        "--plugin_config", json.dumps({"BOGUS_KEY": "1"}))
    log = result.stdout + result.stderr
    assert result.returncode == 1, log
    # OVMS's texts (REFERENCE.md §8.4), then one supported key per line.
    assert ("Plugin config key: BOGUS_KEY not found in supported config keys for device: CPU."
            in log), log
    assert "List of supported keys for this device:" in log, log
    listed = log.split("List of supported keys for this device:", 1)[1]
    assert "NUM_STREAMS" in listed and "INFERENCE_PRECISION_HINT" in listed, log


def test_malformed_plugin_config(dummy_args):
    result = run_mserve(*dummy_args, "--port", free_port(), "--plugin_config", "{not json")
    log = result.stdout + result.stderr
    assert result.returncode == 1, log
    assert "Couldn't parse plugin config" in log


# ---------------------------------------------------------------------------------------------
# Servers started with particular flags


def serves_dummy(server, requests=5):
    for index in range(requests):
        b = np.full((1, 10), index, np.float32)
        response = server.stub().ModelInfer(raw_request("dummy", {"b": b}))
        np.testing.assert_array_equal(response_arrays(response)["a"], b + 1)


def info_lines(log):
    return [line for line in log.splitlines() if re.search(r"\[info\]", line, re.IGNORECASE)]


def test_plugin_config_effective_properties_logged(models_dir, log_dir):
    plugin_config = {"NUM_STREAMS": 2, **F32}
    with running_server(model_args("dummy", models_dir, plugin_config), log_dir) as server:
        serves_dummy(server)
        info = "\n".join(info_lines(server.log))
    assert re.search(r"NUM_STREAMS\W+2\b", info), f"streams not logged at INFO:\n{server.log}"
    assert re.search(r"INFERENCE_PRECISION_HINT\W+f32\b", info), server.log


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 CPU cores")
def test_grpc_workers_two(models_dir, log_dir):
    args = model_args("dummy", models_dir, F32, extra=["--grpc_workers", "2"])
    with running_server(args, log_dir) as server:
        for _ in range(3):  # separate connections may land on either server instance
            serves_dummy(server)
            server.close_channel()


def test_model_openvino_cannot_convert_is_labelled_as_such(tmp_path):
    # The file exists and is valid ONNX, but uses an operator OpenVINO does not have: OVMS's
    # "Internal server error" with OpenVINO's reason, not "File not found or cannot open".
    node = onnx.helper.make_node("NoSuchOperation", ["x"], ["y"])
    tensor = onnx.helper.make_tensor_value_info
    graph = onnx.helper.make_graph([node], "unconvertible",
                                   [tensor("x", onnx.TensorProto.FLOAT, [1, 4])],
                                   [tensor("y", onnx.TensorProto.FLOAT, [1, 4])])
    (tmp_path / "1").mkdir()
    onnx.save(onnx.helper.make_model(graph), str(tmp_path / "1" / "model.onnx"))
    result = run_mserve("--model_name", "unconvertible", "--model_path", tmp_path,
                        "--port", free_port())
    log = result.stdout + result.stderr
    assert result.returncode == 1, log
    assert "Internal server error - OpenVINO cannot read or convert model " in log, log
    assert "NoSuchOperation" in log, log
    assert "File not found" not in log, log
