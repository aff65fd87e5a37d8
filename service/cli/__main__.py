"""`python -m service.cli`: the `scorecard` command."""

import sys

from service.cli import main

sys.exit(main())
