"""The sandbox as a standalone HTTP server (`gateway sandbox`), for benchmarks and clients in a
separate process: `sandbox.app`, i.e. the API and the control routes (see `control_routes`).

Over a socket, "drop" and "refuse" faults both send the response start and then close the
connection (uvicorn logs one line for each).
"""

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.sandbox.app import Sandbox
from gateway.sandbox.layer import ConnectionDropped, ConnectionRefused


class QuietAborts:
    """Ends the ASGI call quietly on a dropped/refused connection: the server then closes the
    socket mid-response without logging a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._app(scope, receive, send)
        except (ConnectionDropped, ConnectionRefused):
            return


def create_standalone_app(sandbox: Sandbox) -> ASGIApp:
    """`sandbox.app` (API and control routes) as a server runs it."""
    return QuietAborts(sandbox.app)


def serve(host: str, port: int, db_path: str, *, retire_v1: bool = False) -> None:
    """Run the standalone sandbox with uvicorn until interrupted; `retire_v1` starts it with the
    v1 activity endpoints retired (410 Gone, see `routes_activities`)."""
    sandbox = Sandbox(db_path=db_path, v1_retired=retire_v1)
    try:
        uvicorn.run(create_standalone_app(sandbox), host=host, port=port, log_level="info")
    finally:
        sandbox.close()
