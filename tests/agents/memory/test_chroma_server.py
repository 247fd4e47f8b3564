import shutil
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from agents.memory.factory import open_memory
from agents.memory.index import ChromaSettings
from tests.agents.memory.conftest import T0
from tests.doubles.embedder import HashingEmbedder


def _chroma_cli() -> str | None:
    beside_python = Path(sys.executable).with_name("chroma")
    return str(beside_python) if beside_python.exists() else shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    cli = _chroma_cli()
    if cli is None:
        pytest.skip("the `chroma` CLI (installed with chromadb) is not on this machine")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    server = subprocess.Popen(
        [
            cli,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        import chromadb
        from chromadb.config import Settings

        deadline = time.monotonic() + 60
        while True:
            try:
                client = chromadb.HttpClient(
                    host="127.0.0.1", port=port, settings=Settings(anonymized_telemetry=False)
                )
                client.heartbeat()
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"chroma server did not start: {(tmp_path / 'chroma.log').read_text()}"
                    )
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.slow
def test_memory_stream_over_a_chroma_server(tmp_path, chroma_server):
    settings = ChromaSettings(host="127.0.0.1", port=chroma_server)
    memory = open_memory(tmp_path / "run", HashingEmbedder(), settings, index_block=1)
    memory.add("Ada", "observation", "the bakery sells rye bread", T0, 3)
    memory.add("Ada", "observation", "a storm is coming tonight", T0, 3)
    memory.add("Bob", "observation", "Bob fixed the mill", T0, 4)
    memory.flush()
    assert memory.index.count("Ada") == 2 and memory.index.count("Bob") == 1
    ranked = memory.retrieve("Ada", "rye bread at the bakery", T0 + timedelta(hours=1), k=1)
    assert ranked[0].record.text == "the bakery sells rye bread"
    assert not (tmp_path / "run" / "chroma").exists()  # nothing embedded locally
    memory.close()

    # Reopening against the server finds the index in step; a lost vector is re-added.
    again = open_memory(tmp_path / "run", HashingEmbedder(), settings, index_block=1)
    assert again.index.ids("Ada") == {"Ada-1", "Ada-2"}
    again.index.delete("Ada", ["Ada-2"])
    again.close()
    third = open_memory(tmp_path / "run", HashingEmbedder(), settings, index_block=1)
    assert third.index.ids("Ada") == {"Ada-1", "Ada-2"}
    third.close()
