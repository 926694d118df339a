"""REST metrics label a call by its route, never by an id, a token or an emoji (one
label value per route, however many messages and interactions there are)."""

from __future__ import annotations

import pytest

from core.metrics import route_bucket


@pytest.mark.parametrize(
    ("method", "path", "bucket"),
    [
        ("POST", "/channels/1577293185024000006/messages", "POST /channels/:id/messages"),
        (
            "PUT",
            "/v10/channels/1577293185024000006/messages/1577293185024000035/reactions/%F0%9F%87%A6/@me",
            "PUT /channels/:id/messages/:id/reactions/:emoji/@me",
        ),
        (
            "DELETE",
            "/channels/15772931850240/messages/15772931850241/reactions/%F0%9F%87%A6/15772931850242",
            "DELETE /channels/:id/messages/:id/reactions/:emoji/:id",
        ),
        (
            "POST",
            "/interactions/1577293185024000099/emu-bLa1gaQt_jDy/callback?with_response=true",
            "POST /interactions/:id/:token/callback",
        ),
        (
            "PATCH",
            "/webhooks/1577293185024000001/aW50ZXJhY3Rpb24/messages/@original",
            "PATCH /webhooks/:id/:token/messages/@original",
        ),
        ("GET", "/users/@me", "GET /users/@me"),
    ],
)
def test_ids_tokens_and_emoji_are_taken_out(method, path, bucket):
    assert route_bucket(method, path) == bucket
