"""Settings shared by every environment. Values come from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# The address printed in QR codes and e-mails; certificates outlive requests, so it cannot
# be taken from the request that started the job.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",  # failed logins, lockouts (see "Logins and sessions" below)
    "dbbackup",  # manage.py dbbackup/dbrestore, mediabackup/mediarestore (see "Backups")
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # Bootstrap 5 CSS and JS served locally (django-bootstrap-static)
    "simple_history",
    "auditlog",  # who did what, when and from where (see "Audit log" below)
    "django_otp",  # two-factor login with TOTP codes (see "Two-factor login" below)
    "django_otp.plugins.otp_totp",
    "rest_framework",  # the REST API (see "REST API" at the end)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served from this site (the CSP allows no other)
    "curriculum",
    "cohorts",
    "participants",
    "projects",
    "documents",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, static files too
    # (see "Headers" below).
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Signed-in sessions end after SESSION_IDLE_MINUTES without a request.
    "config.middleware.SessionIdleTimeoutMiddleware",
    "config.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session entered its authenticator code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Changes made in the admin are recorded in the score and outcome histories with their user.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Audit log entries get the request's user and address (config.audit).
    "config.audit.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.role_flags",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'angkatan.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: WAL lets readers go on
    # while a job writes, and IMMEDIATE transactions wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Passwords (config/passwords.py): Argon2id at OWASP's minimum cost first; the hashers after
# it (Django's default list; its own Argon2 hasher is ours) only read older hashes, PBKDF2
# until now, which Django stores again with Argon2id at the user's next login.
PASSWORD_HASHERS = [
    "config.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Logins and sessions (docs/decisions.md, "Logins"). django-axes counts failed logins per user
# name and per client address; past a limit, every login for that name or from that address
# is refused, the right password too, until LOGIN_COOLOFF_MINUTES have passed since the last
# failure or an administrator deletes the attempts in the admin site.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
# Failed logins for one user name (NIP) that lock it: with 5, the 6th attempt is refused.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
# Failures from one address, whatever the names: higher, as a class or an office shares one.
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# Attempts during a lockout are refused without extending it, so "try again in N minutes"
# holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login forgets that user name's failures (and only those: config.logins).
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "config.logins.LoginAttemptsHandler"
# The client address as the rate limit reads it (RATELIMIT_IP_META_KEY behind a proxy).
AXES_CLIENT_IP_CALLABLE = "config.logins.login_client_address"
AXES_LOCKOUT_CALLABLE = "config.logins.login_locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Idle timeout: a session ends after this long without a request (config.middleware renews
# it while it is used). The same for every role.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60

# Two-factor login (docs/decisions.md, "Two-factor login"). Staff and administrators may turn
# on an authenticator app (TOTP, django-otp); whoever has one enters its code after the
# password before any page opens. With TWO_FACTOR_REQUIRED_FOR_CERTIFICATES on, whoever may
# issue certificates is sent to set one up before the certificate pages open. An environment
# setting, not an admin switch: it changes who can reach signed documents and is set where
# the other security settings are.
TWO_FACTOR_REQUIRED_FOR_CERTIFICATES = env.bool(
    "TWO_FACTOR_REQUIRED_FOR_CERTIFICATES", default=False
)
OTP_TOTP_ISSUER = "Angkatan"

# Headers (docs/decisions.md, "Headers"). The Content-Security-Policy (django-csp) allows
# scripts, styles, fonts and fetches from this site only: no inline script or event handler,
# so injected markup cannot run. Style attributes are allowed (style-src-attr) for the widths
# and offsets computed per page (timeline, progress bars) and simple_history's admin history
# page; <style> elements are not (style-src-elem). Images may be data: URIs
# (logos, signatures and QR codes are; so are Bootstrap's form icons). No site may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Browser features no page uses, refused to every page and frame (config.middleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Audit log (docs/decisions.md, "Audit log"): django-auditlog records the saves of the models
# each app registers in its AppConfig.ready, config.audit the exports and logins; administrators
# read it on the audit log page. The client's address is kept ("from where"), read as the
# logins read it (RATELIMIT_IP_META_KEY behind a proxy), not from X-Forwarded-For.
AUDITLOG_DISABLE_REMOTE_ADDR = False
# A changed coach, mentor or group is recorded by its name, as it was then, not its id.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# Indonesian first: the interface is in Bahasa Indonesia unless the user picks English.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# A PKCS#12 key that signs every certificate PDF (PAdES), and its password; unsigned without.
# The demo's self-signed key (`manage.py signing_key_demo`) is used when no key is named.
DEMO_SIGNING_KEY_FILE = VAR_DIR / "signing" / "demo-sttp.p12"
DEMO_SIGNING_KEY_PASSWORD = "angkatan-demo"
SIGNING_KEY_FILE = env("SIGNING_KEY_FILE", default="")
SIGNING_KEY_PASSWORD = env("SIGNING_KEY_PASSWORD", default="")
SIGNING_LOCATION = env("SIGNING_LOCATION", default="Indonesia")
# Key rotation (documents/signing.py): the next key signs from SIGNING_KEY_NEXT_FROM on.
SIGNING_KEY_NEXT_FILE = env("SIGNING_KEY_NEXT_FILE", default="")
SIGNING_KEY_NEXT_PASSWORD = env("SIGNING_KEY_NEXT_PASSWORD", default="")
SIGNING_KEY_NEXT_FROM = env("SIGNING_KEY_NEXT_FROM", default="")
# Certificates rendered together as the pages of one document, then split (much faster than
# one document each); a batch is rendered this many at a time.
CERTIFICATE_PAGES_PER_DOCUMENT = env.int("CERTIFICATE_PAGES_PER_DOCUMENT", default=25)
# A running certificate batch without progress this long lost its worker; a new request
# then finishes the work.
CERTIFICATE_BATCH_STALL_SECONDS = env.int("CERTIFICATE_BATCH_STALL_SECONDS", default=300)
# Public certificate checks per visitor address (django-ratelimit syntax); more answer 429.
VERIFY_RATE = env("VERIFY_RATE", default="30/m")
# Behind a reverse proxy the visitor's address is in a header the proxy sets.
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default=None)
# The rate limit counts in the cache, which every web process must share, or each would keep
# its own count: Redis when CACHE_URL names it, else a table in the database (made after every
# migrate, see documents.apps). A per-process memory cache would let N workers allow N times
# the limit.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://angkatan_cache")}
# The largest change-project document a participant may upload.
PROJECT_UPLOAD_MAX_MB = env.int("PROJECT_UPLOAD_MAX_MB", default=10)
# Months after the seminar at which a change project's follow-up round opens (projects.follow_up).
FOLLOW_UP_MONTHS = env("FOLLOW_UP_MONTHS", default="3,6,12")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def bucket_storage():
    """The default storage in the S3-compatible bucket AWS_STORAGE_BUCKET_NAME names (MinIO, a
    cloud bucket), or None when none is named. Files are private: downloads go through the
    permission-checked views. Production and the tests' bucket (CI) use the same options."""
    if not env("AWS_STORAGE_BUCKET_NAME", default=""):
        return None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


# Backups (docs/decisions.md, "Backups"): django-dbbackup writes the database (`manage.py
# dbbackup`: pg_dump's custom format on PostgreSQL, SQLite's backup API) and the media files
# (`manage.py mediabackup`: a tarball of everything in the default storage, the S3 bucket when
# one is named) to BACKUP_DIR; `dbrestore` and `mediarestore` put them back. A settings module
# that replaces STORAGES must keep STORAGES["dbbackup"] = BACKUP_STORAGE, or dbbackup writes
# into MEDIA_ROOT.
BACKUP_DIR = env.path("BACKUP_DIR", default=str(VAR_DIR / "backups"))
BACKUP_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(BACKUP_DIR)},
}
STORAGES["dbbackup"] = BACKUP_STORAGE
# Restored by the connecting role, whatever role owned the objects when they were dumped (a new
# server may name it differently); pg_restore runs in one transaction, all or nothing.
DBBACKUP_CONNECTORS = {"default": {"PG_OPTIONS": "--no-owner --no-acl"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Restored through SQLite's backup API, not by writing over the file (config/backups.py).
    DBBACKUP_CONNECTORS["default"]["CONNECTOR"] = "config.backups.SqliteConnector"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery. The default broker is kombu's filesystem transport: it needs no server, so a
# fresh clone runs a real worker with nothing else installed. Production sets Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FILESYSTEM_DIR = env("CELERY_BROKER_FILESYSTEM_DIR", default=str(VAR_DIR / "broker"))


def filesystem_broker_options(folder):
    """The filesystem broker (config.broker): one folder of message files that producers and
    the workers share."""
    names = ("queue", "claimed", "damaged", "processed", "control")
    folders = {name: Path(folder) / name for name in names}
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        # A worker moves a message here to read it, so no other worker can take it.
        "claimed_folder": str(folders["claimed"]),
        # A message file that never became readable JSON, kept for a person to look at.
        "damaged_folder": str(folders["damaged"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
        # How often an idle worker looks for a message (kombu's default is every second):
        # a batch hands its chunks on to the workers without a second's wait each.
        "polling_interval": 0.1,
    }


if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu's filesystem transport can hand a worker a half-written message, which stops the
    # worker and loses the message; config.broker writes and claims messages atomically.
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_BROKER_FILESYSTEM_DIR)
# Job state lives in our own tables (CertificateBatch), which staff can read; no result backend.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="angkatan")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 50
# A worker process that has grown past this (in KiB) after a job is replaced by a fresh one:
# a report of 10,000 rows (WeasyPrint lays out the whole table) does not leave a 2 GB process
# behind for the next jobs.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=600_000)
# A report job (documents.reports) not finished this long after its last sign of life lost its
# worker (its hard time limit is 16 minutes): a new request starts it again.
REPORT_JOB_STALL_SECONDS = env.int("REPORT_JOB_STALL_SECONDS", default=20 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery beat: every morning, the reports of the phases that ended.
CELERY_BEAT_SCHEDULE = {
    "phase-reports": {
        "task": "documents.tasks.phase_reports_due_job",
        "schedule": crontab(hour=6, minute=0),
    },
    # The participants of a phase that starts tomorrow are told (participants.notifications),
    # and widyaiswara and mentors who chose it get their daily digest.
    "phases-tomorrow": {
        "task": "participants.tasks.phases_tomorrow_notify_job",
        "schedule": crontab(hour=7, minute=0),
    },
    "notification-digest": {
        "task": "participants.tasks.notifications_digest_job",
        "schedule": crontab(hour=17, minute=0),
    },
    # The follow-up rounds due after the seminars (projects.follow_up), once each.
    "follow-up-rounds": {
        "task": "projects.tasks.follow_up_rounds_open_job",
        "schedule": crontab(hour=7, minute=10),
    },
    # The scorers whose sheets a seminar still waits for (projects.reminders).
    "scores-due": {
        "task": "projects.tasks.scores_due_notify_job",
        "schedule": crontab(hour=7, minute=5),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
    },
}

# --- Outside systems (config/integrations; README, "Integrations") -----------------------------
# Each is optional: without its address a client says it is not configured, and the pages that
# use it say so. Timeouts are in seconds.

# SIASN (BKN): data utama and riwayat diklat. [config/integrations/siasn.py]
# The API Manager (apimws.bkn.go.id:8243 in production) answers the API; its token endpoint
# and SIASN's SSO may sit elsewhere (SIASN_APIM_URL, SIASN_SSO_URL; empty: SIASN_BASE_URL).
SIASN_BASE_URL = env("SIASN_BASE_URL", default="")
SIASN_APIM_URL = env("SIASN_APIM_URL", default="")
SIASN_SSO_URL = env("SIASN_SSO_URL", default="")
SIASN_CONSUMER_KEY = env("SIASN_CONSUMER_KEY", default="")
SIASN_CONSUMER_SECRET = env("SIASN_CONSUMER_SECRET", default="")
SIASN_CLIENT_ID = env("SIASN_CLIENT_ID", default="")
SIASN_USERNAME = env("SIASN_USERNAME", default="")
SIASN_PASSWORD = env("SIASN_PASSWORD", default="")
SIASN_TIMEOUT = env.float("SIASN_TIMEOUT", default=20)
# Seconds between a push's retries after SIASN did not answer (documents.siasn_sync).
SIASN_RETRY_DELAY = env.int("SIASN_RETRY_DELAY", default=60)

# BSrE (BSSN): electronic signatures on certificates. [config/integrations/bsre.py]
# The e-sign client's address (http://esign.example.go.id, without /api/...) and its basic-auth
# account; BSRE_TRUST_ROOTS is a PEM file of the CA certificate(s) whose signatures Angkatan
# accepts on a returned PDF (BSrE's root and intermediates; the stand-in's CA in the demo).
# An approval (NIK and passphrase, or a seal TOTP) is held encrypted in the cache this long.
BSRE_BASE_URL = env("BSRE_BASE_URL", default="")
BSRE_USERNAME = env("BSRE_USERNAME", default="")
BSRE_PASSWORD = env("BSRE_PASSWORD", default="")
BSRE_TIMEOUT = env.float("BSRE_TIMEOUT", default=60)
BSRE_TRUST_ROOTS = env("BSRE_TRUST_ROOTS", default="")
BSRE_APPROVAL_SECONDS = env.int("BSRE_APPROVAL_SECONDS", default=900)

# LMS (Moodle web services): grades without a file. [config/integrations/lms.py]
# The site's address (https://lms.example.go.id, without /webservice/...) and a web-service
# token of a user allowed the functions listed in docs/integrations-lms.md.
LMS_BASE_URL = env("LMS_BASE_URL", default="")
LMS_TOKEN = env("LMS_TOKEN", default="")
LMS_TIMEOUT = env.float("LMS_TIMEOUT", default=20)

# REST API (config/api.py; README, "API").
# Integrations call it with a key an administrator makes in the admin site (cohorts.api_keys),
# never with a session: "Authorization: Api-Key <key>". A key reads (or also writes) the
# cohorts of its one institution. Errors come in one shape (config.api.api_exception_handler).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["cohorts.api_keys.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["cohorts.api_keys.ApiKeyAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.KeyRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
# Requests per key (a number, a slash and s, m, h or d: "600/m", "10/s", "5000/h"),
# counted in the shared cache (CACHE_URL), so every web process counts the same key together.
API_RATE_READ = env("API_RATE_READ", default="600/m")
API_RATE_WRITE = env("API_RATE_WRITE", default="60/m")
# Largest page a client may ask for with ?page_size= (50 without it).
API_PAGE_SIZE_MAX = env.int("API_PAGE_SIZE_MAX", default=200)
# A key's "last used" time is written at most this often, not on every request.
API_KEY_TOUCH_SECONDS = env.int("API_KEY_TOUCH_SECONDS", default=60)
# Webhooks (documents.webhooks): seconds a receiver has to answer, and how many times an
# event is sent before it is marked failed, the retries WEBHOOK_RETRY_SECONDS apart, doubling.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10)
WEBHOOK_ATTEMPTS = env.int("WEBHOOK_ATTEMPTS", default=5)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=60)
SPECTACULAR_SETTINGS = {
    "TITLE": "Angkatan API",
    "DESCRIPTION": (
        "Programs, cohorts with their phases, enrolments with final scores and predicates, "
        "and certificates of one institution; enrolments and component scores written. "
        "Authorization: `Api-Key <key>`. Every error: "
        '`{"error": {"code": ..., "message": ..., "fields": {...}}}`. See docs/integrations-api.md.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are public: they describe the API, not anyone's data.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "EnrolmentStatusEnum": "participants.models.Enrolment.Status",
        "CertificateStatusEnum": "documents.models.Certificate.Status",
    },
}
