"""Use cases that change members; views, the API, admin, tasks and listeners call them.

Split by sub-domain; every function is re-exported here, so callers write
``from accounts import services`` and ``services.register_user(...)``.
"""

from accounts.services.consents import (
    record_signup_consents,
    record_social_connected,
    record_social_disconnected,
    set_marketing_consent,
)
from accounts.services.data_rights import (
    delete_account,
    deletion_blockers,
    export_personal_data,
)
from accounts.services.grades import (
    recompute_grade,
    recompute_grades,
    record_confirmed_purchase,
    record_purchase_refund,
)
from accounts.services.identity import (
    complete_identity_verification,
    keyed_hash,
    start_identity_verification,
)
from accounts.services.members import (
    ADDRESS_FIELDS,
    MAX_ADDRESSES_PER_MEMBER,
    PROFILE_FIELDS,
    add_address,
    delete_address,
    record_email_change,
    record_password_change,
    register_user,
    set_default_address,
    update_address,
    update_profile,
)

__all__ = [
    "ADDRESS_FIELDS",
    "MAX_ADDRESSES_PER_MEMBER",
    "PROFILE_FIELDS",
    "add_address",
    "complete_identity_verification",
    "delete_account",
    "delete_address",
    "deletion_blockers",
    "export_personal_data",
    "keyed_hash",
    "recompute_grade",
    "recompute_grades",
    "record_confirmed_purchase",
    "record_email_change",
    "record_password_change",
    "record_purchase_refund",
    "record_signup_consents",
    "record_social_connected",
    "record_social_disconnected",
    "register_user",
    "set_default_address",
    "set_marketing_consent",
    "start_identity_verification",
    "update_address",
    "update_profile",
]
