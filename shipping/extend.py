"""The public extension API of shipping: fee rules (docs/extending.md).

A fee rule sees each parcel's policy snapshot, its lines and the destination, and
returns breakdown lines that add to its fee. Only the names in ``__all__`` are public.
"""

from shipping.engine import (
    BreakdownLine,
    Destination,
    FeeRule,
    Line,
    PolicySnapshot,
    register_fee_rule,
)

__all__ = [
    "BreakdownLine",
    "Destination",
    "FeeRule",
    "Line",
    "PolicySnapshot",
    "register_fee_rule",
]
