"""A tiny route table: rest/*.py modules register handlers with `@route(method, template)`."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


@dataclass
class Req:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any = None
    files: list[dict] = field(default_factory=list)  # {"index", "filename", "content", ...}
    reason: str | None = None

    def int(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            from tests.emulator.errors import form_error

            raise form_error(name, "NUMBER_TYPE_COERCE", "Value is not snowflake.") from None


Handler = Callable[["Emulator", Req], Awaitable[Any]]


@dataclass
class Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    literal: int


ROUTES: list[Route] = []


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        literal = sum(1 for s in template.split("/") if s and not s.startswith("{"))
        ROUTES.append(Route(method, template, re.compile(f"^{pattern}$"), handler, literal))
        ROUTES.sort(key=lambda r: -r.literal)
        return handler

    return register


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for r in ROUTES:
        if r.method == method:
            m = r.regex.match(path)
            if m:
                return r, m.groupdict()
    return None
