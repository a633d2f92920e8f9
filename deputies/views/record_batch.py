"""导出全年履职档案: every deputy's 履职档案 of a year (or the ticked deputies) as one job, the PDFs
in one .zip (congress_office.services.pdf_zip), for the township's clerks and auditors."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_office.access import TownshipMemberMixin
from congress_office.views.batch import BatchItem, ZipBatchView, objects_by_ids

from ..plugins import served_in
from ..selectors import parse_record_year
from .records import SUMMARY_PERMISSION


def record_file_name(deputy, year):
    return _("%(y)s-%(name)s-履职档案.pdf") % {"y": year, "name": deputy.name}


class RecordZipView(TownshipMemberMixin, ZipBatchView):
    permission_required = ("deputies.view_record", SUMMARY_PERMISSION)
    report = "deputies.record"
    title = gettext_lazy("导出全年履职档案")
    intro = gettext_lazy(
        "每位代表的年度履职档案生成一份 PDF，全部打包为一个压缩包（ZIP）；生成在后台进行，可离开页面稍后回来下载。"
    )
    allow_all = True

    @property
    def year(self):
        year = parse_record_year(self.request.POST.get("year"))
        if year is None:
            raise Http404
        return year

    def get_back_url(self):
        year = parse_record_year(self.request.POST.get("year"))
        return reverse("deputies:record_home") + (f"?year={year}" if year else "")

    def hidden_fields(self):
        return [("year", self.year)]

    def get_objects(self, ids):
        deputies = served_in(self.request.user.township, self.year).select_related("group")
        if ids:
            return objects_by_ids(deputies, ids)
        return list(deputies)

    def plan(self, objects, options):
        year = self.year
        return [
            BatchItem(
                key=str(deputy.pk),
                label=deputy.name,
                action=_("生成 %(file)s") % {"file": record_file_name(deputy, year)},
                url=reverse("deputies:record_detail", args=[deputy.pk, year]),
                detail=str(deputy.group or ""),
                payload=deputy,
            )
            for deputy in objects
        ]

    def zip_entry(self, item):
        return {
            "params": {"deputy_id": item.payload.pk, "year": self.year},
            "name": record_file_name(item.payload, self.year),
        }

    def zip_title(self, count):
        return _("%(y)s年度代表履职档案（%(n)s份）") % {"y": self.year, "n": count}

    def zip_filename(self, count):
        return _("%(t)s-%(y)s年度代表履职档案.zip") % {"t": self.request.user.township.name, "y": self.year}
