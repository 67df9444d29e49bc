"""What every browser test does the same way: sign in on the login page, and follow a link
of the top menu, unfolding it first where it is folded (on a phone)."""

import re

from playwright.sync_api import expect

from ..factories import PASSWORD


def log_in(page, base_url, username, password=PASSWORD):
    page.goto(f"{base_url}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/masuk/"))


def menu(page, name):
    """Follows a link of the top menu, opening it first where it is folded (on a phone)."""
    # The stylesheets decide whether the menu is folded: wait until they have loaded.
    page.wait_for_load_state("load")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("#nav").get_by_role("link", name=name, exact=True).click()
