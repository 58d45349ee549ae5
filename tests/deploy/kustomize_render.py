"""Renders deploy/kubernetes kustomizations offline, without a kustomize binary.

Debian ships no kustomize (and its kubectl 1.20 embeds a kustomize too old for `resources:`
folders), so the tests render with this small implementation of the three fields the
kustomizations use: `resources` (files and folders), `patches` (strategic-merge patch files)
and `images`. Any other field is an error, so a kustomization that grows past what is
implemented here fails loudly instead of rendering wrongly. Where a real kustomize is installed
(`kubectl kustomize`), test_kubernetes_manifests.py checks that both render the same objects.
"""
import copy
from pathlib import Path

import yaml

SUPPORTED_FIELDS = {"apiVersion", "kind", "resources", "patches", "images"}

# Strategic-merge keys of the lists the manifests patch (Kubernetes API `patchMergeKey`s); every
# other list is replaced whole, as strategic merge does for lists without a merge key.
LIST_MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "env": "name",
    "ports": "containerPort",
}


class KustomizeError(Exception):
    pass


def load_documents(path):
    with open(path, encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc is not None]


def render(folder):
    """The objects `kustomize build folder` would print, in the order of `resources`."""
    folder = Path(folder)
    kustomization = load_documents(folder / "kustomization.yaml")[0]
    unknown = set(kustomization) - SUPPORTED_FIELDS
    if unknown:
        raise KustomizeError(f"{folder}: fields not implemented here: {sorted(unknown)}")
    objects = []
    for entry in kustomization.get("resources", []):
        path = folder / entry
        objects += render(path) if path.is_dir() else load_documents(path)
    for patch_entry in kustomization.get("patches", []):
        if set(patch_entry) != {"path"}:
            raise KustomizeError(f"{folder}: only `path` patches are implemented: {patch_entry}")
        for patch in load_documents(folder / patch_entry["path"]):
            apply_patch(objects, patch, folder)
    for image in kustomization.get("images", []):
        set_image(objects, image)
    return objects


def identity(obj):
    return obj["kind"], obj["metadata"]["name"]


def apply_patch(objects, patch, folder):
    targets = [obj for obj in objects if identity(obj) == identity(patch)]
    if len(targets) != 1:
        raise KustomizeError(f"{folder}: patch {identity(patch)} matches {len(targets)} objects")
    merged = strategic_merge(targets[0], patch, "")
    targets[0].clear()
    targets[0].update(merged)


def strategic_merge(base, patch, field):
    if isinstance(patch, dict) and isinstance(base, dict):
        if patch.get("$patch") == "replace":
            return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
        merged = copy.deepcopy(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value, key)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(patch, list) and isinstance(base, list) and field in LIST_MERGE_KEYS:
        return merge_keyed_list(base, patch, LIST_MERGE_KEYS[field], field)
    return copy.deepcopy(patch)


def merge_keyed_list(base, patch, key, field):
    merged = copy.deepcopy(base)
    for item in patch:
        position = next((i for i, old in enumerate(merged) if old.get(key) == item.get(key)), None)
        if position is None:
            merged.append(copy.deepcopy(item))
        else:
            merged[position] = strategic_merge(merged[position], item, field)
    return merged


def pod_specs(obj):
    """The pod specs inside a workload object (Deployment-like or Pod)."""
    spec = obj.get("spec", {})
    if obj["kind"] == "Pod":
        return [spec]
    template = spec.get("template", {}).get("spec")
    return [template] if template else []


def set_image(objects, image):
    for obj in objects:
        for pod in pod_specs(obj):
            for container in pod.get("containers", []) + pod.get("initContainers", []):
                name, _, tag = container["image"].partition(":")
                if name != image["name"]:
                    continue
                name = image.get("newName", name)
                tag = image.get("newTag", tag)
                container["image"] = f"{name}:{tag}" if tag else name
