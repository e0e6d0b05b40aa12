"""Imports every table module so ``SQLModel.metadata`` knows the whole schema.

Alembic's env and the tests import this; a new table module adds one line here.
"""

from storage import (
    arxiv_models,
    models,
    operator_models,
    slack_models,
    taste_models,
    vectors,
    workspace_models,
)

__all__ = [
    "arxiv_models",
    "models",
    "operator_models",
    "slack_models",
    "taste_models",
    "vectors",
    "workspace_models",
]
