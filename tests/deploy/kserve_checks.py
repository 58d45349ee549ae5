"""KServe's rules for ServingRuntime / ClusterServingRuntime and InferenceService objects.

No KServe CRD schema is available offline, so these are the fields and rules of KServe's
`serving.kserve.io` types (pkg/apis/serving/v1alpha1/servingruntime_types.go,
v1beta1/predictor_model.go) written out: allowed spec fields, model-format and protocol values,
the container template placeholders, and how an InferenceService selects a runtime. Each check
returns a list of problems (empty = fine) so a test can show them all at once.
"""
import re

RUNTIME_API = "serving.kserve.io/v1alpha1"
RUNTIME_KINDS = {"ServingRuntime", "ClusterServingRuntime"}
ISVC_API = "serving.kserve.io/v1beta1"
MODEL_MOUNT = "/mnt/models"
KSERVE_CONTAINER = "kserve-container"

RUNTIME_SPEC_FIELDS = {
    # ServingRuntimeSpec
    "supportedModelFormats", "protocolVersions", "multiModel", "disabled", "grpcEndpoint",
    "grpcDataEndpoint", "httpDataEndpoint", "replicas", "storageHelper", "builtInAdapter",
    "workerSpec",
    # inlined ServingRuntimePodSpec
    "containers", "volumes", "nodeSelector", "affinity", "tolerations", "labels", "annotations",
    "imagePullSecrets", "hostIPC", "schedulerName", "resourceClaims",
}
FORMAT_FIELDS = {"name", "version", "autoSelect", "priority"}
PROTOCOLS = ["v1", "v2", "grpc-v1", "grpc-v2"]  # in KServe's selection order
VERSION_PATTERN = re.compile(r"^\d+(\.\d+){0,2}$")
# Go text/template actions KServe can fill from the InferenceService's ObjectMeta.
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
KNOWN_ACTIONS = re.compile(r'^\s*(\.Name|\.Namespace|index \.(Labels|Annotations) "[^"]+")\s*$')

PREDICTOR_MODEL_FIELDS = {"modelFormat", "runtime", "storageUri", "protocolVersion",
                          "runtimeVersion", "storage"}


def check_runtime(runtime):
    problems = []
    if runtime.get("apiVersion") != RUNTIME_API or runtime.get("kind") not in RUNTIME_KINDS:
        problems.append(f"not a KServe runtime: {runtime.get('apiVersion')} {runtime.get('kind')}")
    spec = runtime.get("spec", {})
    problems += [f"unknown spec field {f}" for f in sorted(set(spec) - RUNTIME_SPEC_FIELDS)]
    problems += check_formats(spec.get("supportedModelFormats", []))
    problems += [f"unknown protocol {p}" for p in spec.get("protocolVersions", [])
                 if p not in PROTOCOLS]
    if spec.get("multiModel") or "grpcEndpoint" in spec:
        problems.append("a single-model runtime must not set multiModel or grpcEndpoint")
    containers = spec.get("containers") or []
    if not containers:
        problems.append("spec.containers is required")
    if KSERVE_CONTAINER not in [c.get("name") for c in containers]:
        problems.append(f"no container named {KSERVE_CONTAINER}")
    for container in containers:
        problems += check_placeholders(container)
    return problems


def check_formats(formats):
    problems = []
    if not formats:
        problems.append("supportedModelFormats is empty")
    for entry in formats:
        problems += [f"unknown format field {f}" for f in sorted(set(entry) - FORMAT_FIELDS)]
        if not entry.get("name"):
            problems.append(f"format without a name: {entry}")
        version = entry.get("version")
        if version is not None and not (isinstance(version, str) and VERSION_PATTERN.match(version)):
            problems.append(f"format {entry.get('name')}: version {version!r} is not a "
                            "\"major[.minor[.patch]]\" string")
        if "autoSelect" in entry and not isinstance(entry["autoSelect"], bool):
            problems.append(f"format {entry.get('name')}: autoSelect must be a boolean")
        if "priority" in entry:
            priority = entry["priority"]
            if not isinstance(priority, int) or isinstance(priority, bool) or priority < 1:
                problems.append(f"format {entry.get('name')}: priority must be an integer >= 1")
            if not entry.get("autoSelect"):
                problems.append(f"format {entry.get('name')}: priority needs autoSelect: true")
    return problems


def check_placeholders(container):
    problems = []
    for text in [*container.get("args", []), *container.get("command", [])]:
        for action in PLACEHOLDER.findall(text):
            if not KNOWN_ACTIONS.match(action):
                problems.append(f"template action {{{{{action}}}}} in {text!r} is not filled "
                                "by KServe from the InferenceService's metadata")
    return problems


def fill_placeholders(text, metadata):
    """What KServe's template rendering makes of `text` for an InferenceService's metadata."""
    def action(match):
        words = match.group(1).strip()
        if words == ".Name":
            return metadata["name"]
        if words == ".Namespace":
            return metadata.get("namespace", "default")
        field, key = re.match(r'index \.(Labels|Annotations) "([^"]+)"', words).groups()
        return metadata.get(field.lower(), {}).get(key, "")
    return PLACEHOLDER.sub(action, text)


def check_inference_service(isvc):
    problems = []
    if isvc.get("apiVersion") != ISVC_API or isvc.get("kind") != "InferenceService":
        problems.append(f"not an InferenceService: {isvc.get('apiVersion')} {isvc.get('kind')}")
    model = isvc.get("spec", {}).get("predictor", {}).get("model")
    if not model:
        return problems + ["spec.predictor.model is required"]
    if not model.get("modelFormat", {}).get("name"):
        problems.append("spec.predictor.model.modelFormat.name is required")
    if "protocolVersion" in model and model["protocolVersion"] not in PROTOCOLS:
        problems.append(f"unknown protocolVersion {model['protocolVersion']}")
    if not model.get("storageUri") and not model.get("storage"):
        problems.append("the model names no storageUri or storage")
    return problems


def selection_problems(isvc, runtime):
    """Why `runtime` would not serve `isvc` (KServe's runtime selection), empty if it would."""
    model = isvc["spec"]["predictor"]["model"]
    spec = runtime["spec"]
    explicit = model.get("runtime") is not None
    if explicit and model["runtime"] != runtime["metadata"]["name"]:
        return [f"the InferenceService asks for runtime {model['runtime']}"]
    if spec.get("disabled"):
        return ["the runtime is disabled"]
    wanted = model["modelFormat"]
    formats = [f for f in spec["supportedModelFormats"] if explicit or f.get("autoSelect")]
    if not any(f["name"] == wanted["name"]
               and ("version" not in wanted or f.get("version") == wanted["version"])
               for f in formats):
        return ["Specified runtime does not support specified framework/version"]
    # Without a protocolVersion KServe counts the predictor as v1 for auto-selection, and checks
    # no protocol when the runtime is named explicitly.
    protocol = model.get("protocolVersion", None if explicit else "v1")
    listed = spec.get("protocolVersions")
    if protocol and listed and protocol not in listed:
        return ["Specified runtime does not support specified protocol version"]
    return []
