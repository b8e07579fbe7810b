"""What the workbook says in words, in the project's language (English or Spanish).

Sheet names stay English so that `qcode sheet import` and formulas find them; headers
of the coding sheet stay in the researcher's layout, which the import reads back.
"""

from __future__ import annotations

from qcode.export.xlsx_counts import Words

_EN = {
    "readme": "Read me",
    "exported": "Exported",
    "language": "Language of the project",
    "sheet": "Sheet",
    "holds": "What it holds",
    "rows": "Rows",
    "rules": "How the numbers are counted",
    "Coding": "Every coding in the researcher's layout (quote | code | emphasis | "
              "subdivision | other subdivisions | notes), then the quote as written in "
              "the coding sheet where it differs, source, case, coder, date and offsets.",
    "case": "The codings of interview partner {case}, in the same layout.",
    "Codebook": "Every code: description, codings, quotes, sources, where it is filed.",
    "Cases": "The interview partners and their attributes (stakeholder group, dates...).",
    "Mentions by group": "Mentions per group of subdivisions, with the share of all.",
    "Mentions by subdivision": "Each group's subdivisions and factor groups: mentions, "
                               "share of the group and of all, a chart per group.",
    "Mentions by stakeholder group": "Mentions per group by stakeholder group: counts and "
                                     "each stakeholder group's percentages.",
    "rule_mention": "A mention is one connection between a coding and a subdivision: a "
                    "quote coded once and filed under a subdivision and one other "
                    "subdivision counts two mentions. A coding filed under none counts "
                    "once, as \"(no subdivision)\".",
    "rule_percent": "Percentages add up to exactly 100 (largest remainder rounding); "
                    "\"of the group\" is the share of the group's mentions, \"of all\" the "
                    "share of every mention.",
    "rule_cases": "A transcript with two interview partners counts its mentions for each.",
    "rule_rows": "In the coding sheets a row with an empty quote cell is a further code "
                 "on the quote of the row above.",
    "rule_offsets": "Start and end count characters in the transcript as stored in the "
                    "project (`qcode text`).",
}

_ES = {
    "readme": "Léame",
    "exported": "Exportado",
    "language": "Idioma del proyecto",
    "sheet": "Hoja",
    "holds": "Contenido",
    "rows": "Filas",
    "rules": "Cómo se cuentan los números",
    "Coding": "Cada codificación en el formato de la investigadora (cita | código | "
              "énfasis | subdivisión | otras subdivisiones | notas), luego la cita tal como "
              "se escribió en la hoja de codificación cuando difiere, fuente, caso, "
              "codificador, fecha y posiciones.",
    "case": "Las codificaciones del entrevistado {case}, en el mismo formato.",
    "Codebook": "Cada código: descripción, codificaciones, citas, fuentes, dónde se archiva.",
    "Cases": "Los entrevistados y sus atributos (grupo de actores, fechas...).",
    "Mentions by group": "Menciones por grupo de subdivisiones, con su parte del total.",
    "Mentions by subdivision": "Las subdivisiones y grupos de factores de cada grupo: "
                               "menciones, parte del grupo y del total, un gráfico por grupo.",
    "Mentions by stakeholder group": "Menciones por grupo y por grupo de actores: "
                                     "recuentos y porcentajes de cada grupo de actores.",
    "rule_mention": "Una mención es una conexión entre una codificación y una subdivisión: "
                    "una cita codificada una vez y archivada en una subdivisión y en otra "
                    "cuenta dos menciones. Una codificación sin subdivisión cuenta una vez, "
                    "como \"(no subdivision)\".",
    "rule_percent": "Los porcentajes suman exactamente 100 (redondeo por mayor resto); "
                    "\"del grupo\" es la parte de las menciones del grupo, \"del total\" la "
                    "parte de todas las menciones.",
    "rule_cases": "Una transcripción con dos entrevistados cuenta sus menciones para cada uno.",
    "rule_rows": "En las hojas de codificación, una fila con la celda de la cita vacía es "
                 "otro código sobre la cita de la fila anterior.",
    "rule_offsets": "Inicio y fin cuentan caracteres de la transcripción tal como está "
                    "guardada en el proyecto (`qcode text`).",
}

_WORDS = {
    "en": Words("Mentions", "% of all", "% of the group", "% of the stakeholder group",
                "Group", "Factor group", "Subdivision", "Total"),
    "es": Words("Menciones", "% del total", "% del grupo", "% del grupo de actores",
                "Grupo", "Grupo de factores", "Subdivisión", "Total"),
}


def texts(language: str | None) -> dict[str, str]:
    return _ES if _spanish(language) else _EN


def words(language: str | None) -> Words:
    return _WORDS["es" if _spanish(language) else "en"]


def _spanish(language: str | None) -> bool:
    return (language or "").lower().startswith("es")
