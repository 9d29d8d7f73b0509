"""The websocket fan-out hub: who is connected and which run events each one receives.

A client connects to ``/ws?clientId=ID`` (ComfyUI's spelling) or ``/ws?client_id=ID``. It
receives the events of runs submitted with its client id, the events of runs submitted with
no client id, and queue status; ``?subscribe=all`` (or the message
``{"type": "subscribe", "data": {"all": true}}``) subscribes it to every run. ``?events=native``,
``?events=comfy`` or ``?events=all`` chooses the JSON message families. Without it, a client
that says ``client_id`` (our editor, our scripts) gets both; one that says ``clientId`` or no
id at all (ComfyUI's frontend, which logs "Unknown message type" for ours) gets ComfyUI's set
only. A ComfyUI client's ``feature_flags`` message is answered with the server's flags.

Queue status is broadcast at most every ``status_delay`` seconds (the state at that moment).
Each connection has its own bounded queue drained by its own task, so one slow client never
delays the others; a client that falls ``ws_queue`` messages behind is disconnected rather than
letting memory grow. Anything a client sends other than a subscribe message is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import WSCloseCode, WSMsgType, web

from server.engine import jsondoc

from .message import Message

log = logging.getLogger("reelgraph.server")
CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}")
KINDS = {
    "native": frozenset({"native", "binary"}),
    "comfy": frozenset({"comfy", "binary"}),
    "all": frozenset({"native", "comfy", "binary"}),
}


@dataclass(eq=False)
class Client:
    ws: web.WebSocketResponse
    client_id: str
    kinds: frozenset[str]
    everything: bool
    queue: asyncio.Queue = field(repr=False)
    sender: asyncio.Task | None = field(default=None, repr=False)
    dropped: bool = False

    def wants(self, audience: str | None) -> bool:
        return audience is None or self.everything or audience == self.client_id


class Hub:
    """Connected clients and the routing of messages to them."""

    def __init__(self, queue_size: int = 20_000, max_message: int = 64 << 10) -> None:
        self.clients: set[Client] = set()
        self.queue_size = queue_size
        self.max_message = max_message
        self.queue_state: Callable[[str | None], list[Message]] = lambda sid: []
        self.status_delay = 0.05
        self.feature_flags: dict[str, object] = {}  # what /api/features says; set by the app
        self._status_timer: asyncio.TimerHandle | None = None
        self.closed = False

    def publish(self, messages: list[Message], audience: str | None = None) -> None:
        """Queue ``messages`` for every client that should see them (``audience`` is the run's
        client id; None means everyone). Call on the event loop."""
        for client in list(self.clients):
            if client.dropped or not client.wants(audience):
                continue
            for message in messages:
                if message.kind in client.kinds:
                    self._push(client, message.payload)

    def queue_changed(self) -> None:
        """Tell everyone the queue's state soon. Changes within ``status_delay`` coalesce into
        one broadcast of the state at that moment: under load this is most of the traffic."""
        if self._status_timer is None and not self.closed:
            self._status_timer = asyncio.get_running_loop().call_later(self.status_delay, self._broadcast_status)

    def _broadcast_status(self) -> None:
        self._status_timer = None
        self.publish(self.queue_state(None), None)

    def _push(self, client: Client, payload: str | bytes) -> None:
        try:
            client.queue.put_nowait(payload)
        except asyncio.QueueFull:
            client.dropped = True
            log.warning(
                "websocket client %s is %d messages behind; disconnecting it", client.client_id, self.queue_size
            )
            asyncio.get_running_loop().create_task(
                client.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too slow")
            )

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The ``/ws`` route."""
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=self.max_message)
        await ws.prepare(request)
        requested = request.query.get("clientId") or request.query.get("client_id") or ""
        default_events = "all" if "client_id" in request.query else "comfy"
        client = Client(
            ws=ws,
            client_id=requested if CLIENT_ID.fullmatch(requested) else uuid.uuid4().hex,
            kinds=KINDS.get(request.query.get("events", default_events), KINDS[default_events]),
            everything=request.query.get("subscribe") == "all",
            queue=asyncio.Queue(self.queue_size),
        )
        for message in self.queue_state(client.client_id):
            if message.kind in client.kinds:
                client.queue.put_nowait(message.payload)
        client.sender = asyncio.create_task(self._send(client))
        self.clients.add(client)
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    self._on_text(client, msg.data)
        finally:
            self.clients.discard(client)
            client.sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await client.sender
        return ws

    def _on_text(self, client: Client, text: str) -> None:
        try:
            msg = jsondoc.parse(text)
        except jsondoc.JSONRejected:
            return
        if not isinstance(msg, dict):
            return
        if msg.get("type") == "subscribe" and isinstance(msg.get("data"), dict):
            client.everything = bool(msg["data"].get("all"))
        elif msg.get("type") == "feature_flags" and "comfy" in client.kinds:
            self._push(client, jsondoc.dumps({"type": "feature_flags", "data": self.feature_flags}))

    async def _send(self, client: Client) -> None:
        ws = client.ws
        try:
            while not ws.closed:
                payload = await client.queue.get()
                while True:  # drain what is waiting without a task switch per message
                    if isinstance(payload, bytes):
                        await ws.send_bytes(payload)
                    else:
                        await ws.send_str(payload)
                    if client.queue.empty() or ws.closed:
                        break
                    payload = client.queue.get_nowait()
        except (ConnectionError, RuntimeError):  # the peer went away mid-send
            pass

    async def close_all(self) -> None:
        """On shutdown: say goodbye properly instead of leaving sockets half-open."""
        self.closed = True
        if self._status_timer is not None:
            self._status_timer.cancel()
        clients = list(self.clients)
        for client in clients:
            client.dropped = True
        await asyncio.gather(
            *(c.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown") for c in clients),
            return_exceptions=True,
        )
