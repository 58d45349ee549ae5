"""deploy/kserve: the runtimes and InferenceService examples against KServe's field rules
(kserve_checks.py), their container parts against the Kubernetes Container schema, and the
runtime selection KServe would make for each example."""
import copy

import kubernetes_validate
import pytest

import kserve_checks
from conftest import KSERVE, check_flags_known, flag_values
from kustomize_render import load_documents

RUNTIME_FILES = ["clusterservingruntime.yaml", "servingruntime.yaml"]
ISVC_FILES = sorted(p.name for p in KSERVE.glob("inferenceservice*.yaml"))
# The formats the OVMS runtime serves and KServe names.
FORMATS = ["openvino", "onnx", "tensorflow", "tflite", "paddle"]


def load_one(name):
    documents = load_documents(KSERVE / name)
    assert len(documents) == 1
    return documents[0]


def kserve_container(runtime):
    return next(c for c in runtime["spec"]["containers"] if c["name"] == "kserve-container")


def pod_with(containers, **pod_fields):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "check"},
            "spec": {"containers": containers, **pod_fields}}


@pytest.mark.parametrize("name", RUNTIME_FILES)
def test_runtime_follows_kserve_field_rules(name):
    assert kserve_checks.check_runtime(load_one(name)) == []


def test_kserve_checks_catch_broken_runtimes():
    runtime = load_one("servingruntime.yaml")
    broken = copy.deepcopy(runtime)
    spec = broken["spec"]
    spec["protocolVersions"].append("v3-rest")
    spec["supportedModelFormats"][0]["autoSelect"] = False
    spec["supportedModelFormats"][1]["version"] = 1
    spec["multiModel"] = True
    spec["modelFormats"] = []
    kserve_container(broken)["args"].append("--model_name={{.Spec.Name}}")
    problems = kserve_checks.check_runtime(broken)
    assert len(problems) == 6, problems


def test_cluster_and_namespaced_runtimes_hold_the_same_spec():
    cluster, namespaced = (load_one(name) for name in RUNTIME_FILES)
    assert cluster["spec"] == namespaced["spec"]
    assert cluster["metadata"]["name"] == namespaced["metadata"]["name"]


@pytest.mark.parametrize("name", RUNTIME_FILES)
def test_runtime_container_is_a_valid_kubernetes_container(name):
    runtime = load_one(name)
    pod = pod_with(runtime["spec"]["containers"])
    kubernetes_validate.validate(pod, kubernetes_validate.latest_version(), strict=True)


@pytest.mark.parametrize("isvc_name", ISVC_FILES)
def test_runtime_arguments_filled_for_the_example_are_mserve_flags(isvc_name, mserve_flags):
    isvc = load_one(isvc_name)
    container = kserve_container(load_one("servingruntime.yaml"))
    args = [kserve_checks.fill_placeholders(a, isvc["metadata"]) for a in container["args"]]
    values = flag_values(args)
    assert values["model_name"] == isvc["metadata"]["name"]
    assert values["model_path"] == kserve_checks.MODEL_MOUNT
    check_flags_known(args, mserve_flags)


def test_runtime_ports_probes_and_metrics_agree():
    runtime = load_one("servingruntime.yaml")
    container = kserve_container(runtime)
    args = flag_values(container["args"])
    rest_port = int(args["rest_port"])
    # Knative accepts one declared port; it is the REST one the probes use.
    assert [p["containerPort"] for p in container["ports"]] == [rest_port]
    assert container["ports"][0]["name"] in ("http1", "h2c")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["port"] == rest_port
    assert container["startupProbe"]["httpGet"]["path"] == "/v2/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/v2/health/live"
    annotations = runtime["spec"]["annotations"]
    assert annotations["prometheus.kserve.io/port"] == str(rest_port)
    assert annotations["prometheus.kserve.io/path"] == "/metrics"
    assert args.get("metrics_enable") is True
    # KServe pods keep Kubernetes' default 30 s grace period: drain and in-flight fit in it.
    assert int(args["drain_seconds"]) + int(args["shutdown_timeout_seconds"]) + 2 <= 30


@pytest.mark.parametrize("isvc_name", ISVC_FILES)
def test_inference_service_example_selects_the_mserve_runtime(isvc_name):
    isvc = load_one(isvc_name)
    assert kserve_checks.check_inference_service(isvc) == []
    for runtime_file in RUNTIME_FILES:
        assert kserve_checks.selection_problems(isvc, load_one(runtime_file)) == []
    overrides = {k: v for k, v in isvc["spec"]["predictor"]["model"].items()
                 if k not in kserve_checks.PREDICTOR_MODEL_FIELDS}
    # Container fields the example adds (ports...) must be valid container fields.
    container = {"name": "kserve-container", "image": "mserve", **overrides}
    kubernetes_validate.validate(pod_with([container]), kubernetes_validate.latest_version(),
                                 strict=True)


@pytest.mark.parametrize("model_format", FORMATS)
def test_runtime_is_auto_selected_for_each_ovms_format(model_format):
    # No runtime and no protocolVersion: KServe picks among autoSelect formats and counts the
    # predictor as v1.
    isvc = {"apiVersion": kserve_checks.ISVC_API, "kind": "InferenceService",
            "metadata": {"name": "m"},
            "spec": {"predictor": {"model": {"modelFormat": {"name": model_format},
                                             "storageUri": "pvc://models/m"}}}}
    assert kserve_checks.check_inference_service(isvc) == []
    runtime = load_one("clusterservingruntime.yaml")
    assert kserve_checks.selection_problems(isvc, runtime) == []
    other_format = copy.deepcopy(isvc)
    other_format["spec"]["predictor"]["model"]["modelFormat"]["name"] = "sklearn"
    assert kserve_checks.selection_problems(other_format, runtime) != []
