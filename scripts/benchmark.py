"""Benchmark this site against a bare Material site: `python -m kb benchmark`.

Kept as a script path because the README and older notes name it; the code is
in kb/tools/benchmark.py.
"""

import sys

from kb.tools.benchmark import main

if __name__ == "__main__":
    sys.exit(main())
