from django.contrib import admin
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .api_keys import api_key_revoke, api_key_secret_set
from .models import ApiKey, Cohort, CohortPhase, Institution, Webhook, WebhookDelivery
from .scope import cohorts_within_reach, institutions_within_reach, within_reach


def _shown_key_session(pk):
    return f"api-key-shown-{pk}"


class WithinReachAdmin(admin.ModelAdmin):
    """The admin site keeps staff to their agencies' cohorts as the pages do (cohorts.scope):
    lists, object pages and the cohort choices of forms. `cohort_lookup` leads from the
    model to its cohort ("" for cohorts themselves)."""

    cohort_lookup = "cohort"

    def get_queryset(self, request):
        return within_reach(super().get_queryset(request), request.user, self.cohort_lookup)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Cohort:
            kwargs["queryset"] = cohorts_within_reach(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    # Who works for the agency: they see and change only its cohorts (cohorts.scope).
    filter_horizontal = ["staff"]

    def get_queryset(self, request):
        return institutions_within_reach(request.user, super().get_queryset(request))


class CohortPhaseInline(admin.TabularInline):
    model = CohortPhase
    extra = 0


@admin.register(Cohort)
class CohortAdmin(WithinReachAdmin):
    cohort_lookup = ""
    list_display = ["__str__", "organiser", "co_organiser", "start_date", "end_date"]
    list_select_related = ["program", "organiser", "co_organiser"]
    inlines = [CohortPhaseInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Administrators make a key for an outside system (the full key is shown once, on the
    page after saving), see when each was last used, and revoke them. Saves are in the audit
    log (cohorts.apps)."""

    list_display = ["name", "prefix", "institution", "access", "created_by", "created_at",
                    "last_used_at", "revoked_at"]  # fmt: skip
    list_filter = ["access", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["institution", "created_by"]
    search_fields = ["name", "prefix", "institution__name"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "institution", "access"]
        return ["name", "institution", "access", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # A key's institution and access are what it was made for: a new need, a new key.
        if obj is None:
            return []
        return ["institution", "access", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit log and the last use stay

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj._shown_once = api_key_secret_set(obj)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Post, redirect, get: the key waits in the session for the one page that shows it,
        # so reloading that page makes no second key (and shows the key no second time).
        request.session[_shown_key_session(obj.pk)] = obj._shown_once
        return HttpResponseRedirect(reverse("admin:cohorts_apikey_created", args=[obj.pk]))

    def get_urls(self):
        created = self.admin_site.admin_view(self.created_view)
        return [
            path("<int:pk>/dibuat/", created, name="cohorts_apikey_created"),
            *super().get_urls(),
        ]

    def created_view(self, request, pk):
        api_key = self.get_object(request, str(pk))
        if api_key is None or not self.has_add_permission(request):
            raise Http404
        return TemplateResponse(
            request,
            "admin/cohorts/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "api_key": api_key,
                "key": request.session.pop(_shown_key_session(pk), None),
                "list_url": reverse("admin:cohorts_apikey_changelist"),
                "opts": self.opts,
                "title": _("Kunci API dibuat"),
            },
        )

    @admin.action(description=_("Cabut kunci yang dipilih"), permissions=["change"])
    def revoke(self, request, queryset):
        for api_key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(api_key=api_key)
        self.message_user(request, _("Kunci yang dipilih dicabut."))


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """An institution's address told of its certificates (documents.webhooks). The secret
    that signs the POSTs is made here and shown on the webhook's page, for the receiver."""

    list_display = ["institution", "url", "active", "created_at"]
    list_select_related = ["institution"]
    list_filter = ["active"]
    readonly_fields = ["secret", "created_at"]
    # An address typed without its scheme is https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        return False  # turned off (Aktif), not deleted: its deliveries stay readable


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """What was sent where, with its attempts and, when it failed, why. Read only."""

    list_display = ["event", "webhook", "status", "attempts", "created_at", "sent_at", "error"]
    list_select_related = ["webhook__institution"]
    list_filter = ["status", "event"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
