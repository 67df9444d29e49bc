"""The staff gradebook in a real browser: one value out of range among good ones comes back
with every typed value still in its cell and the bad cell marked, and nothing saved."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.models import ComponentScore

from ..factories import gradebook_world, staff_user
from .test_certificate_path import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1366])  # a phone, an office laptop
def test_one_bad_value_among_good_ones_keeps_every_value_and_marks_the_cell(
    page, live_server, width
):
    page.set_viewport_size({"width": width, "height": 900})
    cohort, attitude, academic, first, second = gradebook_world()
    staff = staff_user(username="staf-nilai")
    typed = {
        (first, attitude): "90",
        (first, academic): "95,5",
        (second, attitude): "150",  # out of range
        (second, academic): "78,25",
    }

    log_in(page, live_server.url, staff.username)
    page.goto(live_server.url + reverse("projects:gradebook", args=[cohort.pk]))
    cell = {
        key: page.get_by_label(f"{key[1].name} {key[0].participant.name}", exact=True)
        for key in typed
    }
    for key, value in typed.items():
        cell[key].fill(value)
    page.get_by_role("button", name="Simpan nilai").click()

    expect(page.locator("#gradebook-errors")).to_contain_text("Belum ada nilai yang disimpan")
    for key, value in typed.items():
        expect(cell[key]).to_have_value(value)
    bad = cell[(second, attitude)]
    expect(bad).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(bad).to_be_focused()
    expect(bad).to_be_in_viewport()
    expect(page.locator(".is-invalid")).to_have_count(1)
    expect(page.locator(".invalid-feedback")).to_have_text(
        f"{second.participant.name}, Sikap dan perilaku: nilai harus antara 0 dan 100."
    )
    assert not ComponentScore.objects.filter(enrolment__cohort=cohort).exists()

    bad.fill("85")
    page.get_by_role("button", name="Simpan nilai").click()
    expect(page.get_by_text("4 nilai disimpan.")).to_be_visible()
    expect(page.locator(".is-invalid")).to_have_count(0)
