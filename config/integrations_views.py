"""The administrators' page of the outside systems (config.integrations): for each, whether it
is configured, whether it answers now, and its address. Each check asks the system at the
moment the page is opened, so the page is for administrators only, not linked for staff."""

from django.contrib import admin
from django.shortcuts import render

from .integrations import health_checks
from .permissions import covers_every_institution, rule_required


@rule_required(covers_every_institution)
def integrations_health(request):
    context = {**admin.site.each_context(request), "checks": health_checks()}
    return render(request, "admin/integrations_health.html", context)
