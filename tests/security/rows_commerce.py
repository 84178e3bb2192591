"""Checklist rows of money, stock, webhooks, async work, data and reconciliation.

Sections 5.1 (PAY), 5.2 (BK), 5.3 (VCH), 5.4 (INV), 5.10 (WH), 5.12 (ASYNC), 5.14 (DATA)
and 5.15 (REC) of the security reference, mapped to the tests that prove them.
"""

from __future__ import annotations

PAY = "tests/payments"
ORD = "tests/orders"
PRO = "tests/promotions"
SEC = "tests/security"
SHOP = "tests/shop"
VEN = "tests/vendors"

ROWS: dict[str, list[str] | str] = {
    # --- 5.1 Payments ---------------------------------------------------------------------
    "PAY-01": [
        f"{ORD}/test_placement.py::test_client_sent_prices_totals_and_status_are_ignored",
        f"{ORD}/test_api.py::test_a_price_sent_with_a_line_is_refused_by_name",
        f"{ORD}/test_api.py::test_a_total_or_price_sent_at_checkout_is_refused_by_name",
        f"{ORD}/test_views_checkout.py::test_amounts_posted_by_the_client_are_ignored",
        f"{PRO}/test_checkout.py::test_the_payment_asks_the_provider_for_the_discounted_total",
        f"{PAY}/test_kakaopay_client.py::test_a_buyer_who_approves_is_charged_the_amount_of_the_intent",
        f"{SEC}/test_payments_attacks.py::test_random_carts_add_up_to_the_total_placed_and_asked_of_kakaopay",
    ],
    "PAY-02": [
        f"{SEC}/test_payments_attacks.py::test_an_odd_quantity_in_a_json_cart_line_is_a_field_error",
        f"{SEC}/test_payments_attacks.py::test_an_odd_quantity_changing_a_cart_line_is_a_field_error",
        f"{SEC}/test_payments_attacks.py::test_odd_points_at_checkout_place_nothing",
        f"{ORD}/test_api.py::test_bad_quantities_are_refused_naming_the_field",
        f"{ORD}/test_cart.py::test_bad_quantities_are_refused_and_nothing_is_added",
        f"{ORD}/test_api.py::test_partial_cancel_refuses_bad_quantities_and_too_many",
        f"{PAY}/test_kakaopay_client.py::test_a_fractional_won_amount_is_refused_before_anything_is_sent",
        f"{PAY}/test_paypal_client.py::test_more_than_two_decimals_is_refused_not_rounded",
    ],
    "PAY-03": [
        f"{PAY}/test_core_naverpay.py::test_the_paymentid_of_another_order_is_refused_and_cancels_nothing",
        f"{PAY}/test_kakaopay_client.py::test_the_pg_token_of_another_payment_does_not_approve_this_one",
        f"{PAY}/test_paypal_client.py::test_a_return_token_of_another_order_is_refused_without_a_capture",
        f"{PAY}/test_brandpay.py::test_the_registration_return_of_one_member_cannot_be_replayed_for_another",
        f"{PAY}/test_brandpay.py::test_a_registration_answer_naming_another_reference_saves_nothing",
    ],
    "PAY-04": [
        f"{PAY}/test_brandpay_race_postgres.py::test_a_refused_one_click_charge_is_cancelled_under_the_subscription_cid",
        f"{PAY}/test_core_kakaopay.py::test_a_provider_that_charges_another_amount_is_cancelled_and_never_pays",
        f"{PAY}/test_core_naverpay.py::test_a_charge_of_another_amount_is_cancelled_at_naverpay",
        f"{PAY}/test_core_paypal.py::test_a_capture_of_another_amount_is_refunded_at_once_and_never_pays",
        f"{PAY}/test_brandpay.py::test_a_registration_answer_naming_another_reference_saves_nothing",
        f"{PAY}/test_brandpay.py::test_a_registration_the_provider_charged_for_is_cancelled_and_saves_nothing",
        f"{ORD}/test_lifecycle.py::test_payment_with_another_amount_never_marks_paid",
    ],
    "PAY-05": [
        f"{PAY}/test_core_kakaopay.py::test_an_approved_payment_pays_the_order_once",
        f"{PAY}/test_core_naverpay.py::test_a_payment_in_the_naverpay_window_pays_the_order_once",
        f"{PAY}/test_naverpay_client.py::test_a_repeated_confirm_is_answered_from_the_idempotency_key_with_one_approval",
        f"{PAY}/test_brandpay.py::test_one_click_places_charges_and_lands_on_the_complete_page",
    ],
    "PAY-06": [
        f"{PAY}/test_concurrency_postgres.py::test_twenty_returns_at_once_approve_once_capture_once_pay_once",
        f"{PAY}/test_concurrency_postgres.py::test_negative_control_without_the_compare_and_set_kakaopay_is_asked_again",
        f"{PAY}/test_paypal_client.py::test_twenty_concurrent_captures_capture_once",
        f"{PAY}/test_brandpay.py::test_a_registration_return_hit_by_many_requests_at_once_saves_one_method",
    ],
    "PAY-07": [
        f"{PAY}/test_core_paypal.py::test_a_webhook_racing_the_buyers_return_captures_once_and_pays_once",
        f"{PAY}/test_core_paypal.py::test_an_approval_webhook_captures_once_for_a_buyer_who_never_came_back",
    ],
    "PAY-08": [
        f"{PAY}/test_core_kakaopay.py::test_a_timeout_after_the_provider_approved_is_reconciled_to_paid",
        f"{PAY}/test_core_paypal.py::test_a_capture_whose_answer_timed_out_is_reconciled_to_paid",
        f"{PAY}/test_paypal_client.py::test_a_timeout_after_capturing_is_unknown_and_a_retry_replays_the_one_capture",
        f"{PAY}/test_paypal_client.py::test_a_timeout_after_refunding_is_unknown_and_the_retry_refunds_once",
        f"{PAY}/test_naverpay_client.py::test_a_timeout_after_processing_is_unknown_and_naverpay_did_approve",
        f"{PAY}/test_naverpay_client.py::test_idempotency_keys_are_deterministic_and_fit_64_characters",
        f"{PAY}/test_naverpay_client.py::test_a_refund_timeout_after_processing_is_unknown_and_a_retry_refunds_once",
        f"{PAY}/test_kakaopay_client.py::test_an_approval_timing_out_after_processing_is_unknown_and_the_lookup_says_paid",
    ],
    # No Idempotency-Key header: the cart token of the reviewed cart plays its part.
    "PAY-09": [
        f"{ORD}/test_placement.py::test_placing_the_same_cart_twice_makes_one_order",
        f"{ORD}/test_placement.py::test_a_cart_changed_since_review_is_refused_and_nothing_changes",
        f"{ORD}/test_api.py::test_a_cart_changed_since_review_is_not_ordered",
    ],
    "PAY-10": [
        f"{PAY}/test_core_kakaopay.py::test_a_buyer_who_cancels_can_pay_again_with_a_new_attempt",
        f"{PAY}/test_core_naverpay.py::test_a_buyer_who_cancels_in_the_window_ends_the_attempt",
        f"{PAY}/test_core_paypal.py::test_a_buyer_who_cancels_at_paypal_can_pay_again",
        f"{PAY}/test_core_kakaopay.py::test_an_expired_order_cannot_start_a_payment",
        f"{PAY}/test_core_kakaopay.py::test_an_approval_arriving_after_the_order_was_cancelled_is_cancelled_at_kakaopay",
        f"{ORD}/test_lifecycle.py::test_expiry_releases_stock_exactly_once",
        f"{PRO}/test_cancellation.py::test_an_expired_unpaid_order_gives_them_back_too",
        f"{PRO}/test_cancellation.py::test_cancelling_an_unpaid_order_gives_back_coupon_and_points_once",
        f"{SEC}/test_payments_attacks.py::test_an_approval_after_the_reservation_expired_and_the_unit_was_sold_never_oversells",
    ],
    "PAY-11": [
        f"{SEC}/test_order_state_machine.py::test_random_order_steps_take_only_documented_edges",
        f"{SEC}/test_payments_attacks.py::test_a_paid_order_cannot_start_another_payment",
        f"{SEC}/test_payments_attacks.py::test_a_cancelled_order_cannot_start_a_payment",
        f"{SEC}/test_payments_attacks.py::test_a_return_for_an_attempt_that_ended_approves_nothing",
        f"{SEC}/test_payments_attacks.py::test_a_return_before_any_attempt_was_made_is_not_found",
        f"{ORD}/test_lifecycle.py::test_an_unpaid_order_cannot_move_on",
        f"{ORD}/test_lifecycle.py::test_a_cancelled_order_cannot_be_shipped_or_paid",
        f"{ORD}/test_lifecycle.py::test_a_shipped_order_cannot_be_cancelled_or_partly_cancelled",
        f"{ORD}/test_api_seller.py::test_transitions_that_are_not_allowed_are_409_and_change_nothing",
        f"{PAY}/test_kakaopay_client.py::test_an_unpaid_payment_cannot_be_refunded",
        f"{PAY}/test_paypal_client.py::test_a_refund_without_a_capture_is_refused_before_any_call",
    ],
    "PAY-12": [
        f"{PAY}/test_concurrency_postgres.py::test_two_concurrent_partial_refunds_never_exceed_the_capture",
        f"{PAY}/test_concurrency_postgres.py::test_negative_control_without_the_reservation_the_excess_reaches_kakaopay",
        f"{PAY}/test_paypal_client.py::test_two_concurrent_refunds_never_exceed_the_capture",
        f"{PAY}/test_refund_guard.py::test_a_refund_above_the_remaining_amount_is_refused_and_on_record",
        f"{PAY}/test_refund_guard.py::test_a_second_call_while_the_first_is_at_the_provider_sends_nothing",
        f"{PAY}/test_core_kakaopay.py::test_partial_cancellations_refund_once_each_within_the_capture",
    ],
    "PAY-13": [
        f"{ORD}/test_placement.py::test_a_price_change_since_review_is_refused",
        f"{ORD}/test_views_checkout.py::test_a_cart_changed_in_another_tab_is_refused_and_the_cart_shown",
    ],
    "PAY-14": [
        f"{SEC}/test_payments_attacks.py::test_random_carts_add_up_to_the_total_placed_and_asked_of_kakaopay",
        "tests/shipping/test_engine_properties.py::test_total_equals_the_sum_of_the_groups",
        "tests/shipping/test_engine_properties.py::test_fees_are_never_negative",
        f"{PRO}/test_coupons.py::test_allocate_sums_exactly_and_never_exceeds_a_weight",
        f"{PRO}/test_checkout.py::test_discounts_reduce_the_tax_free_part_in_proportion",
    ],
    # Vendors never refund themselves: refunds follow the buyer's or staff's cancellations.
    "PAY-15": [
        f"{ORD}/test_lifecycle.py::test_partial_cancel_of_a_whole_vendor_part_cancels_it_and_refunds_its_shipping",
        f"{ORD}/test_lifecycle.py::test_a_vendor_cannot_move_another_vendors_part",
        f"{ORD}/test_api_seller.py::test_another_vendors_part_is_not_found_everywhere_and_nothing_changes",
        f"{VEN}/test_settlements.py::test_refund_gives_back_the_commission_in_proportion",
        f"{VEN}/test_settlements.py::test_refunds_never_give_back_more_commission_than_was_charged",
    ],
    # --- 5.2 Saved billing keys -----------------------------------------------------------
    "BK-01": [
        f"{PAY}/test_brandpay_secrecy.py::test_the_token_appears_nowhere_after_saving_paying_and_removing",
        f"{PAY}/test_brandpay_secrecy.py::test_the_token_column_holds_ciphertext_only_the_token_key_opens",
        f"{PAY}/test_brandpay.py::test_the_token_is_unreadable_without_the_key",
        f"{PAY}/test_admin.py::test_saved_method_pages_never_show_the_token_or_its_ciphertext",
    ],
    "BK-02": [
        f"{PAY}/test_brandpay.py::test_another_members_method_cannot_pay_nor_be_removed",
        f"{PAY}/test_brandpay.py::test_one_click_never_charges_another_members_order",
        f"{PAY}/test_kakaopay_client.py::test_a_stored_method_of_another_buyer_key_or_a_declined_charge_is_refused",
    ],
    "BK-03": [
        f"{PAY}/test_brandpay.py::test_above_the_threshold_the_buyer_confirms_on_the_providers_page",
        f"{PAY}/test_brandpay.py::test_at_the_threshold_one_click_still_pays",
        f"{PAY}/test_brandpay.py::test_a_post_without_the_csrf_token_charges_nothing",
        f"{PAY}/test_brandpay.py::test_a_link_from_another_site_cannot_make_the_member_pay",
        f"{PAY}/test_brandpay.py::test_a_signed_link_is_for_its_own_order_only",
    ],
    # No guard asks about an identical cart placed again as a new order within seconds.
    "BK-04": [
        f"{PAY}/test_brandpay_race_postgres.py::test_a_one_click_start_sent_six_times_at_once_charges_once",
        f"{PAY}/test_brandpay_race_postgres.py::test_a_refused_one_click_charge_is_cancelled_under_the_subscription_cid",
        f"{PAY}/test_brandpay.py::test_one_click_places_charges_and_lands_on_the_complete_page",
        f"{PAY}/test_naverpay_client.py::test_a_charge_for_the_same_intent_twice_charges_once",
        f"{PAY}/test_naverpay_client.py::test_a_repeated_brand_pay_confirm_registers_and_charges_once",
        f"{PAY}/test_brandpay.py::test_a_registration_return_hit_by_many_requests_at_once_saves_one_method",
        f"{ORD}/test_placement.py::test_placing_the_same_cart_twice_makes_one_order",
    ],
    "BK-05": [
        f"{PAY}/test_brandpay.py::test_a_removed_method_is_deactivated_at_kakaopay_and_gone_from_checkout",
        f"{PAY}/test_brandpay.py::test_the_removal_task_retries_until_the_provider_answers",
        f"{PAY}/test_brandpay.py::test_a_removed_naverpay_method_is_expired_at_naverpay",
        f"{PAY}/test_admin.py::test_staff_remove_a_saved_method_and_it_is_deactivated_at_kakaopay",
        f"{PAY}/test_kakaopay_client.py::test_a_deactivated_method_can_no_longer_be_charged",
    ],
    "BK-06": [
        f"{SEC}/test_vouchers_and_keys.py::test_a_saved_token_survives_a_key_rotation_until_the_old_key_is_dropped",
        f"{SEC}/test_key_rotation.py::test_a_signed_value_follows_the_same_rotation",
    ],
    # --- 5.3 Vouchers -----------------------------------------------------------------------
    "VCH-01": [
        f"{PRO}/test_coupon_race_postgres.py::test_fifty_checkouts_redeem_a_single_use_coupon_exactly_once",
        f"{PRO}/test_checkout.py::test_a_coupon_used_by_another_order_meanwhile_refuses_the_second",
    ],
    "VCH-02": [
        f"{SEC}/test_vouchers_and_keys.py::test_fifty_checkouts_on_a_coupon_limited_to_five_orders_discount_five",
        f"{SEC}/test_vouchers_and_keys.py::test_the_database_refuses_a_count_above_the_coupons_limit",
        f"{PRO}/test_coupon_race_postgres.py::test_fifty_checkouts_redeem_a_single_use_coupon_exactly_once",
    ],
    # Keyed on the member (one wallet copy each); e-mail aliases are not normalised.
    "VCH-03": [
        f"{PRO}/test_checkout.py::test_download_zone_issue_once_and_per_customer_limit",
        f"{PRO}/test_coupons.py::test_signup_coupons_are_given_once",
        f"{PRO}/test_coupons.py::test_someone_elses_copy_cannot_be_redeemed",
    ],
    "VCH-04": [
        f"{PRO}/test_views.py::test_code_attempts_are_rate_limited",
        f"{PRO}/test_admin.py::test_staff_create_a_code_coupon_and_it_gets_an_unguessable_code",
    ],
    # One coupon per order by design: there is nothing to stack but grade, coupon, points.
    "VCH-05": [
        f"{PRO}/test_checkout.py::test_a_percent_coupon_is_capped",
        f"{PRO}/test_checkout.py::test_grade_discount_then_coupon_then_points",
        f"{PRO}/test_checkout.py::test_a_coupon_covering_nothing_says_so",
        f"{PRO}/test_checkout.py::test_free_shipping_keeps_the_remote_surcharge_unless_configured",
        f"{PRO}/test_checkout.py::test_points_limits_give_reasons",
        f"{SEC}/test_payments_attacks.py::test_random_carts_add_up_to_the_total_placed_and_asked_of_kakaopay",
    ],
    "VCH-06": [
        f"{PRO}/test_coupons.py::test_redeem_then_release_exactly_once",
        f"{PRO}/test_cancellation.py::test_cancelling_an_unpaid_order_gives_back_coupon_and_points_once",
    ],
    "VCH-07": "n/a: the shop has no gift cards or stored-value balances (only points, see PAY-12 "
    "and tests/promotions/test_points_race_postgres.py for their concurrent spends)",
    # --- 5.4 Inventory ----------------------------------------------------------------------
    "INV-01": [
        f"{ORD}/test_rush_postgres.py::test_fifty_shoppers_buy_the_last_ten_units_exactly_once",
        "tests/catalog/test_stock_postgres.py::test_two_buyers_of_the_last_item_never_take_it_twice",
        "tests/catalog/test_stock_postgres.py::test_many_concurrent_decrements_stop_exactly_at_zero",
        "tests/catalog/test_sold_out.py::test_concurrent_orders_of_the_last_items_sell_out_the_product_once",
    ],
    # Four gunicorn worker processes on 127.0.0.1, fifty HTTP shoppers, twenty units.
    "INV-02": [
        f"{SEC}/test_degradation_load.py::test_fifty_shoppers_at_once_get_no_5xx_and_never_oversell",
    ],
    "INV-03": [
        f"{SEC}/test_stock_lock_order_postgres.py::test_carts_of_the_same_items_in_opposite_order_are_all_placed",
        "tests/catalog/test_stock_postgres.py::test_orders_over_the_same_variants_in_opposite_order_never_deadlock",
    ],
    "INV-04": [
        "tests/catalog/test_stock_postgres.py::test_database_refuses_a_negative_variant_stock_written_around_the_services",
        "tests/catalog/test_stock_postgres.py::test_database_refuses_a_negative_addon_stock_in_raw_sql",
    ],
    "INV-05": [
        f"{SEC}/test_payments_attacks.py::test_an_approval_after_the_reservation_expired_and_the_unit_was_sold_never_oversells",
        f"{PAY}/test_core_kakaopay.py::test_an_approval_arriving_after_the_order_was_cancelled_is_cancelled_at_kakaopay",
    ],
    "INV-06": [
        f"{ORD}/test_lifecycle.py::test_cancelling_an_unpaid_order_releases_stock_once",
        f"{ORD}/test_lifecycle.py::test_expiry_releases_stock_exactly_once",
        f"{ORD}/test_sales.py::test_the_count_adds_up_orders_and_survives_a_repeat",
    ],
    "INV-07": [
        f"{ORD}/test_rush_postgres.py::test_negative_control_an_unconditional_decrement_oversells",
        f"{PRO}/test_coupon_race_postgres.py::test_negative_control_a_read_then_write_counter_redeems_many",
    ],
    # --- 5.10 Inbound webhooks (PayPal sends them; KakaoPay and NaverPay send none) ----------
    "WH-01": [
        f"{PAY}/test_core_paypal.py::test_a_forged_webhook_is_refused_and_changes_nothing",
        f"{PAY}/test_paypal_client.py::test_a_forged_signature_is_refused",
        f"{PAY}/test_paypal_client.py::test_a_replayed_delivery_with_a_changed_body_is_refused",
        f"{PAY}/test_paypal_client.py::test_a_transmission_the_emulator_never_sent_is_refused",
        f"{PAY}/test_paypal_client.py::test_a_webhook_without_transmission_headers_is_refused_unasked",
    ],
    # PayPal verifies its own signatures (verify-webhook-signature); ours are compared here.
    "WH-02": [
        f"{SEC}/test_async_and_signatures.py::test_no_signature_or_token_is_compared_with_equals",
        f"{SEC}/test_async_and_signatures.py::test_the_lint_above_would_see_a_signature_compared_with_equals",
        f"{SEC}/test_async_and_signatures.py::test_a_signature_one_character_off_is_refused_over_the_raw_bytes",
        f"{SHOP}/test_webhooks.py::test_verify_accepts_what_sign_produced_and_refuses_tampering_wrong_secret_and_staleness",
    ],
    "WH-03": [
        f"{PAY}/test_webhook_race_postgres.py::test_one_event_delivered_five_times_at_once_captures_once_and_pays_once",
        f"{PAY}/test_core_paypal.py::test_a_replayed_event_id_is_processed_once",
        f"{PAY}/test_core_paypal.py::test_a_webhook_whose_first_delivery_failed_midway_is_processed_on_redelivery",
        f"{PAY}/test_paypal_client.py::test_the_duplicate_webhook_fault_delivers_one_event_twice",
        f"{PAY}/test_core_paypal.py::test_a_webhook_racing_the_buyers_return_captures_once_and_pays_once",
    ],
    "WH-04": [
        f"{PAY}/test_core_paypal.py::test_a_capture_held_pending_stays_unsettled_until_paypal_completes_it",
        f"{PAY}/test_core_paypal.py::test_a_verified_capture_webhook_reconciles_a_payment_whose_buyer_never_came_back",
    ],
    "WH-05": [
        f"{PAY}/test_core_paypal.py::test_a_replayed_event_id_is_processed_once",
        f"{SHOP}/test_webhooks.py::test_verify_accepts_what_sign_produced_and_refuses_tampering_wrong_secret_and_staleness",
    ],
    # A webhook is only a hint: the payment's state is read from PayPal, amounts checked.
    "WH-06": [
        f"{PAY}/test_webhook_race_postgres.py::test_a_genuine_webhook_about_someone_elses_paypal_order_pays_nothing_here",
        f"{PAY}/test_core_paypal.py::test_a_verified_capture_webhook_reconciles_a_payment_whose_buyer_never_came_back",
        f"{PAY}/test_core_paypal.py::test_a_capture_of_another_amount_is_refunded_at_once_and_never_pays",
        f"{PAY}/test_paypal_client.py::test_a_signed_capture_webhook_names_the_order_and_the_reference",
    ],
    "WH-07": [
        f"{SEC}/test_webhook_input.py::test_a_body_that_is_no_paypal_event_is_a_400",
        f"{SEC}/test_webhook_input.py::test_a_body_without_paypals_headers_is_refused_unread",
        f"{SEC}/test_webhook_input.py::test_a_five_megabyte_body_is_a_413",
        f"{PAY}/test_core_paypal.py::test_a_webhook_whose_first_delivery_failed_midway_is_processed_on_redelivery",
        f"{SHOP}/test_api_errors.py::test_body_over_the_upload_limit_is_413",
        f"{SHOP}/test_api_errors.py::test_malformed_json_is_a_parse_error",
    ],
    # --- 5.12 Asynchronous work ---------------------------------------------------------------
    "ASYNC-01": [
        f"{SHOP}/test_events.py::test_rolled_back_transaction_records_and_delivers_nothing",
        f"{SHOP}/test_events.py::test_rolled_back_event_never_reaches_a_real_worker",
        f"{SHOP}/test_webhooks.py::test_a_rolled_back_event_creates_no_delivery",
    ],
    "ASYNC-02": [
        f"{SHOP}/test_events.py::test_event_whose_delivery_task_was_lost_is_delivered_by_periodic_redelivery",
        f"{SHOP}/test_webhooks.py::test_a_delivery_whose_send_task_was_lost_goes_out_with_the_periodic_task",
        "tests/notifications/test_lost.py::test_a_queued_message_whose_task_was_lost_is_sent_by_the_beat_job",
        f"{VEN}/test_settlements.py::test_a_failing_listener_is_recorded_and_retried_by_the_outbox",
    ],
    "ASYNC-03": [
        f"{SEC}/test_worker_crash_postgres.py::test_a_task_killed_after_its_effect_runs_again_and_the_effect_happens_once",
        f"{SEC}/test_async_and_signatures.py::test_a_task_is_acknowledged_only_after_it_ran_and_redelivered_if_its_worker_died",
        "tests/notifications/test_lost.py::test_a_message_left_sending_by_a_killed_worker_is_taken_again_but_not_a_busy_one",
        f"{SHOP}/test_events.py::test_concurrent_deliveries_of_one_event_run_each_listener_once",
        f"{SHOP}/test_events.py::test_a_listener_that_succeeded_is_not_run_again_while_a_failing_one_is_retried",
        f"{SHOP}/test_webhooks.py::test_concurrent_sends_of_one_delivery_make_one_request",
        f"{VEN}/test_settlements.py::test_redelivered_and_republished_purchase_books_once",
    ],
    "ASYNC-04": [
        f"{SHOP}/test_events.py::test_event_whose_delivery_task_was_lost_is_delivered_by_periodic_redelivery",
        "tests/notifications/test_lost.py::test_a_queued_message_whose_task_was_lost_is_sent_by_the_beat_job",
    ],
    "ASYNC-05": [
        f"{SEC}/test_async_and_signatures.py::test_no_retry_waits_as_long_as_the_brokers_visibility_timeout",
    ],
    "ASYNC-06": [
        f"{SHOP}/test_webhooks.py::test_backoff_doubles_from_30_seconds_with_at_most_a_quarter_of_jitter_and_a_cap",
        f"{SHOP}/test_webhooks.py::test_a_500_then_a_200_logs_a_failed_attempt_then_succeeds_after_the_backoff",
        f"{SHOP}/test_webhooks.py::test_a_delivery_that_keeps_failing_is_marked_failed_and_alerted_after_max_attempts",
        f"{SHOP}/test_events.py::test_redelivery_gives_up_after_max_attempts_and_marks_the_event_failed",
        f"{SHOP}/test_alerts.py::test_send_alert_does_not_retry_a_refused_message",
        f"{SHOP}/test_alerts.py::test_a_task_failing_for_good_sends_one_message",
        "tests/notifications/test_worker.py::test_the_worker_retries_through_the_broker_until_the_provider_answers",
        f"{PAY}/test_brandpay.py::test_the_removal_task_retries_until_the_provider_answers",
    ],
    "ASYNC-07": [
        f"{PAY}/test_brandpay_secrecy.py::test_the_token_appears_nowhere_after_saving_paying_and_removing",
        f"{SHOP}/test_events.py::test_publish_refuses_a_payload_that_cannot_cross_the_broker",
    ],
    "ASYNC-08": [
        f"{SHOP}/test_deploy_files.py::test_exactly_one_beat_runs",
        f"{SHOP}/test_deploy_files.py::test_no_worker_runs_an_embedded_beat",
        f"{SHOP}/test_events.py::test_concurrent_deliveries_of_one_event_run_each_listener_once",
    ],
    # --- 5.14 Data loss, migrations, audit -----------------------------------------------------
    "DATA-01": [
        f"{SEC}/test_data_protection.py::test_a_vendor_who_has_sold_cannot_be_deleted",
        f"{SEC}/test_data_protection.py::test_a_member_who_has_ordered_cannot_be_deleted",
        f"{SEC}/test_data_protection.py::test_deleting_a_product_that_sold_archives_it_and_keeps_its_lines",
        f"{SEC}/test_data_protection.py::test_a_paid_order_with_a_refund_cannot_be_deleted",
        f"{SEC}/test_data_protection.py::test_an_order_with_a_payment_cannot_be_deleted",
        f"{SEC}/test_data_protection.py::test_an_unpaid_order_cannot_be_deleted_even_in_raw_sql",
        f"{SEC}/test_data_protection.py::test_no_one_deletes_an_order_in_the_admin",
        f"{PAY}/test_admin.py::test_no_one_edits_adds_or_deletes_a_payment",
        "tests/catalog/test_admin.py::test_deleting_in_the_admin_is_a_soft_delete",
    ],
    # Append-only audit log and ledgers; no separate database role without UPDATE rights.
    "DATA-02": [
        f"{SHOP}/test_events.py::test_audit_rows_cannot_be_edited_or_deleted",
        f"{SHOP}/test_events.py::test_publish_writes_one_audit_row_with_actor_and_payload",
        f"{SEC}/test_data_protection.py::test_the_payment_ledger_cannot_be_changed_or_deleted",
        f"{SEC}/test_data_protection.py::test_the_vendors_ledger_cannot_lose_or_rewrite_an_entry",
        f"{VEN}/test_settlements.py::test_allowed_statement_transitions_are_audited",
    ],
    # makemigrations --check only: no migration linter, squawk or previous-release migrate.
    "DATA-03": [
        f"{SEC}/test_data_protection.py::test_no_model_change_is_missing_its_migration",
        f"{SHOP}/test_deploy_files.py::test_migrations_run_once_before_the_processes_start",
    ],
    "DATA-04": "not covered: no N-1 smoke run of the previous release against the new schema",
    "DATA-05": "not covered: no restore drill (dump, restore into a fresh instance, integrity "
    "checks) and no documented RPO/RTO in this repository",
    "DATA-06": "not covered: the data-fix commands are not checked for a dry run by default",
    # --- 5.15 Reconciliation --------------------------------------------------------------------
    # Paid-at-PSP, refunded-at-PSP, amount mismatch and lost returns. Not seeded: a
    # payment captured twice, and paid here but cancelled at the PSP (a settled payment
    # is never asked about again, so that one would go unnoticed).
    "REC-01": [
        f"{SEC}/test_payments_attacks.py::test_a_payment_refunded_at_kakaopay_before_we_recorded_it_is_never_counted_paid",
        f"{PAY}/test_core_kakaopay.py::test_a_timeout_after_the_provider_approved_is_reconciled_to_paid",
        f"{PAY}/test_core_paypal.py::test_a_capture_whose_answer_timed_out_is_reconciled_to_paid",
        f"{PAY}/test_core_paypal.py::test_a_verified_capture_webhook_reconciles_a_payment_whose_buyer_never_came_back",
        f"{PAY}/test_core_paypal.py::test_a_capture_of_another_amount_is_refunded_at_once_and_never_pays",
        f"{PAY}/test_admin.py::test_asking_about_an_unknown_outcome_settles_it_as_paid",
        f"{PAY}/test_admin.py::test_a_settled_payment_is_not_asked_about",
    ],
    "REC-02": [
        f"{SEC}/test_payments_attacks.py::test_an_attempt_stuck_past_its_deadline_is_asked_about_and_expired",
        f"{SEC}/test_payments_attacks.py::test_an_attempt_whose_return_was_lost_ends_without_taking_money",
        f"{PAY}/test_admin.py::test_asking_about_a_buyer_still_on_the_sheet_leaves_it_waiting",
        f"{ORD}/test_lifecycle.py::test_expiry_releases_stock_exactly_once",
    ],
    # Statements add up; a mismatch with the payments' captures does not block a payout.
    "REC-03": [
        f"{VEN}/test_settlements.py::test_run_settlements_makes_one_statement_per_vendor_and_period",
        f"{VEN}/test_settlements.py::test_adjustments_count_in_the_payout",
        f"{VEN}/test_settlements.py::test_refund_gives_back_the_commission_in_proportion",
    ],
}
