"""The LDC number rules of the utilities csrgraph knows, as reference data rows (see `LdcNumberRule`).

Texas ESI IDs are 17 or 22 digits; the other utilities' account numbers are fixed-length digit strings,
some ending in a check digit. A deployment edits the `ldc_number_rules` rows; these are the defaults the
migration, the demo data and the tests write.
"""

from typing import Any

from sqlalchemy import exists, insert, literal, select

from db.enums import CheckDigit
from db.models import LdcNumberRule, Utility

TEXAS_ESI_ID = {"lengths": [17, 22], "digits_only": True, "prefix": None, "check_digit": CheckDigit.NONE}


def _digits(length: int, check: CheckDigit = CheckDigit.NONE) -> dict[str, Any]:
    return {"lengths": [length], "digits_only": True, "prefix": None, "check_digit": check}


DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "ONCOR": TEXAS_ESI_ID, "CENTERPOINT": TEXAS_ESI_ID, "AEPTCC": TEXAS_ESI_ID,
    "PECO": _digits(10, CheckDigit.LUHN), "PPL": _digits(10), "AEPOH": _digits(17),
    "DUKEOH": _digits(12, CheckDigit.MOD11), "COMED": _digits(10, CheckDigit.LUHN), "AMERENIL": _digits(10),
    "CONED": _digits(15, CheckDigit.LUHN), "NGRID": _digits(10), "BGE": _digits(10), "PEPCO": _digits(11),
}
COLUMNS = ["utility_id", "lengths", "digits_only", "prefix", "check_digit"]


def missing_rule_inserts() -> list[Any]:
    """INSERT ... SELECT statements adding each default rule whose utility exists and has none yet."""
    table = LdcNumberRule.__table__
    statements = []
    for code, rule in DEFAULT_RULES.items():
        values = [literal(rule[name], table.c[name].type) for name in COLUMNS[1:]]
        has_rule = exists().where(LdcNumberRule.utility_id == Utility.id)
        rows = select(Utility.id, *values).where(Utility.code == code, ~has_rule)
        statements.append(insert(LdcNumberRule).from_select(COLUMNS, rows))
    return statements
