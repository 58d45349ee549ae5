"""deploy/kubernetes: every rendered object against the Kubernetes API schemas (the
kubernetes-validate package, strict: unknown fields fail), then the rules the objects must keep
between them: probes, termination timing, selectors, flags mserve knows, the pinned-cores QoS and
the custom-metrics rule."""
import json
import re
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml

import kustomize_render
from conftest import KUBERNETES, KUSTOMIZATIONS, REPO, check_flags_known, flag_values, only

# The oldest Kubernetes minor still widely run and the newest the schemas cover.
KUBERNETES_VERSIONS = ["1.29.0", kubernetes_validate.latest_version()]


def mserve_container(objects):
    pod = only(objects, "Deployment")["spec"]["template"]["spec"]
    containers = [c for c in pod["containers"] if c["name"] == "mserve"]
    assert len(containers) == 1
    return pod, containers[0]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_every_object_validates_against_the_kubernetes_schemas(rendered, kustomization, version):
    objects = rendered[kustomization]
    assert {o["kind"] for o in objects} >= {"Deployment", "Service", "ConfigMap",
                                            "PodDisruptionBudget", "HorizontalPodAutoscaler"}
    for obj in objects:
        kubernetes_validate.validate(obj, version, strict=True)


def test_schema_validation_rejects_a_misspelt_probe_field(rendered):
    objects = kustomize_render.render(KUBERNETES / "base")
    _, container = mserve_container(objects)
    container["readinessProbe"]["httpGet"]["paht"] = "/v2/health/ready"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(only(objects, "Deployment"), KUBERNETES_VERSIONS[-1],
                                     strict=True)


def sorted_by_identity(objects):
    return sorted(objects, key=lambda o: (o["kind"], o["metadata"]["name"]))


@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_offline_rendering_matches_real_kustomize(rendered, kustomization):
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("no kubectl here (Debian packages no kustomize): rendered offline only")
    output = subprocess.run([kubectl, "kustomize", str(KUBERNETES / kustomization)],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    real = [doc for doc in yaml.safe_load_all(output) if doc]
    assert sorted_by_identity(rendered[kustomization]) == sorted_by_identity(real)


@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_probes_use_the_health_endpoints_on_declared_ports(rendered, kustomization):
    _, container = mserve_container(rendered[kustomization])
    expected = {"startupProbe": "/v2/health/ready", "readinessProbe": "/v2/health/ready",
                "livenessProbe": "/v2/health/live"}
    port_names = {p["name"]: p["containerPort"] for p in container["ports"]}
    args = flag_values(container["args"])
    rest_port = int(args["rest_port"])
    models = [m["config"]["name"] for m in json.loads(
        only(rendered[kustomization], "ConfigMap")["data"]["config.json"])["model_config_list"]]
    for probe_name, path in expected.items():
        probe = container[probe_name]
        # gRPC health names follow readiness (the server, or one model): never for liveness,
        # which must stay true while the server drains.
        if "grpc" in probe and probe_name != "livenessProbe":
            assert probe["grpc"]["port"] == int(args["port"]), probe_name
            assert probe["grpc"].get("service", "") in ["", *models], probe_name
            continue
        assert probe["httpGet"]["path"] == path, probe_name
        port = probe["httpGet"]["port"]
        assert port_names.get(port, port) == rest_port, probe_name
    # Budget for model loading: the startup probe allows minutes, not the default 30 s.
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300


def pre_stop_seconds(container):
    pre_stop = container.get("lifecycle", {}).get("preStop")
    if not pre_stop:
        return 0
    if "sleep" in pre_stop:
        return pre_stop["sleep"]["seconds"]
    command = pre_stop["exec"]["command"]
    assert re.fullmatch(r"(/usr)?/bin/sleep", command[0]) and len(command) == 2, command
    return int(command[1])


@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_grace_period_covers_pre_stop_drain_and_in_flight_requests(rendered, kustomization):
    pod, container = mserve_container(rendered[kustomization])
    args = flag_values(container["args"])
    drain = int(args["drain_seconds"])
    in_flight = int(args["shutdown_timeout_seconds"])
    pre_stop = pre_stop_seconds(container)
    assert drain > 0 and in_flight > 0 and pre_stop > 0
    # A margin for the process to exit after the in-flight timeout, before the kubelet's KILL.
    assert pod["terminationGracePeriodSeconds"] >= pre_stop + drain + in_flight + 2


@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_arguments_are_flags_mserve_knows(rendered, kustomization, mserve_flags):
    _, container = mserve_container(rendered[kustomization])
    check_flags_known(container["args"], mserve_flags)


@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_selectors_and_references_meet(rendered, kustomization):
    objects = rendered[kustomization]
    deployment = only(objects, "Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    pod, container = mserve_container(objects)
    matches = lambda selector: all(pod_labels.get(k) == v for k, v in selector.items())
    assert matches(deployment["spec"]["selector"]["matchLabels"])
    assert "replicas" not in deployment["spec"], "the autoscaler owns the replica count"
    container_ports = {p["name"] for p in container["ports"]}
    for service in [o for o in objects if o["kind"] == "Service"]:
        assert matches(service["spec"]["selector"]), service["metadata"]["name"]
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in container_ports
    assert matches(only(objects, "PodDisruptionBudget")["spec"]["selector"]["matchLabels"])
    target = only(objects, "HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    claims = {o["metadata"]["name"] for o in objects if o["kind"] == "PersistentVolumeClaim"}
    config_maps = {o["metadata"]["name"] for o in objects if o["kind"] == "ConfigMap"}
    for volume in pod["volumes"]:
        if "configMap" in volume:
            assert volume["configMap"]["name"] in config_maps
        if "persistentVolumeClaim" in volume:
            assert volume["persistentVolumeClaim"]["claimName"] in claims


def test_config_json_lists_models_under_the_mounted_folders(rendered):
    objects = rendered["base"]
    _, container = mserve_container(objects)
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    config_path = flag_values(container["args"])["config_path"]
    assert config_path == mounts["config"] + "/config.json"
    config = json.loads(only(objects, "ConfigMap")["data"]["config.json"])
    models = [entry["config"] for entry in config["model_config_list"]]
    assert models
    for model in models:
        assert model["base_path"].startswith(mounts["models"] + "/"), model


def is_guaranteed_with_whole_cores(container):
    resources = container.get("resources", {})
    requests, limits = resources.get("requests", {}), resources.get("limits", {})
    cpu = str(limits.get("cpu", ""))
    return (set(requests) == set(limits) == {"cpu", "memory"} and requests == limits
            and cpu.isdigit() and int(cpu) >= 1)


def test_pinned_cores_overlay_gets_exclusive_cores_under_the_static_policy(rendered):
    _, pinned = mserve_container(rendered["overlays/pinned-cores"])
    _, base = mserve_container(rendered["base"])
    assert is_guaranteed_with_whole_cores(pinned), pinned["resources"]
    # The base is Burstable (memory limit above its request): the check tells them apart.
    assert not is_guaranteed_with_whole_cores(base)


def test_custom_metric_comes_from_the_prometheus_adapter_rule(rendered):
    hpa = only(rendered["overlays/custom-metrics"], "HorizontalPodAutoscaler")
    kinds = [m["type"] for m in hpa["spec"]["metrics"]]
    assert kinds == ["Resource", "Pods"]
    pods_metric = hpa["spec"]["metrics"][1]["pods"]
    assert pods_metric["target"]["type"] == "AverageValue"
    values = yaml.safe_load(
        (KUBERNETES / "overlays/custom-metrics/prometheus-adapter-values.yaml").read_text())
    rules = [r for r in values["rules"]["custom"] if r["name"]["as"] == pods_metric["metric"]["name"]]
    assert len(rules) == 1, "no adapter rule serves the autoscaler's metric"
    rule = rules[0]
    series = re.match(r"^([a-z_:]+)\{", rule["seriesQuery"]).group(1)
    assert re.search(rule["name"]["matches"], series)
    # A Pods metric must map to pods and namespaces, and the query must use the adapter's
    # template variables, or the adapter serves nothing per pod.
    assert {k: v["resource"] for k, v in rule["resources"]["overrides"].items()} == {
        "namespace": "namespace", "pod": "pod"}
    for variable in ("<<.Series>>", "<<.LabelMatchers>>", "<<.GroupBy>>"):
        assert variable in rule["metricsQuery"]
    # The series is one mserve exports (OVMS's family name, without a _total suffix).
    metric_sources = "".join(p.read_text() for p in (REPO / "src" / "metrics").glob("*.cpp"))
    assert f'"{series}"' in metric_sources
