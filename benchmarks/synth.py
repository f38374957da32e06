"""Synthetic companies for the benchmark: `python benchmarks/synth.py --teams N --out DIR`.

Writes a goals folder (FORMAT.md, version 1) for a company of N teams:

- departments of about ten teams each; about five people a team, three in a
  department's own staff, a CEO and four executives;
- 2026 (the company's annual objectives), 2026-Q3 (closed) and 2026-Q4 (running
  on 2026-11-22): the company, every department and every team have a file in
  both quarters, 4 objectives x 4 key results each;
- weekly check-ins (Fridays) with value, confidence and a short note: 13 in the
  closed quarter, 8 in the running one (every Friday up to 2026-11-20, since a
  check-in may not lie after the build date), a few key results gone stale;
- about N/20 KPIs (at least 4) with twelve monthly values, keep thresholds,
  leading KPIs that predict lagging ones, key results that move them;
- alignment: company quarters -> the annual objectives, departments -> the
  company's objectives, teams -> their department's (some to a key result),
  a few unaligned; a few private team objectives, rolled-over objectives,
  initiatives and retrospectives.

With --flat, no departments: every team sits directly under the company (a flat org of N top-level
units, aligned to the company's objectives, the KPIs owned by teams), the shape that makes every
list of the company's departments as long as the company (issue 28).

Deterministic: the same N and --seed give byte-identical files. Written with
string templates, not yaml.dump: 5,000 teams take seconds.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
import shutil
import sys
import time
from pathlib import Path

COMPANY = "synthco"
TODAY = dt.date(2026, 11, 22)
Q3 = ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
Q4 = ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))

FIRST = ("Ada Alan Amara Anders Ana Arjun Aylin Beatriz Ben Bilal Carmen Chen Chloe Daniel Dana Diego Elif Eli "
         "Emma Farah Felix Grace Hana Hugo Ines Isak Jonas Julia Kai Kwame Lea Leon Lina Luca Maja Marcus Maria "
         "Mateo Mei Mila Nadia Noah Nora Olivia Omar Owen Paula Priya Rafael Rosa Sami Sara Sofia Tariq Teo "
         "Uma Vera Yara Yusuf Zoe").split()
LAST = ("Achterberg Bauer Bell Carvalho Chen Costa Dubois Eriksen Fischer Fox Garcia Haddad Hansen Ivanova Jensen "
        "Kim Kowalski Laurent Lindqvist Mendoza Mensah Moreau Nakamura Novak Okafor Olsen Petrov Quinn Raman "
        "Rossi Santos Schmidt Silva Tanaka Torres Varga Weber Wright Yilmaz Zhang").split()
DEPARTMENTS = ("Commerce Customer-Experience Operations Technology Finance People Marketing Product Data "
               "Security Sales Partnerships Supply Legal Research Platform Logistics Retail").split()
TEAM_WORDS = ("Atlas Beacon Cedar Delta Ember Falcon Glacier Harbor Iris Juniper Kestrel Lumen Meridian Nimbus "
              "Orbit Pioneer Quartz Ridge Summit Tundra Umber Vertex Willow Zephyr").split()
VERBS = ("Grow Improve Cut Launch Simplify Delight Modernize Scale Harden Automate Expand Streamline Win "
         "Strengthen Rebuild Accelerate").split()
THINGS = ("checkout conversion, onboarding, the partner programme, order accuracy, delivery speed, mobile "
          "engagement, data quality, platform reliability, supplier quality, support response times, repeat "
          "purchases, the returns flow, search relevance, warehouse throughput, cloud costs, release cadence, "
          "employee onboarding, forecast accuracy, the loyalty programme, payment coverage, catalogue quality, "
          "store pickup, fraud detection, accessibility").split(", ")
AUDIENCES = ("for new customers|for our biggest accounts|across every market|in the Nordics|in DACH|"
             "before the holiday peak|for mobile shoppers|for every team|without adding headcount|"
             "for members|in our warehouses|for partners").split("|")
METRICS = [("conversion", "%"), ("orders", "orders"), ("latency", "ms"), ("tickets", "tickets"),
           ("nps", "points"), ("uptime", "%"), ("cost", "EUR k"), ("accuracy", "%"), ("signups", "signups"),
           ("defects", "defects"), ("revenue", "EUR k"), ("coverage", "%"), ("throughput", "units/h"),
           ("returns", "%"), ("adoption", "%"), ("lead-time", "days")]
NOTE_A = ("Shipped the first pilot|Rolled out to half of the traffic|Fixed the top three defects|"
          "Vendor contract signed|Experiment results came in|Ran the weekly review with the team|"
          "Migration is halfway done|Hired the second engineer|Paused for the incident review|"
          "Customer interviews done|Dashboard is live|Load test passed|Holiday freeze planned|"
          "Quick win from the new template|Trend is flat this week").split("|")
NOTE_B = ("numbers look good|still behind plan|ahead of plan|on track|slower than hoped|"
          "needs a decision next week|confidence is up|waiting on legal|blocked by the data pipeline|"
          "better than last quarter").split("|")
BLOCKERS = ("Waiting on the platform team|Budget approval is pending|Two people are on leave|"
            "The vendor API is unstable|Data is late from the warehouse").split("|")
NEXTS = ("Roll out to all markets|Review results with the department|Start the second experiment|"
         "Close the remaining gaps|Hand over to operations").split("|")
NOTES = [f"{a}, {b}." for a in NOTE_A for b in NOTE_B]
LESSONS = ("Set baselines from real data before committing|Fewer objectives would have helped focus|"
           "Weekly check-ins kept the team honest|Dependencies on other teams need owners|"
           "Milestones hid how much work was left|Pair every metric with a leading indicator").split("|")


def fridays(start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    d = start + dt.timedelta(days=(4 - start.weekday()) % 7)
    out = []
    while d <= end and d <= TODAY and len(out) < count:
        out.append(d)
        d += dt.timedelta(days=7)
    return out


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    out, y, m = [], first.year, first.month
    while True:
        d = dt.date(y, m, calendar.monthrange(y, m)[1])
        if d > last:
            return out
        out.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def num(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


class Company:
    def __init__(self, teams: int, seed: int, flat: bool = False):
        self.r = random.Random(f"{seed}:{teams}" + (":flat" if flat else ""))
        self.n = teams
        self.flat = flat
        self.used_names: set[str] = set()
        self.people: list[tuple[str, str, str, str]] = []  # id, name, unit, title
        self.units: list[tuple[str, str, str, str | None, str, str]] = []  # id, name, kind, parent, lead, desc
        self.members: dict[str, list[str]] = {}
        self.person_seq = 0
        self.build_org()
        self.build_kpis()

    # --- org -----------------------------------------------------------------------------------
    def person(self, unit: str, title: str) -> str:
        r = self.r
        first, last = r.choice(FIRST), r.choice(LAST)
        self.person_seq += 1
        pid = f"{first}-{last}-{self.person_seq}".lower()
        self.people.append((pid, f"{first} {last}", unit, title))
        self.members.setdefault(unit, []).append(pid)
        return pid

    def build_org(self) -> None:
        r, n = self.r, self.n
        self.ceo = self.person(COMPANY, "Chief Executive Officer")
        self.execs = [self.person(COMPANY, t) for t in ("Chief Operating Officer", "Chief Financial Officer",
                                                          "Chief Technology Officer", "Chief of Staff")]
        n_dept = 0 if self.flat else max(1, round(n / 10))
        self.depts: list[str] = []
        self.dept_teams: dict[str, list[str]] = {}
        self.top_teams: list[str] = []  # --flat: the teams, all directly under the company
        for d in range(n_dept):
            did = f"dept-{d + 1:03d}"
            name = f"{DEPARTMENTS[d % len(DEPARTMENTS)].replace('-', ' ')} {d // len(DEPARTMENTS) + 1}"
            head = self.person(did, f"VP {name}")
            self.person(did, "Program Manager")
            self.person(did, "Analyst")
            self.units.append((did, name, "department", None, head,
                               f"The {name} department, for {r.choice(THINGS)} and {r.choice(THINGS)}."))
            self.depts.append(did)
            self.dept_teams[did] = []
        for t in range(n):
            did = self.depts[t * n_dept // n] if n_dept else None
            tid = f"team-{t + 1:05d}"
            name = f"{r.choice(TEAM_WORDS)} {r.choice(THINGS).capitalize()} {t + 1}"
            size = r.choice((4, 5, 5, 5, 6))
            lead = self.person(tid, f"Head of {name}")
            for _ in range(size - 1):
                self.person(tid, r.choice(("Engineer", "Senior Engineer", "Product Manager", "Designer",
                                           "Analyst", "Specialist")))
            self.units.append((tid, name, "team", did, lead,
                               f"Owns {r.choice(THINGS)} {r.choice(AUDIENCES)}."))
            if did is None:
                self.top_teams.append(tid)
            else:
                self.dept_teams[did].append(tid)

    def build_kpis(self) -> None:
        r = self.r
        self.kpis: list[dict] = []
        count = max(4, round(self.n / 20))
        months = month_ends(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
        for k in range(count):
            did = (self.depts or self.top_teams)[k % len(self.depts or self.top_teams)]
            leading = k % 2 == 1
            mname, munit = METRICS[k % len(METRICS)]
            base = r.choice((20, 50, 80, 95, 120, 400))
            above = r.random() < 0.6
            thr = base * (0.95 if above else 1.05)
            drift = r.uniform(-0.006, 0.006)
            values = []
            v = base
            for d in months:
                v = v * (1 + drift + r.uniform(-0.02, 0.02))
                values.append((d, v))
            self.kpis.append(dict(
                id=f"kpi-{k + 1:04d}-{mname}", name=f"{mname.replace('-', ' ').capitalize()} of {did} ({k + 1})",
                unit=did, owner=self.members[did][0], collaborators=[self.members[did][1]],
                leading=leading, predicts=[self.kpis[-1]["id"]] if leading else [],
                munit=munit, above=above, thr=thr, values=values,
                informed=[COMPANY, did]))

    # --- writing -------------------------------------------------------------------------------
    def write(self, out: Path) -> int:
        files = 0
        out.mkdir(parents=True, exist_ok=True)
        (out / "org.yaml").write_text(self.org_yaml(), encoding="utf-8")
        (out / "kpis.yaml").write_text(self.kpis_yaml(), encoding="utf-8")
        files += 2
        (out / "2026").mkdir(exist_ok=True)
        annual = self.unit_file(COMPANY, ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)), parent_refs=None,
                                owners=[self.ceo], kr_owners=self.execs, monthly=True)
        (out / "2026" / f"{COMPANY}.yaml").write_text(annual[0], encoding="utf-8")
        files += 1
        annual_ids = annual[1]
        for period in (Q3, Q4):
            folder = out / period[0]
            folder.mkdir(exist_ok=True)
            company_text, company_ids = self.unit_file(
                COMPANY, period, parent_refs=[f"2026:{COMPANY}/{o}" for o, _ in annual_ids],
                owners=[self.ceo], kr_owners=self.execs)
            (folder / f"{COMPANY}.yaml").write_text(company_text, encoding="utf-8")
            files += 1
            for did in self.depts:
                staff = self.members[did]
                dept_text, dept_ids = self.unit_file(
                    did, period, parent_refs=self.refs(COMPANY, company_ids), owners=[staff[0]],
                    kr_owners=staff + [self.members[t][0] for t in self.dept_teams[did][:3]])
                (folder / f"{did}.yaml").write_text(dept_text, encoding="utf-8")
                files += 1
                files += self.write_teams(folder, period, self.dept_teams[did], self.refs(did, dept_ids))
            files += self.write_teams(folder, period, self.top_teams, self.refs(COMPANY, company_ids))
        return files

    def write_teams(self, folder: Path, period, teams: list[str], refs: list[str]) -> int:
        for tid in teams:
            people = self.members[tid]
            text, _ = self.unit_file(tid, period, parent_refs=refs, owners=[people[0]], kr_owners=people, team=True)
            (folder / f"{tid}.yaml").write_text(text, encoding="utf-8")
        return len(teams)

    def refs(self, unit: str, ids: list[tuple[str, list[str]]]) -> list[str]:
        """Alignment targets in one unit: mostly objectives, one in five a key result."""
        out = []
        for obj, krs in ids:
            out += [f"{unit}/{obj}"] * 4 + [f"{unit}/{obj}/{krs[0]}"]
        return out

    def org_yaml(self) -> str:
        r = self.r
        lines = ["# A synthetic company for the goalsite benchmark (benchmarks/synth.py).", "",
                 "company:", f"  id: {COMPANY}", f"  name: Synth Co {self.n}",
                 "  mission: |", "    Make outdoor gear that lasts, and make buying it a pleasure.",
                 "  vision: |", "    The most trusted outdoor shop in Europe by 2030.",
                 "  strategy: |", "    1. **Customers for life.** Service first.",
                 "    2. **Profitable growth** on our own channels.", "    3. **Gear that lasts.**", "",
                 "settings:", "  checkin_every_days: 7", "  stretch_success: 0.7", "", "units:"]
        for uid, name, kind, parent, lead, desc in self.units:
            lines += [f"  - id: {uid}", f"    name: {name}", f"    kind: {kind}"]
            if parent:
                lines.append(f"    parent: {parent}")
            lines += [f"    lead: {lead}", f"    description: {desc}"]
        lines += ["", "people:"]
        for pid, name, unit, title in self.people:
            lines.append(f"  - {{id: {pid}, name: {name}, unit: {unit}, title: {title}}}")
        del r
        return "\n".join(lines) + "\n"

    def kpis_yaml(self) -> str:
        lines = ["kpis:"]
        for k in self.kpis:
            form = "keep_above" if k["above"] else "keep_below"
            lines += [f"  - id: {k['id']}", f"    name: {k['name']}",
                      f"    description: Monthly {k['name'].lower()}, reviewed at the department's monthly review.",
                      f"    unit: {k['unit']}", f"    owner: {k['owner']}",
                      f"    collaborators: [{', '.join(k['collaborators'])}]",
                      f"    indicator: {'leading' if k['leading'] else 'lagging'}"]
            if k["predicts"]:
                lines.append(f"    predicts: [{', '.join(k['predicts'])}]")
            lines += ["    calculation: sum over the month, from the warehouse model",
                      "    source: Data warehouse, month-end snapshot",
                      f"    informed: [{', '.join(k['informed'])}]", "    update_every_days: 31",
                      f"    metric: {{unit: \"{k['munit']}\", {form}: {num(k['thr'])}}}", "    values:"]
            lines += [f"      - {{date: {d.isoformat()}, value: {num(v)}}}" for d, v in k["values"]]
        return "\n".join(lines) + "\n"

    def unit_file(self, unit: str, period, *, parent_refs, owners, kr_owners, team=False, monthly=False):
        """The YAML text of one unit's period file, and [(objective id, [kr ids])]."""
        r = self.r
        pid, start, end = period
        dates = month_ends(start, min(end, TODAY)) if monthly else fridays(start, end, 13)
        if monthly and end >= TODAY:
            dates.append(TODAY - dt.timedelta(days=2))  # a mid-month update before the build date
        dates = [d.isoformat() for d in dates]
        closed = end < TODAY
        lines = [f"# {unit}: objectives for {pid} (synthetic).", "", f"unit: {unit}", f'period: "{pid}"', "",
                 "objectives:"]
        ids = []
        for i in range(4):
            verb, thing = r.choice(VERBS), r.choice(THINGS)
            oid = f"{verb.lower()}-{thing.split()[-1].replace(',', '')}-{i + 1}"
            rolled = team and pid == Q4[0] and i == 0 and r.random() < 0.25
            lines += [f"  - id: {oid}", f"    title: {verb} {thing} {r.choice(AUDIENCES)}"]
            if r.random() < 0.5:
                lines += ["    description: |",
                          f"      We focus on {thing} because {r.choice(NOTE_B)} and customers notice it.",
                          f"      {r.choice(NOTE_A)}; this quarter we {verb.lower()} it {r.choice(AUDIENCES)}."]
            lines.append(f"    owner: {owners[0]}")
            collab = r.sample(kr_owners[1:], k=min(2, len(kr_owners) - 1))
            lines.append(f"    collaborators: [{', '.join(collab)}]")
            if r.random() < 0.3:
                lines.append("    kind: committed")
            if parent_refs:
                if not (team and r.random() < 0.03):
                    lines.append(f"    aligns_to: {r.choice(parent_refs)}")
            lines.append(f"    tags: [{thing.split()[-1].replace(',', '')}, {r.choice(METRICS)[0]}]")
            if team and r.random() < 0.02:
                lines.append("    visibility: private")
            if rolled:
                lines.append(f"    rolled_over_from: {Q3[0]}:{unit}/{self._q3_first.get(unit, oid)}")
            if pid == Q3[0] and i == 0:
                self._q3_first[unit] = oid
            lines.append("    key_results:")
            krs = []
            for j in range(4):
                kid, krlines = self.key_result(j, kr_owners, dates, end, closed, team)
                krs.append(kid)
                lines += krlines
            if r.random() < 0.6:
                lines += ["    initiatives:", f"      - title: {r.choice(NOTE_A)}",
                          f"        owner: {r.choice(kr_owners)}",
                          f"        status: {r.choice(('planned', 'active', 'active', 'done', 'dropped'))}",
                          f"        link: https://tracker.example.com/{unit.upper()}-{r.randint(1, 999)}",
                          f"        key_results: [{krs[0]}]"]
            ids.append((oid, krs))
        if closed and r.random() < 0.5:
            lines += ["", "retrospective:", "  went_well:", f"    - {r.choice(NOTE_A)}.", "  to_improve:",
                      f"    - {r.choice(BLOCKERS)}.", "  lessons:", f"    - {r.choice(LESSONS)}."]
        return "\n".join(lines) + "\n", ids

    def key_result(self, j, owners, dates, end, closed, team):
        r = self.r
        mname, munit = METRICS[r.randrange(len(METRICS))]
        kid = f"{mname}-{j + 1}"
        owner = owners[j % len(owners)] if team else r.choice(owners)
        final = r.uniform(0.1, 1.15) if closed else r.uniform(0.0, 0.8)
        lines = [f"      - id: {kid}"]
        kind = r.random()
        if kind < 0.15:
            title = f"Ship {r.choice(NOTE_A).lower()}"
            lines += [f"        title: {title}", f"        owner: {owner}", "        milestone: true"]
            if r.random() < 0.5:
                lines.append(f"        due: {(end - dt.timedelta(days=r.randint(5, 40))).isoformat()}")
            lo, hi, keep = 0.0, 1.0, None
        elif kind < 0.25:
            lo = r.choice((90, 95, 98, 99))
            keep = ("keep_above", lo)
            lines += [f"        title: Keep {mname} at or above {lo} {munit}", f"        owner: {owner}",
                      f"        metric: {{unit: \"{munit}\", keep_above: {lo}}}"]
            hi = lo
        else:
            base = r.choice((10, 20, 40, 60, 100, 250, 500, 1200))
            reduce = r.random() < 0.25
            target = base * (r.uniform(0.5, 0.85) if reduce else r.uniform(1.15, 2.0))
            lo, hi, keep = base, round(target, 1), None
            word = "Reduce" if reduce else "Raise"
            lines += [f"        title: {word} {mname} from {num(lo)} to {num(hi)} {munit}", f"        owner: {owner}",
                      f"        metric: {{unit: \"{munit}\", from: {num(lo)}, to: {num(hi)}}}"]
        if r.random() < 0.2:
            lines.append(f"        weight: {r.choice((2, 3))}")
        if self.kpis and r.random() < (0.05 if team else 0.25):
            lines.append(f"        kpi: {r.choice(self.kpis)['id']}")
        if not dates:
            return kid, lines
        n = len(dates)
        if not closed and r.random() < 0.05:
            n = max(1, n - r.randint(2, 4))  # gone stale
        lines.append("        checkins:")
        rnd, span, steps = r.random, hi - lo, len(dates)
        for t, d in enumerate(dates[:n]):
            frac = final * (t + 1) / steps + (rnd() - 0.5) * 0.06
            if keep:
                v = f"{lo + rnd() * 4.5 - 1.5:.2f}"
            elif lo == 0.0 and hi == 1.0:
                v = f"{min(1.0, max(0.0, frac)):.2f}"
            else:
                v = f"{lo + span * frac:.1f}"
            conf = min(10, max(1, int(5.5 + 4 * final + rnd() * 4 - 2)))
            note = NOTES[int(rnd() * len(NOTES))]
            if (conf > 4 or rnd() < 0.1) and rnd() < 0.8:
                lines.append(f"          - {{date: {d}, value: {v}, confidence: {conf}, note: \"{note}\"}}")
            else:
                lines += [f"          - date: {d}", f"            value: {v}", f"            confidence: {conf}",
                          f"            note: {note}"]
                if conf <= 4 or rnd() < 0.4:
                    lines.append(f"            blockers: {r.choice(BLOCKERS)}")
                if rnd() < 0.4:
                    lines.append(f"            next: {r.choice(NEXTS)}")
        return kid, lines

    _q3_first: dict[str, str] = {}


def generate(teams: int, out: Path | str, seed: int = 8, flat: bool = False) -> int:
    """Write the company of `teams` teams into `out` (emptied first); return the number of files.
    `flat`: no departments, every team directly under the company."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    company = Company(teams, seed, flat)
    company._q3_first = {}
    return company.write(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, required=True, help="number of teams")
    ap.add_argument("--out", required=True, help="the goals folder to write (replaced)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--flat", action="store_true", help="no departments: every team directly under the company")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    files = generate(args.teams, args.out, args.seed, args.flat)
    size = sum(f.stat().st_size for f in Path(args.out).rglob("*.yaml"))
    print(f"{files} files, {size / 1e6:.1f} MB in {args.out} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
