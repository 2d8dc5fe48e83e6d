"""Small real data sets bundled with skrnn."""

from ._base import load_airline, load_sunspots

__all__ = ["load_airline", "load_sunspots"]
