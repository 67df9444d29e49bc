"""Notification pages: each user's choice of how they are told, and staff's list of the
messages for people without an e-mail address, with a WhatsApp link each."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from config.pagination import page_of
from config.permissions import any_signed_in_user, can_manage_cohorts, rule_required

from .notification_forms import NotificationPreferencesForm
from .notifications import (
    digest_offered,
    notification_whatsapp_link,
    notifications_without_email,
    preferences_of,
    preferences_set,
)


@rule_required(any_signed_in_user)
def notification_preferences(request):
    """The signed-in user's own choices: there is no one else's to open."""
    user = request.user
    form = NotificationPreferencesForm(
        request.POST or None, user=user, initial_channels=preferences_of(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            preferences_set(user=user, channels=form.channels())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Pilihan pemberitahuan disimpan."))
            return redirect("participants:notification_preferences")
    return render(
        request,
        "participants/notification_preferences.html",
        {"form": form, "digest_offered": digest_offered(user), "email": user.email},
    )


@rule_required(can_manage_cohorts)
def notifications_without_email_view(request, cohort_pk):
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    page = page_of(request, notifications_without_email(cohort))
    for notification in page:
        notification.whatsapp = notification_whatsapp_link(notification)
    return render(
        request,
        "participants/notifications_without_email.html",
        {"cohort": cohort, "page": page},
    )
