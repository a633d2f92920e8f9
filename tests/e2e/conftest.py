"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API against
pytest-django's live server.

- Playwright's sync API runs an event loop in the test's thread, and Django refuses ORM calls
  from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set.
- Every test gets a fresh browser profile (no cookies, cache or service workers carried over).
- Every request the pages make is recorded: the intranet has no internet, so a page that asks
  for anything outside the live server (a CDN font, a script, an analytics beacon) fails the test.
"""

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings

# the real Celery worker, for journeys that watch a job's progress
from ..core.conftest import celery_worker, celery_worker_process, role_groups  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = settings.BASE_DIR / "test-artifacts" / "e2e"
# What the pages load from node_modules (see STATICFILES_DIRS); `npm ci` installs them.
VENDOR_FILES = [
    "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap-icons/font/bootstrap-icons.min.css",
    "htmx.org/dist/htmx.min.js",
    "echarts/dist/echarts.min.js",
]
# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}


@pytest.fixture(scope="session", autouse=True)
def _vendor_assets_installed():
    missing = [name for name in VENDOR_FILES if not (settings.NODE_MODULES / name).is_file()]
    if missing:
        pytest.fail(
            f"front-end assets are missing from {settings.NODE_MODULES}: {', '.join(missing)}. Run `npm ci` first.",
            pytrace=False,
        )


@pytest.fixture
def playwright_instance(transactional_db):
    """Playwright for one test, started after the database fixtures and stopped before theirs end.

    While Playwright's event loop runs in this thread, Django keeps its connections in
    context-local rather than thread-local storage (asgiref's thread-critical Local), i.e. the
    test body gets a connection of its own. The test database's setup and the flush after the
    test (whose post_migrate restores the role groups, see congress_office.roles) must all
    happen on the ordinary thread-local connection, so the loop must not outlive the test; and
    the connections opened under it are closed before it stops, or they would keep the test
    database from being dropped at the end of the session.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package", pytrace=False)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    playwright = manager.start()
    # only while the loop runs, so nothing else in the session (e.g. `check --deploy` run as a
    # subprocess) inherits it
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield playwright
    finally:
        connections.close_all()  # the context-local ones, while the loop still runs
        manager.__exit__(None, None, None)
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@dataclass
class Recorder:
    """What the browser did besides what the test asked for."""

    allowed_host: str
    requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def on_request(self, request):
        self.requests.append(request.url)

    def on_response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def on_request_failed(self, request):
        if request.url.startswith("chrome-extension://"):
            return  # Chromium's own PDF viewer, cancelled when the test moves on: not our page
        self.failed.append(f"{request.failure} {request.url}")

    def on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def foreign_requests(self):
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.scheme not in ("http", "https") or parts.netloc != self.allowed_host:
                foreign.append(url)
        return foreign

    def assert_clean(self):
        assert self.requests, "no request was recorded"
        assert not self.foreign_requests(), f"requests outside the live server: {self.foreign_requests()}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.page_errors, f"JavaScript errors: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors}"


@pytest.fixture
def browser(playwright_instance, live_server, tmp_path):
    """`browser(width, height)` → (page, recorder): a page in a fresh persistent profile."""
    contexts = []

    def launch(width=1280, height=900, *, mobile=False):
        context = playwright_instance.chromium.launch_persistent_context(
            user_data_dir=tmp_path / f"chromium-profile-{len(contexts)}",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
            device_scale_factor=2 if mobile else 1,
            is_mobile=mobile,
            has_touch=mobile,
            locale="zh-CN",  # a township office's browser: Accept-Language zh-CN
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
        )
        contexts.append(context)
        context.set_default_timeout(15_000)
        recorder = Recorder(allowed_host=urlsplit(live_server.url).netloc)
        # listeners on the context rather than on one page: they also see pop-ups and new tabs
        context.on("request", recorder.on_request)
        context.on("response", recorder.on_response)
        context.on("requestfailed", recorder.on_request_failed)
        context.on("console", recorder.on_console)
        context.on("weberror", lambda error: recorder.page_errors.append(str(error.error)))
        page = context.pages[0] if context.pages else context.new_page()
        return page, recorder

    yield launch
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves test-artifacts/e2e/<name>.png (full page) for a human to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
