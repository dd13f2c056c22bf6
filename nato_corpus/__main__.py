"""python -m nato_corpus: the same as the `nato-corpus` command."""

import sys

from .cli import main

sys.exit(main())
