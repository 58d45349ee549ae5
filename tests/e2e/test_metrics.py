"""Prometheus /metrics on the REST port (REFERENCE.md §6): OVMS's families, labels and
buckets, counters that move by exactly the requests sent, --metrics_list, and the errors."""
import re
import subprocess

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

from conftest import BINARY, free_port, model_args, require_binary, running_server

LABELS = 'name="dummy",version="1"'


@pytest.fixture(scope="module")
def metrics_server(models_dir, log_dir):
    with running_server(model_args("dummy", models_dir, extra=["--metrics_enable"]),
                        log_dir) as server:
        yield server


def scrape(server):
    response = requests.get(f"http://{server.rest_url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return response.text


def sample(text, series):
    """The value of one exact series line, 0 if absent."""
    match = re.search(r"^" + re.escape(series) + r" (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def counter(text, family, api, interface, method):
    return sample(text, f'{family}{{api="{api}",interface="{interface}",method="{method}",'
                        f'{LABELS}}}')


def infer(client_module, client, shape):
    data = np.zeros(shape, np.float32)
    tensor = client_module.InferInput("b", list(shape), "FP32")
    tensor.set_data_from_numpy(data)
    return client.infer("dummy", [tensor])


def test_counters_and_histograms_move_by_exactly_the_requests_sent(metrics_server):
    before = scrape(metrics_server)
    grpc = grpcclient.InferenceServerClient(metrics_server.grpc_url)
    rest = httpclient.InferenceServerClient(metrics_server.rest_url)
    for _ in range(3):
        infer(grpcclient, grpc, (1, 10))
    for _ in range(2):
        infer(httpclient, rest, (1, 10))
    with pytest.raises(Exception):
        infer(grpcclient, grpc, (1, 11))  # wrong shape: counted as a failure
    after = scrape(metrics_server)

    def moved(family, interface):
        return (counter(after, family, "KServe", interface, "ModelInfer") -
                counter(before, family, "KServe", interface, "ModelInfer"))

    assert moved("ovms_requests_success", "gRPC") == 3
    assert moved("ovms_requests_success", "REST") == 2
    assert moved("ovms_requests_fail", "gRPC") == 1
    assert moved("ovms_requests_fail", "REST") == 0

    def count(series):
        return sample(after, series) - sample(before, series)

    assert count(f'ovms_request_time_us_count{{interface="gRPC",{LABELS}}}') == 4
    assert count(f'ovms_request_time_us_count{{interface="REST",{LABELS}}}') == 2
    assert count(f"ovms_inference_time_us_count{{{LABELS}}}") == 5
    assert count(f"ovms_wait_for_infer_req_time_us_count{{{LABELS}}}") == 5
    # Buckets are OVMS's and cumulative: +Inf holds every observation.
    assert count(f'ovms_inference_time_us_bucket{{{LABELS},le="+Inf"}}') == 5
    assert f'ovms_inference_time_us_bucket{{{LABELS},le="1474755971"}}' in after
    assert sample(after, f"ovms_current_requests{{{LABELS}}}") == 0
    assert sample(after, f"ovms_streams{{{LABELS}}}") >= 1


def test_default_families_and_types(metrics_server):
    text = scrape(metrics_server)
    for family, kind in [("ovms_requests_success", "counter"), ("ovms_requests_fail", "counter"),
                         ("ovms_request_time_us", "histogram"),
                         ("ovms_inference_time_us", "histogram"),
                         ("ovms_wait_for_infer_req_time_us", "histogram"),
                         ("ovms_streams", "gauge"), ("ovms_current_requests", "gauge")]:
        assert f"# TYPE {family} {kind}" in text
    assert "ovms_infer_req_queue_size" not in text  # optional, off by default
    # Status methods carry no version label (OVMS).
    assert ('ovms_requests_success{api="KServe",interface="gRPC",method="ModelReady",'
            'name="dummy"} ') in text


def test_metrics_list_enables_only_the_named_families(models_dir, log_dir):
    args = model_args("dummy", models_dir, extra=[
        "--metrics_enable", "--metrics_list", "ovms_infer_req_queue_size,ovms_infer_req_active"])
    with running_server(args, log_dir) as server:
        text = scrape(server)
    assert sample(text, f"ovms_infer_req_queue_size{{{LABELS}}}") >= 1
    assert "ovms_infer_req_active" in text
    assert "ovms_requests_success" not in text


def test_metrics_off_means_no_route(models_dir, log_dir):
    with running_server(model_args("dummy", models_dir), log_dir) as server:
        response = requests.get(f"http://{server.rest_url}/metrics", timeout=10)
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid request URL"}


def test_unknown_family_fails_start(models_dir):
    require_binary()
    result = subprocess.run(
        [str(BINARY), *[str(a) for a in model_args("dummy", models_dir)], "--port",
         str(free_port()), "--rest_port", str(free_port()), "--metrics_enable",
         "--metrics_list", "ovms_bogus"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Invalid name in metrics_list - ovms_bogus" in result.stdout + result.stderr


def test_metadata_and_status_requests_are_counted(metrics_server):
    before = scrape(metrics_server)
    grpc = grpcclient.InferenceServerClient(metrics_server.grpc_url)
    rest = httpclient.InferenceServerClient(metrics_server.rest_url)
    grpc.get_model_metadata("dummy")
    grpc.get_model_metadata("dummy")
    assert rest.is_model_ready("dummy")
    after = scrape(metrics_server)
    metadata = 'ovms_requests_success{api="KServe",interface="gRPC",method="ModelMetadata",' + \
        LABELS + '}'
    ready = 'ovms_requests_success{api="KServe",interface="REST",method="ModelReady",' + \
        'name="dummy"}'
    assert sample(after, metadata) - sample(before, metadata) == 2
    assert sample(after, ready) - sample(before, ready) == 1
