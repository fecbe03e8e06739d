# The analysis package lives in analysis/; the shared fixtures (incubsim
# binary, source tree) come from tests/conftest.py.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "analysis"))
