"""Imports every table so ``Base.metadata`` is complete (Alembic, tests and the CLI import this module).

Every ``helhet.<domain>.models`` module is found and imported, so a new domain needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil

import helhet
from helhet.db import Base


def import_all_models() -> list[str]:
    found = []
    for module in pkgutil.iter_modules(helhet.__path__):
        if module.ispkg:
            name = f"helhet.{module.name}.models"
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            found.append(name)
    return found


MODEL_MODULES = import_all_models()

__all__ = ["MODEL_MODULES", "Base"]
