"""Scorecard: a children's services outcomes performance scorecard."""

__version__ = "0.1.0"
