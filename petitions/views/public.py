"""The public pages (no account): submit a petition online, follow it with the query code and
the phone number, rate the reply and, when dissatisfied, ask for 复查.

Nothing here reaches a petition except through the pair (query code, phone) or the signed,
short-lived tokens the progress page puts in its rating and 复查 forms; the session is not used. Every
page shows only the citizen's own petition and, of its timeline, step names and dates: no
staff names, no internal notes.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from congress_office.cases import CaseState, Satisfaction
from congress_office.models import CaseRating, CaseReply
from congress_office.services.cases import case_deadlines, case_timeline, case_type_of, passes
from congress_office.views.mixins import apply_validation_error

from .. import ratelimit
from ..choices import Outcome, PetitionState, ReviewKind
from ..forms.public import PublicPetitionForm, PublicQueryForm, PublicRatingForm, PublicReviewRequestForm
from ..models import Petition
from ..services.handling import check_request_review, petition_rate, petition_request_review, review_window
from ..services.intake import petition_submit_online
from ..services.registration import petition_for_query

RATING_TOKEN_SALT = "petitions.public.rating"
RATING_TOKEN_MAX_AGE = 30 * 60  # seconds the progress page's rating form stays valid
REVIEW_TOKEN_SALT = "petitions.public.review"  # the 复查 request form's token (same lifetime)
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
    PetitionState.OUTSIDE_REMIT: gettext_lazy("不属本机关职权，正在转送有权处理的机关"),
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


def review_token(petition):
    return signing.dumps({"p": petition.pk, "k": ReviewKind.REVIEW}, salt=REVIEW_TOKEN_SALT, compress=True)


def petition_from_review_token(token):
    try:
        data = signing.loads(token, salt=REVIEW_TOKEN_SALT, max_age=RATING_TOKEN_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if data.get("k") != ReviewKind.REVIEW:
        return None
    return Petition.objects.select_related("township", "subject").filter(pk=data.get("p")).first()


def review_offer(petition, rating):
    """After a 不满意 rating: the right to ask for 复查 within PETITION_REVIEW_REQUEST_DAYS of the
    reply, with its last day, and whether it may still be asked for online today; None when
    there is nothing to offer (another rating, re-handling, already requested)."""
    if rating is None or rating.satisfaction != Satisfaction.UNSATISFIED:
        return None
    window = review_window(petition, ReviewKind.REVIEW)
    if window is None or not passes(check_request_review, petition, ReviewKind.REVIEW, None):
        return None
    start, last = window
    return {
        "days": settings.PETITION_REVIEW_REQUEST_DAYS,
        "start": start,
        "last": last,
        "open": timezone.localdate() <= last,
    }


def review_right_message(offer):
    if not offer:
        return ""
    if not offer["open"]:
        return _("复查申请期限已于 %(last)s 届满。") % {"last": offer["last"].isoformat()}
    return _(
        "您对处理意见不服的，可以自收到书面答复之日起 %(n)s 日内（最迟 %(last)s）申请复查，可以在本页下方在线提交。"
    ) % {"n": offer["days"], "last": offer["last"].isoformat()}


def public_progress(petition):
    """What the citizen may see of their petition: state, decision, timeline steps (label and
    date only), the reply and its outcome."""
    events = [
        {"label": e.display_label, "at": e.at} for e in case_timeline(petition) if e.action not in INTERNAL_ACTIONS
    ]
    reply = (
        CaseReply.objects.filter(item_type=ContentType.objects.get_for_model(Petition), item_id=petition.pk)
        .order_by("-round")
        .first()
    )
    outcome = petition.get_outcome_display() if petition.outcome else ""
    if not outcome and reply is not None and reply.result in Outcome.values:
        outcome = Outcome(reply.result).label
    rated = reply is not None and CaseRating.objects.filter(reply=reply, rater_key=RATER_KEY).first()
    review = petition.reviews.filter(kind=ReviewKind.REVIEW).first()
    if review is not None and review.decided_on is None:
        clock = case_deadlines(petition, [ReviewKind.REVIEW]).order_by("-pk").first()
        review.decision_due = clock.due_date if clock else None
    return {
        "petition": petition,
        "state_label": PUBLIC_STATE_LABELS.get(petition.state) or case_type_of(petition).state_label(petition.state),
        "events": events,
        "reply": reply,
        "outcome": outcome,
        "rating": rated or None,
        "can_rate": petition.state == CaseState.REPLIED and not rated,
        "review": review,
        "review_offer": review_offer(petition, rated or None),
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


def render_progress(
    request, petition, *, rating_form=None, review_form=None, message="", with_review_right=False, status=200
):
    context = public_progress(petition)
    if context["can_rate"]:
        context["rating_form"] = rating_form or PublicRatingForm(initial={"token": rating_token(petition)})
    offer = context["review_offer"]
    if offer and offer["open"]:
        context["review_form"] = review_form or PublicReviewRequestForm(initial={"token": review_token(petition)})
    context["review_right"] = review_right_message(offer)
    if with_review_right and offer:
        message = f"{message}{context['review_right']}"
    context["message"] = message
    context["token_minutes"] = RATING_TOKEN_MAX_AGE // 60
    context["rehandle_on_unsatisfied"] = settings.PETITION_REHANDLE_ON_UNSATISFIED
    return _no_store(render(request, "petitions/public/progress.html", context, status=status))


def _expired(request):
    return _no_store(
        render(
            request,
            PublicQueryView.template_name,
            {"form": PublicQueryForm(), "page_error": _("页面已过期，请重新输入查询码和手机号码。")},
            status=400,
        )
    )


class PublicRateView(View):
    """POST the rating of the reply; the signed token from the progress page says which
    petition (no code or phone is sent again, nothing is kept in the session)."""

    def post(self, request):
        form = PublicRatingForm(request.POST)
        petition = petition_from_token(request.POST.get("token", ""))
        if petition is None:
            return _expired(request)
        if not form.is_valid():
            return render_progress(request, petition, rating_form=form)
        try:
            # the same service the office uses: 不满意 needs a reason
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
        # after 不满意, the confirmation tells of the right to ask for 复查 (and its last day)
        return render_progress(request, petition, message=_("感谢您的评价！"), with_review_right=True)


class PublicReviewRequestView(View):
    """POST the petitioner's request for 复查 (信访工作条例: within PETITION_REVIEW_REQUEST_DAYS of
    receiving the reply), dated today; the signed token from the progress page says which
    petition, as for the rating. The service decides (window, once per petition); the office's
    clerks and chairs are told and the petition is 复查中."""

    def post(self, request):
        petition = petition_from_review_token(request.POST.get("token", ""))
        if petition is None:
            return _expired(request)
        form = PublicReviewRequestForm(request.POST)
        if not form.is_valid():
            return render_progress(request, petition, review_form=form, status=400)
        try:
            petition_request_review(
                petition=petition,
                kind=ReviewKind.REVIEW,
                requested_on=timezone.localdate(),
                request=form.cleaned_data["request"],
                by=None,
            )
        except ValidationError as error:
            return render_progress(request, petition, message=" ".join(error.messages), status=400)
        petition.refresh_from_db()
        message = _("您的复查申请已提交，将自申请之日起 %(n)s 日内作出复查意见。") % {
            "n": settings.PETITION_REVIEW_DECISION_DAYS
        }
        return render_progress(request, petition, message=message)
