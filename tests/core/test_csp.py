"""Content-Security-Policy (issue #12): scripts only from this site's files, none inline."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize(
    "name", ["dashboard", "attendance:monthly_charts", "appraisal:ranking", "decisions:list"]
)
def test_pages_send_a_csp_without_inline_scripts(world, client_for, name):
    response = client_for(world.county_staff).get(reverse(name))
    assert response.status_code == 200
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]  # inline style attributes only
    assert not any("unsafe" in v for v in policy["script-src"] + policy["default-src"])


def test_the_login_page_sends_the_csp_too(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def _template_files():
    root = Path(settings.BASE_DIR)
    skip = {".venv", "node_modules", "staticfiles", ".git"}
    for path in root.rglob("*.html"):
        rel = path.relative_to(root)
        if skip & set(rel.parts) or "templates" not in rel.parts:
            continue
        yield rel, path.read_text(encoding="utf-8")


# A <script> element with no src= that is not a JSON data block (json_script) is inline code.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
# An on…= event handler attribute inside a tag; htmx's hx-on evaluates code as well.
HANDLER = re.compile(r"<[a-z][^>]*?\s(?:on[a-z]+|hx-on[:\-a-z]*)\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_templates_exist_to_scan():
    names = {str(rel) for rel, _ in _template_files()}
    assert "templates/base.html" in names
    assert "attendance/templates/attendance/monthly_charts.html" in names
    assert len(names) > 50


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for rel, text in _template_files():
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{rel}:{line}: {m.group(0)[:80]}")
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        '<select name="a" onchange="this.form.submit()">',
        '<button type="button" class="primary"\n  onclick="window.print()">',
        '<div hx-on:click="alert(1)">',
        '<a href="javascript:void(0)">',
    ],
)
def test_the_scan_catches_inline_code(snippet):
    assert any(p.search(snippet) for p in (INLINE_SCRIPT, HANDLER, JS_URL))


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/page-actions.js' %}\"></script>",
        '<script id="x" type="application/json">{"a": 1}</script>',
        '<form method="post" action="/x/">',
        '<div hx-get="/a/" hx-trigger="load">',
    ],
)
def test_the_scan_allows_files_and_data(snippet):
    assert not any(p.search(snippet) for p in (INLINE_SCRIPT, HANDLER, JS_URL))
