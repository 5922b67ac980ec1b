"""The core of the community-governance simulation: households, space, issues and the step.

It knows no actor: actors (agents/) plug into its ports (model/ports.py), and the
composition root (governance/) puts them together into `GovernanceModel`. No printing, no
files, no CLI in here.
"""

from model.errors import InputError

__all__ = ["InputError"]
