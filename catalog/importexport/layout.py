"""The file layout: one row per variant, the product's columns repeated on each of its rows.

Headers are fixed Korean text (not translated: a file must import whatever language the
page is shown in); the English keys are accepted as well. Option groups take a pair of
columns each, ``옵션명1``/``옵션값1``, ``옵션명2``/``옵션값2``..., as many as the widest
product needs. A product without options has one row whose option columns are empty.
"""

from __future__ import annotations

import re

# (key, header) in file order; the option pairs go between ``description`` and ``sku``.
PRODUCT_COLUMNS: list[tuple[str, str]] = [
    ("id", "상품번호"),
    ("vendor", "판매자"),
    ("slug", "상품 슬러그"),
    ("name", "상품명"),
    ("summary", "요약"),
    ("brand", "브랜드"),
    ("status", "상태"),
    ("price", "판매가"),
    ("is_tax_free", "면세"),
    ("categories", "카테고리"),
    ("weight_grams", "무게(g)"),
    ("notice_type", "상품정보고시 유형"),
    ("notice", "상품정보고시"),
    ("description", "상세설명"),
]
VARIANT_COLUMNS: list[tuple[str, str]] = [
    ("sku", "SKU"),
    ("extra_price", "옵션가"),
    ("stock", "재고"),
    ("active", "옵션 판매"),
]
OPTION_NAME_HEADER = "옵션명{n}"
OPTION_VALUE_HEADER = "옵션값{n}"

PRODUCT_KEYS = [key for key, _header in PRODUCT_COLUMNS if key != "id"]
# Columns whose cells are whole numbers: written as numbers into Excel.
NUMBER_KEYS = {"id", "price", "weight_grams", "extra_price", "stock"}
REQUIRED_KEYS = {"slug", "name", "price"}
CATEGORY_SEPARATOR = ","

_HEADERS = {header: key for key, header in [*PRODUCT_COLUMNS, *VARIANT_COLUMNS]}
_OPTION = re.compile(r"^(옵션명|옵션값|option_name_|option_value_)\s*(\d{1,2})$")


def option_keys(count: int) -> list[str]:
    keys = []
    for n in range(1, count + 1):
        keys += [f"option_name_{n}", f"option_value_{n}"]
    return keys


def header_of(key: str) -> str:
    """Return the Korean header of a column key."""
    match = re.match(r"^option_(name|value)_(\d+)$", key)
    if match:
        template = OPTION_NAME_HEADER if match.group(1) == "name" else OPTION_VALUE_HEADER
        return template.format(n=match.group(2))
    return dict([*PRODUCT_COLUMNS, *VARIANT_COLUMNS])[key]


def export_keys(option_count: int) -> list[str]:
    """Return every column key of an export whose widest product has ``option_count`` groups."""
    return [
        *(key for key, _header in PRODUCT_COLUMNS),
        *option_keys(option_count),
        *(key for key, _header in VARIANT_COLUMNS),
    ]


def key_of(header: str) -> str | None:
    """Return the column key a header names (Korean or English), or None if unknown."""
    text = " ".join(str(header).split())
    if text in _HEADERS:
        return _HEADERS[text]
    lowered = text.lower()
    if lowered in dict(PRODUCT_COLUMNS) or lowered in dict(VARIANT_COLUMNS):
        return lowered
    match = _OPTION.match(text.replace(" ", "")) or _OPTION.match(lowered)
    if match and int(match.group(2)) >= 1:
        kind = "name" if match.group(1) in {"옵션명", "option_name_"} else "value"
        return f"option_{kind}_{int(match.group(2))}"
    return None


def option_count_of(keys: list[str]) -> int:
    numbers = [int(key.rsplit("_", 1)[1]) for key in keys if key.startswith("option_")]
    return max(numbers, default=0)
