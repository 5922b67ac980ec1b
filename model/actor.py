"""An actor's declaration (`Actor`) and what its installation plugs into a model (`Parts`).

Each home in agents/ exports one `Actor`: its parameter sections, its mechanisms (the
article's switches it carries), its measures, its pathways, the actors it needs, and its
`install`. The composition root hands the list of actors to `model.house.assemble`, which
builds the registries; a model installs the actors in that order, giving each the faces of
the actors it needs, and plugs the returned `Parts` into the core's ports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from model.measures import Measure
from model.pathways import Pathway
from model.ports import (
    Detector,
    Handler,
    Hook,
    IssueSource,
    MovedOut,
    ServiceLine,
    Switch,
    VoiceSaving,
)
from model.schema import Mechanism


@dataclass(frozen=True)
class Parts:
    """What one installed actor plugs into the model; everything but `face` is optional.

    `face` is what the actors that need this one are given; `public` names the objects the
    model shows as attributes (`m.government`, `m.organizations`, ...). Hooks run once a
    week in the order of the actors (docs/ODD.md 3): prepare, then the service loop, offer,
    the households' decisions, act, turnover, then moved_out.
    """

    face: object
    public: Mapping[str, object] = field(default_factory=dict)
    handlers: tuple[Handler, ...] = ()  # one per stage it handles issues at
    line: ServiceLine | None = None  # its reform of the administrative line
    detect: Detector | None = None  # it finds unvoiced issues
    voice_saving: VoiceSaving | None = None  # its channel makes voicing cheaper
    issues: IssueSource | None = None  # issues it raises itself
    prepare: Hook | None = None
    offer: Hook | None = None  # publishes places and roles (population.offers)
    act: Hook | None = None
    switch_on: Switch | None = None
    moved_out: MovedOut | None = None


@dataclass(frozen=True)
class Actor:
    """Everything the composition root needs to know of one actor, declared in its home.

    `install(model, **needed)` creates the actor in a model and returns its `Parts`; it is
    given the face of each actor named in `needs` (installed before it) as a keyword
    argument of that name. An actor's measures read its face.
    """

    name: str
    install: Callable[..., Parts]
    params: tuple[type, ...] = ()  # parameter sections (model/schema.py)
    mechanisms: tuple[Mechanism, ...] = ()
    measures: tuple[Measure, ...] = ()
    pathways: tuple[Pathway, ...] = ()
    needs: tuple[str, ...] = ()
