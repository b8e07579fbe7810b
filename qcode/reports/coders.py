"""Who coded what: every coder with their codings, quotes, links and memos, counted in SQL."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from qcode.names import natural_key
from qcode.services.project import Project
from qcode.store.models import AxialLink, Coder, Coding, Memo

CODER_COLUMNS = ["coder", "codings", "quotes", "links", "memos", "first_coding",
                 "last_coding"]


def coders(project: Project) -> pd.DataFrame:
    """Every coder of the project, with their work.

    Columns: coder, codings, quotes (distinct quotes they coded), links (axial links
    they made), memos (memos they wrote), first_coding and last_coding (when their
    earliest and latest coding was made; empty for a coder with no codings). A coder
    who only imported sources is listed with zeros, so nobody's name goes missing.
    Rows are in name order.
    """
    with project.reading() as session:
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
        codings = {
            coder_id: (n, quotes, first, last)
            for coder_id, n, quotes, first, last in session.execute(
                select(Coding.coder_id, func.count(), func.count(distinct(Coding.quote_id)),
                       func.min(Coding.created_at), func.max(Coding.created_at))
                .group_by(Coding.coder_id)
            )
        }
        links = _per_coder(session, AxialLink.coder_id)
        memos = _per_coder(session, Memo.coder_id)
    rows = []
    for coder_id, name in sorted(names.items(), key=lambda item: natural_key(item[1])):
        n, quotes, first, last = codings.get(coder_id, (0, 0, None, None))
        rows.append({"coder": name, "codings": n, "quotes": quotes,
                     "links": links.get(coder_id, 0), "memos": memos.get(coder_id, 0),
                     "first_coding": first, "last_coding": last})
    table = pd.DataFrame(rows, columns=CODER_COLUMNS).astype(
        {"codings": int, "quotes": int, "links": int, "memos": int})
    # Plain datetimes or None, not pandas' NaT, so every output shows "no coding" empty.
    for column in ("first_coding", "last_coding"):
        table[column] = pd.Series([row[column] for row in rows], dtype=object)
    return table


def _per_coder(session: Session, coder_id: InstrumentedAttribute[int | None]) -> dict[int, int]:
    """Rows per coder id of one table (links, memos), counted in SQL."""
    query = select(coder_id, func.count()).group_by(coder_id)
    # Rows whose coder was never recorded (NULL) belong to nobody listed.
    return {int(who): int(n) for who, n in session.execute(query) if who is not None}
