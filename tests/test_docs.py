"""The docs stay complete: every setting and every command is documented."""

from __future__ import annotations

from pathlib import Path

import typer

from helhet.cli.main import app
from helhet.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[str]:
    names = []
    for command in typer_app.registered_commands:
        names.append(f"{prefix}{command.name or command.callback.__name__}")  # type: ignore[union-attr]
    for group in typer_app.registered_groups:
        names.extend(_commands(group.typer_instance, f"{prefix}{group.name} "))  # type: ignore[arg-type]
    return names


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    for name in Settings.model_fields:
        assert f"HELHET_{name.upper()}" in text, f"HELHET_{name.upper()} missing from docs/configuration.md"


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in _commands(app):
        assert f"helhet {command}" in readme, f"'helhet {command}' missing from README.md"
