"""The public pages (no account): submit a petition online, follow it with the query code and
the phone number, rate the reply.

Nothing here reaches a petition except through the pair (query code, phone) or the signed,
short-lived token the progress page puts in its rating form; the session is not used. Every
page shows only the citizen's own petition and, of its timeline, step names and dates: no
staff names, no internal notes.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from congress_office.cases import CaseState
from congress_office.models import CaseRating, CaseReply
from congress_office.services.cases import case_timeline, case_type_of
from congress_office.views.mixins import apply_validation_error

from .. import ratelimit
from ..choices import Outcome, PetitionState
from ..forms.public import PublicPetitionForm, PublicQueryForm, PublicRatingForm
from ..models import Petition
from ..services.handling import petition_rate
from ..services.intake import petition_submit_online
from ..services.registration import petition_for_query

RATING_TOKEN_SALT = "petitions.public.rating"
RATING_TOKEN_MAX_AGE = 30 * 60  # seconds the progress page's rating form stays valid
# All POSTs to the form, valid or not, may be this many times the submission rate: typing
# mistakes are forgiven, floods are not.
ATTEMPTS_PER_SUBMISSION = 4
RATER_KEY = "citizen"
# steps of the office's internal work the citizen's timeline leaves out (their content never
# shows anyway: only step names and dates do)
INTERNAL_ACTIONS = frozenset({"instruct", "take_ownership", "co_input"})

# what the citizen reads for each state (the office's labels speak of internal steps)
PUBLIC_STATE_LABELS = {
    PetitionState.REGISTERED: gettext_lazy("已收到，等待受理"),
    PetitionState.ACCEPTED: gettext_lazy("已受理"),
    PetitionState.NOT_ACCEPTED: gettext_lazy("不予受理"),
    PetitionState.TRANSFERRED_OUT: gettext_lazy("已转送有权处理的机关"),
    PetitionState.ASSIGNED: gettext_lazy("办理中"),
    PetitionState.REOPENED: gettext_lazy("重新办理中"),
    PetitionState.REPLIED: gettext_lazy("已答复，请评价"),
    PetitionState.CLOSED: gettext_lazy("已办结"),
    PetitionState.REVIEWING: gettext_lazy("复查中"),
    PetitionState.RECHECKING: gettext_lazy("复核中"),
    PetitionState.FINAL: gettext_lazy("复核终结"),
}


def _no_store(response):
    add_never_cache_headers(response)
    return response


def _too_many(request, template, context, message):
    context = {**context, "limited_message": message}
    return _no_store(render(request, template, context, status=429))


class PublicCreateView(View):
    """网上信访: the public form. Limits per client IP: settings.PETITION_PUBLIC_RATE_LIMIT
    stored petitions, and a few times that many attempts; over either → 429, nothing stored."""

    template_name = "petitions/public/create.html"

    def get(self, request):
        return _no_store(render(request, self.template_name, {"form": PublicPetitionForm()}))

    def post(self, request):
        rate = ratelimit.public_rate()
        attempts = ratelimit.Rate(rate.count * ATTEMPTS_PER_SUBMISSION, rate.seconds)
        ip = ratelimit.client_ip(request)
        if ratelimit.is_limited("submit", ip, rate) or ratelimit.is_limited("submit-attempt", ip, attempts):
            return _too_many(
                request,
                self.template_name,
                {"form": PublicPetitionForm()},
                _("提交过于频繁，请在 %(m)s 分钟后再试。如情况紧急，请直接来电或来访。") % {"m": rate.minutes()},
            )
        ratelimit.hit("submit-attempt", ip, attempts)
        form = PublicPetitionForm(request.POST, request.FILES)
        if form.is_robot:
            form.add_error(None, _("提交未成功，请刷新页面后重新填写。"))
            return _no_store(render(request, self.template_name, {"form": form}, status=400))
        if form.is_valid():
            try:
                petition, code = petition_submit_online(**form.service_kwargs())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                ratelimit.hit("submit", ip, rate)
                # the code is shown on this response only: it is not stored anywhere in clear
                return _no_store(
                    render(
                        request,
                        "petitions/public/created.html",
                        {
                            "code": code,
                            "petition": petition,
                            "acceptance_days": settings.PETITION_ACCEPTANCE_DAYS,
                        },
                    )
                )
        return _no_store(render(request, self.template_name, {"form": form}, status=200))


def rating_token(petition):
    return signing.dumps({"p": petition.pk, "r": petition.round}, salt=RATING_TOKEN_SALT, compress=True)


def petition_from_token(token):
    try:
        data = signing.loads(token, salt=RATING_TOKEN_SALT, max_age=RATING_TOKEN_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    petition = Petition.objects.select_related("township", "subject").filter(pk=data.get("p")).first()
    if petition is None or petition.round != data.get("r"):
        return None
    return petition


def public_progress(petition):
    """What the citizen may see of their petition: state, decision, timeline steps (label and
    date only), the reply and its outcome."""
    events = [{"label": e.label, "at": e.at} for e in case_timeline(petition) if e.action not in INTERNAL_ACTIONS]
    reply = (
        CaseReply.objects.filter(item_type=ContentType.objects.get_for_model(Petition), item_id=petition.pk)
        .order_by("-round")
        .first()
    )
    outcome = petition.get_outcome_display() if petition.outcome else ""
    if not outcome and reply is not None and reply.result in Outcome.values:
        outcome = Outcome(reply.result).label
    rated = reply is not None and CaseRating.objects.filter(reply=reply, rater_key=RATER_KEY).first()
    return {
        "petition": petition,
        "state_label": PUBLIC_STATE_LABELS.get(petition.state) or case_type_of(petition).state_label(petition.state),
        "events": events,
        "reply": reply,
        "outcome": outcome,
        "rating": rated or None,
        "can_rate": petition.state == CaseState.REPLIED and not rated,
    }


class PublicQueryView(View):
    """查询办理进度: the query code and the phone number together; a wrong pair gets one
    generic message, and wrong pairs per client IP are limited like submissions."""

    template_name = "petitions/public/query.html"

    def get(self, request):
        return _no_store(render(request, self.template_name, {"form": PublicQueryForm()}))

    def post(self, request):
        rate = ratelimit.public_rate()
        ip = ratelimit.client_ip(request)
        if ratelimit.is_limited("query-fail", ip, rate):
            return _too_many(
                request,
                self.template_name,
                {"form": PublicQueryForm()},
                _("查询失败次数过多，请在 %(m)s 分钟后再试。") % {"m": rate.minutes()},
            )
        form = PublicQueryForm(request.POST)
        petition = None
        if form.is_valid():
            petition = petition_for_query(code=form.cleaned_data["code"], phone=form.cleaned_data["phone"])
            if petition is None:
                form.add_error(None, _("查询码或手机号码不正确，请核对后重试。"))
        if petition is None:
            ratelimit.hit("query-fail", ip, rate)
            return _no_store(render(request, self.template_name, {"form": form}))
        return render_progress(request, petition)


def render_progress(request, petition, *, rating_form=None, message="", status=200):
    context = public_progress(petition)
    if context["can_rate"]:
        context["rating_form"] = rating_form or PublicRatingForm(initial={"token": rating_token(petition)})
    context["message"] = message
    context["token_minutes"] = RATING_TOKEN_MAX_AGE // 60
    return _no_store(render(request, "petitions/public/progress.html", context, status=status))


class PublicRateView(View):
    """POST the rating of the reply; the signed token from the progress page says which
    petition (no code or phone is sent again, nothing is kept in the session)."""

    def post(self, request):
        form = PublicRatingForm(request.POST)
        petition = petition_from_token(request.POST.get("token", ""))
        if petition is None:
            return _no_store(
                render(
                    request,
                    PublicQueryView.template_name,
                    {
                        "form": PublicQueryForm(),
                        "page_error": _("页面已过期，请重新输入查询码和手机号码。"),
                    },
                    status=400,
                )
            )
        if not form.is_valid():
            return render_progress(request, petition, rating_form=form)
        try:
            # the same service the office uses: 不满意 needs a reason, the unit handles it again
            petition_rate(
                petition=petition,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                by=None,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_validation_error(form, error)
                return render_progress(request, petition, rating_form=form, status=400)
            return render_progress(request, petition, message=" ".join(error.messages), status=400)
        petition.refresh_from_db()
        return render_progress(request, petition, message=_("感谢您的评价！"))
