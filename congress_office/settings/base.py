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
    "congress_office.apps.CoreConfig",
    "deputies",
    "petitions",
    "documents",
    "meetings",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False

# Internationalisation: Simplified Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files: our own in static/, third-party front-end assets from npm (node_modules),
# all served locally (the intranet has no internet).
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
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
STORAGES = {
    "default": {"BACKEND": env("DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

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
CELERY_BEAT_SCHEDULE = {
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
    "job-resend-sweep": {
        "task": "congress_office.tasks.resend_waiting_jobs",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
}
# A PDF or export job still queued this long after it was created is sent to the broker again
# (its message never reached it: the broker was down when the user started the job).
JOB_RESEND_SECONDS = env.int("JOB_RESEND_SECONDS", default=120)
# A list export of at most this many rows is the download itself; a larger one is a Celery job
# with progress (docs/performance.md); either way no row cap.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2000)

# The annual archive package: items per task (the workers write chunks side by side), and how
# long a running job may go without a heartbeat before the sweep takes it up again.
ARCHIVE_EXPORT_CHUNK = env.int("ARCHIVE_EXPORT_CHUNK", default=20)
ARCHIVE_EXPORT_STALE_SECONDS = env.int("ARCHIVE_EXPORT_STALE_SECONDS", default=180)

# E-mail: the console by default; SMTP when EMAIL_URL is set (smtp+tls://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="congress-office@localhost")

# Deadline engine.
DEADLINE_REMINDER_DAYS_BEFORE = env.list("DEADLINE_REMINDER_DAYS_BEFORE", cast=int, default=[7, 3, 1])
DEADLINE_ROLL_FORWARD_ON_REST_DAY = env.bool("DEADLINE_ROLL_FORWARD_ON_REST_DAY", default=True)

# PDF rendering: font families in order of preference; an office with 仿宋_GB2312 / 方正小标宋
# installed lists them first, the free Noto CJK fonts are the fallback.
PDF_FONT_BODY = env.list("PDF_FONT_BODY", default=["FangSong_GB2312", "仿宋_GB2312", "FangSong", "Noto Serif CJK SC"])
PDF_FONT_TITLE = env.list("PDF_FONT_TITLE", default=["FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif CJK SC"])
PDF_FONT_SANS = env.list("PDF_FONT_SANS", default=["SimHei", "黑体", "Noto Sans CJK SC"])
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
# the reverse proxies whose X-Forwarded-For is believed (the public pages rate-limit per client IP)
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=["127.0.0.1", "::1"])
PETITION_UPLOAD_MAX_MB = env.int("PETITION_UPLOAD_MAX_MB", default=10)
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
