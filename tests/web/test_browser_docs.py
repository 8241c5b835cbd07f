"""/api/v1/docs renders in Chromium with the network cut off and the site's CSP."""

from __future__ import annotations

from .test_browser import ARTIFACTS, browser, pytestmark, server  # noqa: F401 - fixtures and marks


def test_swagger_ui_renders_offline(server, browser):  # noqa: F811
    context = browser.new_context()
    outside, problems = [], []
    # Anything not from the server is cut off, as on a plant's network.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30000)
    assert "Laoshifu" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 20
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    context.close()
    assert outside == [] and problems == []
