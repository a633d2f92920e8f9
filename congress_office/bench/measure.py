"""The county-scale benchmark's measurements (issue 12): every list (first and a deep page, common
filters, search), detail, dashboard, statistics, export and PDF, as a clerk and a chair of one
township and as a county user, through the Django test client in process. For each: the median
and p95 of `runs` timed requests after one warm-up, the SQL query count, the response size, and,
for exports and PDFs, the peak memory the request adds (measured in a forked child whose VmHWM is
reset before the request). Not a test: `python manage.py bench_county` prints the table and writes
the JSON; docs/performance.md gives the latest figures.
"""

import os
import statistics
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

# targets of issue 12 at scale 1.0 (milliseconds; memory in MiB)
TARGETS = {
    ("list", "township"): 150,
    ("detail", "township"): 150,
    ("list", "county"): 300,
    ("detail", "county"): 300,
    ("dashboard", "township"): 200,
    ("dashboard", "county"): 200,
    ("stats", "township"): 300,
    ("stats", "county"): 1000,
    ("pdf", "township"): 2000,
    ("pdf", "county"): 2000,
    # issue 14: a printable register's page is up to REGISTER_PRINT_MAX_ROWS (500) rows, ten
    # list pages at once; a register's PDF (a month of petitions, some 30 landscape pages) and a
    # zip of ten yearly records are background jobs with progress: 2 s a document, 10 s a register
    ("print", "township"): 500,
    ("print", "county"): 1000,
    ("register_pdf", "township"): 10000,
    ("zip", "township"): 20000,
}
MEMORY_TARGET_MIB = 100
_INHERITED = []


@dataclass
class Case:
    name: str
    role: str  # clerk, chair, county (deputy, unit_handler, auditor: their homes)
    url: str
    kind: str  # list, detail, dashboard, stats, export, pdf
    method: str = "GET"
    data: dict = field(default_factory=dict)

    @property
    def scope(self):
        return "county" if self.role == "county" else "township"

    @property
    def target_ms(self):
        return TARGETS.get((self.kind, self.scope))


@dataclass
class Result:
    name: str
    role: str
    kind: str
    status: int
    median_ms: float
    p95_ms: float
    queries: int
    kib: int
    memory_mib: float | None
    target_ms: int | None
    ok: bool
    note: str = ""


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _consume(response):
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _request(client, case):
    if case.method == "POST":
        return client.post(case.url, case.data)
    return client.get(case.url, case.data)


def _status_kib(path):
    values = {}
    with open(path) as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def _added_memory_mib(client, case):
    """Fork; in the child reset the high-water mark, make the request, report VmHWM - VmRSS."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own copy of the connection must not be shared with the parent
        os.close(read)
        try:
            # the parent's connection must stay open: keep the inherited one referenced (closing or
            # freeing it would end the parent's session) and let Django open a fresh one
            _INHERITED.append(connection.connection)
            connection.connection = None
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
            before = _status_kib("/proc/self/status")["VmRSS"]
            _consume(_request(client, case))
            peak = _status_kib("/proc/self/status")["VmHWM"]
            os.write(write, str((peak - before) / 1024).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as handle:
        text = handle.read()
    os.waitpid(pid, 0)
    return round(float(text), 1) if text else None


def measure_case(client, case, runs):
    response = _request(client, case)  # warm-up (caches, the first connection)
    size = _consume(response)
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = _request(client, case)
            size = _consume(response)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    memory = _added_memory_mib(client, case) if case.kind in ("export", "pdf", "register_pdf", "zip") else None
    p95 = _p95(timings)
    target = case.target_ms
    ok = response.status_code < 400 and (target is None or p95 <= target)
    if memory is not None and memory > MEMORY_TARGET_MIB:
        ok = False
    # an export above EXPORT_INLINE_MAX_ROWS answers with the redirect to its job's page: the
    # timings are those of starting the job (with eager tasks, of writing it too)
    note = "job started" if response.status_code == 302 and case.kind == "export" else ""
    return Result(
        case.name,
        case.role,
        case.kind,
        response.status_code,
        round(statistics.median(timings), 1),
        round(p95, 1),
        queries,
        size // 1024,
        memory,
        target,
        ok,
        note,
    )


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def build_cases(township, year=None):
    """The catalogue, for `township`'s clerk and chair and the county user. Records are the
    township's first of each kind (ids looked up once)."""
    from deputies.models import Activity, Deputy
    from deputies.suggestions.models import Suggestion
    from petitions.models import Petition

    year = year or date.today().year
    petition = _first(Petition, township=township)
    deputy = _first(Deputy, township=township)
    activity = _first(Activity, township=township)
    suggestion = _first(Suggestion, township=township)
    cases = []
    month = {"year": year, "month": max(1, date.today().month - 1)}

    def add(name, url_name, kind, roles=("clerk", "chair", "county"), args=None, **data):
        url = reverse(url_name, args=args or [])
        for role in roles:
            cases.append(Case(name, role, url, kind, data=data))

    add("首页 / 工作台", "core:home", "dashboard")
    # the role homes built around their own next actions (congress_office.home)
    add("首页 / 工作台", "core:home", "dashboard", roles=("deputy", "unit_handler", "auditor"))
    # the county reads petition figures only (信访统计, 县级汇总): the list is the office's
    office = ("clerk", "chair")
    add("信访列表", "petitions:petition_list", "list", roles=office)
    add("信访列表 第500页", "petitions:petition_list", "list", roles=office, page=500)
    add("信访列表 办理中", "petitions:petition_list", "list", roles=office, state="handling")
    add("信访列表 搜索", "petitions:petition_list", "list", roles=office, q="土地")
    add("信访列表 仅逾期", "petitions:petition_list", "list", roles=office, overdue="on")
    if petition:
        add("信访详情", "petitions:petition_detail", "detail", roles=("clerk", "chair"), args=[petition])
    add("信访统计 本年", "petitions:stats", "stats", year=year)
    add("信访统计 导出", "petitions:stats_export", "export", year=year)
    add("信访 导出", "petitions:petition_export", "export", roles=office)
    add("县级汇总", "core:county_overview", "stats", roles=("county",), year=year)
    add("县级汇总 乡镇", "core:county_township", "stats", roles=("county",), args=[township.code], year=year)
    add("期限督办", "core:deadline_list", "list")
    # the calendar of the month (reception days, trainings, meetings, deadlines due) and its .ics
    add("日历 本月", "core:calendar", "list", year=year, month=date.today().month)
    add("日历 导出", "core:calendar_ics", "export", year=year, month=date.today().month)
    add("筛选联想 单位", "core:lookup", "list", args=["unit"], q="办")
    # the header's search box over every kind the role may view (congress_office.search): a
    # two-character word found inside titles through the bigram indexes, a whole phone number
    # through the keyed hashes
    add("全局搜索", "core:search", "list", q="土地")
    add("全局搜索 电话", "core:search", "list", q="13900002026")
    add("代表名册", "deputies:deputy_list", "list")
    add("代表名册 搜索", "deputies:deputy_list", "list", q="张")
    if deputy:
        add("代表详情", "deputies:deputy_detail", "detail", roles=("clerk", "chair"), args=[deputy])
        add("履职档案", "deputies:record_detail", "detail", roles=("clerk", "chair"), args=[deputy, year])
    add("代表名册 导出", "deputies:deputy_export", "export", roles=("clerk", "chair"))
    add("履职活动", "deputies:activity_list", "list")
    add("履职活动 第500页", "deputies:activity_list", "list", page=500)
    add("履职活动 搜索", "deputies:activity_list", "list", q="调研")
    add("履职活动 待确认", "deputies:activity_list", "list", roles=office, status="submitted")
    # the batch confirmation page (lists what would happen, changes nothing) for a full batch
    pending = list(Activity.objects.filter(township=township, status="submitted").values_list("pk", flat=True)[:200])
    for role in office if pending else ():
        batch = {"action": "confirm", "ids": pending}
        cases.append(Case("履职活动 批量确认页", role, reverse("deputies:activity_batch"), "list", "POST", batch))
    if activity:
        add("履职活动详情", "deputies:activity_detail", "detail", roles=("clerk", "chair"), args=[activity])
    add("代表小组考核", "deputies:assessment", "stats", year=year)
    add("代表建议", "deputies:suggestion_list", "list")
    add("代表建议 第50页", "deputies:suggestion_list", "list", page=50)
    if suggestion:
        add("代表建议详情", "deputies:suggestion_detail", "detail", roles=("clerk", "chair"), args=[suggestion])
    _documents_cases(add, township, year)
    _register_cases(add, cases, year, month)
    for role in ("clerk", "county"):
        data = {**month} if role == "clerk" else {**month, "township": ""}
        cases.append(
            Case(
                "信访月度分析 PDF",
                role,
                reverse("core:pdfjob_start", args=["petitions.monthly_report"]),
                "pdf",
                "POST",
                data,
            )
        )
    _batch_cases(cases, township, year)
    return cases


def _batch_cases(cases, township, year):
    """The batch operations (congress_office.views.batch): the confirmation pages of a full
    selection (催办全部逾期单位, 批量交办), and the zip job of 10 deputies' 履职档案 (with eager
    tasks the request renders the 10 PDFs)."""
    from deputies.plugins import served_in
    from deputies.suggestions.models import Suggestion

    cases.append(Case("催办逾期单位 确认页", "clerk", reverse("core:deadline_remind"), "list", "POST", {"all": "1"}))
    waiting = list(Suggestion.objects.filter(township=township, state="registered").values_list("pk", flat=True)[:200])
    if waiting:
        url = reverse("deputies:suggestion_batch_assign")
        cases.append(Case("代表建议 批量交办确认页", "clerk", url, "list", "POST", {"ids": waiting}))
    deputies = list(served_in(township, year).values_list("pk", flat=True)[:10])
    if deputies:
        data = {"year": year, "ids": deputies, "stage": "confirm"}
        cases.append(Case("履职档案 ZIP（10份）", "clerk", reverse("deputies:record_zip"), "zip", "POST", data))


def _register_cases(add, cases, year, month):
    """The printable registers (core:register_print, congress_office/registers.py): each print
    page (at most REGISTER_PRINT_MAX_ROWS rows), and one register PDF job (a month of petitions)."""
    office = ("clerk", "chair")
    add("信访登记簿 打印", "core:register_print", "print", roles=office, args=["petitions.register"], year=year)
    add("来访登记表 打印", "core:register_print", "print", roles=office, args=["petitions.visit_sheets"], year=year)
    add("代表名册 打印", "core:register_print", "print", roles=office, args=["deputies.register"])
    add("督办台账 打印", "core:register_print", "print", args=["core.supervision_ledger"], year=year)
    add("收文登记簿 打印", "core:register_print", "print", args=["documents.incoming_register"], year=year)
    add("发文登记簿 打印", "core:register_print", "print", args=["documents.outgoing_register"], year=year)
    first = date(month["year"], month["month"], 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    period = {"received_after": first.isoformat(), "received_before": last.isoformat()}
    start = reverse("core:pdfjob_start", args=["petitions.register"])
    cases.append(Case("信访登记簿 PDF", "clerk", start, "register_pdf", "POST", period))


def _documents_cases(add, township, year):
    """公文 (the 收文 and 发文 registers, their exports, a record of each), meetings, assessments
    and the archive (generate_more's data); county where the view lets it read."""
    from assessments.models import AssessmentPlan, Evaluation
    from documents.models import IncomingDocument, OutgoingDocument
    from meetings.models import Meeting

    incoming = _first(IncomingDocument, township=township)
    outgoing = _first(OutgoingDocument, township=township, sequence__isnull=False)
    meeting = _first(Meeting, township=township, kind="session", state="closed")
    presidium = _first(Meeting, township=township, kind="presidium", state="closed")
    plan = _first(AssessmentPlan, township=township, year=year - 1)
    evaluation = _first(Evaluation, plan__township=township, state="closed")
    add("收文", "documents:incoming_list", "list")
    add("收文 第500页", "documents:incoming_list", "list", page=500)
    add("收文 承办中", "documents:incoming_list", "list", state="assigned")
    add("收文 搜索", "documents:incoming_list", "list", q="通知")
    add("收文 仅逾期", "documents:incoming_list", "list", overdue="on")
    if incoming:
        add("收文详情", "documents:incoming_detail", "detail", args=[incoming])
    add("收文登记簿 导出", "documents:incoming_export", "export", roles=("clerk", "chair"), year=year)
    add("发文", "documents:outgoing_list", "list")
    add("发文 第500页", "documents:outgoing_list", "list", page=500)
    add("发文 已归档", "documents:outgoing_list", "list", state="archived")
    add("发文 搜索", "documents:outgoing_list", "list", q="通知")
    if outgoing:
        add("发文详情", "documents:outgoing_detail", "detail", args=[outgoing])
    add("发文登记簿 导出", "documents:outgoing_export", "export", roles=("clerk", "chair"), year=year)
    add("会议", "meetings:list", "list")
    if meeting:
        add("会议详情 人代会", "meetings:detail", "detail", args=[meeting])
    if presidium:
        add("会议详情 主席团", "meetings:detail", "detail", roles=("clerk", "chair"), args=[presidium])
    add("考核", "assessments:plan_list", "list")
    if plan:
        add("考核方案详情", "assessments:plan_detail", "detail", args=[plan])
        add("考核 季度评分表", "assessments:score_sheet", "detail", roles=("clerk",), args=[plan, 4])
        add("考核 年度等次", "assessments:grades", "detail", roles=("chair",), args=[plan])
    if evaluation:
        add("考核 民主测评结果", "assessments:evaluation_detail", "detail", args=[evaluation])
    add("档案", "core:archive_home", "list", roles=("clerk",))
    add("档案 上一年", "core:archive_home", "list", roles=("clerk",), year=year - 1)
    add("档案 上一年 第50页", "core:archive_home", "list", roles=("clerk",), year=year - 1, page=50)


def run(users, township, runs=5, only=None, stdout=None):
    """users: {role: User}. Returns [Result]."""
    clients = {}
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    results = []
    if not only or only in SNAPSHOT_TASK:
        results.append(measure_snapshot_refresh(runs))
        if stdout:
            stdout.write(row(results[-1]))
    for case in build_cases(township):
        if only and only not in case.name:
            continue
        if case.role not in clients:
            continue
        try:
            result = measure_case(clients[case.role], case, runs)
        except Exception as error:  # a broken page is a finding, not the end of the run
            result = Result(
                case.name, case.role, case.kind, 0, 0, 0, 0, 0, None, case.target_ms, False, repr(error)[:120]
            )
        results.append(result)
        if stdout:
            stdout.write(row(result))
    return results


SNAPSHOT_TASK = "县级统计快照刷新"


def measure_snapshot_refresh(runs):
    """The beat task that keeps the county-wide petition statistics counted (every
    PETITION_STATS_SNAPSHOT_REFRESH seconds): what it costs the database each time. The county
    pages below read the snapshot it stores (their warm-up run stores it as the task would)."""
    from petitions.services.stats import refresh_county_snapshots

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            refresh_county_snapshots()
            times.append((time.perf_counter() - start) * 1000)
    return Result(
        SNAPSHOT_TASK,
        "task",
        "task",
        0,
        statistics.median(times),
        _p95(times),
        len(ctx),
        0,
        None,
        None,
        True,
        "background, no target",
    )


HEADER = (
    "".join((f"{'page':<22}", f"{'role':<8}", f"{'status':>6}", f"{'median':>9}", f"{'p95':>9}", f"{'queries':>8}"))
    + f"{'KiB':>7}{'mem MiB':>9}{'target':>8}  ok"
)


def row(r):
    memory = "" if r.memory_mib is None else f"{r.memory_mib:.0f}"
    target = "" if r.target_ms is None else str(r.target_ms)
    mark = "ok" if r.ok else "MISS"
    return (
        f"{r.name:<22}{r.role:<8}{r.status:>6}{r.median_ms:>9.0f}{r.p95_ms:>9.0f}{r.queries:>8}{r.kib:>7}"
        f"{memory:>9}{target:>8}  {mark} {r.note}"
    )


def as_json(results):
    return [asdict(r) for r in results]
