"""Errors the analysis tools raise: each says what went wrong and how to
fix it; the command line prints the message without a traceback."""


class AnalysisError(Exception):
    """A problem with the input or the request (exit status 2)."""

    exit_status = 2


class FormatError(AnalysisError):
    """A file that is not what was expected: not HDF5, another format, or a
    newer major version than this package reads."""
