"""Shared pieces for unit tests of the cognitive steps: one agent's services, scripted LLM."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from agents.cognition.grounding import persona_prompt_identity
from agents.cognition.places import KnownArena, KnownPlaces
from agents.cognition.routine import DayTemplate, parse_routine
from agents.cognition.services import AgentServices
from agents.llm.accounting import Ledger
from agents.llm.gateway import LLMGateway
from agents.llm.settings import LLMSettings
from agents.llm.templates import PromptLibrary
from agents.memory.factory import open_memory
from agents.memory.index import ChromaSettings
from agents.memory.stream import MemoryStream
from agents.persona import Persona
from simulation.events import Event, EventKind
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.llm import ScriptedBackend

NOW = datetime(2026, 2, 13, 8, 0)  # a Friday
NAME = "Ada Park"

HOME = KnownArena(
    address="Rose Cottage:bedroom",
    label="Rose Cottage, bedroom",
    objects={"bed": "Rose Cottage:bedroom:bed", "desk": "Rose Cottage:bedroom:desk"},
)
CAFE = KnownArena(
    address="Corner Cafe:counter",
    label="Corner Cafe, counter",
    objects={"coffee machine": "Corner Cafe:counter:coffee machine"},
)
PARK = KnownArena(address="Town Park:lawn", label="Town Park, lawn")
PLACES = KnownPlaces(
    arenas=(HOME, CAFE, PARK),
    home_arena=HOME.address,
    bed="Rose Cottage:bedroom:bed",
    home_sector="Rose Cottage",
    work_sector="Corner Cafe",
)
PERSONA = Persona(
    name=NAME,
    age=30,
    occupation="a barista",
    home="Rose Cottage",
    workplace="Corner Cafe",
    wake_time="07:00",
    sleep_time="22:00",
    routines=("opens the cafe at 08:00", "lunch at 12:30 at the counter"),
)
WORK_HOURS = (8 * 60, 17 * 60)


def clock(hhmm: str) -> int:
    """Minutes after midnight of an ``HH:MM`` time."""
    hours, minutes = map(int, hhmm.split(":"))
    return hours * 60 + minutes


def day_template(persona: Persona = PERSONA, places: KnownPlaces = PLACES) -> DayTemplate:
    """The usual day of ``persona`` (who works at the cafe, 08:00–17:00, Monday–Saturday)."""
    routine, workdays = parse_routine(persona.routines, places, CAFE.address, WORK_HOURS)
    return DayTemplate(
        wake=clock(persona.wake_time),
        sleep=clock(persona.sleep_time),
        home=HOME.address,
        kitchen=HOME.address,
        work=CAFE.address,
        work_hours=WORK_HOURS,
        routine=routine,
        workdays=workdays,
    )


TEMPLATE = day_template()
NOT_JSON = "this is not json"


def reply(**fields) -> str:
    """A scripted model reply: the fields as a JSON object."""
    return json.dumps(fields)


async def _no_sleep(delay: float) -> None:
    return None


@dataclass
class Agent:
    """One agent's services with the scripted backend behind them and the events recorded."""

    services: AgentServices
    backend: ScriptedBackend
    events: list[Event] = field(default_factory=list)

    @property
    def memory(self) -> MemoryStream:
        return self.services.memory

    def events_of(self, kind: EventKind) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    def prompts(self) -> list[str]:
        """The last user message of each request sent to the model."""
        return [r.messages[-1]["content"] for r in self.backend.requests]

    def schema_names(self) -> list[str]:
        return [r.response_format["json_schema"]["name"] for r in self.backend.requests]


@pytest.fixture
def memory(tmp_path):
    stream = open_memory(tmp_path / "run", HashingEmbedder(), ChromaSettings(ephemeral=True))
    yield stream
    stream.close()


@pytest.fixture
def make_agent(memory):
    """Builds an agent whose LLM replies come from ``script`` (no output retries by default)."""

    def make(script, places: KnownPlaces = PLACES, **settings) -> Agent:
        backend = ScriptedBackend(script)
        options = {"output_retries": 0, **settings}
        gateway = LLMGateway(
            LLMSettings(model="scripted/test", cache=False, **options),
            backend,
            PromptLibrary(),
            Ledger(),
            sleep=_no_sleep,
        )
        events: list[Event] = []
        services = AgentServices(
            persona=PERSONA,
            prompt_identity=persona_prompt_identity(PERSONA),
            places=places,
            llm=gateway,
            memory=memory,
            record=events.append,
        )
        return Agent(services, backend, events)

    return make
