"""The bundled model registry agrees with what `make setup` installs; installed models resolve."""

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest

from agents.llm.local_models import BUNDLED_MODELS, DEFAULT_MODEL

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"
MAKEFILE = PYPROJECT.with_name("Makefile")


def extras() -> dict[str, list[str]]:
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return data["project"]["optional-dependencies"]


def import_name(requirement: str) -> str:
    return requirement.split("==")[0].replace("-", "_")


def installed(spec_name: str) -> bool:
    return all(
        importlib.util.find_spec(import_name(r)) is not None
        for r in BUNDLED_MODELS[spec_name].packages
    )


def test_every_bundled_model_names_its_pinned_packages() -> None:
    for name, spec in BUNDLED_MODELS.items():
        assert spec.packages, name
        assert all(re.fullmatch(r"[a-z0-9.-]+==[0-9][0-9.]*", p) for p in spec.packages), name


def test_the_local_model_extra_installs_exactly_the_default_model() -> None:
    assert sorted(extras()["local-model"]) == sorted(BUNDLED_MODELS[DEFAULT_MODEL].packages)
    assert "gentown[local-model]" in BUNDLED_MODELS[DEFAULT_MODEL].install_hint


def test_make_setup_installs_the_local_model_extra() -> None:
    model_stamp_rule = MAKEFILE.read_text(encoding="utf-8").split("$(MODEL_STAMP): ")[1]
    assert "local-model" in model_stamp_rule.split("touch $@")[0]


def test_each_extra_naming_a_model_installs_all_of_its_parts() -> None:
    by_package = {p: name for name, spec in BUNDLED_MODELS.items() for p in spec.packages}
    for extra, requirements in extras().items():
        models = {by_package[r] for r in requirements if r in by_package}
        for model in models:
            assert set(BUNDLED_MODELS[model].packages) <= set(requirements), (extra, model)


@pytest.mark.parametrize(
    "name", [n for n, spec in BUNDLED_MODELS.items() if spec.join], ids=lambda n: n
)
def test_installed_chunked_model_parts_are_found_in_order(name: str) -> None:
    if not installed(name):
        pytest.skip(f"{name} parts not installed")
    spec = BUNDLED_MODELS[name]
    parts = spec.locate_parts()
    assert len(parts) == len(spec.packages)
    assert all(p.is_file() for p in parts)
    with parts[0].open("rb") as handle:
        assert handle.read(4) == b"GGUF"


def test_default_model_is_installed_when_make_setup_ran() -> None:
    venv = PYPROJECT.with_name(".venv")
    if Path(sys.prefix).resolve() != venv.resolve() or not (venv / ".gentown-model").exists():
        pytest.skip("not running in a venv where make setup installed the model")
    assert installed(DEFAULT_MODEL)
