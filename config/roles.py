"""The four roles of Angkatan, as Django groups with permissions.

Groups and their permissions are created after every `migrate`, so a fresh database, the test
database and production all have them; staff only assign users to groups.
"""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

STAFF = "Staf BPSDM"
WIDYAISWARA = "Widyaiswara"
PARTICIPANT = "Peserta"
ADMINISTRATOR = "Administrator"
MENTOR = "Mentor"

_STAFF_PERMISSIONS = [
    "curriculum.view_program",
    "curriculum.add_program",
    "curriculum.change_program",
    "cohorts.view_nonworkingday",
    "cohorts.add_nonworkingday",
    "cohorts.delete_nonworkingday",
    "cohorts.view_institution",
    "cohorts.view_cohort",
    "cohorts.add_cohort",
    "cohorts.change_cohort",
    "documents.issue_certificates",
    "documents.view_certificate",
    "participants.view_participant",
    "participants.add_participant",
    "participants.change_participant",
    "participants.view_enrolment",
    "participants.add_enrolment",
    "participants.change_enrolment",
    "projects.view_changeproject",
]

ROLE_PERMISSIONS = {
    STAFF: _STAFF_PERMISSIONS,
    WIDYAISWARA: ["projects.score_changeproject"],
    PARTICIPANT: [],
    MENTOR: [],
    ADMINISTRATOR: _STAFF_PERMISSIONS
    + [
        # They work across every institution; staff only within their own (cohorts.scope).
        "cohorts.cover_every_institution",
        "cohorts.add_institution",
        "cohorts.change_institution",
        "documents.view_documents",
        "curriculum.view_eligibilitypolicy",
        "curriculum.add_eligibilitypolicy",
        "curriculum.change_eligibilitypolicy",
        # Administrators give people their roles in the admin site.
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        # and unlock a login locked after failed attempts (django-axes) by deleting them.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        # They read, search and export the audit log (issue 13).
        "auditlog.view_logentry",
        # and look up a report job that failed or stalled, with its reason (issue 15).
        "documents.view_reportjob",
        # and make and revoke the keys outside systems call the REST API with (issue 17).
        "cohorts.view_apikey",
        "cohorts.add_apikey",
        "cohorts.change_apikey",
        # and the addresses told when a certificate is issued or revoked, with what was sent.
        "cohorts.view_webhook",
        "cohorts.add_webhook",
        "cohorts.change_webhook",
        "cohorts.view_webhookdelivery",
        # and follow what was sent to SIASN and signed through BSrE, to find a failure's reason.
        "documents.view_siasnsync",
        "documents.view_batchsigning",
    ],
}


def roles_ensure():
    """Create the role groups and give each its permissions; safe to run any number of times."""
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {}
    for perm in Permission.objects.select_related("content_type").filter(
        codename__in={p.split(".", 1)[1] for p in wanted}
    ):
        by_name[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        # Permissions of apps not migrated yet are added by a later call.
        group.permissions.add(*[by_name[p] for p in perms if p in by_name])


def user_roles(user):
    if not user.is_authenticated:
        return set()
    # Cached on the user object: the header and the home view both ask.
    if not hasattr(user, "_angkatan_roles"):
        user._angkatan_roles = set(user.groups.values_list("name", flat=True))
    return user._angkatan_roles


def home_url(user):
    """Where each role lands after login."""
    roles = user_roles(user)
    if ADMINISTRATOR in roles:
        return reverse("documents:documents")
    if STAFF in roles:
        return reverse("cohorts:cohort_list")
    if WIDYAISWARA in roles:
        return reverse("projects:queue")
    if PARTICIPANT in roles:
        return reverse("participants:my_schedule")
    if MENTOR in roles:
        return reverse("participants:my_mentees")
    return reverse("no_role")
