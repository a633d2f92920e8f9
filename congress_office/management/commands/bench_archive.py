"""The annual package at scale (issue 11): a township-year of N items (5,000 by default), with W
worker processes (2 by default), in the two steps the Celery tasks take:

1. 归档生成 — each item's files rendered once and stored, as the archive_render_chunk tasks do in
   the background after 整理归档 (the archived copy; WeasyPrint's time);
2. the package (the export the auditor waits for) — the chunks stamp, copy and hash the stored
   files, then the finishing step writes the catalogues, 文件目录.xml, manifests and the zip;
   then the package is verified.

Not a test: it prints a table and writes JSON. The items are real renders: a bench township gets
N placeholder records (units), and each item renders the parts of one of the demo year's real
items in turn (履职档案, case files, 正本 and 稿纸, meeting dossiers …), so the mix and the page
counts are those of a real year. Needs the demo data (`python manage.py seed_demo`).

    python manage.py bench_archive --items 5000 --workers 2 [--json var/bench/archive.json]
"""

import json
import multiprocessing
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from congress_office.models import ArchiveItem, Fonds, OrgCode, Township, Unit
from congress_office.registries import ArchiveEntry, ArchiveSection, archive_sections

BENCH_CODE = "bench-archive"
KIND = "bench.item"
STATE = {}


def _delegate_parts(unit, user, item=None, full=False):
    """The parts of one real item of the demo year, in turn."""
    samples = STATE["samples"]
    real = samples[unit.pk % len(samples)]
    return archive_sections[real.kind].parts(real.record, user, item=real, full=full)


def _entries(township, year):
    for unit in Unit.objects.filter(township=township).order_by("pk"):
        yield ArchiveEntry(record=unit, title=f"基准测试文件{unit.name}", responsible="基准测试", date=date(year, 6, 1))


def _register():
    archive_sections.register(KIND, ArchiveSection(KIND, "基准测试", "records", "D10", _entries, parts=_delegate_parts))


def _pool_run(pool, function, chunks, total, label, stdout, chunk):
    started, done, peaks = time.perf_counter(), 0, []
    for count, _seconds, peak in pool.imap_unordered(function, chunks):
        done += count
        peaks.append(peak)
        if done % 500 < chunk:
            stdout.write(f"  {label} {done} / {total} 件，{time.perf_counter() - started:.0f} s")
    return round(time.perf_counter() - started, 1), round(max(peaks or [0]) / 1024, 1), done


def _render_work(args):
    """One worker process: render and store some items (the archive_render_chunk task's work)."""
    from congress_office.services.archive_render import render_items, unrendered

    ids = args
    connections.close_all()
    started = time.perf_counter()
    items = unrendered(ArchiveItem.objects.filter(pk__in=ids)).select_related("archived_by").order_by("pk")
    rendered = render_items(list(items))
    return rendered, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _work(args):
    """One worker process: write some items (the chunk task's work)."""
    from congress_office.services.archive_package import write_in_batches, year_items

    export_root, township_id, year, user_id, ids = args
    connections.close_all()  # the forked connection belongs to the parent
    from django.contrib.auth import get_user_model

    township = Township.objects.get(pk=township_id)
    user = get_user_model().objects.get(pk=user_id)
    items = list(year_items(township, year).filter(pk__in=ids))
    started = time.perf_counter()
    written = sum(len(w) for _batch, w in write_in_batches(items, user, export_root))
    return written, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Command(BaseCommand):
    help = "归档包基准测试：N 件、W 个进程，打印耗时并写出 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=5000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--chunk", type=int, default=20)
        parser.add_argument("--json", dest="json_path", default="var/bench/archive.json")
        parser.add_argument("--keep", action="store_true", help="不删除基准数据和生成的归档包")

    def handle(self, *args, items, workers, chunk, json_path, keep, **options):
        from django.contrib.auth import get_user_model

        from congress_office import celery_app
        from congress_office.roles import Role
        from congress_office.services.archive import archive_assign
        from congress_office.services.archive_package import finish_package, package_name, write_zip
        from congress_office.services.archive_verify import verify_package

        celery_app.conf.task_always_eager = True  # the bench's processes render; nothing is queued
        demo = Township.objects.filter(code="qingshan").first()
        if demo is None:
            raise CommandError("请先运行 python manage.py seed_demo。")
        year = date.today().year
        auditor = get_user_model().objects.filter(township=demo, groups__name=Role.AUDITOR.value).first()
        samples = [i for i in ArchiveItem.objects.filter(township=demo, year=year).order_by("pk") if i.record]
        if not samples:
            archive_assign(township=demo, year=year, by=auditor)
            samples = [i for i in ArchiveItem.objects.filter(township=demo, year=year).order_by("pk") if i.record]
        STATE["samples"] = samples
        _register()
        township, _ = Township.objects.get_or_create(
            code=BENCH_CODE, defaults={"name": "基准镇", "county": "示范县", "agency_code": "基人", "population": 1}
        )
        fonds, _ = Fonds.objects.get_or_create(
            township=township, defaults={"code": "9999", "name": "基准镇人民代表大会"}
        )
        OrgCode.objects.get_or_create(township=township, code="BGS", defaults={"name": "办公室"})
        auditor.township_id, real_township = township.pk, auditor.township_id  # archive as the bench's auditor
        have = Unit.objects.filter(township=township).count()
        Unit.objects.bulk_create(Unit(township=township, name=f"单位{n:05d}") for n in range(have, items))
        results = {
            "items": items,
            "workers": workers,
            "chunk": chunk,
            "sample_kinds": sorted({s.kind for s in samples}),
        }
        out = Path(tempfile.mkdtemp(prefix="bench-archive-"))
        try:
            started = time.perf_counter()
            archive_assign(township=township, year=year, by=auditor)
            results["assign_seconds"] = round(time.perf_counter() - started, 2)
            root = out / package_name(fonds, year)
            (root / "items").mkdir(parents=True)
            ids = list(ArchiveItem.objects.filter(township=township, year=year).values_list("pk", flat=True))
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=50) as pool:
                parts = [ids[n : n + chunk] for n in range(0, len(ids), chunk)]
                seconds, peak, rendered = _pool_run(pool, _render_work, parts, len(ids), "归档生成", self.stdout, chunk)
            results["render_seconds"], results["render_peak_rss_mib"], results["rendered"] = seconds, peak, rendered
            results["render_per_item_seconds"] = round(seconds * workers / max(len(ids), 1), 3)
            connections.close_all()
            chunks = [(root, township.pk, year, auditor.pk, ids[n : n + chunk]) for n in range(0, len(ids), chunk)]
            with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=50) as pool:
                seconds, peak, _written = _pool_run(pool, _work, chunks, len(ids), "归档包", self.stdout, chunk)
            results["items_seconds"], results["worker_peak_rss_mib"] = seconds, peak
            started = time.perf_counter()
            counts = finish_package(root, fonds, year, auditor)
            write_zip(root, out / f"{root.name}.zip", date(year, 12, 31))
            results["finish_seconds"] = round(time.perf_counter() - started, 1)
            started = time.perf_counter()
            report = verify_package(root)
            results["verify_seconds"] = round(time.perf_counter() - started, 1)
            results["verify_ok"] = report.ok
            results["pages"] = counts["pages"]
            results["zip_mib"] = round((out / f"{root.name}.zip").stat().st_size / 2**20, 1)
            # what the auditor waits for: the package job (the items' files rendered beforehand)
            results["export_seconds"] = round(results["items_seconds"] + results["finish_seconds"], 1)
            results["export_per_item_seconds"] = round(results["items_seconds"] * workers / max(len(ids), 1), 3)
        finally:
            auditor.township_id = real_township
            archive_sections.unregister(KIND)
            if not keep:
                shutil.rmtree(out, ignore_errors=True)
                from congress_office.services.archive_render import discard_files

                bench_ids = list(ArchiveItem.objects.filter(township=township).values_list("pk", flat=True))
                discard_files(bench_ids)  # the stored files too (outside a transaction: at once)
                ArchiveItem.objects.filter(township=township).delete()
                Unit.objects.filter(township=township).delete()
            else:
                results["package"] = str(out)
        for key, value in results.items():
            self.stdout.write(f"{key:>22}: {value}")
        target = Path(json_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"JSON: {target}")
