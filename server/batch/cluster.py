"""Connecting to Ray: a local cluster for one machine, or an existing one by address.

Shared by ``batch --executor ray`` and ``serve --ray-address``. An address that cannot be
reached is refused up front (:class:`ClusterUnreachable`, exit 2) with a TCP probe, before
``ray.init`` would retry for a minute. Workers import Reelgraph from this checkout: the repo
root goes on their ``PYTHONPATH`` (cluster nodes must have the same checkout at the same path,
and see the output folder and ``--cache-dir`` on a shared file system).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
LOCAL_OBJECT_STORE = 200 << 20  # frames never travel through the object store: outputs are files
PROBE_SECONDS = 3.0
_local_temp: list[str] = []


class ClusterUnreachable(ConnectionError):
    """No Ray cluster at the address given; the message says which and what to try."""


def connect(address: str | None, *, num_cpus: int | None = None, num_gpus: int | None = None) -> bool:
    """Connect this process to Ray; returns True when this call connected it (and so the caller
    disconnects), False when it already was connected.

    ``address``: None starts a local cluster sized to this machine; ``auto`` finds one started
    with ``ray start`` on this machine; ``HOST:PORT`` is a cluster's GCS and ``ray://HOST:PORT``
    its client server.
    """
    if address is not None:
        probe(address)
        _send_token_if_any()  # before Ray is imported: it reads its auth settings then
    import ray

    if ray.is_initialized():
        return False
    runtime_env = {"env_vars": {"PYTHONPATH": str(REPO)}}
    if address is None:
        _local_temp.append(tempfile.mkdtemp(prefix="rg-ray-"))  # short: Ray's socket paths must fit 107 bytes
        ray.init(
            num_cpus=num_cpus or os.cpu_count() or 1,
            num_gpus=num_gpus,
            include_dashboard=False,
            object_store_memory=LOCAL_OBJECT_STORE,
            _temp_dir=_local_temp[-1],
            _node_ip_address="127.0.0.1",
            log_to_driver=False,
            runtime_env=runtime_env,
        )
        return True
    error: Exception | None = None
    for _ in range(CLIENT_ATTEMPTS if address.startswith("ray://") else 1):
        try:
            ray.init(address=address, log_to_driver=False, runtime_env=runtime_env)
            return True
        except (ConnectionError, TimeoutError, RuntimeError) as exc:
            error = exc
            if SERVER_START_FAILED not in str(exc):
                break
            ray.shutdown()  # nothing is connected; the next attempt gets a fresh server
    raise ClusterUnreachable(f"no Ray cluster at --ray-address {address}: {error}") from None


# Ray Client's proxier starts one server process per connecting driver. On a loaded machine that
# start can fail inside Ray (its proxier reads the command line of a process that already exited:
# psutil.ZombieProcess) while the next connection's start succeeds; the driver then sees this text.
SERVER_START_FAILED = "Initialization failure from server"
CLIENT_ATTEMPTS = 3


def _send_token_if_any() -> None:
    """Since Ray 2.59, ``ray start`` clusters demand the token of ``~/.ray/auth_token`` while a
    driver sends none unless ``RAY_AUTH_MODE=token``; a cluster without authentication ignores it.
    So send the token when there is one and the user chose no mode. (Ray reads these settings
    when it is imported, so this must run first.)"""
    has_token = any(os.environ.get(v) for v in ("RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH"))
    if "RAY_AUTH_MODE" not in os.environ and (has_token or (Path.home() / ".ray" / "auth_token").is_file()):
        os.environ["RAY_AUTH_MODE"] = "token"


def probe(address: str) -> None:
    """Fail fast when nothing listens at ``address`` (``auto`` is left to Ray, which knows where
    a local ``ray start`` wrote its address)."""
    if address == "auto":
        return
    hostport = address.removeprefix("ray://")
    host, sep, port = hostport.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ClusterUnreachable(f"--ray-address {address!r}: expected auto, HOST:PORT or ray://HOST:PORT")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_SECONDS):
            pass
    except OSError as exc:
        raise ClusterUnreachable(
            f"no Ray cluster at --ray-address {address}: {exc.strerror or exc} "
            "(start one with `ray start --head`, or check the host and port)"
        ) from None


def disconnect() -> None:
    """Leave the cluster (a local cluster this process started stops with it)."""
    import ray

    if ray.is_initialized():
        ray.shutdown()
    while _local_temp:  # the logs and sockets of a local cluster this process started
        shutil.rmtree(_local_temp.pop(), ignore_errors=True)


def slots(resource: str, per_variant: float = 1.0) -> int:
    """How many variants the cluster can run at once asking ``per_variant`` of ``resource`` each."""
    import ray

    total = float(ray.cluster_resources().get(resource, 0.0))
    return max(int(total // per_variant), 0)


def cluster_info() -> dict[str, Any]:
    """The cluster's nodes, GPUs and load, for ``GET /api/system``."""
    import ray

    total, free = ray.cluster_resources(), ray.available_resources()
    nodes = []
    for n in ray.nodes():
        resources = n.get("Resources", {})
        nodes.append(
            {
                "id": n.get("NodeID"),
                "address": n.get("NodeManagerAddress"),
                "alive": bool(n.get("Alive")),
                "cpus": resources.get("CPU", 0.0),
                "gpus": resources.get("GPU", 0.0),
                "memory": resources.get("memory", 0.0),
            }
        )

    def used(name: str) -> float | None:
        if not total.get(name):
            return None
        return round(1.0 - free.get(name, 0.0) / total[name], 4)

    return {
        "nodes": nodes,
        "alive_nodes": sum(n["alive"] for n in nodes),
        "cpus": total.get("CPU", 0.0),
        "gpus": total.get("GPU", 0.0),
        "available": {"cpus": free.get("CPU", 0.0), "gpus": free.get("GPU", 0.0)},
        "load": {"cpu": used("CPU"), "gpu": used("GPU")},
    }
