"""`POST /webhooks/pipedrive`: where Pipedrive delivers activity webhooks.

Mounted only while webhooks are configured (`GATEWAY_WEBHOOK_USER`/`PASSWORD`; on the embedded sandbox
the app makes its own): otherwise the path is a 404 like any unknown one. A delivery is answered at once:

- 401 with `WWW-Authenticate: Basic` when the HTTP Basic credentials are missing or wrong (user and
  password both compared in constant time, whatever the first comparison found);
- 400 when the body is not a v2 Pipedrive webhook (`gateway.upstream.webhooks` says why);
- 200 `{"status": "published"}` once the event is handed to the broker (never waiting on subscribers),
  `"duplicate"` for a delivery already published (Pipedrive's retries keep `meta.id`), `"ignored"` for a
  well-formed delivery about another kind of object (refusing it would only make Pipedrive retry it);
- 503 when the broker could not take it (the delivery is not remembered: Pipedrive's retry gets through).

Neither a refused nor a duplicate delivery reaches any subscriber. Credentials and bodies are never logged.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.config import WebhookSettings
from gateway.live import LiveObserver, LiveUpdates
from gateway.upstream.webhooks import OtherWebhook, WebhookPayloadError, parse_webhook

logger = logging.getLogger("gateway.webhooks")

REALM = 'Basic realm="pipedrive-webhooks", charset="UTF-8"'


class WebhookReceiver:
    def __init__(self, settings: WebhookSettings, live: LiveUpdates, observer: LiveObserver) -> None:
        assert settings.user and settings.password, "the receiver is mounted only with credentials"
        self._user = settings.user.encode()
        self._password = settings.password.encode()
        self._live = live
        self._observer = observer

    async def receive(self, request: Request) -> Response:
        if not self._authorized(request.headers.get("authorization", "")):
            self._observer.on_webhook("unauthorized")
            return JSONResponse({"error": "unauthorized"}, 401, headers={"www-authenticate": REALM})
        try:
            webhook = parse_webhook(await request.body())
        except WebhookPayloadError as error:
            self._observer.on_webhook("invalid")
            logger.warning("webhook delivery refused: %s", error)
            return JSONResponse({"error": f"not a Pipedrive v2 activity webhook: {error}"}, 400)
        if isinstance(webhook, OtherWebhook):
            self._observer.on_webhook("ignored")
            return JSONResponse({"status": "ignored", "entity": webhook.entity[:32]})
        try:
            published = await self._live.receive(webhook)
        except Exception:
            self._observer.on_webhook("failed")
            logger.exception("webhook delivery could not be published")
            return JSONResponse({"error": "the event could not be published; retry"}, 503)
        self._observer.on_webhook("published" if published else "duplicate")
        return JSONResponse({"status": "published" if published else "duplicate"})

    def _authorized(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, separator, password = base64.b64decode(encoded.strip(), validate=True).partition(b":")
        except (binascii.Error, ValueError):
            return False
        user_ok = hmac.compare_digest(user, self._user)
        password_ok = hmac.compare_digest(password, self._password)
        return bool(separator) and user_ok and password_ok
