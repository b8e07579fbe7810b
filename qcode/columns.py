"""The columns of every listing, in the order `qcode LISTING --json` gives them: the
command line (qcode.cli) and the Python API (qcode.reads) both list rows by these, so
a table, a CSV file and a DataFrame of one listing have the same columns. Kept apart
from both so that the command line can use them without loading pandas.
"""

from __future__ import annotations

# A coding wherever one is listed (`qcode codings`, the codings of `qcode export csv`):
# the researcher's sheet layout first, so the file goes back in through `qcode sheet
# import`, then where and by whom.
CODING_COLUMNS = ["text", "code", "emphasis", "subdivision", "other_subdivisions", "notes",
                  "as_written", "source", "cases", "start", "end", "time", "coder",
                  "created_at", "anchor", "id"]
SOURCE_COLUMNS = ["id", "name", "cases", "format", "encoding", "characters", "words", "turns",
                  "codings", "original_filename", "imported_at", "recording", "transcription"]
CODE_COLUMNS = ["id", "name", "codings", "description", "color", "home"]
SET_COLUMNS = ["name", "sources", "codes", "description"]
RECORDING_COLUMNS = ["source", "status", "kind", "duration", "offset", "size", "path",
                     "found_at", "checksum"]
SUBDIVISION_COLUMNS = ["id", "path", "name", "parent", "kind", "mentions", "description",
                       "color"]
LONG_COLUMNS = ["row", "column", "count", "percent"]
HIT_COLUMNS = ["source", "cases", "speaker", "start", "end", "left", "hit", "right"]
LINK_COLUMNS = ["id", "from_kind", "from_name", "relation", "to_kind", "to_name", "directed",
                "note", "coder", "quote_ids", "created_at"]
MEMO_COLUMNS = ["id", "target_kind", "target_name", "target_id", "title", "body", "coder",
                "created_at", "updated_at"]
HISTORY_COLUMNS = ["id", "step", "coder", "state", "when", "backup"]
VERSION_COLUMNS = ["version", "saved", "coder", "reason", "characters", "words", "quotes"]
REVIEW_COLUMNS = ["quote", "source", "anchor", "start", "end", "codings", "text", "note"]
BLIND_COLUMNS = ["source", "state", "coders", "finished", "waiting_for"]
CHECK_COLUMNS = ["kind", "where", "detail", "repairable"]
PSEUDONYM_COLUMNS = ["original", "pseudonym", "kind"]  # a names file, as --map reads it
SUGGESTION_COLUMNS = [*PSEUDONYM_COLUMNS, "count", "sources"]
PLAN_COLUMNS = ["n", "source", "start", "end", "unit", "hits", "status", "text"]
# `qcode suggest`: one row per likely code of an uncoded span, best first within a span.
SUGGESTED_CODE_COLUMNS = ["source", "start", "end", "text", "code", "score", "subdivision",
                          "other_subdivisions"]
# `qcode suggest --evaluate`: per code (or, --by source, per held-out source), then all.
EVALUATION_FIGURES = ["units", "precision", "recall", "f1", "keyword_precision",
                      "keyword_recall", "keyword_f1"]
EVALUATION_COLUMNS = ["code", *EVALUATION_FIGURES]
