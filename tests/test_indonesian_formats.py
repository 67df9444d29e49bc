"""Numbers, percentages and times are written the Indonesian way (issue 14): 30,00% and 08.00,
in pages, spreadsheet headers and messages; English keeps its own."""

import io
from datetime import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from projects.scoring import rubrics_check

from .documents.test_final_report import made, scored_cohort
from .factories import staff_user

pytestmark = pytest.mark.django_db


def render(text, **context):
    return Template(text).render(Context(context))


def test_times_and_decimals_in_templates():
    assert render("{{ t|time }}", t=time(8, 0)) == "08.00"
    assert render("{{ w }}%", w=Decimal("30.00")) == "30,00%"
    with translation.override("en"):
        assert render("{{ t|time }}", t=time(8, 0)) == "08:00"
        assert render("{{ w }}%", w=Decimal("30.00")) == "30.00%"


def test_the_final_report_sheet_names_weights_the_indonesian_way(client):
    cohort = scored_cohort(1)
    client.force_login(staff_user())
    data = made(client, reverse("documents:final_report_xlsx", args=[cohort.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.values)
    header = next(row for row in rows if row[0] == "NIP")
    assert "Sikap (bobot 40,00%)" in header and "Proyek (bobot 60,00%)" in header


def test_a_weight_sum_message_writes_its_decimal_with_a_comma():
    with pytest.raises(ValidationError) as error:
        rubrics_check({"coach": Decimal("60"), "mentor": Decimal("39.99")}, {})
    assert "(sekarang 99,99%)" in error.value.messages[0]
