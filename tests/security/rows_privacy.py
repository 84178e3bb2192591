"""Checklist rows (security.md 5.16, and the log part of BK-01, ASYNC-07) of personal data.

Each row lists the tests that try it and assert its outcome; a row without such a test
says why (``n/a:`` the feature is not built, ``not covered:`` open).
"""

from __future__ import annotations

_LOG = "tests/security/test_privacy_access_log.py"
_SECRETS = "tests/security/test_privacy_secrets_in_logs.py"
_NO_RRN = "tests/security/test_privacy_no_rrn_no_pan.py"
_BRANDPAY = "tests/payments/test_brandpay_secrecy.py"
_RIGHTS = "tests/security/test_privacy_data_rights.py"

ROWS: dict[str, list[str] | str] = {
    "PRIV-01": [
        f"{_NO_RRN}::test_no_model_field_is_for_an_rrn_or_a_card",
        f"{_NO_RRN}::test_no_form_field_is_for_an_rrn_or_a_card",
        f"{_NO_RRN}::test_no_api_property_or_parameter_is_for_an_rrn_or_a_card",
        f"{_NO_RRN}::test_no_template_input_asks_for_an_rrn_or_a_card",
        f"{_NO_RRN}::test_no_demo_data_or_fixture_holds_an_rrn_or_a_card_number",
        f"{_NO_RRN}::test_a_card_number_or_rrn_typed_into_checkout_is_stored_masked",
        f"{_SECRETS}::test_the_log_filter_masks_what_a_careless_line_would_write",
    ],
    "PRIV-02": [
        f"{_LOG}::test_the_user_list_records_who_saw_which_customers_from_where",
        f"{_LOG}::test_a_customers_detail_page_records_that_one_subject",
        f"{_LOG}::test_pages_without_personal_data_record_nothing",
        f"{_LOG}::test_one_list_page_is_one_insert_however_many_rows",
        f"{_LOG}::test_the_seller_centers_order_list_records_the_vendor",
        f"{_LOG}::test_an_export_action_without_a_reason_asks_for_one_and_sends_nothing",
        f"{_LOG}::test_an_export_with_a_reason_downloads_and_records_the_reason",
        f"{_LOG}::test_the_reason_page_sends_the_same_action_back",
        f"{_LOG}::test_the_export_link_asks_for_a_reason_and_keeps_the_filter",
        f"{_LOG}::test_the_log_is_listed_for_staff_and_cannot_be_changed_through_the_admin",
        f"{_LOG}::test_the_database_refuses_to_edit_or_delete_a_record",
        f"{_LOG}::test_every_admin_of_customer_data_logs_access",
        f"{_LOG}::test_the_monthly_review_report_lists_each_account_with_its_reads_and_reasons",
        f"{_LOG}::test_the_report_refuses_a_malformed_month",
        f"{_LOG}::test_a_bulk_reader_is_flagged",
        f"{_LOG}::test_the_seller_api_records_the_buyer_contacts_it_returns",
    ],
    # Deletion now is covered; the purge of the kept orders after five years is not built.
    "PRIV-03": [
        f"{_RIGHTS}::test_deletion_anonymises_the_member_and_keeps_the_masked_orders",
        f"{_RIGHTS}::test_a_deleted_member_is_signed_out_and_cannot_sign_in_again",
        f"{_RIGHTS}::test_deleting_twice_changes_nothing_the_second_time",
        f"{_RIGHTS}::test_saved_payment_methods_are_deactivated_at_the_provider",
    ],
    "PRIV-04": [
        f"{_RIGHTS}::test_download_my_data_holds_what_we_hold_about_me_and_nobody_else",
        f"{_RIGHTS}::test_download_needs_a_signed_in_member",
        f"{_RIGHTS}::test_deletion_is_refused_while_an_order_is_still_on_its_way",
        f"{_RIGHTS}::test_deletion_asks_for_the_password_again",
        f"{_RIGHTS}::test_a_social_only_member_must_have_signed_in_recently",
        f"{_RIGHTS}::test_deletion_anonymises_the_member_and_keeps_the_masked_orders",
        f"{_RIGHTS}::test_the_api_exports_my_data_and_deletes_with_the_password",
        f"{_RIGHTS}::test_the_api_refuses_deletion_while_an_order_is_open",
        f"{_RIGHTS}::test_the_api_data_rights_need_a_signed_in_member",
    ],
    "PRIV-05": [
        f"{_SECRETS}::test_login_failed_login_and_password_reset_log_no_password_session_or_key",
        f"{_SECRETS}::test_a_kakaopay_payment_logs_no_pg_token_tid_secret_or_phone",
        f"{_SECRETS}::test_a_naverpay_payment_logs_no_client_secret_or_phone",
        f"{_SECRETS}::test_a_paypal_payment_and_its_webhook_log_no_access_token_or_secret",
        f"{_SECRETS}::test_an_identity_verification_logs_no_ci_di_or_phone",
        f"{_SECRETS}::test_the_log_filter_masks_what_a_careless_line_would_write",
        f"{_SECRETS}::test_sentry_reports_go_out_scrubbed",
        f"{_SECRETS}::test_an_alert_about_an_exception_is_masked",
        f"{_BRANDPAY}::test_the_token_appears_nowhere_after_saving_paying_and_removing",
    ],
    "PRIV-06": [
        f"{_LOG}::test_granting_and_revoking_staff_rights_is_in_the_append_only_audit_log",
        "tests/security/test_access_attacks.py::test_a_user_manager_cannot_make_themselves_a_superuser",
    ],
    "PRIV-07": [
        f"{_NO_RRN}::test_no_model_field_is_for_an_rrn_or_a_card",
        f"{_NO_RRN}::test_no_form_field_is_for_an_rrn_or_a_card",
        f"{_NO_RRN}::test_no_api_property_or_parameter_is_for_an_rrn_or_a_card",
        f"{_NO_RRN}::test_the_checkout_page_never_asks_for_a_card",
        f"{_NO_RRN}::test_a_card_number_or_rrn_typed_into_checkout_is_stored_masked",
        f"{_NO_RRN}::test_free_text_written_elsewhere_is_stored_masked",
        f"{_NO_RRN}::test_masking_leaves_ordinary_numbers_alone",
    ],
    "BK-01": [
        f"{_BRANDPAY}::test_the_token_appears_nowhere_after_saving_paying_and_removing",
        f"{_BRANDPAY}::test_the_token_column_holds_ciphertext_only_the_token_key_opens",
        f"{_SECRETS}::test_the_log_filter_masks_what_a_careless_line_would_write",
        f"{_SECRETS}::test_sentry_reports_go_out_scrubbed",
    ],
    "ASYNC-07": [
        f"{_SECRETS}::test_every_celery_task_takes_ids_not_personal_data_or_tokens",
        f"{_BRANDPAY}::test_the_token_appears_nowhere_after_saving_paying_and_removing",
    ],
}
