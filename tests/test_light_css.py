"""The light pages' Bootstrap subset (static/css/bootstrap-light.css) holds every Bootstrap rule
whose classes the templates use: a template that starts using a new class needs the file
generated again, or the class would do nothing on a participant's or a visitor's page."""

import re

from config.light_css import OUTPUT, subset_css


def rules(css):
    """Each rule of the subset, those inside an @media block prefixed with its condition."""
    for line in css.splitlines()[1:]:
        if line.startswith("@media") or line.startswith("@supports"):
            condition, body = line.split("{", 1)
            for rule in re.findall(r"[^{}]+\{[^{}]*\}", body[:-1]):
                yield f"{condition} {rule}"
        else:
            yield line


def test_the_committed_bootstrap_subset_has_every_rule_the_templates_need():
    # A rule the templates no longer need may stay until the file is generated again.
    missing = set(rules(subset_css())) - set(rules(OUTPUT.read_text(encoding="utf-8")))
    assert not missing, (
        "static/css/bootstrap-light.css is out of date: run "
        f"make light-css and commit the file. Missing: {missing}"
    )


def test_the_subset_keeps_what_the_pages_use_and_drops_the_rest():
    css = OUTPUT.read_text(encoding="utf-8")
    for used in (
        ".navbar-toggler",
        ".btn-primary",
        ".table-responsive",
        ".is-invalid",
        ".col-md-6",
    ):
        assert used in css
    for unused in (".carousel", ".offcanvas", ".toast", ".popover"):
        assert unused not in css
