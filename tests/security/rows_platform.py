"""Checklist rows (security.md 5.5-5.9, 5.11, 5.18) of access, sign-in, input, files, SSRF, API.

Each row lists the tests that try the row's attack and assert its expected outcome; a row
without such a test says why (``n/a:`` the feature is not built, ``not covered:`` open).
"""

from __future__ import annotations

_ACCESS = "tests/security/test_access_attacks.py"
_AUTH = "tests/security/test_auth_attacks.py"
_INPUT = "tests/security/test_input_attacks.py"
_UPLOAD = "tests/security/test_upload_attacks.py"
_LIMITS = "tests/security/test_api_limits.py"
_ACCOUNTS_AUTH = "tests/accounts/test_auth.py"
_ACCOUNTS_API = "tests/accounts/test_api.py"
_ORDERS_API = "tests/orders/test_api.py"
_MY_ORDERS = "tests/orders/test_views_my_orders.py"
_SCOPING = "tests/vendors/test_sellercenter_scoping.py"
_MEDIA = "tests/catalog/test_media_validation.py"
_WEBHOOKS = "tests/shop/test_webhooks.py"
_E2E = "tests/e2e/test_security_journeys.py"

ROWS: dict[str, list[str] | str] = {
    # --- 5.5 Access control ---------------------------------------------------------------
    "AC-01": [
        f"{_ORDERS_API}::test_another_shoppers_order_is_not_found_everywhere_and_nothing_changes",
        f"{_ORDERS_API}::test_a_part_of_another_of_my_orders_is_not_found",
        f"{_ORDERS_API}::test_my_orders_list_only_mine_in_cursor_pages_with_fixed_queries",
        f"{_ORDERS_API}::test_change_and_remove_a_line_and_never_another_carts",
        f"{_MY_ORDERS}::test_another_shoppers_order_is_404_on_every_page_and_action",
        f"{_MY_ORDERS}::test_my_orders_lists_the_members_orders_only_in_pages",
        f"{_ACCOUNTS_API}::test_another_members_address_is_a_404_body_and_stays_unchanged",
        f"{_ACCOUNTS_API}::test_address_list_holds_only_the_members_addresses_in_cursor_pages",
        "tests/accounts/test_views.py::test_another_members_address_is_not_found_on_every_page",
        "tests/accounts/test_views.py::test_address_list_shows_only_the_members_addresses",
        "tests/orders/test_views_cart.py::test_another_shoppers_line_is_404_for_change_and_remove",
        "tests/orders/test_lifecycle.py::test_a_shopper_cannot_cancel_or_confirm_another_shoppers_order",
    ],
    "AC-02": [
        f"{_ORDERS_API}::test_checkout_refuses_missing_fields_and_another_members_address",
        "tests/orders/test_views_checkout.py::test_another_members_address_is_refused",
        "tests/orders/test_placement.py::test_another_members_address_id_is_refused",
        "tests/accounts/test_services.py::test_delete_address_of_another_member_is_not_found_and_deletes_nothing",
    ],
    "AC-03": [
        f"{_ORDERS_API}::test_a_guest_checks_out_and_gets_the_lookup_token_once",
        f"{_ORDERS_API}::test_a_guest_finds_the_order_by_token_or_by_email_and_phone",
        f"{_ORDERS_API}::test_a_guest_lookup_that_does_not_match_tells_nothing",
        f"{_ORDERS_API}::test_guest_lookups_are_throttled",
        f"{_MY_ORDERS}::test_a_wrong_email_phone_or_number_gets_the_same_refusal",
        f"{_MY_ORDERS}::test_guest_lookups_are_limited_per_client_address",
        f"{_MY_ORDERS}::test_a_signed_in_member_cannot_act_on_a_guest_order_without_its_proof",
        f"{_MY_ORDERS}::test_a_guest_cancels_through_the_lookup_but_not_another_guests_order",
    ],
    "AC-04": [
        f"{_SCOPING}::test_every_seller_center_page_is_vendor_scoped_or_shared_read_only",
        f"{_SCOPING}::test_other_vendors_object_pages_reveal_nothing",
        f"{_SCOPING}::test_posting_to_other_vendors_change_and_delete_pages_changes_nothing",
        f"{_SCOPING}::test_bulk_delete_with_other_vendors_ids_deletes_none_of_them",
        f"{_SCOPING}::test_csv_export_holds_only_own_rows_and_is_audited",
        f"{_SCOPING}::test_add_with_forged_vendor_never_creates_a_row_for_the_other_vendor",
        f"{_SCOPING}::test_forged_foreign_keys_in_forms_are_field_errors",
        f"{_SCOPING}::test_inline_formsets_refuse_other_vendors_rows",
        "tests/vendors/test_scoped_admin.py::test_forged_foreign_key_is_a_field_error_and_saves_nothing",
        "tests/catalog/test_api_seller.py::test_another_vendors_product_is_not_found_everywhere",
        "tests/orders/test_api_seller.py::test_another_vendors_part_is_not_found_everywhere_and_nothing_changes",
        "tests/orders/test_api_seller.py::test_another_vendors_claim_is_not_found_everywhere",
        "tests/orders/test_seller_admin.py::test_another_vendors_part_is_not_found_and_its_buttons_do_nothing",
        "tests/orders/test_seller_tracking_upload.py::test_a_row_naming_another_vendors_part_is_not_found_and_nothing_applies",
        "tests/catalog/test_import_export.py::test_a_seller_cannot_import_into_another_vendors_product_by_its_number",
        "tests/catalog/test_seller_media.py::test_a_forged_media_row_of_another_vendor_cannot_be_changed",
    ],
    "AC-06": [
        f"{_ACCESS}::test_a_vendor_owner_cannot_set_their_own_status_commission_or_name",
        f"{_ACCESS}::test_the_seller_api_refuses_fields_that_move_or_forge_a_product",
        f"{_ACCOUNTS_API}::test_patch_me_refuses_read_only_and_unknown_fields_by_name",
        f"{_ACCOUNTS_API}::test_post_address_refuses_fields_it_does_not_take",
        f"{_ACCOUNTS_API}::test_user_fields_the_api_must_never_accept_are_not_in_the_schema",
        "tests/shop/test_api_errors.py::test_unknown_fields_are_refused_by_name",
        "tests/shop/test_api_errors.py::test_refused_write_leaves_the_database_unchanged",
        "tests/catalog/test_admin.py::test_a_products_vendor_cannot_be_changed_in_the_admin",
        f"{_SCOPING}::test_add_with_forged_vendor_never_creates_a_row_for_the_other_vendor",
    ],
    "AC-07": [
        f"{_ACCESS}::test_a_user_manager_cannot_make_themselves_a_superuser",
        f"{_ACCESS}::test_a_user_manager_cannot_grant_a_permission_they_lack",
        f"{_ACCESS}::test_a_user_manager_grants_a_permission_they_hold",
        f"{_ACCESS}::test_a_user_manager_cannot_join_a_stronger_group",
        f"{_ACCESS}::test_a_user_manager_cannot_give_a_group_more_than_they_hold",
        f"{_ACCESS}::test_a_user_manager_cannot_edit_disable_or_reset_a_superuser",
        "tests/vendors/test_sellercenter_access.py::test_staff_role_may_view_and_change_but_not_add_or_delete",
    ],
    "AC-08": [
        "tests/security/test_api_fuzz.py::test_every_operation_holds_its_schema",
        "tests/payments/test_brandpay_secrecy.py::test_the_token_appears_nowhere_after_saving_paying_and_removing",
        "tests/shop/test_settings.py::test_production_500_shows_no_detail_of_the_error",
        "tests/shop/test_api_errors.py::test_crash_mid_write_is_a_json_500_and_leaves_nothing_behind",
        "tests/reviews/test_api.py::test_secret_questions_are_masked_for_everyone_but_asker_vendor_and_staff",
        "tests/catalog/test_page_cache.py::test_two_visitors_never_see_each_others_name_cart_or_token",
        "tests/vendors/test_sellercenter_access.py::test_history_page_shows_own_object_history_without_staff_names",
        "tests/vendors/test_sellercenter_access.py::test_profile_shows_the_account_masked_and_never_the_number",
    ],
    "AC-09": "not covered: sellers see the recipient of their own parts only "
    "(tests/orders/test_seller_admin.py), but nothing masks it after the fulfilment window",
    "AC-10": [
        f"{_AUTH}::test_a_disabled_member_is_signed_out_on_the_next_request",
        "tests/vendors/test_sellercenter_access.py::test_a_deactivated_user_is_refused_on_the_next_request",
        "tests/vendors/test_sellercenter_access.py::test_an_inactive_membership_is_refused",
    ],
    "AC-11": [
        f"{_AUTH}::test_behind_the_proxy_one_guessers_failures_do_not_lock_out_other_shoppers",
        f"{_AUTH}::test_a_spoofed_forwarded_for_does_not_give_a_guesser_fresh_tries",
        "tests/shop/test_middleware.py::test_forwarded_for_is_ignored_without_trusted_proxies",
        "tests/shop/test_middleware.py::test_only_the_trusted_hop_of_forwarded_for_counts",
        "tests/shop/test_middleware.py::test_two_trusted_proxies_take_the_second_address_from_the_right",
        "tests/shop/test_middleware.py::test_a_garbage_forwarded_address_gives_no_ip",
    ],
    "AC-12": [
        f"{_E2E}::test_refreshing_and_going_back_after_paying_pays_once",
        f"{_MY_ORDERS}::test_the_guest_link_opens_the_order_and_drops_the_token_from_the_address",
        "tests/security/test_headers.py::test_private_pages_are_never_stored_and_their_url_stays_here",
    ],
    # --- 5.6 Authentication ---------------------------------------------------------------
    "AUTH-01": [
        f"{_AUTH}::test_a_forwarded_host_header_never_changes_the_reset_link",
        f"{_ACCOUNTS_AUTH}::test_password_reset_with_a_foreign_host_header_is_refused_and_mails_nothing",
        f"{_ACCOUNTS_AUTH}::test_password_reset_mails_a_link_on_the_canonical_host_that_sets_a_new_password",
    ],
    "AUTH-02": [
        f"{_ACCOUNTS_AUTH}::test_a_used_reset_link_does_not_work_twice",
        f"{_AUTH}::test_a_reset_key_with_another_members_uid_is_refused",
        f"{_AUTH}::test_a_password_reset_signs_out_every_session",
    ],
    "AUTH-03": [
        f"{_ACCOUNTS_AUTH}::test_reset_does_not_leak_to_a_case_colliding_address",
        f"{_AUTH}::test_a_reset_for_a_lookalike_address_mails_nobody_but_the_typed_one",
    ],
    "AUTH-04": [
        f"{_AUTH}::test_a_wrong_password_and_an_unknown_address_get_the_same_login_answer",
        f"{_ACCOUNTS_AUTH}::test_password_reset_for_an_unknown_address_answers_exactly_like_a_known_one",
        f"{_MY_ORDERS}::test_a_wrong_email_phone_or_number_gets_the_same_refusal",
    ],
    "AUTH-05": [
        f"{_AUTH}::test_an_account_squatting_a_guests_address_never_sees_the_guests_order",
        "tests/accounts/test_social_login.py::test_an_unverified_kakao_email_never_signs_in_to_the_account_that_has_it",
        "tests/accounts/test_social_login.py::test_naver_never_links_by_email_alone",
        f"{_MY_ORDERS}::test_a_signed_in_member_cannot_act_on_a_guest_order_without_its_proof",
    ],
    "AUTH-06": [
        f"{_AUTH}::test_changing_the_sign_in_address_asks_for_the_password_again",
        f"{_AUTH}::test_a_wrong_password_at_reauthentication_adds_no_address",
        f"{_AUTH}::test_after_the_password_a_new_address_is_added_unverified_and_confirmed_by_mail",
        f"{_AUTH}::test_another_members_confirmation_link_verifies_nothing_for_them",
        f"{_AUTH}::test_switching_the_sign_in_address_tells_the_old_address",
    ],
    "AUTH-07": [
        f"{_AUTH}::test_failed_logins_from_one_address_are_throttled_across_accounts",
        f"{_AUTH}::test_a_concurrent_burst_of_guesses_gets_no_more_tries_than_the_limit",
        f"{_AUTH}::test_password_reset_requests_for_one_address_are_throttled",
        f"{_AUTH}::test_behind_the_proxy_one_guessers_failures_do_not_lock_out_other_shoppers",
        f"{_ACCOUNTS_AUTH}::test_repeated_failed_logins_block_the_account_even_with_the_right_password",
        f"{_ACCOUNTS_AUTH}::test_the_login_block_is_per_account",
        "tests/promotions/test_views.py::test_code_attempts_are_rate_limited",
        f"{_ORDERS_API}::test_guest_lookups_are_throttled",
        "tests/accounts/test_identity.py::test_starting_verifications_is_rate_limited",
    ],
    "AUTH-08": [
        f"{_ACCOUNTS_AUTH}::test_login_rotates_the_session_key",
        f"{_ACCOUNTS_AUTH}::test_logout_needs_a_post_and_then_forgets_the_session",
        f"{_AUTH}::test_a_session_cookie_planted_before_login_is_not_the_signed_in_session",
        f"{_AUTH}::test_a_password_change_signs_out_every_other_session",
        f"{_AUTH}::test_a_password_reset_signs_out_every_session",
        f"{_AUTH}::test_a_disabled_member_is_signed_out_on_the_next_request",
    ],
    "AUTH-09": [
        "tests/orders/test_views_checkout.py::test_csrf_is_enforced_on_checkout",
        "tests/orders/test_views_cart.py::test_csrf_is_enforced_on_every_cart_write",
        "tests/orders/test_views_my_orders.py::test_csrf_is_enforced_on_every_order_action",
        f"{_ORDERS_API}::test_a_guest_write_needs_the_csrf_token_of_its_session",
        f"{_ORDERS_API}::test_a_member_by_session_needs_the_csrf_token_too",
        f"{_ACCOUNTS_API}::test_session_writes_without_a_csrf_token_are_refused",
        "tests/accounts/test_views.py::test_every_my_page_form_refuses_a_post_without_csrf_token",
        "tests/payments/test_brandpay.py::test_a_post_without_the_csrf_token_charges_nothing",
        "tests/shop/test_api_errors.py::test_session_post_without_csrf_token_is_csrf_failed",
    ],
    "AUTH-10": [
        "tests/security/test_headers.py::test_session_and_csrf_cookies_are_host_only_secure_and_same_site"
    ],
    "AUTH-11": "not covered: staff and seller-center sign-in have no second factor yet",
    "AUTH-12": [
        f"{_AUTH}::test_production_hashes_passwords_with_a_slow_one_way_hasher",
        f"{_AUTH}::test_signup_applies_the_password_policy",
    ],
    "AUTH-13": "n/a: no JWT; the API uses sessions and opaque DRF tokens",
    "AUTH-14": [
        f"{_AUTH}::test_login_never_redirects_to_a_foreign_or_script_target",
        f"{_AUTH}::test_logout_never_redirects_to_a_foreign_or_script_target",
        f"{_AUTH}::test_login_follows_a_next_on_this_site",
        f"{_ACCOUNTS_AUTH}::test_login_refuses_an_offsite_next_url",
        "tests/shop/test_storefront.py::test_language_switch_never_redirects_off_site",
    ],
    # --- 5.7 Input ------------------------------------------------------------------------
    "INP-01": [
        f"{_E2E}::test_xss_payloads_in_a_product_page_never_run",
        f"{_E2E}::test_xss_payloads_never_run_in_the_merchant_admin_or_the_seller_center",
        "tests/catalog/test_services.py::test_description_loses_scripts_event_handlers_and_javascript_urls",
        "tests/catalog/test_services.py::test_update_sanitises_the_description_too",
        "tests/catalog/test_views.py::test_description_is_printed_sanitised_even_if_written_around_the_services",
    ],
    "INP-02": [
        "tests/security/test_headers.py::test_every_page_has_a_strict_content_security_policy"
    ],
    "INP-03": [
        f"{_INPUT}::test_a_notification_text_cannot_read_settings_requests_or_models",
        f"{_INPUT}::test_a_notification_context_of_model_objects_is_refused",
        f"{_INPUT}::test_staff_cannot_save_a_text_that_loads_libraries_or_other_templates",
        "tests/notifications/test_admin.py::test_an_edit_is_audited_and_a_broken_template_is_refused",
    ],
    "INP-04": [
        f"{_LIMITS}::test_an_injected_or_unknown_sort_is_refused_or_ignored_and_reads_no_other_field",
        "tests/catalog/test_api.py::test_a_bad_filter_value_is_a_400_naming_it",
        "tests/catalog/test_search.py::test_like_wildcards_in_the_query_are_literal",
    ],
    "INP-05": [
        f"{_INPUT}::test_a_workbook_with_xml_entities_is_refused_and_nothing_is_expanded",
        f"{_INPUT}::test_the_control_workbook_without_entities_reads",
    ],
    "INP-06": [
        f"{_INPUT}::test_a_cell_a_spreadsheet_would_run_gets_a_quote_in_front",
        f"{_INPUT}::test_numbers_and_plain_text_stay_as_they_are",
        f"{_INPUT}::test_unescape_gives_back_what_was_escaped",
        f"{_INPUT}::test_the_seller_center_writer_quotes_a_formula_in_a_vendor_name",
        f"{_INPUT}::test_the_staff_ledger_export_keeps_a_negative_amount_a_number",
        f"{_INPUT}::test_every_csv_or_workbook_writer_goes_through_the_formula_guard",
        "tests/orders/test_admin.py::test_csv_export_of_selected_orders_is_audited_and_formula_safe",
    ],
    "INP-07": [
        f"{_INPUT}::test_the_production_log_format_keeps_a_forged_line_inside_one_record",
        "tests/shop/test_middleware.py::test_a_malicious_request_id_is_replaced",
        "tests/shop/test_middleware.py::test_json_log_format_writes_one_object_per_line_with_the_request_id",
    ],
    "INP-08": [f"{_INPUT}::test_tasks_and_sessions_are_serialised_as_json_only"],
    # --- 5.8 Files ------------------------------------------------------------------------
    "FILE-01": [
        f"{_UPLOAD}::test_an_upload_is_stored_under_a_random_name_whatever_it_was_called",
        f"{_MEDIA}::test_a_png_that_is_really_html_is_refused_naming_the_file",
        f"{_MEDIA}::test_an_svg_is_refused",
        f"{_MEDIA}::test_each_allowed_image_format_is_accepted_by_its_content",
        "tests/catalog/test_media_processing.py::test_renditions_are_webp_at_each_width_plus_a_jpeg_of_the_largest",
        "tests/catalog/test_media_processing.py::test_the_exif_orientation_is_applied_and_all_metadata_stripped",
        "tests/security/test_headers.py::test_every_page_has_hsts_nosniff_framing_and_opener_headers",
    ],
    "FILE-02": [
        f"{_MEDIA}::test_a_pixel_bomb_is_refused_from_its_header_without_decoding",
        f"{_MEDIA}::test_the_pixel_limit_comes_from_the_settings",
        f"{_UPLOAD}::test_the_spy_sees_pillow_parse_a_fits_file_when_nothing_restricts_it",
        f"{_UPLOAD}::test_an_upload_never_reaches_a_decoder_we_do_not_accept",
        f"{_UPLOAD}::test_kind_detection_and_processing_never_parse_them_either",
    ],
    "FILE-03": [
        f"{_MEDIA}::test_an_image_over_the_byte_limit_is_refused_before_it_is_read",
        f"{_MEDIA}::test_a_two_gigabyte_video_upload_is_refused_by_size",
        "tests/shop/test_api_errors.py::test_body_over_the_upload_limit_is_413",
        "tests/catalog/test_import_export.py::test_an_xlsx_zip_bomb_is_refused",
        "tests/catalog/test_import_export.py::test_a_file_too_big_or_with_too_many_rows_is_refused",
        "tests/catalog/test_import_export_admin.py::test_a_file_of_another_kind_or_too_big_is_a_form_error",
        "tests/orders/test_seller_tracking_upload.py::test_a_file_over_the_row_limit_is_refused_before_any_row_runs",
    ],
    "FILE-04": [
        f"{_UPLOAD}::test_a_refused_upload_leaves_no_temporary_or_stored_file_and_names_no_path",
    ],
    "FILE-05": [
        f"{_UPLOAD}::test_a_photos_location_and_camera_never_reach_its_renditions",
        "tests/catalog/test_media_processing.py::test_the_exif_orientation_is_applied_and_all_metadata_stripped",
    ],
    "FILE-06": "n/a: no download reflects a user-supplied file name; export names are built "
    "from the model name and the date",
    # --- 5.9 SSRF -------------------------------------------------------------------------
    "SSRF-01": [
        f"{_WEBHOOKS}::test_private_and_reserved_targets_are_refused_when_not_allowed",
        f"{_WEBHOOKS}::test_other_schemes_and_urls_with_credentials_are_refused_even_when_private_is_allowed",
        f"{_WEBHOOKS}::test_a_host_that_resolves_to_loopback_at_send_time_is_refused_and_not_contacted",
    ],
    "SSRF-02": [
        f"{_WEBHOOKS}::test_a_public_target_is_pinned_to_the_checked_address",
        f"{_WEBHOOKS}::test_a_host_that_resolves_to_loopback_at_send_time_is_refused_and_not_contacted",
    ],
    "SSRF-03": [
        f"{_WEBHOOKS}::test_a_redirect_is_not_followed_and_counts_as_a_failure",
        f"{_WEBHOOKS}::test_only_the_start_of_a_large_response_is_kept",
    ],
    "SSRF-04": [
        "tests/security/test_ssrf_attacks.py::test_a_cert_url_on_loopback_is_refused_and_never_contacted",
        "tests/security/test_ssrf_attacks.py::test_only_paypal_hosts_sign_live_webhooks",
        "tests/security/test_ssrf_attacks.py::test_the_genuine_delivery_is_accepted",
        "tests/payments/test_paypal_client.py::test_a_webhook_without_transmission_headers_is_refused_unasked",
        "tests/payments/test_core_paypal.py::test_a_forged_webhook_is_refused_and_changes_nothing",
    ],
    "SSRF-05": [
        f"{_WEBHOOKS}::test_the_subscription_form_names_the_target_field_when_it_is_private",
        f"{_WEBHOOKS}::test_staff_cannot_change_a_subscription_to_a_private_target",
        f"{_WEBHOOKS}::test_a_host_that_resolves_to_loopback_at_send_time_is_refused_and_not_contacted",
    ],
    # --- 5.11 API limits ------------------------------------------------------------------
    "API-01": [
        f"{_LIMITS}::test_a_huge_page_size_is_capped",
        f"{_LIMITS}::test_a_nonsense_page_size_falls_back_to_the_default_page",
        f"{_LIMITS}::test_a_forged_cursor_is_a_4xx_not_a_500",
        f"{_ACCOUNTS_API}::test_address_list_with_a_garbage_cursor_is_a_404_body",
    ],
    "API-02": [
        "tests/catalog/test_import_export.py::test_a_file_too_big_or_with_too_many_rows_is_refused",
        "tests/orders/test_seller_tracking_upload.py::test_a_file_over_the_row_limit_is_refused_before_any_row_runs",
        f"{_ACCOUNTS_API}::test_post_address_over_the_limit_is_a_400_with_its_code",
    ],
    "API-03": "not covered: no per-role PostgreSQL statement_timeout is set or tested",
    "API-04": [
        "tests/shop/test_api_errors.py::test_too_many_requests_is_429_with_retry_after",
        "tests/promotions/test_views.py::test_code_attempts_are_rate_limited",
        "tests/reviews/test_api.py::test_asking_over_the_api_is_rate_limited_too",
    ],
    "API-06": [
        f"{_LIMITS}::test_unsupported_methods_are_405_everywhere",
        "tests/shop/test_api_errors.py::test_method_not_allowed_is_405",
        "tests/shop/test_settings.py::test_production_runs_without_debug_sandbox_or_public_metrics",
        "tests/shop/test_health.py::test_metrics_refuse_a_missing_or_wrong_token",
    ],
    # --- 5.18 Storefront end to end -------------------------------------------------------
    "E2E-01": [
        f"{_E2E}::test_refreshing_and_going_back_after_paying_pays_once",
        "tests/e2e/test_payment_kakaopay.py::test_guest_pays_a_two_vendor_order_with_kakaopay",
    ],
    "E2E-02": [f"{_E2E}::test_a_double_click_on_the_order_button_places_one_order"],
    "E2E-03": [
        f"{_E2E}::test_xss_payloads_in_a_product_page_never_run",
        f"{_E2E}::test_xss_payloads_never_run_in_the_merchant_admin_or_the_seller_center",
    ],
    "E2E-04": [f"{_E2E}::test_cart_and_checkout_load_scripts_and_frames_from_this_shop_only"],
    "E2E-05": [
        f"{_E2E}::test_cancelling_in_the_kakaopay_window_charges_nothing_and_the_guest_can_pay_again",
    ],
    "E2E-06": "not covered: no browser test lets the session expire mid-checkout",
}
