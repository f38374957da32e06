"""The `goalsite` command line: one click command per verb.

Exit codes: 0 clean (warnings alone exit 0 unless --strict), 1 problems found,
2 usage. Heavy imports live inside the commands so `goalsite --help` is quick.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path

import click

from .ids import PERIOD_RE, SLUG_RE


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"expected a date YYYY-MM-DD, got {value!r}", param, ctx)


def default_today() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        from .pipeline import day_of_epoch

        try:
            return day_of_epoch(epoch)
        except ValueError:
            raise click.UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}")
    return dt.date.today()


def default_tasks():
    """The task runner of a command (speed/tasks.py): GOALSITE_JOBS processes, else as many as are free;
    a forked task that fails is logged as the plugin's warnings are."""
    from .speed.tasks import Tasks, parse_jobs

    return Tasks(parse_jobs(os.environ.get("GOALSITE_JOBS")), warn=logging.getLogger("mkdocs.plugins.goalsite").warning)


goals_option = click.option(
    "--goals", "goals_dir", default="goals", show_default=True, type=click.Path(file_okay=False),
    help="The goals folder.",
)
today_option = click.option(
    "--today", type=DateType(), default=None,
    help="Score as of this date (default: today, or SOURCE_DATE_EPOCH when set).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="goalsite")
def cli():
    """Turn a company's goal files into its goal transparency portal."""


changed_since_option = click.option(
    "--changed-since", "base", default=None, metavar="REV",
    help="Check a proposal against git revision REV (its base branch): list the problems in the goals "
         "changed since REV first and only count the other warnings.",
)


@cli.command()
@goals_option
@today_option
@click.option("--strict", is_flag=True,
              help="Treat warnings as errors; with --changed-since only the warnings in what changed, "
                   "and never date-driven ones (stale check-ins and KPIs).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default=None,
              help="Output format (default: github under GitHub Actions, text elsewhere).")
@changed_since_option
def check(goals_dir, today, strict, fmt, base):
    """Validate and lint the goal files; list every problem with file:line:column."""
    from .pipeline import build_portal
    from .problems import escalate, format_github, format_json, format_text

    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    changes = _changes(goals_dir, base)
    build = build_portal(goals_dir, today or default_today())
    if changes is not None:
        _report_proposal(build.problems, changes, strict, fmt)
    problems = escalate(build.problems) if strict else build.problems
    if fmt == "json":
        click.echo(format_json(problems))
    elif fmt == "github":
        if problems:
            click.echo(format_github(problems))
    else:
        click.echo(format_text(problems), err=False)
    sys.exit(1 if any(p.is_error for p in problems) else 0)


def _changes(goals_dir, base):
    """What changed in the goals since git revision `base` (None without one); exit 2 when git cannot say."""
    if base is None:
        return None
    from .changed import changed_since
    from .history import GitError

    try:
        return changed_since(goals_dir, base)
    except GitError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)


def _report_proposal(problems, changes, strict: bool, fmt: str):
    """`check --changed-since`: the problems in what changed first, the other warnings counted; exits."""
    from .changed import format_json, triage
    from .problems import format_github

    result = triage(problems, changes, strict=strict)
    if fmt == "json":
        click.echo(format_json(result))
    elif fmt == "github":
        click.echo("\n".join(filter(None, [format_github(result.listed), result.footer()])))
    else:
        click.echo(_proposal_text(result))
    sys.exit(1 if result.failed else 0)


def _proposal_text(result) -> str:
    from .problems import format_problem

    return "\n".join([*map(format_problem, result.listed), result.footer()])


config_file_option = click.option(
    "--config-file", "-f", default="mkdocs.yml", show_default=True, type=click.Path(exists=True, dir_okay=False),
    help="The MkDocs configuration of the site.",
)
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Show MkDocs' INFO messages too.")


@cli.command()
@goals_option
@today_option
@click.option("--site-dir", default="site", show_default=True, type=click.Path(file_okay=False),
              help="Where to publish the site; replaced only when the build succeeds.")
@click.option("--include-private", is_flag=True,
              help="Publish private goals too, under a 'Restricted build' banner. Never for a public site.")
@config_file_option
@click.option("--site-url", default=None, metavar="URL",
              help="Where the portal will be served (overrides site_url of mkdocs.yml). "
                   "Material's instant navigation needs it.")
@click.option("--strict", is_flag=True,
              help="Fail on lint warnings and on MkDocs warnings; with --changed-since only on the lint "
                   "warnings in what changed, and never on date-driven ones.")
@changed_since_option
@verbose_option
def build(goals_dir, today, site_dir, include_private, config_file, site_url, strict, base, verbose):
    """Check the goals and build the portal into --site-dir.

    On any error in the goal files nothing is built and --site-dir is left as it
    was; errors are printed like `goalsite check`. The site is built next to
    --site-dir and swapped in only when the whole build succeeded.

    The flags reach the goalsite plugin of --config-file as its options (goals_dir,
    today, include_private), overriding mkdocs.yml. SOURCE_DATE_EPOCH is set from
    --today when unset, so the same goals and --today give a byte-identical site.
    """
    from .pipeline import build_portal
    from .progress import Progress
    from .speed.gc import keep_for_process

    today = today or default_today()
    changes = _changes(goals_dir, base)
    progress = Progress()
    progress.phase("Reading goals")
    result = build_portal(goals_dir, today, include_private=include_private, history=True)
    keep_for_process()  # this process builds one site and exits
    progress.close()
    problems, report, lint = _build_problems(result.problems, changes, strict)
    if not result.ok or any(p.is_error for p in problems):
        click.echo(report())
        sys.exit(1)
    options = dict(goals_dir=os.path.abspath(goals_dir), today=today.isoformat(), include_private=include_private)
    with _mkdocs_session(verbose) as counter, _source_date(today):
        config = _publish_site(config_file, site_dir, result, options, strict=strict, site_url=site_url,
                               progress=progress)
    pages = sum(1 for _ in Path(site_dir).rglob("*.html"))
    click.echo(f"Built {pages} pages into {_safe(site_dir)} ({counter.count} MkDocs warnings{lint})")
    if not config.site_url:
        click.echo("note: no site_url (mkdocs.yml or --site-url): links reload whole pages, because "
                   "Material's instant navigation follows only the URLs of the sitemap", err=True)


def _build_problems(problems, changes, strict: bool):
    """(the problems after --strict, the report to print when they stop the build, the summary's goals part)."""
    from .problems import escalate, format_text, summarize

    if changes is None:
        problems = escalate(problems) if strict else problems
        lint = f"; goals: {summarize(problems)}, run goalsite check to list them" if problems else ""
        return problems, lambda: format_text(problems), lint
    from .changed import triage

    result = triage(problems, changes, strict=strict)
    lint = (f"; goals: {summarize(result.introduced)} in what changed since {changes.base}, "
            f"{summarize(result.others)} elsewhere, run goalsite check to list them")
    return result.introduced + result.others, lambda: _proposal_text(result), lint


@cli.command()
@goals_option
@today_option
@click.option("--out", default="site_src", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the generated files: the docs_dir of mkdocs.yml.")
@click.option("--include-private", is_flag=True, help="Include private goals. Never for a public site.")
def generate(goals_dir, today, out, include_private):
    """Write the generated pages, assets and api/goals.json as plain files under --out.

    For engines that read mkdocs.yml without running the goalsite plugin (Zensical):
    the default --out is the docs_dir, so the files land at the same paths the plugin
    gives them and the site has the same URLs. Only files whose content changed are
    rewritten; files an earlier run wrote that are no longer generated are removed
    (the list lives in --out/.goalsite-generated.json). An existing file goalsite did
    not write is never overwritten. The goalsite plugin ignores these copies and
    generates fresh ones, so `goalsite build` and `mkdocs serve` are unaffected.
    Do not commit the generated files.
    """
    from .pipeline import build_portal
    from .plugin import portal_assets, portal_outputs
    from .problems import format_text
    from .publish import write_tree

    result = build_portal(goals_dir, today or default_today(), include_private=include_private)
    if not result.ok:
        click.echo(format_text(result.problems))
        sys.exit(1)
    outputs = {**portal_outputs(result, tasks=default_tasks()), **portal_assets()}
    try:
        written, removed = write_tree(outputs, out)
    except FileExistsError as e:
        raise click.ClickException(str(e))
    click.echo(f"{len(outputs)} files in {out}: {len(written)} written, {len(removed)} removed")


@cli.command()
@goals_option
@config_file_option
@click.option("--dev-addr", default=None, metavar="HOST:PORT", help="Address to serve on (default: mkdocs.yml's).")
@click.option("--fast-rebuilds", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="Whether a goal edit first rebuilds only the pages of the teams it changed, then the "
                   "company-wide pages (indexes, periods, retrospectives, api/goals.json) in a second "
                   "rebuild. auto: when those pages hold over 4 MB of Markdown (about 170 teams).")
def serve(goals_dir, config_file, dev_addr, fast_rebuilds):
    """Serve the portal locally and rebuild it whenever a goal file changes.

    Scores are computed as of today (or SOURCE_DATE_EPOCH). Nothing is written into
    the docs folder, so a rebuild never triggers another one. A goal edit rebuilds
    only the pages it changed (the log says how many); a change to mkdocs.yml, the
    docs folder or the theme rebuilds everything. In a large company the edited
    teams' pages come first and the company-wide pages follow (--fast-rebuilds).
    """
    from .serve import serve as serve_site

    with _mkdocs_session(True):
        config = _load_config(config_file)
        with _plugin(config).preset(goals_dir=os.path.abspath(goals_dir)):
            _run_mkdocs(serve_site, config_file, dev_addr=dev_addr, prepare=_plugin, fast_rebuilds=fast_rebuilds)


@cli.command()
@click.argument("base")
@click.argument("head", required=False)
@goals_option
@today_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True,
              help="markdown: one pull-request comment; json: the same as data.")
@click.option("--base-url", default=None, metavar="URL",
              help="Where the preview site of HEAD is served: the summary links to the changed goals there.")
def diff(base, head, goals_dir, today, fmt, base_url):
    """Summarize what changed in the goals from git revision BASE to HEAD.

    HEAD defaults to the working tree. Both revisions are read with git and run
    through the whole pipeline as of --today: objectives and key results added,
    removed and renamed, changed targets and other fields, check-ins added,
    "moved goalposts" (a target made easier or a baseline moved after its period
    started), HEAD's errors and the warnings HEAD introduces. Private goals are
    only counted. Exits 0 when the summary is written (`goalsite check` fails a
    job on errors), 2 when BASE or HEAD cannot be read from git.
    """
    import tempfile

    from .diff import compare, format_json, format_markdown, review_problems
    from .history import GitError, export_revision
    from .pipeline import build_portal

    today = today or default_today()
    with tempfile.TemporaryDirectory(prefix="goalsite-diff-") as tmp:
        try:
            old_dir = export_revision(goals_dir, base, Path(tmp) / "base", name="BASE")
            new_dir = export_revision(goals_dir, head, Path(tmp) / "head", name="HEAD") if head else goals_dir
        except GitError as e:
            click.echo(f"Error: {_safe(e)}", err=True)
            sys.exit(2)
        old, new = build_portal(old_dir, today), build_portal(new_dir, today)
        changes = compare(old, new)
        review = review_problems(old, new, label=Path(goals_dir).as_posix())
    if fmt == "json":
        click.echo(format_json(changes, review))
    else:
        click.echo(format_markdown(changes, review, base=base, head=head or "working tree", base_url=base_url), nl=False)


@cli.command()
@goals_option
@today_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: the document the site serves at api/goals.json; csv: one row per objective and key result.")
@click.option("--include-private", is_flag=True, help="Include private goals. Never for a public consumer.")
def export(goals_dir, today, fmt, include_private):
    """Print everything public about the goals, for other tools.

    The JSON is the same document as the site's api/goals.json (see the guide's
    command line page for its fields). Errors in the goal files are printed like
    `goalsite check` and exit 1.
    """
    from .export import export_csv, export_json
    from .pipeline import build_portal
    from .problems import format_text

    result = build_portal(goals_dir, today or default_today(), include_private=include_private, lint=False)
    if not result.ok:
        click.echo(format_text(result.problems), err=True)
        sys.exit(1)
    data = export_json(result)
    click.echo(export_csv(data) if fmt == "csv" else json.dumps(data, sort_keys=True, indent=1), nl=fmt == "json")


@cli.command()
@click.argument("kind", type=click.Choice(["period", "org", "kpis"]), default="period")
def schema(kind):
    """Print the JSON Schema (draft-07) of a kind of goal file, for editor completion.

    KIND is period (goals/PERIOD/UNIT.yaml, the default), org (goals/org.yaml)
    or kpis (goals/kpis.yaml and goals/kpis/*.yaml).
    """
    from .schema import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2, sort_keys=True))


# --- commands that write goal files -----------------------------------------------------------------


class NumberType(click.ParamType):
    """A finite number; whole numbers stay whole (12, not 12.0, in the goal file)."""

    name = "NUMBER"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"expected a finite number, got {value!r}", param, ctx)
        return number


class KeyResultRefType(click.ParamType):
    """UNIT/OBJECTIVE/KR: three ids."""

    name = "UNIT/OBJECTIVE/KR"

    def convert(self, value, param, ctx):
        parts = str(value).split("/")
        if len(parts) != 3 or not all(SLUG_RE.match(p) for p in parts):
            self.fail(f"expected UNIT/OBJECTIVE/KR (three ids), got {value!r}", param, ctx)
        return tuple(parts)


class PeriodIdType(click.ParamType):
    """A period id: YYYY, YYYY-HN or YYYY-QN."""

    name = "PERIOD"

    def convert(self, value, param, ctx):
        if not PERIOD_RE.match(str(value)):
            self.fail(f"expected a period id (2026, 2026-H2, 2026-Q4), got {value!r}", param, ctx)
        return str(value)


def _load_for_writing(goals_dir, today):
    """The goals as they are; exit 1 listing the errors when they do not validate."""
    from .pipeline import build_portal
    from .problems import format_text

    result = build_portal(goals_dir, today, lint=False)
    if not result.ok:
        click.echo(format_text(result.errors))
        sys.exit(1)
    return result


@contextlib.contextmanager
def _refusals():
    """Refused edits exit 1 with their problems; usage problems exit 2."""
    from . import writeback
    from .problems import format_text

    try:
        yield
    except writeback.Refused as e:
        click.echo(format_text(e.problems))
        sys.exit(1)
    except writeback.Usage as e:
        raise click.UsageError(str(e))


@cli.command()
@click.argument("target", metavar="UNIT/OBJECTIVE/KR", type=KeyResultRefType())
@click.option("--value", required=True, type=NumberType(), help="The key result's value (a milestone: fraction done).")
@click.option("--confidence", type=int, default=None, help="1..10: how likely the target is reached.")
@click.option("--note", default=None, help="Progress and wins (Markdown).")
@click.option("--blockers", default=None, help="What is in the way (Markdown).")
@click.option("--next", "next_", default=None, help="The next steps (Markdown).")
@click.option("--date", "day", type=DateType(), default=None, help="The check-in's date (default: --today).")
@click.option("--period", type=PeriodIdType(), default=None,
              help="The period file to write (default: the running period whose file holds the objective).")
@goals_option
@today_option
@click.option("--force", is_flag=True, help="Replace a check-in of the key result on the same date.")
def checkin(target, value, confidence, note, blockers, next_, day, period, goals_dir, today, force):
    """Append a check-in to key result UNIT/OBJECTIVE/KR in its goal file.

    The check-in is written in the style of the key result's other check-ins, and
    nothing else in the file changes: comments, order, quoting and indentation are
    kept. The result is validated before it is written (exit 1 and the usual
    file:line:column message when it is invalid, e.g. a date outside the period),
    and the file is replaced atomically.
    """
    from . import writeback
    from .load import display_path

    today = today or default_today()
    result = _load_for_writing(goals_dir, today)
    unit_id, objective_id, kr_id = target
    entry = {"date": day or today, "value": value, "confidence": confidence, "note": note, "blockers": blockers,
             "next": next_}
    with _refusals():
        path = writeback.find_checkin_file(result, unit_id, objective_id, period)
        before = path.read_text(encoding="utf-8")
        edit, replaced = writeback.plan_checkin(path, (objective_id, kr_id), entry, force=force)
        problems = writeback.validate_edits(Path(goals_dir), [edit], today)
        if problems:
            raise writeback.Refused(problems)
        writeback.write_atomic(edit.path, edit.text)
    verb = "Replaced the" if replaced else "Added a"
    click.echo(_safe(f"{verb} check-in of {'/'.join(target)} on {entry['date']} in {display_path(path)}:"))
    for line in writeback.added_lines(before, edit.text):
        click.echo(f"+ {_safe(line)}")


@cli.command()
@click.argument("source", metavar="FROM", type=PeriodIdType())
@click.argument("target", metavar="TO", type=PeriodIdType())
@click.option("--unit", default=None, metavar="UNIT", help="Roll over this unit's file only (default: every unit's).")
@goals_option
@today_option
@click.option("--force", is_flag=True, help="Overwrite files of TO that exist.")
def rollover(source, target, unit, goals_dir, today, force):
    """Scaffold TO's goal files with the objectives of FROM that did not succeed.

    Each objective keeps its fields, gets `rolled_over_from: FROM:UNIT/OBJECTIVE`,
    its key results' baselines (`from`) set to their last values, and no check-ins
    or due dates. Succeeded objectives are skipped; private ones stay private.
    Files of TO that exist are skipped unless --force. The new files are validated
    before any is written and each is written atomically.
    """
    from . import writeback
    from .resolve import period_dates

    today = today or default_today()
    result = _load_for_writing(goals_dir, today)
    portal = result.portal
    if source not in portal.periods:
        raise click.UsageError(f"Expected a period with goal files ({', '.join(sorted(portal.periods))}), got {source!r}")
    period = portal.periods[source]
    if period_dates(target, portal.settings.fiscal_year_start_month)[1] <= period.end:
        raise click.UsageError(f"Expected a period TO that ends after {source} ({period.end}), got {target!r}")
    with _refusals():
        units = writeback.rollover_units(period, unit)
        plan = writeback.plan_rollover(result, source, target, units, today=today, force=force, goals_dir=Path(goals_dir))
        problems = writeback.validate_edits(Path(goals_dir), plan.edits, today) if plan.edits else []
        if problems:
            raise writeback.Refused(problems)
        for edit in plan.edits:
            edit.path.parent.mkdir(parents=True, exist_ok=True)
            writeback.write_atomic(edit.path, edit.text)
    if period.state(today) == "running":
        click.echo(f"note: {source} is still running; success is decided on the scores of {today}")
    for edit in plan.edits:
        click.echo(f"{'Overwrote' if edit.existed else 'Wrote'} {_safe(edit.path.as_posix())}")
    for line in plan.wrote:
        click.echo(f"  rolled over {_safe(line)}")
    for line in plan.skipped:
        click.echo(f"skipped {_safe(line)}")


# --- running MkDocs ------------------------------------------------------------------------------


class _Counter(logging.Handler):
    """Counts MkDocs' warnings and errors for the summary line."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


class _OneLineFormatter(logging.Formatter):
    """Each record on one line: a message that quotes goal text cannot start a line (a CI command) of its own."""

    def format(self, record):
        return _safe(super().format(record))


@contextlib.contextmanager
def _mkdocs_session(verbose: bool):
    """MkDocs logs on stderr as `LEVEL - message`: warnings and errors only, unless --verbose."""
    logger = logging.getLogger("mkdocs")
    saved = logger.level, logger.propagate, list(logger.handlers)
    printer = logging.StreamHandler(sys.stderr)
    printer.setFormatter(_OneLineFormatter("%(levelname)-7s -  %(message)s"))
    counter = _Counter()
    logger.handlers[:] = [printer, counter]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False
    try:
        yield counter
    finally:
        logger.handlers[:] = saved[2]
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


@contextlib.contextmanager
def _source_date(today: dt.date):
    """Set SOURCE_DATE_EPOCH to `today` (midnight UTC) unless set: MkDocs dates the sitemap and gzip by it."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        yield
        return
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=dt.timezone.utc)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def _publish_site(config_file: str, site_dir: str, result, options: dict, *, strict: bool, site_url: str | None,
                  progress=None):
    """Build the site with MkDocs into a folder next to `site_dir`, then swap it in (see publish.py).

    Returns the MkDocs config the site was built with.
    """
    from mkdocs.commands.build import build as mkdocs_build

    from .publish import SiteNotWritable, publish

    overrides = {"site_url": site_url} if site_url else {}
    config = _load_config(config_file, strict=strict, **overrides)
    plugin = _plugin(config)
    # The old site is deleted after the swap, and a site inside the sources would be read back as one.
    site = Path(site_dir).resolve()
    sources = [Path(config.docs_dir).resolve(), Path(options["goals_dir"]).resolve()]
    project = Path(config.config_file_path).parent.resolve()
    if any(site.is_relative_to(f) or f.is_relative_to(site) for f in sources) or project.is_relative_to(site):
        raise click.UsageError(f"--site-dir {site_dir} overlaps the sources of the site; publish it elsewhere")

    def build_into(tmp: Path) -> None:
        config.site_dir = str(tmp)
        with plugin.preset(result, **options):
            mkdocs_build(config)

    plugin.progress = progress or Progress(enabled=False)

    try:
        _run_mkdocs(publish, build_into, site_dir)
    except FileExistsError as e:
        raise click.UsageError(str(e))
    except SiteNotWritable as e:
        raise click.ClickException(_safe(e))
    return config


def _load_config(config_file: str, **options):
    from mkdocs.config import load_config

    return _run_mkdocs(load_config, config_file=config_file, **options)


def _plugin(config):
    """The goalsite plugin instance of a loaded MkDocs config."""
    plugin = config.plugins.get("goalsite")
    if plugin is None:
        raise click.ClickException(f"{config.config_file_path} does not use the goalsite plugin (plugins: [goalsite])")
    return plugin


def _run_mkdocs(fn, *args, **kwargs):
    """Call into MkDocs; its failures (bad mkdocs.yml, plugin errors, strict warnings) exit 1."""
    from mkdocs.exceptions import MkDocsException

    try:
        return fn(*args, **kwargs)
    except MkDocsException as e:
        # PluginError and Abort were already logged by MkDocs; the message says what stopped the build.
        click.echo(f"Error: {_safe(e)}", err=True)
        sys.exit(1)


def _safe(value: object) -> str:
    """A value for one line of output: control characters escaped (see problems.escape_controls)."""
    from .problems import escape_controls

    return escape_controls(str(value))


def main():  # pragma: no cover - `python -m generator`
    cli()
