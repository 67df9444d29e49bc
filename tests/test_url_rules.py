"""Every page declares who may open it: a rule, or a stated reason to be public."""

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own views, which carry their own protection.
DJANGO_VIEWS = {
    "login", "logout", "set_language", "password_set", "password_reset", "password_reset_done",
}  # fmt: skip


def patterns(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin site checks is_staff and model permissions itself
            yield from patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def test_every_view_declares_a_rule_or_why_it_is_public():
    undeclared = []
    for namespace, pattern in patterns(get_resolver()):
        view = pattern.callback
        if pattern.name in DJANGO_VIEWS:
            continue
        if not (getattr(view, "rule", None) or getattr(view, "public", None)):
            undeclared.append(f"{namespace}:{pattern.name}")
    assert undeclared == []


def test_the_public_views_are_the_ones_we_mean():
    public = sorted(
        f"{namespace}:{pattern.name}"
        for namespace, pattern in patterns(get_resolver())
        if getattr(pattern.callback, "public", None)
    )
    assert public == [
        ":verify",
        ":verify_lookup",
        # The REST API's description and docs page, its 404 for unknown addresses, and the
        # verification in JSON (documents.api_urls).
        "api:docs",
        "api:not_found",
        "api:schema",
        "api:verify",
        "api:verify_lookup",
        "cohorts:cohort_feed",
        # Verifiable credentials: the issuer's keys, profile and status list, and the
        # verification a third party makes (documents.credential_views, issue 18).
        "documents:credential_issuer",
        "documents:credential_keys",
        "documents:credential_status_list",
        "documents:credential_verify",
        "documents:credential_verify_json",
        "participants:calendar_feed",
        # The catalogue of innovations: what participants chose to publish (issue 18).
        "projects:catalogue",
        "projects:catalogue_entry",
    ]
