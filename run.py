"""Front door of the community-governance simulation. See README.md and `python run.py -h`."""

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())
