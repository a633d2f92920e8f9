"""Batch operations, one pattern everywhere (批量交办, 催办逾期单位, 批量打印):

1. the list page: rows ticked (checkboxes named `ids`, a "全选本页" box, static/js/batch.js),
   POSTed to a BatchView;
2. if the operation needs a choice made once for the selection (the lead unit …): the options
   stage, the choice form above the selected rows;
3. the confirmation: each item with exactly what will happen to it, or why it will be skipped;
4. POST confirm: each item through the existing service, in its own transaction (a savepoint
   inside a request transaction), so one refusal undoes nothing of the others;
5. the summary: done and skipped, with the reason for each.

A subclass names its permission and texts and supplies get_objects (the records the user may
act on; an id the user may not see refuses the whole request with 404), plan (BatchItem per
item) and perform (one item through its service, raising ValidationError/PermissionDenied to
skip it). An operation that ends in one job (a zip of PDFs) overrides execute instead.
"""

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

logger = logging.getLogger(__name__)

# the most records one batch handles: a bigger selection is refused with a message
BATCH_MAX_ITEMS = 200


@dataclass
class BatchItem:
    """One line of the confirmation: `action` says what will happen, or `skip` why not."""

    key: str
    label: str
    action: str = ""
    skip: str = ""
    url: str = ""
    payload: object = None
    detail: str = ""  # a second line (the due dates, the file name …)


@dataclass
class BatchOutcome:
    item: BatchItem
    done: bool
    message: str


def parse_ids(values):
    """The distinct positive integer ids of `values` (strings), in their order; None if any is
    not one (a forged request)."""
    ids = []
    for value in values:
        value = str(value).strip()
        if not value.isdigit() or int(value) <= 0:
            return None
        if int(value) not in ids:
            ids.append(int(value))
    return ids


def objects_by_ids(queryset, ids):
    """The objects of `queryset` with these ids, in the ids' order; 404 if any of them is not in
    `queryset` (another township's, or not the user's to see): the whole batch is refused."""
    found = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise Http404
    return [found[pk] for pk in ids]


class BatchView(LoginRequiredMixin, PermissionRequiredMixin, View):
    title = ""
    intro = ""
    confirm_label = gettext_lazy("确认执行")
    # the list the batch started from (a URL): 取消 and 返回列表 lead back there
    back_url = "/"
    form_class = None
    max_items = BATCH_MAX_ITEMS
    # an empty selection means every record get_objects offers (催办全部逾期单位)
    allow_all = False
    confirm_template = "core/batch_confirm.html"
    summary_template = "core/batch_summary.html"

    # --- what a subclass supplies -------------------------------------------------------------

    def get_objects(self, ids):
        """The selected records (ids: a list of ints; empty with allow_all: every record)."""
        raise NotImplementedError

    def plan(self, objects, options):
        """[BatchItem] for the selection and the options chosen."""
        raise NotImplementedError

    def perform(self, item, options):
        """Handle one item through its service; returns what was done (a short text)."""
        raise NotImplementedError

    def summary_notes(self, outcomes):
        """Lines above the summary's table (e.g. how many units were reminded)."""
        return []

    def get_form_kwargs(self):
        return {}

    def get_back_url(self):
        return self.back_url

    def hidden_fields(self):
        """(name, value) pairs the confirmation posts back besides the ids (the year …)."""
        return []

    # --- the flow --------------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        # the batch pages answer POSTs from the list; a reload of the address goes back to it
        return redirect(self.get_back_url())

    def post(self, request, *args, **kwargs):
        ids = parse_ids(request.POST.getlist("ids"))
        if ids is None:
            raise Http404
        self.select_all = self.allow_all and not ids and request.POST.get("all") == "1"
        if not ids and not self.select_all:
            messages.warning(request, _("请先勾选要处理的记录。"))
            return redirect(self.get_back_url())
        if len(ids) > self.max_items:
            return self.render_too_many(len(ids))
        objects = self.get_objects(ids)
        stage = request.POST.get("stage", "")
        options, form = {}, None
        if self.form_class is not None:
            bound = stage in ("options", "confirm")
            form = self.form_class(request.POST if bound else None, **self.get_form_kwargs())
            if not bound or not form.is_valid():
                return self.render_page("options", objects, form, self.plan(objects, None))
            options = form.cleaned_data
        items = self.plan(objects, options)
        if not items:
            messages.info(request, _("所选记录中没有需要处理的事项。"))
            return redirect(self.get_back_url())
        if len(items) > self.max_items:
            return self.render_too_many(len(items))
        if stage != "confirm":
            return self.render_page("confirm", objects, form, items)
        return self.execute(items, options)

    def execute(self, items, options):
        outcomes = [self.run_one(item, options) for item in items]
        done = sum(1 for outcome in outcomes if outcome.done)
        return render(
            self.request,
            self.summary_template,
            {
                "view": self,
                "title": self.title,
                "outcomes": outcomes,
                "done_count": done,
                "skipped_count": len(outcomes) - done,
                "notes": self.summary_notes(outcomes),
                "back_url": self.get_back_url(),
            },
        )

    def run_one(self, item, options):
        if item.skip:
            return BatchOutcome(item, False, item.skip)
        try:
            with transaction.atomic():  # a savepoint of its own: a refusal undoes this item only
                message = self.perform(item, options)
        except ValidationError as error:
            return BatchOutcome(item, False, "；".join(error.messages))
        except PermissionDenied as error:
            return BatchOutcome(item, False, str(error) or _("您无权办理此项。"))
        except Exception:  # one broken item must not stop the others; the log has the details
            logger.exception("batch %s: item %s failed", type(self).__name__, item.key)
            return BatchOutcome(item, False, _("系统内部错误，详情已记入日志"))
        return BatchOutcome(item, True, message or item.action)

    def render_page(self, stage, objects, form, items):
        return render(
            self.request,
            self.confirm_template,
            {
                "view": self,
                "title": self.title,
                "intro": self.intro,
                "stage": stage,
                "form": form,
                "items": items,
                "ids": [obj.pk for obj in objects] if not self.select_all else [],
                "select_all": self.select_all,
                "hidden_fields": self.hidden_fields(),
                "to_do": sum(1 for item in items if not item.skip),
                "to_skip": sum(1 for item in items if item.skip),
                "confirm_label": self.confirm_label,
                "back_url": self.get_back_url(),
            },
        )

    def render_too_many(self, count):
        error = _("一次最多处理 %(max)s 项，您选择了 %(n)s 项。请缩小筛选范围后分批处理。") % {
            "max": self.max_items,
            "n": count,
        }
        return render(
            self.request,
            self.confirm_template,
            {"view": self, "title": self.title, "error": error, "items": [], "back_url": self.get_back_url()},
            status=400,
        )


class ZipBatchView(BatchView):
    """A batch that ends in one job: the PDF of `report` for each item not skipped, in one .zip
    (services.pdf_zip); the confirmation lists each file, the job's page is the summary."""

    report = ""
    confirm_label = gettext_lazy("开始生成压缩包")

    def zip_entry(self, item):
        """{"params": the report's params for this item, "name": the file's name in the zip}."""
        raise NotImplementedError

    def zip_title(self, count):
        raise NotImplementedError

    def zip_filename(self, count):
        raise NotImplementedError

    def execute(self, items, options):
        from ..services.pdf_zip import pdf_zip_job_start

        chosen = [item for item in items if not item.skip]
        try:
            job = pdf_zip_job_start(
                report=self.report,
                user=self.request.user,
                items=[self.zip_entry(item) for item in chosen],
                title=self.zip_title(len(chosen)),
                filename=self.zip_filename(len(chosen)),
            )
        except ValidationError as error:
            messages.error(self.request, "；".join(error.messages))
            return redirect(self.get_back_url())
        return redirect(job.get_absolute_url())
