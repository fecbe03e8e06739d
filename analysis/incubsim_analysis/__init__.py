"""Analysis of incubsim results: load run, comparison and sweep files into
pandas (long format, a column per varied parameter), sensitivity indices,
reports. Importing it has no side effects; the command line is
`python3 -m incubsim_analysis --help` (with analysis/ on PYTHONPATH) or
the wrapper script analysis/incubsim-analysis.

Needs Debian's python3-h5py, python3-pandas, python3-numpy (and
python3-scipy / python3-matplotlib for some commands), which belong to
/usr/bin/python3.
"""
from .errors import AnalysisError, FormatError

__all__ = ["AnalysisError", "FormatError"]
