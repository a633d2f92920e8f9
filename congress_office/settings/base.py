"""Settings shared by every environment.

Everything that varies between deployments comes from the environment (see README
"Configuration"). Statutory numbers live here as named settings, not as literals in code,
because provinces vary.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "congress_office.apps.CoreConfig",
    "deputies",
    "petitions",
    "documents",
    "meetings",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congress_office.middleware.SessionIdleTimeoutMiddleware",
    "congress_office.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "congress_office.middleware.ForcePasswordChangeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congress_office.urls"
WSGI_APPLICATION = "congress_office.wsgi.application"

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
                "congress_office.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL is set (PostgreSQL in every real deployment).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytical queries, not for a page's queries of tens of
    # milliseconds: a LIMIT over a big table looks costly to the planner, which then spends
    # 100 ms or more compiling a query that runs in 40 (measured on the county benchmark)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
# Staff sessions end after this many idle seconds (8 hours): each request moves the expiry on,
# at most every SESSION_IDLE_REFRESH_SECONDS (congress_office.middleware.SessionIdleTimeoutMiddleware),
# so a session is not written on every request.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 3600)
SESSION_IDLE_REFRESH_SECONDS = env.int("SESSION_IDLE_REFRESH_SECONDS", default=300)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT

# Content-Security-Policy (django-csp): our own origin only, no inline script or style at all
# (page data goes through json_script blocks and data- attributes; see README "Security").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# production.py sets it: seed_demo then refuses to run without --force
PRODUCTION = False

# Lockout after repeated failed logins: django-axes records the failures, congress_office/lockout.py
# counts them three ways (README "登录锁定与客户端地址"). This username at this address:
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # also what a successful login clears
# this address, whatever the username (one address trying every account):
LOCKOUT_ADDRESS_FAILURE_LIMIT = env.int("LOCKOUT_ADDRESS_FAILURE_LIMIT", default=20)
LOCKOUT_ADDRESS_COOLOFF = timedelta(minutes=env.int("LOCKOUT_ADDRESS_COOLOFF_MINUTES", default=30))
# this username, whatever the address; not from the user's last few sign-in addresses:
LOCKOUT_USERNAME_FAILURE_LIMIT = env.int("LOCKOUT_USERNAME_FAILURE_LIMIT", default=10)
LOCKOUT_USERNAME_COOLOFF = timedelta(minutes=env.int("LOCKOUT_USERNAME_COOLOFF_MINUTES", default=15))
LOCKOUT_KNOWN_ADDRESSES = env.int("LOCKOUT_KNOWN_ADDRESSES", default=5)
AXES_HANDLER = "congress_office.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "congress_office.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "congress_office.net.client_ip"  # the one rule (TRUSTED_PROXIES)
# an attempt refused by a lock is not recorded: it neither counts nor extends the lock
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False

# Internationalisation: Simplified Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# date formats per language (congress_office/formats/<locale>/formats.py): templates name a
# format (|date:"SHORT_DATE_FORMAT"), so English reads "Dec 2, 2026" and Chinese "2026-12-02"
FORMAT_MODULE_PATH = ["congress_office.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files: our own in static/, third-party front-end assets from npm (node_modules),
# all served locally (the intranet has no internet).
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))  # collectstatic, per node
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media: the folder MEDIA_ROOT by default; an S3-compatible bucket (MinIO, Ceph, a cloud's object
# storage) when S3_BUCKET is set, so that several web nodes and workers share it. Private either
# way: no public ACL, and every file is streamed by a view that checks the user's access first.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
            # empty: boto3's own chain (AWS_* variables, ~/.aws, an instance role)
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env("S3_REGION", default="us-east-1"),
            "addressing_style": env("S3_ADDRESSING_STYLE", default="") or None,  # "path" for most MinIO setups
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own (private) policy; never public-read
            "querystring_auth": True,  # any .url is a presigned link …
            "querystring_expire": 300,  # … valid for 5 minutes
            "file_overwrite": False,  # two uploads named 扫描件.pdf keep both, as on the filesystem
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": env("DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploads (congress_office.uploads.clean_upload): an Office file (a zip inside) is refused above
# this many entries or this many MB unpacked, or with an entry above 1 MB packed more than this
# ratio (a zip bomb); an image above this many pixels (Pillow's own default) is refused.
OFFICE_MAX_ENTRIES = env.int("OFFICE_MAX_ENTRIES", default=2000)
OFFICE_MAX_UNCOMPRESSED_MB = env.int("OFFICE_MAX_UNCOMPRESSED_MB", default=200)
OFFICE_MAX_COMPRESSION_RATIO = env.int("OFFICE_MAX_COMPRESSION_RATIO", default=100)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=89_478_485)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache and Celery: Redis when REDIS_URL is set; otherwise local memory and eager tasks.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# a child that grew past this (KiB) after a task (an archive chunk, a large PDF) is replaced
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=800_000)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="congress_office")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# a worker started while Redis is down waits for it (and one that lost it reconnects); the web
# processes never wait on the broker: they send through the outbox (OUTBOX_PUBLISH_TIMEOUT)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# County-wide petition statistics are read from a snapshot of their counts that a beat task
# (petitions.tasks.refresh_county_statistics) refreshes this often; a page finding none younger than
# MAX_AGE counts them itself (petitions.services.stats.facts_snapshot).
PETITION_STATS_SNAPSHOT_REFRESH = env.int("PETITION_STATS_SNAPSHOT_REFRESH", default=600)
PETITION_STATS_SNAPSHOT_MAX_AGE = env.int("PETITION_STATS_SNAPSHOT_MAX_AGE", default=900)
CELERY_BEAT_SCHEDULE = {
    "county-statistics": {
        "task": "petitions.tasks.refresh_county_statistics",
        "schedule": float(PETITION_STATS_SNAPSHOT_REFRESH),
        "options": {"expires": 300},
    },
    "deadline-scan": {
        "task": "congress_office.tasks.scan_deadlines",
        "schedule": crontab(hour=7, minute=30),
        # a backlog of missed scans must not pile up: one scan a day is enough
        "options": {"expires": 6 * 3600},
    },
    "archive-export-sweep": {
        "task": "congress_office.tasks.archive_export_sweep",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # the task outbox (congress_office.outbox): what the broker did not take when it was sent
    "outbox-flush": {
        "task": "congress_office.tasks.flush_outbox",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "stuck-job-sweep": {
        "task": "congress_office.tasks.sweep_stuck_jobs",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "job-file-expiry": {
        "task": "congress_office.tasks.expire_job_files",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 6 * 3600},
    },
}
# The task outbox: a send after commit tries the broker once, within this many seconds (connect
# and each socket operation), so a request never hangs on a dead broker; the flush sends rows
# older than OUTBOX_FLUSH_AFTER_SECONDS (younger ones are their commit's) and deletes rows sent
# more than OUTBOX_KEEP_DAYS ago.
OUTBOX_PUBLISH_TIMEOUT = env.float("OUTBOX_PUBLISH_TIMEOUT", default=2.0)
OUTBOX_FLUSH_AFTER_SECONDS = env.int("OUTBOX_FLUSH_AFTER_SECONDS", default=5)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)
# The stuck-job sweeper (PDF and export jobs, annual packages): a job queued longer than
# JOB_PENDING_TIMEOUT seconds with nothing of it in the outbox (its message was lost), or a PDF or
# export job running JOB_RUNNING_TIMEOUT seconds without progress (its worker died), is queued
# again, at most JOB_MAX_REQUEUES times; then it fails and says so.
JOB_PENDING_TIMEOUT = env.int("JOB_PENDING_TIMEOUT", default=600)
JOB_RUNNING_TIMEOUT = env.int("JOB_RUNNING_TIMEOUT", default=1800)
JOB_MAX_REQUEUES = env.int("JOB_MAX_REQUEUES", default=2)
# A finished PDF or export job's file is deleted this many days after it was made (the job and its
# title stay, its page says to make it again): exports of personal data must not pile up.
JOB_FILE_KEEP_DAYS = env.int("JOB_FILE_KEEP_DAYS", default=7)
# A list export of at most this many rows is the download itself; a larger one is a Celery job
# with progress (docs/performance.md); either way no row cap.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2000)
# Printable registers (登记簿, 名册, 台账): the browser's print page lists at most this many rows
# (and says so when there are more); a register's PDF job refuses more than REGISTER_PDF_MAX_ROWS.
REGISTER_PRINT_MAX_ROWS = env.int("REGISTER_PRINT_MAX_ROWS", default=500)
REGISTER_PDF_MAX_ROWS = env.int("REGISTER_PDF_MAX_ROWS", default=3000)

# The annual archive package: items per task (the workers write chunks side by side), and how
# long a running job may go without a heartbeat before the sweep takes it up again.
ARCHIVE_EXPORT_CHUNK = env.int("ARCHIVE_EXPORT_CHUNK", default=20)
ARCHIVE_EXPORT_STALE_SECONDS = env.int("ARCHIVE_EXPORT_STALE_SECONDS", default=180)
# The local working folder the package is assembled in (its zip then goes to the media storage,
# where any web node serves it). Empty: beside the media, MEDIA_ROOT/archive/exports; with S3
# media, var/archive-work. Workers that write one package's chunks must share it.
ARCHIVE_WORK_DIR = env("ARCHIVE_WORK_DIR", default=str(VAR_DIR / "archive-work") if S3_BUCKET else "")

# E-mail: the console by default; SMTP when EMAIL_URL is set (smtp+tls://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="congress-office@localhost")

# Deadline engine.
DEADLINE_REMINDER_DAYS_BEFORE = env.list("DEADLINE_REMINDER_DAYS_BEFORE", cast=int, default=[7, 3, 1])
DEADLINE_ROLL_FORWARD_ON_REST_DAY = env.bool("DEADLINE_ROLL_FORWARD_ON_REST_DAY", default=True)

# PDF rendering: font families in order of preference; an office with 仿宋_GB2312 / 方正小标宋
# installed lists them first, the free Noto CJK fonts are the fallback. "Noto Serif SC GB" /
# "Noto Sans SC GB" are those fonts reduced to GB2312 (`manage.py pdf_fonts_build`, run by setup,
# writes them to PDF_FONT_DIR): embedding them costs a fraction of the memory of the full 65,535-glyph
# faces, which follow in the list for any character outside GB2312 (and stand in when the reduced
# files are missing).
PDF_FONT_DIR = Path(env("PDF_FONT_DIR", default=str(VAR_DIR / "fonts")))
PDF_FONT_BODY = env.list(
    "PDF_FONT_BODY", default=["FangSong_GB2312", "仿宋_GB2312", "FangSong", "Noto Serif SC GB", "Noto Serif CJK SC"]
)
PDF_FONT_TITLE = env.list(
    "PDF_FONT_TITLE", default=["FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif SC GB", "Noto Serif CJK SC"]
)
PDF_FONT_SANS = env.list("PDF_FONT_SANS", default=["SimHei", "黑体", "Noto Sans SC GB", "Noto Sans CJK SC"])
# GB/T 9704: 楷体 for the 签发人's name and second-level headings, 宋体 for page numbers; when
# none of these is installed the body's (仿宋) and the title's families stand in
PDF_FONT_KAI = env.list("PDF_FONT_KAI", default=["KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体"])
PDF_FONT_SONG = env.list("PDF_FONT_SONG", default=["SimSun", "宋体"])

SITE_NAME = env("SITE_NAME", default="乡镇人大办公室")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # for links in e-mails
HEALTH_CHECK_BROKER_TIMEOUT = 2

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# Deputies (代表法, 选举法; the reference texts for the liaison bands). Provinces vary.
DEPUTY_TERM_YEARS = 5
DEPUTY_COUNT_BASE = 45
DEPUTY_COUNT_RESIDENTS_PER_EXTRA = 1500
DEPUTY_COUNT_MAX = 160
DEPUTY_COUNT_SMALL_POPULATION = 2000  # below it a township may elect fewer than the base
DEPUTY_GROUP_MIN_MEMBERS = 3
DISTRICT_SEATS_MIN, DISTRICT_SEATS_MAX = 1, 3
LIAISON_GROUPS_RANGE = (2, 3)
LIAISON_DEPUTIES_RANGE = (9, 11)
DEPUTY_INACTIVE_DAYS = 90
DEPUTY_UPLOAD_MAX_MB = env.int("DEPUTY_UPLOAD_MAX_MB", default=10)

# Personal data of petitioners: encrypted at rest (Fernet; the first key encrypts, all decrypt,
# so keys can be rotated) and searchable through a keyed hash. Production sets both.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
PERSONAL_DATA_HASH_KEY = env("PERSONAL_DATA_HASH_KEY", default="")

# Petitions (信访工作条例) and suggestions (代表法 Art.51); provinces vary.
PETITION_ACCEPTANCE_DAYS = 15
PETITION_HANDLING_DAYS = 60
PETITION_MAX_EXTENSION_DAYS = 30
PETITION_REOPEN_DAYS = 30
PETITION_REVIEW_REQUEST_DAYS = 30
PETITION_REVIEW_DECISION_DAYS = 30
# an item outside the office's remit: object to it (or pass it on) within this many working days
PETITION_OBJECTION_WORKING_DAYS = 5
# whether 不满意 with a reply also makes the office re-handle it; the statutory path is 复查
PETITION_REHANDLE_ON_UNSATISFIED = env.bool("PETITION_REHANDLE_ON_UNSATISFIED", default=False)
PETITION_GROUP_MAX_REPRESENTATIVES = 5
PETITION_PUBLIC_RATE_LIMIT = env("PETITION_PUBLIC_RATE_LIMIT", default="5/h")
# the reverse proxies in front of the application, addresses or networks (127.0.0.1 for nginx on
# this host, 10.0.0.0/8 …): only a request from one of them has its X-Forwarded-For believed
# (congress_office/net.py, used by the rate limits and the lockout). Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
PETITION_UPLOAD_MAX_MB = env.int("PETITION_UPLOAD_MAX_MB", default=10)
# a reply's attachments (any case type): per file, and per reply
CASE_REPLY_UPLOAD_MAX_MB = env.int("CASE_REPLY_UPLOAD_MAX_MB", default=10)
CASE_REPLY_UPLOAD_MAX_FILES = 5
PETITION_UPLOAD_MAX_FILES = 5
# Meetings (地方组织法, 代表法): fractions are (numerator, denominator) of all deputies or members
SESSION_MIN_PER_YEAR = 2  # 乡镇人大会议一般每年举行两次
SESSION_QUORUM_FRACTION = (2, 3)  # 代表总数的三分之二以上出席，始得举行
SESSION_EXTRA_PROPOSAL_FRACTION = (1, 5)  # 临时会议: 五分之一以上代表提议
PRESIDIUM_QUORUM_FRACTION = (2, 3)
MOTION_MIN_SIGNERS = 5  # 代表五人以上联名提出议案
MOTION_INQUIRY_MIN_SIGNERS = 10  # 质询案: 代表十人以上联名
MOTION_RECALL_FRACTION = (1, 5)  # 罢免案: 主席团或五分之一以上代表联名
SESSION_SIGN_IN_CODE_LENGTH = 6
SESSION_UNEXCUSED_ABSENCES_FLAG = 2  # 代表法: 未经批准两次不出席本级人民代表大会会议的，代表资格终止
OPINION_ANSWER_MONTHS = 2  # 主席团审议意见: the unit reports how it was carried out
LIVELIHOOD_REPORT_MONTHS = 3  # a chosen 民生实事项目 reports its progress every quarter
# Assessments (干部实绩考核)
ASSESSMENT_EXCELLENT_QUOTA = (1, 5)  # 优秀 at most 20 % of the subjects of a kind
EVALUATION_SAMPLE_MIN_PERCENT = 20  # 民主测评: a sample of 1/5 …
EVALUATION_SAMPLE_MAX_PERCENT = 40  # … to 2/5 of each group
EVALUATION_MIN_RESPONSES = 5  # results are shown only with at least this many ballots
EVALUATION_QUESTIONS = ["政治素质", "工作能力", "工作作风", "工作实绩", "廉洁自律"]
# the promotion score: assessment (40) + inspection (60); within a term of ASSESSMENT_TERM_YEARS
ASSESSMENT_TERM_YEARS = 5
ASSESSMENT_EXCELLENT_YEAR_POINTS = 6  # each 优秀 year …
ASSESSMENT_EXCELLENT_POINTS_MAX = 30  # … at most
ASSESSMENT_EVALUATION_POINTS = 10  # the year's democratic evaluation
ASSESSMENT_INSPECTION_POINTS = 60

SUGGESTION_ANSWER_MONTHS = 3
SUGGESTION_HARD_ANSWER_MONTHS = 6
SUGGESTION_CO_INPUT_MONTHS = 1
SUGGESTION_FEEDBACK_WORKING_DAYS = 20
SUGGESTION_REOPEN_MONTHS = 1
# the categories counted as 解决 in 解决率 (A 已经解决或者基本解决 by default)
SUGGESTION_RESOLVED_CATEGORIES = ["A"]
# Documents (党政机关公文处理工作条例): time limits of handling an incoming document, in working
# days, by urgency; of reading a circulated one; the longest extension
DOCUMENT_HANDLING_WORKING_DAYS = 10
DOCUMENT_URGENT_WORKING_DAYS = 3  # 加急
DOCUMENT_VERY_URGENT_WORKING_DAYS = 1  # 特急
DOCUMENT_READING_WORKING_DAYS = 2
DOCUMENT_MAX_EXTENSION_WORKING_DAYS = 5
# the longest 保密期限 of each level, in years (绝密 ≤30, 机密 ≤20, 秘密 ≤10)
DOCUMENT_SECRECY_MAX_YEARS = {"secret": 10, "confidential": 20, "top_secret": 30}
DOCUMENT_UPLOAD_MAX_MB = env.int("DOCUMENT_UPLOAD_MAX_MB", default=20)
SUGGESTION_CATEGORIES = {
    "A": "已经解决或者基本解决",
    "B": "正在解决或者列入规划逐步解决",
    "C": "因条件限制需待以后解决",
    "D": "留作参考",
}
