"""The Content Security Policy is the second wall: a script that got past the sanitizer
does not run in a real browser.

The sanitizer is made to miss (the product page's clean_description lets everything
through, in the live server's thread), so the script really is in the page. The same
page with the CSP header stripped on the way to the browser runs it: the negative control
that shows the payload would have run.
"""

from __future__ import annotations

import pytest

from catalog.selectors import product_page
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = (
    "<p>Great mug</p><script>window.__injected = 'inline';</script>"
    '<img src="data:," onerror="window.__injected = \'handler\'">'
)
# Playwright's init scripts are not page content, so the policy does not block them.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective);
});
"""


@pytest.fixture
def unsanitized_product(monkeypatch):
    monkeypatch.setattr(product_page, "clean_description", lambda html: html or "")
    return ProductFactory(name="Injected mug", slug="injected-mug", description=PAYLOAD)


def strip_csp(route) -> None:
    response = route.fetch()
    headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() != "content-security-policy"
    }
    route.fulfill(response=response, headers=headers)


def test_a_script_past_the_sanitizer_is_blocked_by_the_policy(page, unsanitized_product):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    response = page.goto(f"/p/{unsanitized_product.pk}/{unsanitized_product.slug}/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator(".product__description script").count() == 1  # it is in the page
    page.wait_for_function("window.__violations.length >= 2")
    assert page.evaluate("window.__injected") is None
    assert set(page.evaluate("window.__violations")) <= {"script-src-elem", "script-src-attr"}
    assert any("Content Security Policy" in text for text in console)


def test_without_the_policy_the_same_script_runs(page, unsanitized_product):
    page.route("**/p/**", strip_csp)

    response = page.goto(f"/p/{unsanitized_product.pk}/{unsanitized_product.slug}/")

    assert "content-security-policy" not in response.headers
    page.wait_for_function("window.__injected !== undefined")
    assert page.evaluate("window.__injected") in {"inline", "handler"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search/?q=mug",
        "{product}",
        "/cart/",
        "/accounts/login/",
        "/admin/login/",
        "/api/docs/",
    ],
)
def test_the_shops_own_pages_break_no_rule_of_the_policy(page, path, page_errors):
    # The policy is strict enough to block an injection and loose enough for our pages:
    # htmx, Swagger UI and the admin load their scripts and styles without a violation.
    product = ProductFactory(name="Plain mug", slug="plain-mug")
    page.add_init_script(RECORD_VIOLATIONS)

    response = page.goto(path.format(product=f"/p/{product.pk}/{product.slug}/"))
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert "content-security-policy" in response.headers
    assert page.evaluate("window.__violations") == []
    assert page_errors == []
