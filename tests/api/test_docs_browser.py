"""The API's docs page in a real Chromium: Swagger UI loads from this site and draws the
schema's operations, and the page breaks nothing of the Content-Security-Policy."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ..test_headers import Violations


@pytest.mark.browser
def test_the_docs_page_works_under_the_csp(page, live_server):
    violations = Violations(page)
    page.goto(f"{live_server.url}{reverse('api:docs')}")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_text("/api/cohorts/", exact=True).first).to_be_visible()
    violations.assert_none("api docs")
