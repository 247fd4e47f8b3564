"""Real servers for end-to-end tests: a Chroma server (``chroma run``) and the bundled runtime's
OpenAI-compatible HTTP listener (standing in for vLLM or a llama.cpp server)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SERVER_KEY = "gentown-local-server-key-123456"
"""The API key the OpenAI-compatible listener demands."""


def free_port() -> int:
    """A local TCP port nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _chroma_cli() -> str | None:
    beside_python = Path(sys.executable).with_name("chroma")
    return str(beside_python) if beside_python.exists() else shutil.which("chroma")


@contextmanager
def chroma_server(folder: Path) -> Iterator[int]:
    """Runs ``chroma run`` on a free port with its data in ``folder``; yields the port.

    Skips the test where the ``chroma`` CLI (installed with chromadb) is missing.
    """
    cli = _chroma_cli()
    if cli is None:
        pytest.skip("the `chroma` CLI (installed with chromadb) is not on this machine")
    import chromadb
    from chromadb.config import Settings

    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = folder / "chroma.log"
    with log_path.open("w") as log:
        command = [cli, "run", "--path", str(folder / "data"), "--host", "127.0.0.1"]
        server = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    settings = Settings(anonymized_telemetry=False)
                    chromadb.HttpClient(host="127.0.0.1", port=port, settings=settings).heartbeat()
                    break
                except Exception:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"chroma server did not start: {log_path.read_text()}")
                    time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextmanager
def openai_compatible_server(models_dir: Path) -> Iterator[str]:
    """Serves the bundled SmolLM2 over HTTP (key ``SERVER_KEY``); yields its URL.

    Skips the test where the runtime or the small model package is missing.
    """
    xllamacpp = pytest.importorskip("xllamacpp")
    from agents.llm.local_models import resolve_model_file

    try:
        path = resolve_model_file("smollm2-135m", models_dir)
    except Exception as exc:  # the small model package is not installed here
        pytest.skip(f"SmolLM2 not available: {exc}")
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_parallel = 2
    params.n_ctx = 2048
    params.verbosity = -1
    params.warmup = False
    params.api_keys = [SERVER_KEY]
    server = xllamacpp.Server(params)
    try:
        yield server.listening_address
    finally:
        del server
