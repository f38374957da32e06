"""`goalsite schema`: the JSON Schema of a kind of goal file, for editor completion."""

from __future__ import annotations

import json

import click


@click.command()
@click.argument("kind", type=click.Choice(["period", "org", "kpis"]), default="period")
def schema(kind):
    """Print the JSON Schema (draft-07) of a kind of goal file, for editor completion.

    KIND is period (goals/PERIOD/UNIT.yaml, the default), org (goals/org.yaml)
    or kpis (goals/kpis.yaml and goals/kpis/*.yaml).
    """
    from ..schema import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2, sort_keys=True))
