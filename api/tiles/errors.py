"""Bad input on the tile routes is a 400 (OGC API - Common), in the standard error shape.

The JSON API answers invalid query values with 422; OGC API clients expect 400 for an
invalid parameter. This route class turns both kinds of validation failure into the same
body with status 400, so the filters and their messages stay exactly those of the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from models.errors import InvalidInputError

BAD_REQUEST = 400


class BadRequestRoute(APIRoute):
    """An APIRoute whose validation errors (FastAPI's or the filter's) answer 400.

    `bad_input_status` tells refusals made before routing (`api.http.query_repeats`) too.
    """

    bad_input_status: ClassVar[int] = BAD_REQUEST

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (RequestValidationError, InvalidInputError) as exc:
                handlers = request.app.exception_handlers
                on_error = next(handlers[k] for k in type(exc).__mro__ if k in handlers)
                response: Response = await on_error(request, exc)
                response.status_code = self.bad_input_status
                return response

        return answer
