"""Fixtures for the deployment-manifest tests: rendered kustomizations and mserve's flag list.

Environment: MSERVE_BINARY  server binary whose --help lists the flags (default
build/release/mserve); the manifests' arguments must all be flags it knows.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

import kustomize_render

REPO = Path(__file__).resolve().parents[2]
KUBERNETES = REPO / "deploy" / "kubernetes"
KSERVE = REPO / "deploy" / "kserve"
BINARY = Path(os.environ.get("MSERVE_BINARY", REPO / "build" / "release" / "mserve"))
KUSTOMIZATIONS = ["base"] + sorted(
    f"overlays/{p.name}" for p in (KUBERNETES / "overlays").iterdir() if p.is_dir())


@pytest.fixture(scope="session")
def rendered():
    """kustomization folder (relative to deploy/kubernetes) -> rendered objects."""
    return {name: kustomize_render.render(KUBERNETES / name) for name in KUSTOMIZATIONS}


@pytest.fixture(scope="session")
def mserve_flags():
    if not BINARY.is_file():
        pytest.fail(f"server binary {BINARY} does not exist; run scripts/build first")
    result = subprocess.run([str(BINARY), "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    flags = set(re.findall(r"^\s+--([a-z0-9_]+)", result.stdout, re.MULTILINE))
    assert {"port", "rest_port", "model_path"} <= flags, result.stdout
    return flags


# Flags of the graceful drain the manifests already use; until the server has them, tests that
# check arguments against --help report an expected failure naming them instead of passing.
PENDING_FLAGS = {"drain_seconds", "shutdown_timeout_seconds"}


def check_flags_known(args, mserve_flags):
    unknown = {flag_name(arg) for arg in args} - mserve_flags
    assert not unknown - PENDING_FLAGS, f"mserve --help does not list {sorted(unknown)}"
    if unknown:
        pytest.xfail(f"this mserve does not have the drain flags yet: {sorted(unknown)}")


def flag_name(arg):
    match = re.match(r"^--([a-z0-9_]+)(=|$)", arg)
    assert match, f"argument {arg!r} is not of the form --flag or --flag=value"
    return match.group(1)


def flag_values(args):
    """--flag=value arguments as a dict (bare --flag maps to True)."""
    values = {}
    for arg in args:
        name, sep, value = arg[2:].partition("=")
        values[name] = value if sep else True
    return values


def only(objects, kind):
    found = [obj for obj in objects if obj["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]
