"""Input attacks (security.md 5.7): formulas in exports, XML entities, pickle, template text."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import zipfile
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pythonjsonlogger.json import JsonFormatter

from catalog.importexport.formats import FileRefusedError, read_table
from notifications import services as notification_services
from notifications.models import NotificationTemplate
from notifications.rendering import render_text
from shop.csvsafe import escape_cell, unescape_cell
from tests.vendors.factories import SettlementEntryFactory, VendorFactory
from vendors.models import SettlementEntry, Vendor
from vendors.sellercenter import write_csv

ROOT = Path(__file__).resolve().parents[2]
FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_gets_a_quote_in_front(text):
    assert escape_cell(text) == "'" + text


def test_numbers_and_plain_text_stay_as_they_are():
    assert escape_cell(-5) == -5
    assert escape_cell("김철수") == "김철수"
    assert escape_cell("a=b") == "a=b"


@pytest.mark.parametrize("text", [*FORMULAS, "'=typed", "'", "plain"])
def test_unescape_gives_back_what_was_escaped(text):
    assert unescape_cell(escape_cell(text)) == text


@pytest.mark.django_db
def test_the_seller_center_writer_quotes_a_formula_in_a_vendor_name():
    vendor = VendorFactory(name='=HYPERLINK("http://evil","click")')
    response = HttpResponse()

    write_csv(response, Vendor, Vendor.objects.filter(pk=vendor.pk), ["name", "commission_rate"])

    _header, row = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert row == ['\'=HYPERLINK("http://evil","click")', "10.00"]


@pytest.mark.django_db
def test_the_staff_ledger_export_keeps_a_negative_amount_a_number(staff_user):
    entry = SettlementEntryFactory(kind=SettlementEntry.Kind.REFUND, amount=-5000)
    client = Client()
    client.force_login(staff_user)

    response = client.post(
        "/admin/vendors/settlemententry/",
        {"action": "export_csv", "_selected_action": [entry.pk]},
    )

    _header, row = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert "-5000" in row  # a value, not text behind a quote


def test_every_csv_or_workbook_writer_goes_through_the_formula_guard():
    writers = [
        path
        for app in (
            "shop",
            "accounts",
            "vendors",
            "catalog",
            "shipping",
            "promotions",
            "notifications",
            "wishlist",
            "orders",
            "payments",
            "reviews",
        )
        for path in (ROOT / app).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(|openpyxl\.Workbook\(", path.read_text())
    ]

    assert writers, "the search found no writer at all: the pattern is wrong"
    unguarded = [
        str(path.relative_to(ROOT))
        for path in writers
        if "shop.csvsafe import" not in path.read_text()
    ]
    assert unguarded == []


# --- INP-05: XML with entities in uploaded workbooks ------------------------------------------

XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
LAUGHS = (
    '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)


def workbook_with_entity(doctype: str, reference: str) -> bytes:
    """Return a real .xlsx whose first sheet declares ``doctype`` and uses ``reference``."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["name", "price"])
    book.active.append(["MARKER", 1000])
    saved = io.BytesIO()
    book.save(saved)
    source = zipfile.ZipFile(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = data.decode().split("?>", 1)[-1]
                body = body.replace("<t>MARKER</t>", f"<t>{reference}</t>")
                data = f'<?xml version="1.0"?>{doctype}{body}'.encode()
            target.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(("doctype", "reference"), [(XXE, "&xxe;"), (LAUGHS, "&d;")])
def test_a_workbook_with_xml_entities_is_refused_and_nothing_is_expanded(doctype, reference):
    data = workbook_with_entity(doctype, reference)

    with translation.override("en"), pytest.raises(FileRefusedError) as refused:
        read_table(name="products.xlsx", data=data)

    assert "not an Excel" in str(refused.value)
    assert Path("/etc/hostname").read_text().strip() not in str(refused.value)


def test_the_control_workbook_without_entities_reads():
    table = read_table(name="products.xlsx", data=workbook_with_entity("", "plain"))

    assert table.header == ["name", "price"]
    assert table.rows[0][1][0] == "plain"


# --- INP-08: no pickle where bytes could come from outside ------------------------------------


def test_tasks_and_sessions_are_serialised_as_json_only(settings):
    from shop.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert set(app.conf.accept_content) == {"json"}  # a pickled message is refused
    assert settings.SESSION_SERIALIZER == "django.contrib.sessions.serializers.JSONSerializer"


# --- INP-03: staff-edited notification texts reach nothing but their values --------------------

TEMPLATE_PROBES = [
    "{{ settings.SECRET_KEY }}",
    "{{ request.META }}",
    "{{ user.password }}",
    "{% debug %}",
]


@pytest.mark.parametrize("source", TEMPLATE_PROBES)
def test_a_notification_text_cannot_read_settings_requests_or_models(settings, source):
    rendered = render_text(f"[{source}]", {"number": "N1"})

    assert rendered == "[]"
    assert settings.SECRET_KEY not in rendered


@pytest.mark.django_db
def test_a_notification_context_of_model_objects_is_refused(user):
    with pytest.raises(ValueError, match="plain JSON"):
        notification_services.notify(template="order.paid", user=user, context={"user": user})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "source",
    [
        "{% load static %}{% static 'x' %}",
        '{% include "account/email/base_message.txt" %}',
        '{% extends "base.html" %}',
    ],
)
def test_staff_cannot_save_a_text_that_loads_libraries_or_other_templates(staff_user, source):
    template = NotificationTemplate.objects.get(code="order.paid")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    data = {
        "name": template.name,
        "active": "on",
        "email_subject": template.email_subject,
        "email_body": source,
        "sms_text": template.sms_text,
        "alimtalk_template_code": template.alimtalk_template_code,
        "alimtalk_body": template.alimtalk_body,
    }

    response = client.post(
        reverse("admin:notifications_notificationtemplate_change", args=[template.pk]), data
    )

    assert response.status_code == 200
    assert "email_body" in response.context["adminform"].form.errors
    template.refresh_from_db()
    assert template.email_body != source


# --- INP-07: CR/LF and terminal escapes cannot forge log lines ---------------------------------


def test_the_production_log_format_keeps_a_forged_line_inside_one_record(settings):
    spec = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(spec["fmt"], rename_fields=spec["rename_fields"])
    hostile = "kim@example.com\r\n2026-01-01 INFO admin signed in\x1b[2J"
    record = logging.LogRecord(
        "shop.test", logging.WARNING, __file__, 1, "login %s", (hostile,), None
    )
    record.request_id = "-"

    line = formatter.format(record)

    assert "\n" not in line
    assert "\r" not in line
    assert "\x1b" not in line
    assert json.loads(line)["message"] == f"login {hostile}"  # kept, but escaped
