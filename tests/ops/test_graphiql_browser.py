"""GraphiQL in a real browser: Debian's headless Chromium, able to reach 127.0.0.1 only, opens `/graphql`
served by uvicorn, types a query, runs it against the embedded sandbox and sees the result; the docs
panel shows the schema's descriptions. Playwright drives the browser; it never downloads one of its own.

Each test runs twice: against the gateway of this source tree, and against the gateway installed from its
wheel into a fresh environment and started as `gateway serve` outside the tree (`installed_gateway`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Per the machine notes: no sandbox (root), no GPU, none of Chromium's own background traffic, and name
# resolution for nothing but 127.0.0.1, on top of the per-request block below.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
QUERY = "query ActivityKinds { activityTypes { name keyString } }"


@dataclass
class Browser:
    page: Page
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)  # CI has root and apt (`make test` installs chromium): there the test must run
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium (apt-get, as root)")
    return CHROMIUM


@pytest.fixture(scope="module", params=["source", "installed"])
def gateway_url(request: pytest.FixtureRequest) -> str:
    """The gateway from the source tree (`live_gateway`), then the installed one (`installed_gateway`)."""
    url: str = request.getfixturevalue(f"{'live' if request.param == 'source' else 'installed'}_gateway")
    return url


@pytest.fixture
def browser(chromium: Path, gateway_url: str, tmp_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(chromium),
            headless=True,
            args=FLAGS,
        )
        page = context.pages[0] if context.pages else context.new_page()
        state = Browser(page)

        def only_loopback(route: Route) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                state.blocked.append(route.request.url)
                route.abort()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                state.console_errors.append(message.text)

        context.route("**/*", only_loopback)
        page.on("console", on_console)
        page.on("pageerror", lambda error: state.console_errors.append(str(error)))
        page.goto(f"{gateway_url}/graphql")
        expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible(timeout=15_000)
        try:
            yield state
        finally:
            context.close()


def run_in_graphiql(page: Page, operation: str) -> None:
    """Replace the editor's text by `operation` and run it. GraphiQL reads the editor 100 ms after the last
    keystroke (then stores the text); run sooner, it would still see the default document's three operations
    and offer a menu to pick one, so the run waits for the stored text."""
    page.locator(".graphiql-query-editor .CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(operation)  # as typed text arrives; key-by-key typing would trip auto-closed braces
    page.wait_for_function("text => window.localStorage.getItem('graphiql:query') === text", arg=operation)
    page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()


def test_a_query_typed_in_graphiql_runs_against_the_sandbox(browser: Browser) -> None:
    page = browser.page
    run_in_graphiql(page, QUERY)

    result = page.locator(".graphiql-response")
    expect(result).to_contain_text('"keyString": "call"', timeout=10_000)
    expect(result).to_contain_text('"name": "Meeting"')
    expect(result).not_to_contain_text('"errors"')
    assert browser.blocked == [], "the page tried to leave the machine"
    assert browser.console_errors == []


def test_graphiql_docs_show_the_schema_descriptions(browser: Browser) -> None:
    page = browser.page
    page.get_by_role("button", name="Show Documentation Explorer").click()
    docs = page.locator(".graphiql-doc-explorer")
    docs.get_by_text("Query", exact=True).click()
    expect(docs).to_contain_text("The activity types the token can see")
    docs.get_by_text("Activity", exact=True).first.click()
    expect(docs).to_contain_text("in UTC; null for an all-day activity")  # dueTime, rendered as Markdown
    assert browser.blocked == []
    assert browser.console_errors == []


def test_a_subscription_in_graphiql_shows_an_activity_added_meanwhile(browser: Browser, gateway_url: str) -> None:
    """Over WebSocket from the page itself (its CSP allows `connect-src 'self'`, which covers ws: to the same
    host): subscribe in GraphiQL, add an activity through the gateway, see it arrive."""
    import httpx

    page = browser.page
    run_in_graphiql(page, "subscription LiveFeed { activityEvents { action activity { subject } } }")
    add = 'mutation { addActivity(input: {subject: "Seen live in GraphiQL", type: "call"}) { activity { id } } }'
    result = page.locator(".graphiql-response")
    for _ in range(50):  # until the subscription is registered (the page's socket opens asynchronously)
        page.wait_for_timeout(200)
        if "gateway_live_subscribers 1.0" in httpx.get(f"{gateway_url}/metrics").text:
            break
    httpx.post(f"{gateway_url}/graphql", json={"query": add}).raise_for_status()
    expect(result).to_contain_text("Seen live in GraphiQL", timeout=10_000)
    expect(result).to_contain_text('"action": "CREATED"')
    assert browser.blocked == []
    assert browser.console_errors == []
