# Shared fixtures and helpers live in tests/pyhelpers/incubsim_testlib.py.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "pyhelpers"))

from incubsim_testlib import *  # noqa: E402,F401,F403  (registers the fixtures)
