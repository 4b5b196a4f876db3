"""Bad parameters are 400s or form errors, never 500s; error pages are Chinese in production mode."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db


def _page_urls():
    """Every page of the project's apps that takes no URL argument."""
    urls = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin" or str(p.pattern).startswith("i18n"):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
                name = f"{namespace}:{p.name}" if namespace else p.name
                if name not in ("logout",):
                    urls.append(reverse(name))

    walk(get_resolver().url_patterns, "", None)
    return sorted(set(urls))


PAGES = _page_urls()


def test_there_are_pages_to_probe():
    assert len(PAGES) > 15


@pytest.mark.parametrize("url", PAGES)
def test_a_nul_in_a_search_or_filter_is_a_400(world, client_for, url):
    client = client_for(world.county_staff)
    for query in ("q=%00", "county=%00", "township=%00&month=%00", "quarter=2026Q1%00"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)


@pytest.mark.parametrize("url", PAGES)
def test_out_of_range_parameters_are_never_a_server_error(world, client_for, url):
    client = client_for(world.county_staff)
    for query in (
        "county=999999",
        "quarter=9999Q4",
        "year=99999",
        "month=99999-99",
        "page=-1",
        "q=" + "x" * 500,
    ):
        assert client.get(f"{url}?{query}").status_code < 500, (url, query)


def test_a_scheme_for_year_99999_is_a_400(world, client_for):
    response = client_for(world.county_staff).post(
        reverse("appraisal:scheme_create"), {"county": "150523", "year": "99999"}
    )
    assert response.status_code == 400


def test_a_nul_in_a_form_field_is_refused(world, client_for):
    response = client_for(world.county_staff).post(
        reverse("decisions:inspection_create"),
        {"date": "2026-03-10", "kind": "UNANNOUNCED", "inspectors": "王明\x00", "villages": [world.v_a1.pk]},
    )
    assert response.status_code in (200, 400)
    from inspections.models import Inspection

    assert not Inspection.objects.exists()


def test_the_bad_host_page_is_chinese(settings):
    settings.DEBUG = False
    response = Client().get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_the_csrf_failure_page_is_chinese(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_the_404_403_and_500_pages_are_chinese(world, client_for, settings):
    settings.DEBUG = False
    assert "页面不存在" in client_for(world.outsider).get("/villages/999999/").content.decode()
    assert client_for(world.township_a1).get(reverse("decisions:inspection_create")).status_code == 403
    from django.template.loader import render_to_string

    assert "服务器" in render_to_string("500.html") or "出错" in render_to_string("500.html")
    assert "无权" in render_to_string("403.html") or "权限" in render_to_string("403.html")
