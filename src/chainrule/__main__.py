"""``python -m chainrule``: the same command line as ``chainrule``."""
import sys

from .cli.main import main

sys.exit(main())
