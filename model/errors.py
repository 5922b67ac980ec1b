"""Errors caused by what a user gave us (as opposed to bugs).

Every entry point catches `InputError`, prints its one-paragraph message and exits with
code 2; anything else is a bug and keeps its traceback.
"""


class InputError(ValueError):
    """Bad input: the message names the field, the value and what is allowed."""
