"""Injected things, each named once as an `Annotated` alias."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine
from sqlmodel import Session

from api.settings import Settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """One session per request; it only opens, rolls back on error and closes (handlers commit)."""
    with Session(engine) as session:
        try:
            yield session
        except Exception:
            session.rollback()
            raise


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


class PageParams:
    """Offset paging: `limit` (1-500, default 50) and `offset` (0 or more)."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=500, description="Items per page, 1 to 500.")] = 50,
        offset: Annotated[
            int, Query(ge=0, le=2**31 - 1, description="Number of matching items to skip.")
        ] = 0,
    ) -> None:
        self.limit = limit
        self.offset = offset


PageDep = Annotated[PageParams, Depends()]
