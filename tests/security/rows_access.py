"""Checklist rows (security.md section 5) proved by the route meta-test and the API fuzzing."""

from __future__ import annotations

_ROUTES = "tests/security/test_route_policies.py"
_FUZZ = "tests/security/test_api_fuzz.py"
_AUTHZ = "tests/security/test_api_authorization.py"

ROWS: dict[str, list[str] | str] = {
    "AC-05": [
        f"{_ROUTES}::test_every_route_has_a_reviewed_policy",
        f"{_ROUTES}::test_every_listed_route_still_exists",
        f"{_ROUTES}::test_no_intruder_reaches_any_non_public_route",
        f"{_ROUTES}::test_public_routes_answer_anonymous_visitors_without_a_server_error",
        f"{_ROUTES}::test_the_emulators_are_mounted_only_in_sandbox_mode",
        f"{_ROUTES}::test_the_verdict_catches_a_leak_and_a_granted_page",
        f"{_ROUTES}::test_a_forgotten_route_is_reported_unclassified_and_fails_the_matrix",
        # schemathesis's ignored_auth: each operation declaring auth refuses none or a bad one.
        f"{_FUZZ}::test_every_operation_holds_its_schema",
    ],
    "AC-01": [
        f"{_ROUTES}::test_no_intruder_reaches_any_non_public_route",
        f"{_AUTHZ}::test_a_shopper_reaches_no_object_of_another_shopper",
        f"{_AUTHZ}::test_shipment_actions_on_another_shoppers_order_are_404",
        f"{_AUTHZ}::test_lists_hold_only_the_callers_rows",
        f"{_AUTHZ}::test_the_owning_shopper_reads_their_order_and_address",
    ],
    "AC-04": [
        f"{_AUTHZ}::test_a_vendor_reaches_no_object_of_another_vendor",
        f"{_AUTHZ}::test_a_vendor_cannot_act_for_another_vendor_by_header",
        f"{_AUTHZ}::test_the_owner_reads_the_same_objects",
    ],
    # Closed response schemas (additionalProperties false) + response_schema_conformance.
    "AC-08": [f"{_FUZZ}::test_every_operation_holds_its_schema"],
    "API-05": [
        f"{_FUZZ}::test_every_operation_holds_its_schema",
        f"{_AUTHZ}::test_a_vendor_reaches_no_object_of_another_vendor",
        f"{_AUTHZ}::test_a_shopper_reaches_no_seller_object",
        f"{_AUTHZ}::test_a_vendor_cannot_act_for_another_vendor_by_header",
        f"{_AUTHZ}::test_unknown_and_privileged_fields_are_refused_by_name",
    ],
}
