"""Verify an annual archive package (the integrity check of DA/T 70): every file's SM3 and
SHA-256 against both manifests, 文件目录.xml and each item's 元数据.xml against the files, and the
件号 of every series for gaps and repeats. The report names every changed, missing or extra
file; a package with any finding fails."""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

from .archive_package import CATALOGUE_FILE, ITEMS_DIR, MANIFESTS, METADATA_FILE, all_files, file_digests

CODE = re.compile(r"^(?P<series>.+)-(?P<seq>\d{4})$")


@dataclass
class Report:
    root: str
    files: int = 0
    items: int = 0
    findings: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.findings

    def add(self, kind, path, detail=""):
        self.findings.append((kind, path, detail))

    def lines(self):
        head = _("校验归档包：%(root)s") % {"root": self.root}
        lines = [head, _("文件 %(f)d 个，件 %(i)d 件。") % {"f": self.files, "i": self.items}]
        for kind, path, detail in self.findings:
            lines.append(f"{kind}：{path}" + (f"（{detail}）" if detail else ""))
        lines.append(
            _("结果：通过，未发现问题。")
            if self.ok
            else _("结果：未通过，发现 %(n)d 个问题。") % {"n": len(self.findings)}
        )
        return lines


CHANGED, MISSING, EXTRA, XML, GAP = _("已改动"), _("缺失"), _("多余"), _("目录不符"), _("件号")


def _read_manifest(path, report):
    entries = {}
    if not path.exists():
        report.add(MISSING, path.name)
        return entries
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        digest, sep, rel = line.partition("  ")
        if not sep or not rel:
            report.add(XML, path.name, _("第%(n)d行格式错误") % {"n": number})
            continue
        entries[rel] = digest
    return entries


def verify_package(root):
    root = Path(root)
    report = Report(str(root))
    if not root.is_dir():
        report.add(MISSING, str(root))
        return report
    manifests = {alg: _read_manifest(root / name, report) for alg, name in MANIFESTS.items()}
    present = [rel for rel in all_files(root) if rel not in MANIFESTS.values()]
    report.files = len(present)
    listed = set(manifests["sm3"]) | set(manifests["sha256"])
    digests = {}
    for rel in present:
        if rel not in listed:
            report.add(EXTRA, rel)
            continue
        sm3, sha = digests[rel] = file_digests(root / rel)
        if manifests["sm3"].get(rel) != sm3 or manifests["sha256"].get(rel) != sha:
            report.add(CHANGED, rel)
    for rel in sorted(listed - set(present)):
        report.add(MISSING, rel)
    for alg in ("sm3", "sha256"):
        other = set(manifests["sha256" if alg == "sm3" else "sm3"])
        for rel in sorted(other - set(manifests[alg])):
            report.add(XML, MANIFESTS[alg], _("未列出 %(f)s") % {"f": rel})
    _check_directory(root, report, digests)
    return report


def _check_directory(root, report, digests):
    path = root / CATALOGUE_FILE
    if not path.exists():
        report.add(MISSING, CATALOGUE_FILE)
        return
    try:
        tree = ET.parse(path).getroot()
    except ET.ParseError as error:
        report.add(XML, CATALOGUE_FILE, str(error))
        return
    series, folders = {}, set()
    for position, element in enumerate(tree.iter("件"), start=1):
        report.items += 1
        code = element.findtext("档号", "")
        if element.get("顺序号") != str(position):
            report.add(XML, CATALOGUE_FILE, _("%(c)s 的顺序号不连续") % {"c": code})
        match = CODE.match(code)
        if match is None:
            report.add(XML, CATALOGUE_FILE, _("档号格式错误：%(c)s") % {"c": code})
            continue
        series.setdefault(match["series"], []).append(int(match["seq"]))
        folders.add(code)
        item_dir = f"{ITEMS_DIR}/{code}"
        if not (root / item_dir / METADATA_FILE).exists():
            report.add(MISSING, f"{item_dir}/{METADATA_FILE}")
        for f in element.iter("文件"):
            rel = f.findtext("文件名", "")
            if not (root / rel).exists():
                if rel not in {p for _k, p, _d in report.findings}:
                    report.add(MISSING, rel)
                continue
            sm3, sha = digests.get(rel) or file_digests(root / rel)
            size = (root / rel).stat().st_size
            if (f.findtext("SM3"), f.findtext("SHA256"), f.findtext("大小")) != (sm3, sha, str(size)):
                report.add(XML, CATALOGUE_FILE, _("%(f)s 与目录记载的摘要或大小不符") % {"f": rel})
    for name, numbers in sorted(series.items()):
        expected = list(range(1, max(numbers) + 1))
        if sorted(numbers) != expected:
            missing = sorted(set(expected) - set(numbers))
            repeated = sorted(n for n, times in Counter(numbers).items() if times > 1)
            detail = []
            if missing:
                detail.append(_("缺号 %(n)s") % {"n": "、".join(f"{n:04d}" for n in missing)})
            if repeated:
                detail.append(_("重号 %(n)s") % {"n": "、".join(f"{n:04d}" for n in repeated)})
            report.add(GAP, name, "；".join(detail))
    items_root = root / ITEMS_DIR
    if items_root.is_dir():
        for folder in sorted(p.name for p in items_root.iterdir() if p.is_dir()):
            if folder not in folders:
                report.add(EXTRA, f"{ITEMS_DIR}/{folder}", _("目录中没有此件"))
