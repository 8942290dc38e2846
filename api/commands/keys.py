"""`neetmap keys create|list|rotate|revoke`: API keys for partner LAs, moderators and admins.

A new key is printed once, alone on stdout (so it can be piped into a secret store); only its
hash is kept. A partner's LAs are checked against the loaded boundaries when the key is made;
a region stands for every LA in it, and a mayoral combined authority for its constituent LAs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from api.commands.common import database_session, fail, say, warn
from geodata.errors import GeodataError
from models.geography.catalogue import (
    NO_BOUNDARIES,
    AreaCatalogue,
    boundary_version,
    load_catalogue,
)
from models.geography.combined_authorities import combined_authority_named, find_combined_authority
from models.partners.accounts import ROLES, Role
from models.partners.keys import KeyInfo, create_key, list_keys, revoke_key, rotate_key
from models.partners.scope import resolve_las

app = typer.Typer(help="Issue, list and revoke API keys.", no_args_is_help=True)


def _scope(
    session: Session, las: list[str], regions: list[str], authorities: list[str]
) -> list[str]:
    """Current LA codes for the --la, --region and --combined-authority values."""
    version = boundary_version(session)
    if version is None:
        fail(NO_BOUNDARIES)
    catalogue = load_catalogue(session, version)
    members = [code for name in authorities for code in find_combined_authority(name).la_codes]
    resolved = resolve_las(catalogue, [*las, *members], field="--la")
    if resolved.problems or resolved.ambiguous:
        fail("\n".join(p.message for p in (*resolved.problems, *resolved.ambiguous)))
    for warning in resolved.warnings:
        warn(warning)
    codes = list(resolved.codes)
    for region in regions:
        codes += catalogue.las_in_region(_region(catalogue, region))
    return list(dict.fromkeys(codes))


def _region(catalogue: AreaCatalogue, name: str) -> str:
    """The region's code; a combined authority's name given as a region gets a pointer."""
    try:
        return catalogue.resolve_region(name)
    except GeodataError:
        authority = combined_authority_named(name)
        if authority is None:
            raise
        fail(
            f"{authority.name} is a combined authority, not a region: use "
            f"--combined-authority '{name}' for its LAs."
        )


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
    combined_authority: Annotated[
        list[str] | None,
        typer.Option(
            help="A mayoral combined authority, e.g. 'West Yorkshire': its constituent LAs "
            "(repeat for more)."
        ),
    ] = None,
) -> None:
    """Issue a key and print it once; only its hash is stored."""
    if role not in ROLES:
        fail(f"--role must be one of {', '.join(ROLES)}, not '{role}'.")
    chosen: Role = role
    if chosen != "partner" and (la or region or combined_authority):
        fail(
            "Moderator and admin keys cover every LA; give --la, --region or "
            "--combined-authority only to partners."
        )
    with database_session() as session:
        codes = (
            _scope(session, la or [], region or [], combined_authority or [])
            if chosen == "partner"
            else []
        )
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
        table.add_row(str(key.id), key.prefix, key.name, key.role, las, _revoked(key))
    Console().print(table)


@app.command("rotate")
def keys_rotate(
    key: Annotated[str, typer.Argument(help="The key's id or prefix (from `neetmap keys list`).")],
    overlap_hours: Annotated[
        float,
        typer.Option(min=0, help="How long the old key keeps working beside the new one."),
    ] = 24.0,
) -> None:
    """Replace a key: print a new one (same holder, role and LAs) once; the old one keeps
    working for the overlap, then stops."""
    with database_session() as session:
        old, new, secret = rotate_key(session, key.strip(), timedelta(hours=overlap_hours))
        session.commit()
    until = f"{old.expires_at:%Y-%m-%d %H:%M} UTC" if old.expires_at else "now"
    say(f"Created {_describe(new)}; {old.prefix} works until {until}. Store the key now.")
    typer.echo(secret)


def _revoked(key: KeyInfo) -> str:
    if key.revoked:
        return "yes"
    return f"from {key.expires_at:%Y-%m-%d %H:%M} UTC" if key.expires_at else ""


@app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="The key's id or prefix (from `neetmap keys list`).")],
) -> None:
    """Revoke a key at once; its history stays attributed to it."""
    with database_session() as session:
        info = revoke_key(session, key.strip())
        session.commit()
    say(f"Revoked {_describe(info)}.")
