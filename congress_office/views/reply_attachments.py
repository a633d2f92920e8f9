"""A reply's attachment, streamed to those who may see its case (never a public media URL).

One view for every case type: the case model's own `visible_to(user)` decides (another
township's, another unit's, another deputy's case is 404), and a case type that names a
`view_permission` (petitions: county accounts read figures only) requires it too.
"""

import mimetypes

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views import View

from ..registries import case_types
from ..services.cases import reply_attachment_get

INLINE_TYPES = ("image/", "application/pdf")


def _visible(user):
    def visible(model):
        spec = case_types.get(getattr(model, "case_type_key", None) or "")
        if spec is None or (spec.view_permission and not user.has_perm(spec.view_permission)):
            return model.objects.none()
        return model.objects.visible_to(user)

    return visible


class ReplyAttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = reply_attachment_get(pk=pk, user=request.user, visible=_visible(request.user))
        if attachment is None:
            raise Http404
        content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
        inline = content_type.startswith(INLINE_TYPES)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=attachment.name,
            content_type=content_type if inline else "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(response, private=True, max_age=3600)
        return response
