"""Validate the bot's requests against Discord's official OpenAPI spec (openapi.json).

The spec is loaded once per process; one validator per (operation, content type) is
built on first use and cached."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).with_name("openapi.json")
SPEC_URI = "urn:discord-openapi"
METHODS = ("get", "put", "post", "patch", "delete")

# Where the preview spec disagrees with what Discord accepts (and discord.py sends).
# Each entry: (method, path template, regex on the error text). Keep it short and commented.
# "*" matches any method / template.
ALLOWED: list[tuple[str, str, str]] = [
    # Permission bitfields: Discord documents (and discord.py sends) them as strings of digits;
    # the preview spec types some as integer (role create/edit). Discord accepts both.
    ("*", "*", r"(permissions|allow|deny): '\d+' is not of type 'integer'"),
    # Upload placeholders: discord.py sends `attachments: [{"id": 0, ...}]` (the files[n]
    # index as an integer); Discord accepts it, the spec wants a snowflake string.
    ("*", "*", r"attachments/\d+/id: \d+ is not of type 'string'"),
]


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    regex: re.Pattern[str]
    literal_segments: int


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


@cache
def operations() -> list[Operation]:
    ops = []
    for template, item in spec()["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        literal = sum(1 for s in template.split("/") if s and not s.startswith("{"))
        for method in METHODS:
            if method in item:
                ops.append(Operation(method.upper(), template, re.compile(f"^{pattern}$"), literal))
    # prefer literal segments (".../reactions/{emoji}/@me" before ".../{user_id}")
    ops.sort(key=lambda o: -o.literal_segments)
    return ops


def find_operation(method: str, path: str) -> Operation | None:
    for op in operations():
        if op.method == method and op.regex.match(path):
            return op
    return None


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@cache
def body_validator(method: str, template: str, content_type: str) -> Draft202012Validator | None:
    op = spec()["paths"][template][method.lower()]
    body = op.get("requestBody")
    if not body or content_type not in body.get("content", {}):
        return None
    ref = f"{SPEC_URI}#/" + _pointer(
        "paths", template, method.lower(), "requestBody", "content", content_type, "schema"
    )
    return Draft202012Validator({"$ref": ref}, registry=registry())


def body_required(method: str, template: str) -> bool:
    op = spec()["paths"][template][method.lower()]
    return bool(op.get("requestBody", {}).get("required"))


_RESULTS: dict[tuple[str, str, str, str], list[str]] = {}


def validate_body(method: str, template: str, content_type: str, body: Any) -> list[str]:
    """Error strings (empty when valid). `content_type` is application/json or multipart.
    Results are memoised per identical body (the command list is re-sent on every start)."""
    key = (method, template, content_type, json.dumps(body, sort_keys=True, default=str))
    if key not in _RESULTS:
        if len(_RESULTS) > 4096:
            _RESULTS.clear()
        _RESULTS[key] = _validate_body(method, template, content_type, body)
    return list(_RESULTS[key])


def _validate_body(method: str, template: str, content_type: str, body: Any) -> list[str]:
    op_body = spec()["paths"][template][method.lower()].get("requestBody")
    if body is None:
        return (
            ["request body required by the spec but none sent"]
            if (op_body and op_body.get("required"))
            else []
        )
    if not op_body:
        return [f"spec defines no request body for {method} {template}, got {body!r:.200}"]
    validator = body_validator(method, template, content_type)
    if validator is None:
        return [f"content type {content_type} not accepted; spec has {list(op_body['content'])}"]
    errors = []
    body = _id_ints_as_strings(body)
    if validator.is_valid(body):  # most bodies: one pass, not the retry loop's two
        return errors
    body = _snowflake_ints_as_strings(validator, body)
    for error in validator.iter_errors(body):
        where = "/".join(str(p) for p in error.absolute_path) or "<body>"
        best = _best_leaf(error)
        text = f"{where}: {best}"
        if not any(
            m in ("*", method) and t in ("*", template) and re.search(rx, text)
            for m, t, rx in ALLOWED
        ):
            errors.append(text)
    return errors


def _best_leaf(error: Any) -> str:
    """anyOf/oneOf errors are unhelpful at the top; show the deepest relevant message."""
    if error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        where = "/".join(str(p) for p in deepest.absolute_path)
        return f"{error.message[:200]} (deepest: {where}: {deepest.message[:200]})"
    return error.message[:300]


def _snowflake_ints_as_strings(validator: Draft202012Validator, body: Any) -> Any:
    """Discord accepts snowflakes as JSON integers (discord.py sends parent_id, recipient_id,
    overwrite ids… as ints) while the spec types them as strings: where an integer fails
    validation, retry it as a string; keep the change only if that fixes the error."""
    for _ in range(50):
        changed = False
        for error in validator.iter_errors(body):
            path = list(error.absolute_path)
            value = error.instance
            if isinstance(value, int) and not isinstance(value, bool) and value >= 1 << 32 and path:
                candidate = _set(copy.deepcopy(body), path, str(value))
                before = len(list(validator.iter_errors(body)))
                if len(list(validator.iter_errors(candidate))) < before:
                    body, changed = candidate, True
                    break
        if not changed:
            return body
    return body


_ID_LISTS = ("users", "roles", "role_ids", "exempt_roles", "exempt_channels")


def _id_ints_as_strings(body: Any, key: str = "") -> Any:
    """Discord accepts every snowflake as a JSON integer too (discord.py sends
    `allowed_mentions.users`, `attachments[].id`, `channel_id`… as ints). Normalise ids by
    key name before validating, also under a root oneOf the retry below cannot reach."""
    if isinstance(body, dict):
        return {k: _id_ints_as_strings(v, k) for k, v in body.items()}
    if isinstance(body, list):
        inner = key if key in _ID_LISTS else ""
        return [_id_ints_as_strings(v, inner) for v in body]
    is_id = key == "id" or key.endswith("_id") or key in _ID_LISTS
    if is_id and isinstance(body, int) and not isinstance(body, bool):
        return str(body)
    return body


def _set(doc: Any, path: list, value: Any) -> Any:
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return doc
