"""The status page (issue 15): GET / and /status serve one self-contained page, /status/data
the JSON it draws from the server's own counters; --status_page=false leaves those paths as
OVMS answers them. A real browser (headless Chromium) renders the page under load."""
import json
import re
from html.parser import HTMLParser

import numpy as np
import openvino as ov
import pytest
import requests

from config_repo import wait_until
from conftest import F32, model_args, running_server
from status_support import BusyClients, chromium, dummy_inputs, model_entry, status_data

# dummy with explicit streams and threads (OpenVINO compiles it the same way in process);
# add_two with neither, so the server sizes it from the CPU budget.
DUMMY_PLUGIN = {**F32, "NUM_STREAMS": 2, "INFERENCE_NUM_THREADS": 1}
DUMMY_NIREQ = 3


@pytest.fixture(scope="module")
def server(models_dir, log_dir, tmp_path_factory):
    config = tmp_path_factory.mktemp("status") / "config.json"
    config.write_text(json.dumps({"model_config_list": [
        {"config": {"name": "dummy", "base_path": str(models_dir / "dummy"),
                    "nireq": DUMMY_NIREQ, "plugin_config": DUMMY_PLUGIN}},
        {"config": {"name": "add_two", "base_path": str(models_dir / "add_two"),
                    "plugin_config": F32}}]}))
    with running_server(["--config_path", config], log_dir) as started:
        yield started


def compiled_in_process(models_dir):
    compiled = ov.Core().compile_model(str(models_dir / "dummy" / "1" / "model.xml"), "CPU",
                                       {key: str(value) for key, value in DUMMY_PLUGIN.items()})
    return {key: as_text(compiled.get_property(key)) for key in
            ("NUM_STREAMS", "INFERENCE_NUM_THREADS", "INFERENCE_PRECISION_HINT",
             "ENABLE_CPU_PINNING", "PERFORMANCE_HINT")}


def as_text(value):
    """A property as the C API prints it: element types by name, enums by name, bools YES/NO."""
    if isinstance(value, ov.Type):
        return value.get_type_name()
    if isinstance(value, bool):
        return "YES" if value else "NO"
    return getattr(value, "name", str(value))


def logged_property(log, model, key):
    line = re.search(rf"Model {model} version 1 compiled properties: (.*)", log).group(1)
    return dict(item.split(": ", 1) for item in line.split(", "))[key]


def test_data_lists_every_model_with_the_properties_openvino_compiled(server, models_dir):
    data = status_data(server)
    assert data["server"]["period_ms"] == 1000 and data["server"]["history_points"] == 120
    assert data["server"]["cpu_budget"] >= 1
    assert [(m["name"], m["version"], m["state"]) for m in data["models"]] == [
        ("add_two", 1, "AVAILABLE"), ("dummy", 1, "AVAILABLE")]
    dummy = model_entry(data, "dummy")["compiled"]
    reference = compiled_in_process(models_dir)
    # OpenVINO gives one stream for NUM_STREAMS 2 with one thread: the page says what it did.
    assert str(dummy["streams"]) == reference["NUM_STREAMS"]
    assert str(dummy["threads"]) == reference["INFERENCE_NUM_THREADS"]
    assert dummy["precision"] == reference["INFERENCE_PRECISION_HINT"]
    assert dummy["hint"] == reference["PERFORMANCE_HINT"]
    assert dummy["pinning"] == reference["ENABLE_CPU_PINNING"]
    assert dummy["nireq"] == DUMMY_NIREQ
    assert dummy["device"] == "CPU" and dummy["max_batch_size"] == 0
    # add_two's threads come from the server's budget split: what its compiled model reports.
    add_two = model_entry(data, "add_two")["compiled"]
    assert str(add_two["threads"]) == logged_property(server.log, "add_two",
                                                      "INFERENCE_NUM_THREADS")
    assert str(add_two["streams"]) == logged_property(server.log, "add_two", "NUM_STREAMS")


def test_data_counts_requests_in_its_history(server):
    before = model_entry(status_data(server), "dummy")["now"]["requests"]
    sent = 40
    with BusyClients(server, "dummy", dummy_inputs(), count=2) as clients:
        wait_until(lambda: clients.answers >= sent, timeout=30, what="answers")
    assert not clients.errors
    total = before + clients.answers
    bad = requests.post(f"http://{server.rest_url}/v2/models/dummy/infer", timeout=30,
                        json={"inputs": [{"name": "b", "shape": [1, 3], "datatype": "FP32",
                                          "data": [1, 2, 3]}]})
    assert bad.status_code == 400
    # A point per second: wait for the one that holds the last answers.
    dummy = wait_until(lambda: (lambda m: m if sum(p["requests"] for p in m["history"]) == total
                                and m["now"]["failures"] == 1 else None)(
        model_entry(status_data(server), "dummy")), timeout=10, what="history")
    assert dummy["now"]["requests"] == total
    stats = requests.get(f"http://{server.rest_url}/v2/models/dummy/stats", timeout=30).json()
    assert stats["model_stats"][0]["inference_stats"]["success"]["count"] == total
    busy = [p for p in dummy["history"] if p["requests"] > 0]
    assert busy
    for point in busy:
        assert 0 < point["p50_ms"] <= point["p90_ms"] <= point["p99_ms"]
        assert point["queue_ms"] >= 0 and point["infer_ms"] > 0
        assert point["rps"] > 0 and point["concurrency"] > 0
    assert all(p["p50_ms"] is None for p in dummy["history"] if p["requests"] == 0)


class PageText(HTMLParser):
    """The rendered DOM's model cards and charts."""

    def __init__(self):
        super().__init__()
        self.models, self.chart_points, self.body_models = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-model" in attrs:
            self.models.append((attrs["data-model"], attrs["data-version"]))
        if tag == "svg" and "data-points" in attrs:
            self.chart_points.append(int(attrs["data-points"]))
        if tag == "body":
            self.body_models = attrs.get("data-models")


def test_a_browser_renders_every_model_and_live_charts_under_load(server, log_dir):
    page = requests.get(f"http://{server.rest_url}/", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    with BusyClients(server, "dummy", dummy_inputs(), count=3, pause=0.002) as clients:
        wait_until(lambda: sum(p["requests"] for p in model_entry(
            status_data(server), "dummy")["history"]) > 0, timeout=10, what="a history point")
        url = f"http://{server.rest_url}/status"
        dom = chromium(url, "--dump-dom")
        screenshot = log_dir / "status_page.png"
        chromium(url, "--hide-scrollbars", "--window-size=1280,1000",
                 f"--screenshot={screenshot}")
    assert not clients.errors
    parsed = PageText()
    parsed.feed(dom)
    assert parsed.models == [("add_two", "1"), ("dummy", "1")], dom[:3000]
    assert parsed.body_models == "2"
    assert len(parsed.chart_points) == 8  # four charts per model
    dummy_charts = parsed.chart_points[4:]
    assert all(points > 0 for points in dummy_charts), parsed.chart_points
    assert "nireq" in dom and "streams" in dom and "f32" in dom
    assert screenshot.stat().st_size > 10_000, "screenshot missing or blank"
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_off_flag_leaves_the_paths_as_ovms_answers_them(models_dir, log_dir):
    args = model_args("dummy", models_dir, F32, ["--status_page=false"])
    with running_server(args, log_dir) as off:
        for path in ("/", "/status", "/status/data"):
            answer = requests.get(f"http://{off.rest_url}{path}", timeout=30)
            assert answer.status_code == 400, path
            assert answer.json() == {"error": "Invalid request URL"}
        assert requests.get(f"http://{off.rest_url}/v1/config", timeout=30).status_code == 200


def test_the_data_endpoint_takes_no_input(server):
    plain = requests.get(f"http://{server.rest_url}/status/data", timeout=30)
    odd = requests.get(f"http://{server.rest_url}/status/data?models=" + "x" * 5000, timeout=30)
    assert plain.status_code == odd.status_code == 200
    assert set(odd.json()) == {"server", "models"}
    assert requests.post(f"http://{server.rest_url}/status/data", timeout=30).status_code == 406


def test_compiled_settings_as_an_optional_metric_family(models_dir, log_dir):
    plugin = {**DUMMY_PLUGIN, "INFERENCE_NUM_THREADS": 2}
    args = model_args("dummy", models_dir, plugin,
                      ["--nireq", "2", "--metrics_enable",
                       "--metrics_list", "ovms_compiled_model_info,ovms_streams"])
    with running_server(args, log_dir) as started:
        text = requests.get(f"http://{started.rest_url}/metrics", timeout=30).text
        compiled = model_entry(status_data(started), "dummy")["compiled"]
    series = [line for line in text.splitlines()
              if line.startswith("ovms_compiled_model_info{")]
    assert len(series) == 1, text
    labels = dict(re.findall(r'(\w+)="([^"]*)"', series[0]))
    assert series[0].endswith("} 1")
    assert labels == {"name": "dummy", "version": "1", "device": compiled["device"],
                      "hint": compiled["hint"], "streams": str(compiled["streams"]),
                      "threads": "2", "precision": "f32", "pinning": compiled["pinning"],
                      "nireq": "2", "max_batch_size": "0"}
    assert list(labels) == sorted(labels)
    assert f'ovms_streams{{name="dummy",version="1"}} {compiled["streams"]}' in text


def test_batched_requests_count_one_by_one(models_dir, log_dir):
    args = model_args("dummy", models_dir, F32,
                      ["--nireq", "1", "--dynamic_batching_max_batch_size", "4",
                       "--dynamic_batching_max_queue_delay_us", "20000"])
    with running_server(args, log_dir) as started:
        with BusyClients(started, "dummy", dummy_inputs(), count=4, protocol="rest") as clients:
            wait_until(lambda: clients.answers >= 40, timeout=30, what="answers")
        assert not clients.errors
        dummy = wait_until(lambda: (lambda m: m if sum(p["requests"] for p in m["history"])
                                    == clients.answers else None)(
            model_entry(status_data(started), "dummy")), timeout=10, what="history")
    assert dummy["compiled"]["max_batch_size"] == 4 and dummy["compiled"]["nireq"] == 1
    assert dummy["now"]["requests"] == clients.answers
