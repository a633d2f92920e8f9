"""English is complete: the catalogue has no untranslated or fuzzy entry, and every msgid in the
source is in it (a new _() string without a translation fails here, not in front of a user).

The second test runs makemessages on a copy of locale/ (the real catalogue is never written):
the source directories are linked into a temporary directory, so .venv, node_modules, var and
tests are not scanned, and msgmerge adds every msgid the catalogue lacks to the copy.
"""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGE = "en"
DOMAINS = ("django", "djangojs")
# what makemessages reads: the apps and the templates (not .venv, node_modules, var, tests)
SOURCES = ("congress_office", "deputies", "petitions", "documents", "meetings", "assessments", "templates", "static")
SHOWN = 40  # msgids listed in a failure message


def catalogue(domain, root=LOCALE):
    path = root / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"
    return polib.pofile(str(path)) if path.exists() else None


def problems(po):
    """(untranslated, fuzzy) msgids of a catalogue, obsolete entries left out."""
    live = [entry for entry in po if not entry.obsolete]
    untranslated = [e.msgid for e in live if not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [e.msgid for e in live if "fuzzy" in e.flags]
    return untranslated, fuzzy


def listing(title, msgids):
    shown = "\n".join(f"  {m!r}" for m in msgids[:SHOWN])
    more = f"\n  … and {len(msgids) - SHOWN} more" if len(msgids) > SHOWN else ""
    return f"{title} ({len(msgids)}):\n{shown}{more}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entry(domain):
    po = catalogue(domain)
    if po is None:
        assert domain != "django", "locale/en/LC_MESSAGES/django.po is missing"
        pytest.skip(f"no {domain}.po: the front-end has no translatable strings")
    untranslated, fuzzy = problems(po)
    assert not untranslated and not fuzzy, "\n".join(
        part
        for part in (
            untranslated and listing("untranslated in the English catalogue", untranslated),
            fuzzy and listing("fuzzy in the English catalogue", fuzzy),
        )
        if part
    )


def test_every_msgid_of_the_source_is_in_the_english_catalogue(tmp_path, settings, monkeypatch):
    for name in SOURCES:
        if (Path(settings.BASE_DIR) / name).is_dir():
            (tmp_path / name).symlink_to(Path(settings.BASE_DIR) / name, target_is_directory=True)
    shutil.copytree(LOCALE, tmp_path / "locale")
    before = {domain: catalogue(domain) for domain in DOMAINS}
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=[LANGUAGE], symlinks=True, verbosity=0)
    if before["djangojs"] is not None:
        call_command("makemessages", locale=[LANGUAGE], domain="djangojs", symlinks=True, verbosity=0)

    failures = []
    for domain in DOMAINS:
        if before[domain] is None:
            continue
        known = {(e.msgctxt, e.msgid) for e in before[domain] if not e.obsolete}
        after = catalogue(domain, tmp_path / "locale")
        missing = [e.msgid for e in after if not e.obsolete and (e.msgctxt, e.msgid) not in known]
        if missing:
            failures.append(listing(f"in the source but not in {domain}.po (run makemessages, translate)", missing))
    assert not failures, "\n".join(failures)
    # the real catalogue was not touched
    assert catalogue("django").metadata == before["django"].metadata


def test_untranslated_fuzzy_and_obsolete_entries_are_told_apart():
    po = polib.POFile()
    po.append(polib.POEntry(msgid="已译", msgstr="Translated"))
    po.append(polib.POEntry(msgid="未译", msgstr=""))
    po.append(polib.POEntry(msgid="模糊", msgstr="Fuzzy", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="作废", msgstr="", obsolete=True))
    po.append(polib.POEntry(msgid="%(n)s 件", msgid_plural="%(n)s 件", msgstr_plural={0: "%(n)s item", 1: ""}))
    assert problems(po) == (["未译", "%(n)s 件"], ["模糊"])
