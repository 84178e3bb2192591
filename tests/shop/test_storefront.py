"""The storefront base: layout, language, header, footer, htmx wiring and query counts."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_home_is_korean_by_default(client: Client) -> None:
    html = _html(client.get(reverse("home")))

    assert '<html lang="ko">' in html
    assert "본문 바로가기" in html
    assert "Skip to content" not in html


def test_home_is_english_after_switching_language(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"

    html = _html(client.get(reverse("home")))

    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "본문 바로가기" not in html


def test_switching_back_to_korean_restores_korean(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})

    assert "본문 바로가기" in _html(client.get(reverse("home")))


def test_language_switch_is_a_csrf_protected_post_form(client: Client) -> None:
    html = _html(client.get(reverse("home")))

    form = re.search(
        r'<form class="language-switch" method="post" action="([^"]+)">(.*?)</form>', html, re.S
    )
    assert form is not None
    assert form.group(1) == reverse("set_language")
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert 'value="en"' in form.group(2)
    assert 'value="ko"' in form.group(2)


def test_language_switch_refuses_a_post_without_csrf_token(db: None) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 403


def test_language_switch_never_redirects_off_site(client: Client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_anonymous_header_offers_login_and_signup(client: Client) -> None:
    html = _html(client.get(reverse("home")))

    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html
    assert reverse("account_logout") not in html


def test_signed_in_header_logs_out_by_post_with_csrf(client: Client, user) -> None:
    client.force_login(user)

    html = _html(client.get(reverse("home")))

    logout = re.search(
        rf'<form method="post" action="{reverse("account_logout")}">(.*?)</form>', html, re.S
    )
    assert logout is not None
    assert 'name="csrfmiddlewaretoken"' in logout.group(1)
    assert f'href="{reverse("account_login")}"' not in html
    assert (user.name or user.email) in html
    assert f'href="{reverse("accounts:profile")}"' in html


def test_admin_link_is_shown_to_staff_only(client: Client, user, staff_user) -> None:
    admin_url = reverse("admin:index")
    client.force_login(user)
    assert f'href="{admin_url}"' not in _html(client.get(reverse("home")))

    client.force_login(staff_user)
    assert f'href="{admin_url}"' in _html(client.get(reverse("home")))


def test_search_box_echoes_the_query_escaped(client: Client) -> None:
    html = _html(client.get(reverse("home"), {"q": '"><script>alert(1)</script>'}))

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_footer_shows_the_configured_business_details(client: Client, settings) -> None:
    settings.SHOP_NAME = "가나다마켓"
    settings.SHOP_BUSINESS_INFO = {
        **settings.SHOP_BUSINESS_INFO,
        "company_name": "(주)가나다",
        "representative": "홍길동",
        "registration_number": "123-45-67890",
        "mail_order_number": "2026-서울강남-01234",
    }

    html = _html(client.get(reverse("home")))

    footer = html[html.index('<footer class="site-footer">') :]
    for label, value in [
        ("상호", "(주)가나다"),
        ("대표", "홍길동"),
        ("사업자등록번호", "123-45-67890"),
        ("통신판매업신고", "2026-서울강남-01234"),
    ]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in footer
    assert "가나다마켓" in html


def test_footer_lists_business_details_as_placeholders_when_unset(client: Client) -> None:
    html = _html(client.get(reverse("home")))

    assert "<dt>사업자등록번호</dt><dd>-</dd>" in html


def test_htmx_is_loaded_and_sends_the_csrf_token(client: Client) -> None:
    html = _html(client.get(reverse("home")))

    assert re.search(r'<script src="/static/js/htmx\.min\.js[^"]*" defer></script>', html)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in html


def test_static_files_of_the_base_layout_exist() -> None:
    for path in ["css/shop.css", "js/htmx.min.js", "icons/icons.svg", "icons/favicon.svg"]:
        assert finders.find(path), path


def test_vendored_htmx_is_version_2() -> None:
    with open(finders.find("js/htmx.min.js"), encoding="utf-8") as handle:
        source = handle.read()

    assert re.search(r'version:"2\.\d+\.\d+"', source)


def test_sandbox_banner_follows_the_setting(client: Client, settings) -> None:
    settings.SHOP_SANDBOX = True
    assert "sandbox-banner" in _html(client.get(reverse("home")))

    settings.SHOP_SANDBOX = False
    assert "sandbox-banner" not in _html(client.get(reverse("home")))


def test_allauth_login_page_uses_the_storefront_layout(client: Client) -> None:
    html = _html(client.get(reverse("account_login")))

    assert '<header class="site-header">' in html
    assert '<footer class="site-footer">' in html
    assert 'class="container entrance"' in html
    assert 'name="password"' in html
    assert "<title>로그인 · 쇼핑몰</title>" in re.sub(r"\s+", " ", html).replace(
        "<title> ", "<title>"
    )


def test_allauth_manage_page_shows_account_navigation(client: Client, user) -> None:
    client.force_login(user)

    html = _html(client.get(reverse("account_change_password")))

    assert 'class="container manage"' in html
    assert '<nav class="subnav"' in html
    assert f'href="{reverse("account_email")}"' in html


def test_anonymous_home_needs_no_queries(client: Client, django_assert_num_queries) -> None:
    client.get(reverse("home"))  # warm up: the first request may set cookies

    with django_assert_num_queries(0):
        _html(client.get(reverse("home")))


def test_signed_in_home_needs_a_constant_few_queries(
    client: Client, user, django_assert_max_num_queries
) -> None:
    client.force_login(user)
    client.get(reverse("home"))

    # Session (cached_db: the cache answers after the first read) and the user row.
    with django_assert_max_num_queries(2):
        _html(client.get(reverse("home")))
