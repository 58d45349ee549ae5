"""The run-time advice (issue 15): a ResNet-shaped model served with one infer request to eight
concurrent clients (REST, a connection each) makes its requests queue far longer than they
infer; the server logs one advice line naming --nireq, with the numbers; the status data and
the page (in a browser) show it."""
import re
import time

import numpy as np
import pytest

from config_repo import wait_until
from conftest import F32, model_args, running_server
from status_support import BusyClients, chromium, model_entry, status_data

ADVICE = re.compile(r"Model resnet version 1: (\S+) requests in flight on average share 1 infer "
                    r"request\(s\) on (\d+) stream\(s\); they waited (\S+) ms for an infer "
                    r"request and inferred in (\S+) ms .*Consider --nireq (\d+)")


@pytest.fixture(scope="module")
def server(models_dir, log_dir):
    with running_server(model_args("resnet", models_dir, F32, ["--nireq", "1"]), log_dir) as s:
        yield s


def test_one_infer_request_for_eight_clients_gets_one_advice_line_naming_nireq(server):
    images = {"input_1:0": np.random.default_rng(5).random((1, 224, 224, 3), np.float32)}
    assert model_entry(status_data(server), "resnet")["advice"] is None
    with BusyClients(server, "resnet", images, count=8, protocol="rest") as clients:
        line = wait_until(lambda: ADVICE.search(server.log), timeout=90, interval=0.5,
                          what="the advice line")
        time.sleep(3)  # more samples that still advise: the log must not repeat it
        dom = chromium(f"http://{server.rest_url}/", "--dump-dom")
    assert not clients.errors
    in_flight, streams, waited, inferred, nireq = line.groups()
    assert float(in_flight) > 4  # 8 clients, a few in transit
    assert float(waited) > 2 * float(inferred)
    assert int(nireq) >= 2
    assert len(ADVICE.findall(server.log)) == 1, "advice logged more than once"
    advice = model_entry(status_data(server), "resnet")["advice"]
    assert advice is not None and ADVICE.search(advice["text"])
    assert int(streams) == model_entry(status_data(server), "resnet")["compiled"]["streams"]
    shown = re.search(r'<div class="advice">([^<]*)</div>', dom)
    assert shown and ADVICE.search(shown.group(1).replace("&#39;", "'")), dom[:3000]
