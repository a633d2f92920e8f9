"""打印受理告知书: the 受理 / 不予受理 / 转送告知书 of the ticked petitions as one job, the PDFs in
one .zip (congress_office.services.pdf_zip); a petition not yet decided is skipped."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_office.access import TownshipMemberMixin
from congress_office.views.batch import BatchItem, ZipBatchView, objects_by_ids

from ..choices import PetitionState
from ..models import Petition

UNDECIDED = (PetitionState.REGISTERED, PetitionState.OUTSIDE_REMIT)


def notice_heading(petition):
    """The notice a decided petition gets, as acceptance_notice_context names it."""
    if petition.state == PetitionState.NOT_ACCEPTED:
        return _("不予受理告知书")
    if petition.state == PetitionState.TRANSFERRED_OUT:
        return _("转送告知书")
    return _("受理告知书")


class AcceptanceNoticeZipView(TownshipMemberMixin, ZipBatchView):
    permission_required = "petitions.decide_petition"
    report = "petitions.acceptance_notice"
    title = gettext_lazy("打印受理告知书")
    intro = gettext_lazy(
        "每件信访件按其受理决定生成一份告知书 PDF，全部打包为一个压缩包（ZIP）；尚未作出受理决定的将跳过。"
    )

    def get_back_url(self):
        return reverse("petitions:petition_list")

    def get_objects(self, ids):
        user = self.request.user
        petitions = Petition.objects.visible_to(user).filter(township_id=user.township_id).select_related("township")
        return objects_by_ids(petitions, ids)

    def plan(self, objects, options):
        items = []
        for petition in objects:
            undecided = petition.state in UNDECIDED
            name = "" if undecided else self.file_name(petition)
            items.append(
                BatchItem(
                    key=str(petition.pk),
                    label=f"{petition.number} {petition.title}",
                    action=_("生成 %(file)s") % {"file": name} if name else "",
                    skip=_("尚未作出受理决定") if undecided else "",
                    url=petition.get_absolute_url(),
                    payload=petition,
                )
            )
        return items

    def file_name(self, petition):
        return f"{petition.number}-{notice_heading(petition)}.pdf"

    def zip_entry(self, item):
        return {"params": {"petition_id": item.payload.pk}, "name": self.file_name(item.payload)}

    def zip_title(self, count):
        return _("信访事项告知书（%(n)s份）") % {"n": count}

    def zip_filename(self, count):
        return _("信访事项告知书-%(d)s.zip") % {"d": timezone.localdate().isoformat()}
