"""Date formats of Simplified Chinese (settings.FORMAT_MODULE_PATH): Django's own, except the
short formats, which are the compact ISO dates the office's lists and timelines have always
shown. Templates use the names (|date:"SHORT_DATE_FORMAT"), never a literal format."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1  # 星期一
