"""Party-building leadership (A2a, B1): the submodel that organises the Party's members.

Who is a Party member is drawn in every model from the "party" stream, so the same seed
builds the same community in every scenario; `party_leadership` only organises them.
"""

from __future__ import annotations

import numpy as np
from mesa.time import Schedule

from agents.party.agent import PartyCommittee
from agents.party.params import PartyParams
from model.ports import Model

MECHANISM = "party_leadership"


class PartyLeadership:
    """The submodel: coordination drifts every step, meetings restore it, branches organise.

    The handlers' coordination is the model's (`model.coordination`, read by the service
    line): the Party committee's work meetings are what raise it.
    """

    def __init__(self, model: Model[PartyParams], committee: PartyCommittee) -> None:
        self.model, self.committee = model, committee
        self.meetings = None  # Mesa EventGenerator of the monthly work meetings

    def switch_on(self, name: str) -> None:
        """Organise branches and groups, hold the first meeting now, then every interval."""
        if name != MECHANISM:
            return
        m, party = self.model, self.committee
        party.organise()
        party.work_meeting()
        m.coordination = party.coordination
        interval = m.p.party_meeting_interval
        # Meetings run after the step at their time, so their effect is felt from the next.
        self.meetings = m.schedule_recurring(
            self.meet, Schedule(interval=interval, start=m.time + interval))

    def meet(self) -> None:
        self.committee.work_meeting()
        self.model.coordination = self.committee.coordination

    def prepare(self, now: int) -> None:
        if not self.model.mechanisms[MECHANISM]:
            return
        party = self.committee
        party.drift()
        self.model.coordination = party.coordination

    def offer(self, now: int) -> None:
        if self.model.mechanisms[MECHANISM]:
            self.committee.offer()

    def moved_out(self, households: np.ndarray) -> None:
        """Newcomers are Party members at the community's shares, like everyone else (drawn
        with them): the roll is re-read."""
        self.committee.refresh_members()
