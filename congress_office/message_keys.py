"""Texts stored as a message key with parameters, rendered in the reader's language.

Notifications, timeline steps (CaseEvent) and deadline titles are written by services in one
request and read by other people, in their own language, later. So a service does not store
`_("已答复：%(item)s") % {...}` (the writer's language, frozen) but a Message:

    notify(recipients=..., title=Message(gettext_noop("已答复：%(item)s"), item=item), ...)

The model keeps the rendered Simplified Chinese text in its ordinary column (the fallback: old
rows, search and exports keep working) and the key with its parameters in `message_keys`
({"title": {"k": key, "p": params}}). Pages render the key with gettext in the active language.

Parameters are plain JSON values. A translatable parameter (a state label, a clock name) is
stored as a key too: pass a nested Message or a gettext_lazy string (a TextChoices label).
Dates are stored as ISO and rendered in the reader's SHORT_DATE_FORMAT (congress_office/formats/).
Anything else is stored as its Chinese text.

Rendering never fails: a key that has no translation in the reader's language, or whose
translation no longer fits the stored parameters, shows the stored Chinese text.
"""

import datetime

from django.conf import settings
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext


class Message:
    """A message key (a Chinese msgid marked with gettext_noop) and its parameters."""

    __slots__ = ("key", "params")

    def __init__(self, key, /, **params):
        self.key = str(key)
        self.params = params

    def as_json(self):
        return {"k": self.key, "p": {name: _param_json(value) for name, value in self.params.items()}}

    @classmethod
    def from_json(cls, data):
        message = cls(data["k"])
        message.params = {name: _param_value(value) for name, value in (data.get("p") or {}).items()}
        return message

    def __str__(self):
        """The text in the active language."""
        data = self.as_json()
        return render(data, fallback=stored_text(data))

    def __repr__(self):
        return f"Message({self.key!r}, **{self.params!r})"

    def __eq__(self, other):
        return isinstance(other, Message) and self.as_json() == other.as_json()

    __hash__ = None


def _lazy_msgid(value):
    """The msgid of a gettext_lazy string, or None for any other lazy object."""
    try:
        func, args = value.__reduce__()[1][:2]
    except (AttributeError, IndexError, TypeError, ValueError):
        return None
    if func is gettext and len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return None


def as_message(value):
    """A Message for a Message or a gettext_lazy string; None for plain text."""
    if isinstance(value, Message):
        return value
    if isinstance(value, Promise):
        msgid = _lazy_msgid(value)
        if msgid is not None:
            return Message(msgid)
    return None


def _param_json(value):
    message = as_message(value)
    if message is not None:
        return message.as_json()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def _param_value(data):
    """A stored parameter back as a Python value (the inverse of _param_json)."""
    if isinstance(data, dict):
        if "k" in data:
            return Message.from_json(data)
        if "dt" in data:
            return datetime.datetime.fromisoformat(data["dt"])
        if "d" in data:
            return datetime.date.fromisoformat(data["d"])
    return data


def _render_param(data):
    if isinstance(data, dict):
        if "k" in data:
            return _render(data)
        if "dt" in data:
            value = datetime.datetime.fromisoformat(data["dt"])
            if settings.USE_TZ and value.tzinfo is not None:
                from django.utils import timezone

                value = timezone.localtime(value)
            return formats.date_format(value, "SHORT_DATETIME_FORMAT")
        if "d" in data:
            return formats.date_format(datetime.date.fromisoformat(data["d"]), "SHORT_DATE_FORMAT")
        raise ValueError("unknown parameter")
    return "" if data is None else data


def _render(data):
    params = {name: _render_param(value) for name, value in (data.get("p") or {}).items()}
    return gettext(data["k"]) % params


def _is_source_language():
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language.lower().startswith(settings.LANGUAGE_CODE.lower()[:2])


def render(data, fallback=""):
    """`data` ({"k": key, "p": params}) in the active language; `fallback` (the stored Chinese
    text) when there is no key, the key is not translated, or it does not fit its parameters."""
    if not isinstance(data, dict) or not data.get("k"):
        return fallback
    if not _is_source_language() and gettext(data["k"]) == data["k"]:
        # not in the reader's catalogue (a new or changed key): the stored text, as written
        return fallback or data["k"]
    try:
        return _render(data)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError):
        return fallback


def stored_text(data):
    """The text as stored in the text column: rendered in the project's language."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return _render(data)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError):
            return data.get("k", "")


def to_store(value):
    """(text for the column, message data or None) for a str, a Message or a lazy string."""
    message = as_message(value)
    if message is None:
        if isinstance(value, Promise):
            with translation.override(settings.LANGUAGE_CODE):
                return str(value), None
        return ("" if value is None else str(value)), None
    data = message.as_json()
    return stored_text(data), data


class MessageKeysMixin:
    """For a model with a `message_keys` JSONField: set and render its translatable columns."""

    def set_message(self, field, value, max_length=None):
        """Set column `field` from a str / Message / lazy string; keep the key for rendering."""
        text, data = to_store(value)
        if max_length is not None:
            text = text[:max_length]
        setattr(self, field, text)
        keys = dict(self.message_keys or {})
        if data is None:
            keys.pop(field, None)
        else:
            keys[field] = data
        self.message_keys = keys
        return self

    def rendered(self, field):
        """Column `field` in the active language (its stored text when it has no key)."""
        return render((self.message_keys or {}).get(field), fallback=getattr(self, field))

    def message(self, field):
        """Column `field` as a Message to nest in another message, or its plain text."""
        data = (self.message_keys or {}).get(field)
        if isinstance(data, dict) and data.get("k"):
            try:
                return Message.from_json(data)
            except (KeyError, ValueError, TypeError):
                pass
        return getattr(self, field)
