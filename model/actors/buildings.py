"""buildings: being built (issue 3)."""


def install(model) -> None:
    """Not yet implemented: installs nothing."""
