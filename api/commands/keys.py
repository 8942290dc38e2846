"""`neetmap keys create|list|revoke`: API keys for partner LAs, moderators and admins.

A new key is printed once, alone on stdout (so it can be piped into a secret store); only its
hash is kept. A partner's LAs are checked against the loaded boundaries when the key is made,
and a region stands for every LA in it.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from api.commands.common import database_session, fail, say, warn
from models.account import ROLES, Role
from models.catalogue import NO_BOUNDARIES, boundary_version, load_catalogue
from models.queries.accounts import KeyInfo, create_key, list_keys, revoke_key
from models.scope import resolve_las

app = typer.Typer(help="Issue, list and revoke API keys.", no_args_is_help=True)


def _scope(session: Session, las: list[str], regions: list[str]) -> list[str]:
    """Current LA codes for the --la and --region values, read through the crosswalk."""
    version = boundary_version(session)
    if version is None:
        fail(NO_BOUNDARIES)
    catalogue = load_catalogue(session, version)
    resolved = resolve_las(catalogue, las, field="--la")
    if resolved.problems or resolved.ambiguous:
        fail("\n".join(p.message for p in (*resolved.problems, *resolved.ambiguous)))
    for warning in resolved.warnings:
        warn(warning)
    codes = list(resolved.codes)
    for region in regions:
        codes += catalogue.las_in_region(catalogue.resolve_region(region))
    return list(dict.fromkeys(codes))


def _describe(key: KeyInfo) -> str:
    scope = ", ".join(key.la_codes) if key.la_codes else "every LA"
    return f"key {key.id} '{key.name}' ({key.role}, prefix {key.prefix}; writes to {scope})"


@app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="Who holds the key, e.g. 'Leeds NEET team'.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "partner",
    la: Annotated[
        list[str] | None, typer.Option(help="An LA the key may write to (repeat for more).")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option(help="A region: every LA in it (repeat for more).")
    ] = None,
) -> None:
    """Issue a key and print it once; only its hash is stored."""
    if role not in ROLES:
        fail(f"--role must be one of {', '.join(ROLES)}, not '{role}'.")
    chosen: Role = role
    if chosen != "partner" and (la or region):
        fail("Moderator and admin keys cover every LA; give --la or --region only to partners.")
    with database_session() as session:
        codes = _scope(session, la or [], region or []) if chosen == "partner" else []
        info, secret = create_key(session, name, chosen, codes)
        session.commit()
    say(f"Created {_describe(info)}. Store the key now: it is not shown again.")
    typer.echo(secret)


@app.command("list")
def keys_list() -> None:
    """Every key ever issued: id, prefix, holder, role, LAs, and whether it is revoked."""
    with database_session() as session:
        keys = list_keys(session)
    table = Table("id", "prefix", "name", "role", "LAs", "revoked")
    for key in keys:
        las = ", ".join(key.la_codes) or "all"
        table.add_row(
            str(key.id), key.prefix, key.name, key.role, las, "yes" if key.revoked else ""
        )
    Console().print(table)


@app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="The key's id or prefix (from `neetmap keys list`).")],
) -> None:
    """Revoke a key at once; its history stays attributed to it."""
    with database_session() as session:
        info = revoke_key(session, key.strip())
        session.commit()
    say(f"Revoked {_describe(info)}.")
