"""Development and `make demo`: debug on, an insecure key that never leaves this machine."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Static files straight from the apps, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = env("SECRET_KEY", default="demo-only-insecure-key-do-not-use-in-production")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Certificates are signed with the demo's self-signed key (made by `make demo`) unless a real
# key is named.
if not env("SIGNING_KEY_FILE", default=""):
    from .base import DEMO_SIGNING_KEY_FILE, DEMO_SIGNING_KEY_PASSWORD

    SIGNING_KEY_FILE = str(DEMO_SIGNING_KEY_FILE)
    SIGNING_KEY_PASSWORD = DEMO_SIGNING_KEY_PASSWORD
