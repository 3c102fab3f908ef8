"""The ``helhet`` command. Each area has its own Typer module; this one only puts them together."""

from __future__ import annotations

import typer

from helhet.cli import audit as audit_cli
from helhet.cli import db as db_cli
from helhet.cli import users as users_cli

app = typer.Typer(
    help="Helhet: a shared pathway around the person in substance-use treatment.\n\n"
    "Start with 'helhet init' (creates or upgrades the database and loads reference data), "
    "then 'helhet users add' and 'helhet serve'. Settings come from HELHET_* environment variables.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("init")(db_cli.init)
app.command("serve")(db_cli.serve)
app.add_typer(users_cli.app, name="users")
app.add_typer(audit_cli.app, name="audit")


def _register_areas() -> None:
    """Other areas (demo, synth, atlas, ...) add themselves: each ``helhet.cli`` module with ``register(app)``."""
    import importlib
    import pkgutil

    from helhet import cli

    for info in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"helhet.cli.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


_register_areas()


if __name__ == "__main__":
    app()
