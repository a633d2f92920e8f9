"""Citations: a petition or a suggestion cites a document (the 批复 that answers it, the 函 that
transferred it). Imported at the end of documents.models, so the app registry finds it there.

The document is an incoming or an outgoing one (exactly one of the two foreign keys); the citing
record is any model (a generic key), because petitions and deputies may not import documents:
they see the links through the core's `record_links` registry. A citation added by mistake is
withdrawn (removed_at), never deleted.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_office.models import Township

# what an office usually writes as the relation (offered in the form; free text is allowed)
RELATION_SUGGESTIONS = (
    _("答复批复"),
    _("转办函"),
    _("交办通知"),
    _("办理情况报告"),
    _("复函"),
    _("督办通知"),
    _("来文依据"),
)


class DocumentCitationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_at__isnull=True)

    def of_document(self, document):
        field = "incoming" if document._meta.model_name == "incomingdocument" else "outgoing"
        return self.filter(**{field: document})

    def citing(self, record):
        return self.filter(cited_by_type=ContentType.objects.get_for_model(record), cited_by_id=record.pk)


class DocumentCitation(models.Model):
    """One record (petition, suggestion …) citing one document, with the relation in words."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    incoming = models.ForeignKey(
        "documents.IncomingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("收文"),
    )
    outgoing = models.ForeignKey(
        "documents.OutgoingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("发文"),
    )
    cited_by_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    cited_by_id = models.PositiveBigIntegerField()
    cited_by = GenericForeignKey("cited_by_type", "cited_by_id")
    relation = models.CharField(_("关联关系"), max_length=30, help_text=_("如：答复批复、转办函"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("关联时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DocumentCitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公文关联")
        verbose_name_plural = _("公文关联")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(incoming__isnull=False, outgoing__isnull=True)
                | models.Q(incoming__isnull=True, outgoing__isnull=False),
                name="citation_one_document",
            ),
            models.UniqueConstraint(
                fields=["incoming", "cited_by_type", "cited_by_id"],
                condition=models.Q(removed_at__isnull=True, incoming__isnull=False),
                name="citation_incoming_once",
            ),
            models.UniqueConstraint(
                fields=["outgoing", "cited_by_type", "cited_by_id"],
                condition=models.Q(removed_at__isnull=True, outgoing__isnull=False),
                name="citation_outgoing_once",
            ),
        ]
        indexes = [models.Index(fields=["cited_by_type", "cited_by_id"], name="citation_cited_by_idx")]

    def __str__(self):
        return f"{self.document} ← {self.relation}"

    @property
    def document(self):
        return self.incoming if self.incoming_id else self.outgoing
