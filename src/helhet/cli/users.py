"""``helhet users``: add users, issue and revoke API tokens."""

from __future__ import annotations

import typer
from rich.console import Console

from helhet.db import unit_of_work
from helhet.errors import HelhetError
from helhet.users import service as users
from helhet.users import sessions as web_sessions
from helhet.users.actor import SYSTEM
from helhet.users.models import Role

app = typer.Typer(help="Users, roles, unit memberships and API tokens.", no_args_is_help=True)
console = Console()


def _fail(exc: HelhetError) -> None:
    console.print(f"[red]Error:[/red] {exc}")
    raise typer.Exit(code=1)


@app.command("add")
def add(
    username: str = typer.Argument(..., help="Lower-case user name, e.g. kari.nordmann."),
    full_name: str = typer.Option(..., "--name", help="Full name as shown to colleagues."),
    role: Role = typer.Option(..., help="coordinator, clinician, unit_leader, analyst or admin."),
    unit: list[str] = typer.Option([], help="Unit code (repeat for several), see GET /api/v1/units."),
    hpr: str | None = typer.Option(None, help="HPR number (health personnel register), optional."),
    password: str | None = typer.Option(
        None,
        help="Password for the web sign-in (at least 10 characters); prompted when omitted.",
    ),
    no_password: bool = typer.Option(False, help="API-only user without a password."),
) -> None:
    """Add a user with a role and unit memberships."""
    if password is None and not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work() as session:
            user = users.add_user(
                session,
                SYSTEM,
                users.NewUser(
                    username=username,
                    full_name=full_name,
                    role=role,
                    password=password,
                    unit_codes=tuple(unit),
                    hpr_number=hpr,
                ),
            )
            console.print(f"Added {user.username} ({role.value}) in {len(unit)} unit(s).")
    except HelhetError as exc:
        _fail(exc)


@app.command("token")
def token(
    username: str = typer.Argument(..., help="The user the token acts as."),
    days: int = typer.Option(90, help="Days until the token expires (1-366)."),
) -> None:
    """Issue an API bearer token and print it once (only its hash is stored)."""
    try:
        with unit_of_work() as session:
            row, clear = users.issue_token(session, SYSTEM, username, days)
            expires = row.expires_at.date().isoformat()
            token_id = row.id
    except HelhetError as exc:
        _fail(exc)
    console.print(f"Token {token_id} for {username}, expires {expires}:", highlight=False)
    print(clear)


@app.command("revoke")
def revoke(token_id: int = typer.Argument(..., help="The token id printed by 'helhet users token'.")) -> None:
    """Revoke an API token at once."""
    try:
        with unit_of_work() as session:
            users.revoke_token(session, SYSTEM, token_id)
    except HelhetError as exc:
        _fail(exc)
    console.print(f"Token {token_id} revoked.")


@app.command("sign-out")
def sign_out(username: str = typer.Argument(..., help="The user whose browser sessions end now.")) -> None:
    """End every browser session of a user at once (a lost or shared computer); they must sign in again."""
    try:
        with unit_of_work() as session:
            user = users.get_user_by_name(session, username)
            ended = web_sessions.end_all_sessions(session, SYSTEM, user.id)
    except HelhetError as exc:
        _fail(exc)
    console.print(f"{ended} browser session(s) of {username} ended.")
