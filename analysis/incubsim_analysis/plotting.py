"""matplotlib for every figure the package draws (reports, the sensitivity
command, the experiments): imported only when a figure is drawn, on the
Agg backend, with matplotlib's default style so a user's matplotlibrc does
not change the pictures."""
from __future__ import annotations

__all__ = ["pyplot"]


def pyplot():
    """matplotlib.pyplot, Agg backend, default style."""
    import matplotlib
    matplotlib.use("Agg", force=True)
    matplotlib.rcdefaults()
    import matplotlib.pyplot as plt
    return plt
