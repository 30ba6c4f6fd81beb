"""``peermatch teams``: peer review teams to rules, one per host, solved exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peermatch.cli.app import app
from peermatch.cli.console import check_failed
from peermatch.cli.options import Shared, TimeLimitOpt, ranged, shares, strict_option
from peermatch.core.defaults import (
    DEFAULT_PEER_CAPACITY,
    DEFAULT_TEACH,
    DEFAULT_TEAM_SIZE,
    TIME_LIMIT,
)
from peermatch.core.numbers import CAPACITY

HostOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--host",
        metavar="SYSTEM",
        help="A system to build a team for (repeatable; id or name) [default: every "
        "system with challenges].",
        show_default=False,
    ),
]
PeersOpt = Annotated[
    Path | None,
    typer.Option(
        "--peers",
        help="peers.yaml: a pool of people to make the teams of [default: the systems].",
        show_default=False,
        dir_okay=False,
    ),
]
SizeOpt = Annotated[int, typer.Option("--size", min=1, max=50, help="Members per team.")]
OnePerSystemOpt = Annotated[
    bool,
    typer.Option(
        "--one-per-system/--no-one-per-system",
        help="At most one member from any top-level system in a team.",
    ),
]
PerMemberOpt = Annotated[
    int | None,
    ranged(
        "--per-member",
        CAPACITY,
        "Teams each member may join, for everyone [default: a person's capacity (else "
        f"{DEFAULT_PEER_CAPACITY}), a system's capacity.teach (else {DEFAULT_TEACH})].",
    ),
]
RolesOpt = Annotated[
    str | None,
    typer.Option(
        "--roles",
        metavar="ROLE:N,...",
        help="Least members of each role per team, e.g. officer:2,member:1.",
        show_default=False,
    ),
]
StrictTeamsOpt = Annotated[bool, strict_option("Exit 1 if any host is short of a full team.")]


@app.command()
@shares("weights", "data", "format", "output")
def teams(
    host: HostOpt = None,
    peers: PeersOpt = None,
    size: SizeOpt = DEFAULT_TEAM_SIZE,
    one_per_system: OnePerSystemOpt = True,
    per_member: PerMemberOpt = None,
    roles: RolesOpt = None,
    strict: StrictTeamsOpt = False,
    time_limit: TimeLimitOpt = TIME_LIMIT,
    *,
    shared: Shared,
) -> None:
    """Peer review teams: for each host, members who bring its needs, to hard rules.

    Never the host, its family, its partners or exclusions (nor someone working there);
    at most --size members, one per system, each within its capacity, with the --roles
    mix; the greatest total coverage of the hosts' needs, proven by HiGHS.

    Example: peermatch teams --peers examples/peers.yaml --roles officer:1 --format json
    """
    from peermatch.cli.loaders import resolve_system
    from peermatch.files.peers import load_peers
    from peermatch.planning.teams import parse_roles
    from peermatch.planning.teams import teams as make_teams
    from peermatch.present.teams import teams_listing

    minimums = parse_roles(roles) if roles is not None else None
    dataset = shared.load()
    result = make_teams(
        dataset,
        hosts=[resolve_system(dataset, h, "--host") for h in host] if host else None,
        pool=load_peers(peers, dataset) if peers is not None else None,
        size=size,
        one_per_system=one_per_system,
        per_member=per_member,
        roles=minimums,
        weights=shared.load_weights(),
        time_limit=time_limit,
    )
    shared.emit(teams_listing(result))
    shared.notes(f"short: {t.host}: {t.reason}" for t in result.short)
    if strict and result.short:
        check_failed(f"{len(result.short)} host(s) short of a full team (--strict)")
