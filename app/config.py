"""Configuration read from the environment, with safe local defaults."""

import os
from datetime import timedelta


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # default set in create_app
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Uploads: 15 MB per photo, several photos per request.
    MAX_PHOTO_BYTES = int(os.environ.get("MAX_PHOTO_BYTES", 15 * 1024 * 1024))
    MAX_PHOTO_PIXELS = int(os.environ.get("MAX_PHOTO_PIXELS", 40_000_000))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 100 * 1024 * 1024))
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")  # default: instance/uploads
    # Photos in an S3-compatible bucket instead (several app hosts share it; docs/deploy.md).
    # Credentials: S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY, else boto3's own chain (AWS_*
    # variables, an instance role). S3_WRITE_ONCE=0 for a server without If-None-Match.
    S3_BUCKET = os.environ.get("S3_BUCKET")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")
    S3_REGION = os.environ.get("S3_REGION")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY")
    S3_WRITE_ONCE = _bool("S3_WRITE_ONCE", True)

    # How often a phone on a walk in progress asks for the walk's new findings (walks.live;
    # a 304 while nothing changed). Every phone shows a finding within this plus the request.
    LIVE_POLL_SECONDS = int(os.environ.get("LIVE_POLL_SECONDS", 4))

    # Privacy (docs/operations.md, "Personal data"). Faces are blurred before a photo is
    # stored unless FACE_BLUR=0; with it on, the app refuses to start without the face model.
    FACE_BLUR = _bool("FACE_BLUR", True)
    FACE_MODEL_PATH = os.environ.get("FACE_MODEL_PATH")  # default: the one `make install` puts
    # Photos of findings closed longer ago than this are deleted by `flask purge-expired`.
    PHOTO_RETENTION_MONTHS = int(os.environ.get("PHOTO_RETENTION_MONTHS", 24))
    # Free text of confidential findings closed longer ago than this; empty = kept.
    CONFIDENTIAL_TEXT_RETENTION_MONTHS = (
        int(os.environ["CONFIDENTIAL_TEXT_RETENTION_MONTHS"])
        if os.environ.get("CONFIDENTIAL_TEXT_RETENTION_MONTHS", "").strip()
        else None
    )
    # Retention of the other personal data (docs/record-of-processing.md), applied by
    # `flask purge-expired`; 0 keeps that kind. Accounts nobody logged in to for this long
    # are anonymised (as flask person-erase does); participants' names of walks this old
    # are removed, and invited people's names, e-mails and phones (the roles stay); mail in
    # the outbox, and sign-in records (a device's login session, last used), are deleted.
    ACCOUNT_RETENTION_MONTHS = int(os.environ.get("ACCOUNT_RETENTION_MONTHS", 24))
    PARTICIPANT_NAME_RETENTION_MONTHS = int(
        os.environ.get("PARTICIPANT_NAME_RETENTION_MONTHS", 36))
    MAIL_RETENTION_DAYS = int(os.environ.get("MAIL_RETENTION_DAYS", 90))
    SIGNIN_RETENTION_MONTHS = int(os.environ.get("SIGNIN_RETENTION_MONTHS", 12))
    # Where `flask backup` writes (one folder per backup); purge-expired deletes the backups
    # in it older than PHOTO_RETENTION_MONTHS, so purged photos do not live on in them.
    BACKUP_FOLDER = os.environ.get("BACKUP_FOLDER") or None

    # A finding queued offline may be replayed hours later: tokens live as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = _bool("WTF_CSRF_SSL_STRICT", True)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SECURE_COOKIES")
    # A login lasts SESSION_DAYS on a device (walkers may be offline for hours); the server
    # also refuses a session older than that, whatever the cookie says.
    SESSION_DAYS = int(os.environ.get("SESSION_DAYS", 30))
    PERMANENT_SESSION_LIFETIME = timedelta(days=SESSION_DAYS)
    # The cookie is not signed and sent again on every response (Flask's default) to slide
    # its expiry: the server ends a login SESSION_DAYS after it began whatever the cookie
    # says, so the cookie set at login (or when the session changes) already lasts as long.
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_DURATION = timedelta(days=SESSION_DAYS)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SECURE_COOKIES")

    # Vendored by scripts/vendor.sh (htmx pinned to 2.0.x).
    HTMX_PATH = "vendor/htmx-2.0.11/htmx.min.js"
    LEAFLET_DIR = "vendor/leaflet-1.9.4"
    MARKERCLUSTER_DIR = "vendor/leaflet.markercluster-1.5.3"

    LANGUAGES = ("sv", "en")
    # The tenant pages (/t/…, app/tenants) also speak the languages many tenants in Fittja
    # and Alby read best; staff pages stay Swedish and English.
    TENANT_LANGUAGES = ("sv", "en", "ar", "so", "fi")
    # Tenant reports (/t/<code>): per address and per building, counting only reports sent;
    # the whole request (a photo and a few words) at most this large.
    TENANT_REPORT_LIMIT_IP = os.environ.get("TENANT_REPORT_LIMIT_IP", "5/minute;20/hour")
    TENANT_REPORT_LIMIT_BUILDING = os.environ.get("TENANT_REPORT_LIMIT_BUILDING", "30/hour")
    TENANT_MAX_REQUEST_BYTES = int(os.environ.get("TENANT_MAX_REQUEST_BYTES", 16 * 1024 * 1024))
    # Tenants' e-mail addresses and phone numbers go this many days after their report closed.
    TENANT_CONTACT_RETENTION_DAYS = int(os.environ.get("TENANT_CONTACT_RETENTION_DAYS", 30))
    # Where tenants report accessibility problems (the accessibility statement, /t/tillganglighet).
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "")
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"

    # Password hashing: Werkzeug's default (scrypt). Tests use a cheap one.
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")
    # How many reverse proxies in front set X-Forwarded-For (nginx: 1). Without it every
    # request seems to come from the proxy and per-address throttling would be global.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    # Login throttling (a slowdown, never a lock a stranger can trigger), see
    # app/accounts/throttle.py. Counters live in Redis when REDIS_URL is set (shared by all
    # workers), else in this process's memory.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_IP = os.environ.get("LOGIN_LIMIT_IP", "30 per minute")
    LOGIN_LIMIT_ACCOUNT_IP = os.environ.get("LOGIN_LIMIT_ACCOUNT_IP", "5 per 15 minutes")
    LOGIN_LIMIT_ACCOUNT = os.environ.get("LOGIN_LIMIT_ACCOUNT", "10 per minute")
    LOGIN_LIMIT_CODE = os.environ.get("LOGIN_LIMIT_CODE", "5 per 5 minutes")
    # Places residents send from a walk's public pin page (/r/<token>), per address.
    PIN_LIMIT = os.environ.get("PIN_LIMIT", "10/hour;30/day")
    # Answers to the tenants' safety pulse (/t/<code>/pulse), per address. Generous: a house's
    # tenants may share one address (a landlord's Wi-Fi, mobile carrier NAT).
    PULSE_LIMIT = os.environ.get("PULSE_LIMIT", "30/hour;200/day")
    # Join by code (/join): tries per address. A group joining together behind one mobile
    # operator's address needs a few each; guessing one of 32⁶ codes needs ~10⁸.
    JOIN_LIMIT = os.environ.get("JOIN_LIMIT", "20/minute;100/hour")
    # A guest's session ends with the walk, or this long after joining.
    GUEST_SESSION_HOURS = float(os.environ.get("GUEST_SESSION_HOURS", 12))
    # A guest whose session was alive when the walk was completed keeps it this long after
    # completion, only to send what their phone captured before it (findings and photos still
    # in its outbox): shorter than staff's LATE_FINDING_GRACE_HOURS, since it is a bearer
    # cookie without an account, and a phone offline in a basement is back within hours.
    GUEST_LATE_GRACE_HOURS = float(os.environ.get("GUEST_LATE_GRACE_HOURS", 24))
    # One-time links sent by e-mail.
    INVITE_LINK_DAYS = int(os.environ.get("INVITE_LINK_DAYS", 7))
    RESET_LINK_HOURS = int(os.environ.get("RESET_LINK_HOURS", 2))

    # Map tiles are optional: without them the map shows markers on a blank background.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    MAP_TILE_ATTRIBUTION = os.environ.get(
        "MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
    )

    # Mail: without MAIL_SERVER, mail stays in the in-app outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "trygg@localhost")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    # Staff read tenant reports machine-translated, on a click, when a LibreTranslate-
    # compatible service is set (app/triage/translate.py posts to <TRANSLATE_URL>/translate).
    # Off by default: the report's text leaves Trygg only to a service chosen here.
    TRANSLATE_URL = os.environ.get("TRANSLATE_URL", "")
    TRANSLATE_API_KEY = os.environ.get("TRANSLATE_API_KEY", "")
    TRANSLATE_TIMEOUT = float(os.environ.get("TRANSLATE_TIMEOUT", 3))

    # Background jobs (app/jobs.py): RQ on Redis when REDIS_URL is set, else a thread in the
    # web process. JOBS_MODE overrides: rq | thread | sync.
    REDIS_URL = os.environ.get("REDIS_URL")
    JOBS_MODE = os.environ.get("JOBS_MODE")
    JOB_TIMEOUT = int(os.environ.get("JOB_TIMEOUT", 30 * 60))
    # Finished exports: files under EXPORT_FOLDER (default instance/exports), kept this long.
    EXPORT_FOLDER = os.environ.get("EXPORT_FOLDER")
    EXPORT_KEEP_HOURS = int(os.environ.get("EXPORT_KEEP_HOURS", 24))
    # An export with no progress for this long is shown as failed (its worker has died).
    EXPORT_STALE_SECONDS = int(os.environ.get("EXPORT_STALE_SECONDS", 15 * 60))

    # Operations (docs/deploy.md): LOG_FORMAT=json writes one JSON object per log line;
    # /metrics answers only with "Authorization: Bearer $METRICS_TOKEN" (404 without it).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN")
    # Integrations (app/integrations, docs/integrations.md). Requests per API key.
    API_KEY_RATE_LIMIT = os.environ.get("API_KEY_RATE_LIMIT", "120 per minute")
    # Webhooks: seconds to wait for a receiver; the first retry's delay (doubling after);
    # how long an event is tried; a cap on tries.
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", 10))
    WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", 30))
    WEBHOOK_RETRY_HOURS = float(os.environ.get("WEBHOOK_RETRY_HOURS", 24))
    WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", 20))
    # Single sign-on (OpenID Connect): on when OIDC_ISSUER and OIDC_CLIENT_ID are set.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET")
    # The claim with the user's groups, and "group=role,group=role" for new users.
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
    OIDC_ROLE_MAP = os.environ.get("OIDC_ROLE_MAP", "")
    OIDC_DEFAULT_ROLE = os.environ.get("OIDC_DEFAULT_ROLE", "walker")

    # What each process keeps of pages' shared parts (app/page_cache.py: filter options,
    # dashboard bodies), at most (bytes; the least recently used go first).
    PAGE_CACHE_BYTES = int(os.environ.get("PAGE_CACHE_BYTES", 16 * 1024 * 1024))

    # Tenants' safety survey goal: share answering "very or fairly safe", percent.
    SAFETY_GOAL = float(os.environ.get("SAFETY_GOAL", 78))

    # Nearest buildings offered on the finding form.
    NEAREST_RADIUS_M = 200
    NEAREST_LIMIT = 3

    # A finding captured offline while its walk was in progress is still accepted this long
    # after someone completed the walk (the phone may come back online days later).
    LATE_FINDING_GRACE_HOURS = int(os.environ.get("LATE_FINDING_GRACE_HOURS", 7 * 24))
