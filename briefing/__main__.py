"""`python -m briefing` runs the command line."""

import sys

from briefing.cli import main

if __name__ == "__main__":  # not when a worker process imports it
    sys.exit(main())
