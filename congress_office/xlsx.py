"""The .xlsx exports, written one way: openpyxl in write-only mode into a temporary file (memory
stays flat whatever the row count: rows go to disk as they are written, the queryset is read in
chunks), bold headers with their widths, dates as dates, text a spreadsheet would run as a
formula (=, +, -, @, a tab or a carriage return first: OWASP's CSV injection) kept as text by a
"'" put first (`defuse`; numbers stay numbers), and the download. Every .xlsx the project writes
(list exports, archive catalogues, the petition statistics) passes its text cells through
`defuse`; the register import reads its own exports back through `undefuse`.

A list's export (`xlsx_export`, its entry in registries.xlsx_exports) has no row cap: up to
settings.EXPORT_INLINE_MAX_ROWS rows (a bounded count) the file is the answer; a larger one is a
background job (services.exports) whose page shows its progress and offers the file."""

import tempfile
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# rows fetched per round trip (a server-side cursor on PostgreSQL): what an export holds at once
EXPORT_CHUNK_ROWS = 2000
# a progress callback is called every this many rows
PROGRESS_EVERY_ROWS = 1000


def _needs_defusing(text):
    # a formula's first character, or one already behind "'"s: "'=x" is written "''=x", so that
    # `undefuse` gives back exactly what was written
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def defuse(value):
    """A text cell a spreadsheet would read as a formula is kept as text: a "'" first. A lazy
    text becomes its text; anything else (a number, a date) is returned as it is."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and _needs_defusing(value):
        return "'" + value
    return value


def undefuse(value):
    """The text `defuse` was given: what an import reads back from one of our exports."""
    if isinstance(value, str) and value.startswith("'") and _needs_defusing(value[1:]):
        return value[1:]
    return value


def write_workbook(target, title, columns, rows, *, progress=None):
    """Write one sheet to `target` (a path or a binary file) and return its number of rows.
    `columns`: [(label, width)]; `rows`: iterables of values, one per column; `progress(n)` is
    called every PROGRESS_EVERY_ROWS rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(title))
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for label, _width in columns:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        # plain values, which openpyxl writes through one reused cell; a cell of our own only for
        # a date and time, for its format (a date gets "yyyy-mm-dd" from openpyxl)
        cells = []
        for value in row:
            if isinstance(value, (str, Promise)):
                value = defuse(value)
            elif isinstance(value, datetime):
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = "yyyy-mm-dd hh:mm"
            cells.append(value)
        sheet.append(cells)
        count += 1
        if progress is not None and count % PROGRESS_EVERY_ROWS == 0:
            progress(count)
    book.save(target)
    return count


def workbook_file(title, columns, rows, *, progress=None):
    """The workbook in an anonymous temporary file (removed when closed), at its start."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_workbook(handle, title, columns, rows, progress=progress)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def workbook_bytes(title, columns, rows):
    """The workbook's bytes: for a small sheet of its own (an archive catalogue); a list export
    streams its file (`ExportTable.write`)."""
    with workbook_file(title, columns, rows) as handle:
        return handle.read()


def xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def xlsx_file_response(handle, filename):
    """An open workbook file as the download (closed, and so removed, once sent); never cached:
    an export holds what only its user may read."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    patch_cache_control(response, private=True, no_store=True)
    return response


class Labels:
    """Texts made once per value and export: `labels(obj, "channel")` is obj.get_channel_display()
    (which hashes every lazy label of the field's choices on each call: per row, that costs more
    than the rest of the row), `labels.get(key, make)` any other text. Give each table its own,
    filled while the table is written, in the language it is written in."""

    def __init__(self):
        self._texts = {}

    def __call__(self, obj, field):
        return self.get((type(obj), field, getattr(obj, field)), getattr(obj, f"get_{field}_display"))

    def get(self, key, make):
        try:
            return self._texts[key]
        except KeyError:
            text = self._texts[key] = str(make())
            return text


@dataclass
class ExportTable:
    """What a list export writes. `rows`: the queryset of what the user may see, filtered and
    ordered, not yet evaluated; it select_related / annotates what `row(obj)` (the cells of one
    row) reads, so that writing a row costs no query. `columns`: [(label, width)]."""

    sheet: str
    columns: Sequence
    rows: object
    row: Callable
    filename: str
    # the language of the headers and values ("zh-hans": the file goes round the import, or to
    # the county, in Chinese whatever the page's language); None: the language of the request
    language: str | None = "zh-hans"

    def iter_rows(self):
        for obj in self.rows.iterator(chunk_size=EXPORT_CHUNK_ROWS):
            yield self.row(obj)

    def write(self, *, progress=None):
        """The workbook of every row, in a temporary file (see `workbook_file`)."""
        with translation.override(self.language) if self.language else nullcontext():
            return workbook_file(self.sheet, self.columns, self.iter_rows(), progress=progress)


def xlsx_export(request, key):
    """The export `key` (registries.xlsx_exports) of the list for the request's query string (its
    filters, every page): the file itself when it holds at most EXPORT_INLINE_MAX_ROWS rows,
    otherwise a job written by a worker (services.exports), the redirect to its page."""
    from .registries import xlsx_exports

    spec = xlsx_exports[key]
    user = request.user
    if spec.permission and not user.has_perm(spec.permission):
        raise PermissionDenied
    query = request.GET.copy()
    query.pop("page", None)
    table = spec.table(user, query)
    limit = settings.EXPORT_INLINE_MAX_ROWS
    if table.rows[: limit + 1].count() <= limit:  # counts at most limit + 1 rows
        return xlsx_file_response(table.write(), table.filename)
    from .services.exports import xlsx_job_start

    job = xlsx_job_start(key=key, user=user, query=query.urlencode(), filename=table.filename, total=table.rows.count())
    return redirect(job.get_absolute_url())
