"""Date formats of English (settings.FORMAT_MODULE_PATH): "Dec. 2, 2026", short "Dec 2, 2026",
24-hour times as the office works with them, weeks starting on Monday as in China."""

DATE_FORMAT = "N j, Y"
DATETIME_FORMAT = "N j, Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
FIRST_DAY_OF_WEEK = 1
