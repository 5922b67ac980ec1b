"""Speaking up on community affairs (rung 1, 建言献策): suggestions, and whether anyone answers.

Summary of rule: every resident on rung 1 or above makes suggestions on community affairs
at a weekly rate, through whatever channels exist (the channels' cost is in the rung's
hours, set by the model from the platform and resident channels). Suggestions are answered
as far as someone has time to answer them: the residents' committee from its free staff
time, and under the information platform the departments it routes them to. An answered
suggestion raises the resident's efficacy, an unanswered one lowers it: the same rule as a
household's reported problems (Verba, Schlozman and Brady 1995: participation that is
answered grows). Institutions set only how many answers there are time for
(`reply_capacity`); who is answered is drawn at random among the suggestions made.
"""

from __future__ import annotations

import numpy as np

from model.experience import powers


class Speaking:
    """Mixin of `Population`: suggestions made, answered, and what that teaches."""

    def speak_up(self, rng: np.random.Generator) -> tuple[int, int]:
        """This week's suggestions and answers; returns (made, answered)."""
        p = self.p
        speakers = (self.level >= 1).nonzero()[0]
        made = rng.poisson(p.suggestion_rate, len(speakers))
        total = int(made.sum())
        if total == 0:
            return 0, 0
        chance = min(1.0, self.reply_capacity / total)
        answered = rng.binomial(made, chance)
        e = p.efficacy_rate
        eff = self.efficacy[speakers]
        eff = 1.0 - (1.0 - eff) * powers(1.0 - e, answered)
        self.efficacy[speakers] = eff * powers(1.0 - e, made - answered)
        return total, int(answered.sum())
