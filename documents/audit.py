"""The audit log page for administrators (issue 13): every recorded change, export and login,
searched by person, object, action and date, 50 to a page, and the filtered log as XLSX or CSV
(made by a report job, documents.reports).

The entries are written by django-auditlog and config.audit; this module only reads them.
"""

from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.audit import EXPORT, LOGIN, LOGIN_FAILED, LOGOUT, PASSWORD_RESET
from config.pagination import ListFilterForm, page_of
from config.permissions import can_view_audit_log, rule_required
from config.users import user_label

from .report_tables import table_write

PAGE_SIZE = 50

# What the entry says happened: a save (auditlog's action) or, for an ACCESS entry, its event.
ACTIONS = {
    "create": (gettext_lazy("Dibuat"), Q(action=LogEntry.Action.CREATE)),
    "update": (gettext_lazy("Diubah"), Q(action=LogEntry.Action.UPDATE)),
    "delete": (gettext_lazy("Dihapus"), Q(action=LogEntry.Action.DELETE)),
    EXPORT: (gettext_lazy("Ekspor"), Q(additional_data__event=EXPORT)),
    LOGIN: (gettext_lazy("Masuk"), Q(additional_data__event=LOGIN)),
    LOGIN_FAILED: (gettext_lazy("Gagal masuk"), Q(additional_data__event=LOGIN_FAILED)),
    LOGOUT: (gettext_lazy("Keluar"), Q(additional_data__event=LOGOUT)),
    PASSWORD_RESET: (
        gettext_lazy("Minta atur ulang sandi"),
        Q(additional_data__event=PASSWORD_RESET),
    ),
}
ACTION_OF_SAVE = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
}


class AuditFilterForm(ListFilterForm):
    actor = forms.CharField(label=gettext_lazy("Oleh (nama atau NIP)"), required=False)
    q = forms.CharField(label=gettext_lazy("Objek atau isi"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Tindakan"),
        choices=[("", gettext_lazy("Semua"))] + [(k, label) for k, (label, _q) in ACTIONS.items()],
        required=False,
    )
    date_from = forms.DateField(
        label=gettext_lazy("Dari tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Sampai tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(filters):
    """The entries matching the filters, newest first, with their actor and content type."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if actor := (filters.get("actor") or "").strip():
        entries = entries.filter(
            Q(actor__username__icontains=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
            | Q(actor_email__icontains=actor)
            # a failed login has no actor, only the name that was typed
            | Q(additional_data__username__icontains=actor)
        )
    if q := (filters.get("q") or "").strip():
        entries = entries.filter(
            Q(object_repr__icontains=q)
            | Q(changes_text__icontains=q)
            | Q(content_type__model__icontains=q)
        )
    if action := filters.get("action"):
        entries = entries.filter(ACTIONS[action][1])
    # Whole days in the site's time zone, both ends included.
    if day := filters.get("date_from"):
        entries = entries.filter(timestamp__gte=_day_start(day))
    if day := filters.get("date_to"):
        entries = entries.filter(timestamp__lt=_day_start(day + timedelta(days=1)))
    return entries


def _value(field, value):
    if value is None or value == "None":
        return "—"
    choices = dict(getattr(field, "choices", None) or [])
    return str(choices.get(value, value))


def entry_changes(entry):
    """What changed, in words: `field: old → new` for a save, the objects added to or removed
    from a many-to-many field, or what an export or login was."""
    if entry.action == LogEntry.Action.ACCESS:
        return entry.changes_text
    model = entry.content_type.model_class()
    parts = []
    for name, change in (entry.changes or {}).items():
        try:
            field = model._meta.get_field(name)
            label = str(field.verbose_name)
        except Exception:  # a field since removed, or a model no longer installed
            field, label = None, name
        if isinstance(change, dict) and change.get("type") == "m2m":
            sign = "+" if change.get("operation") == "add" else "−"
            parts.append(f"{label}: {sign} {', '.join(change.get('objects', []))}")
        elif isinstance(change, list | tuple) and len(change) == 2:
            old, new = (_value(field, v) for v in change)
            if entry.action == LogEntry.Action.CREATE:
                parts.append(f"{label}: {new}")
            else:
                parts.append(f"{label}: {old} → {new}")
    return "; ".join(parts)


def entry_action(entry):
    if entry.action == LogEntry.Action.ACCESS:
        event = (entry.additional_data or {}).get("event", "")
        return str(ACTIONS[event][0]) if event in ACTIONS else _("Diakses")
    return str(ACTIONS[ACTION_OF_SAVE[entry.action]][0])


def entry_actor(entry):
    if entry.actor is not None:
        return user_label(entry.actor)
    if entry.actor_email:
        return entry.actor_email  # the account was deleted since
    return _("sistem")  # a worker's job, a command, or a login by someone not signed in


def entry_object(entry):
    model = entry.content_type.model_class()
    kind = str(model._meta.verbose_name) if model else entry.content_type.model
    return f"{kind}: {entry.object_repr}" if entry.object_pk else entry.object_repr


def entry_row(entry):
    return {
        "timestamp": entry.timestamp,
        "actor": entry_actor(entry),
        "action": entry_action(entry),
        "object": entry_object(entry),
        "changes": entry_changes(entry),
        "remote_addr": entry.remote_addr or "",
    }


@rule_required(can_view_audit_log)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    # The count and the page's rows: two queries, the filters in their WHERE.
    page = page_of(request, audit_entries(form.filters()), per_page=PAGE_SIZE)
    return render(
        request,
        "documents/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": [entry_row(entry) for entry in page],
            "query": page.query,
        },
    )


AUDIT_HEADER = ["Waktu (WIB)", "Oleh", "Tindakan", "Objek", "Perubahan", "Alamat IP"]
# Entries read from the database at a time while the export is written.
EXPORT_CHUNK_SIZE = 2000


def audit_filters_clean(params):
    """The filters of an export request (the page's query string), validated by the page's
    form: what a job stores and runs with."""
    form = AuditFilterForm(params or None)
    filters = form.filters()
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in filters.items()
        if value
    }


def audit_log_write(kind, filters, handle, progress=None):
    """The filtered log, every page of it, written as XLSX or CSV into `handle` a chunk of
    entries at a time. `filters` as audit_filters_clean returns them. Returns the rows
    written."""
    filters = AuditFilterForm(filters or None).filters()
    entries = audit_entries(filters)
    total = entries.count()

    def rows():
        for done, entry in enumerate(entries.iterator(chunk_size=EXPORT_CHUNK_SIZE), start=1):
            row = entry_row(entry)
            at = timezone.localtime(row["timestamp"])
            yield [
                date_format(at, "Y-m-d H:i:s"),
                row["actor"],
                row["action"],
                row["object"],
                row["changes"],
                row["remote_addr"],
            ]
            if progress and (done % EXPORT_CHUNK_SIZE == 0 or done == total):
                progress(done, total)

    title = [_("Log audit Angkatan"), _("Dibuat %(when)s WIB") % {
        "when": date_format(timezone.localtime(), "DATETIME_FORMAT")}]  # fmt: skip
    return table_write(kind, handle, AUDIT_HEADER, rows(), title=title)
