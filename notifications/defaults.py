"""The Korean default text of every template, by event code.

The data migration seeds them; ``services.notify`` also re-creates a missing one from
here (a test database flushed between tests, a shop installed before a new event code
existed), so a known event never fails for want of a row. Staff switch a template off
with its ``active`` box rather than by deleting it.
"""

from __future__ import annotations

from typing import Any

ORDER_LINES = (
    "{% for line in lines %}- {{ line.name }}{% if line.option %} ({{ line.option }}){% endif %}"
    " \u00d7 {{ line.quantity }}\n{% endfor %}"  # the multiplication sign
)

DEFAULTS: list[dict[str, Any]] = [
    {
        "code": "order.placed",
        "name": "주문 접수",
        "email_subject": "[{{ shop_name }}] 주문 {{ number }}이(가) 접수되었습니다",
        "email_body": (
            "{{ name }}님, 주문해 주셔서 감사합니다.\n\n"
            "주문번호: {{ number }}\n" + ORDER_LINES + "주문 금액: {{ total }}\n"
            "{% if is_bank_transfer %}\n기한 안에 아래 계좌로 입금해 주세요. 입금 기한이 지나면 주문이 취소됩니다.\n"
            "입금 계좌: {{ bank_account|default:'-' }}\n입금자명: {{ depositor }}\n"
            "입금 기한: {{ deadline }}\n{% endif %}\n"
            "주문 확인: {{ link }}"
        ),
        "sms_text": "[{{ shop_name }}] 주문 {{ number }} 접수 ({{ total }}).{% if is_bank_transfer %} 입금계좌 {{ bank_account }}, 기한 {{ deadline }}{% endif %} {{ link }}",
        "alimtalk_template_code": "ORDER_PLACED",
        "alimtalk_body": (
            "#{name}님, 주문이 접수되었습니다.\n\n▶ 주문번호: #{number}\n▶ 결제금액: #{total}\n\n"
            "주문 내역은 아래 링크에서 확인하실 수 있습니다.\n#{link}"
        ),
    },
    {
        "code": "order.paid",
        "name": "결제 완료",
        "email_subject": "[{{ shop_name }}] 주문 {{ number }}의 결제가 확인되었습니다",
        "email_body": (
            "결제가 확인되었습니다. 판매자가 상품을 준비하고 있습니다.\n\n"
            "주문번호: {{ number }}\n" + ORDER_LINES + "주문 금액: {{ total }}\n\n"
            "주문 확인: {{ link }}"
        ),
        "sms_text": "[{{ shop_name }}] 주문 {{ number }} 결제 완료 ({{ total }}). {{ link }}",
        "alimtalk_template_code": "ORDER_PAID",
        "alimtalk_body": (
            "#{name}님, 결제가 완료되었습니다.\n\n▶ 주문번호: #{number}\n▶ 결제금액: #{total}\n\n"
            "상품 준비가 시작되면 다시 알려 드릴게요.\n#{link}"
        ),
    },
    {
        "code": "order.shipped",
        "name": "배송 시작",
        "email_subject": "[{{ shop_name }}] 주문 {{ number }}의 상품이 발송되었습니다",
        "email_body": (
            "{% if vendor %}{{ vendor }}에서 상품을 발송했습니다.\n{% endif %}"
            "택배사: {{ carrier|default:'-' }}\n송장번호: {{ tracking_number|default:'-' }}\n"
            "{% if tracking_url %}배송 조회: {{ tracking_url }}\n{% endif %}\n"
            "주문 확인: {{ link }}"
        ),
        "sms_text": "[{{ shop_name }}] 주문 {{ number }} 발송: {{ carrier }} {{ tracking_number }}",
        "alimtalk_template_code": "ORDER_SHIPPED",
        "alimtalk_body": (
            "#{name}님, 주문하신 상품이 발송되었습니다.\n\n▶ 주문번호: #{number}\n"
            "▶ 택배사: #{carrier}\n▶ 송장번호: #{tracking_number}\n\n#{link}"
        ),
    },
    {
        "code": "order.cancelled",
        "name": "주문 취소",
        "email_subject": "[{{ shop_name }}] 주문 {{ number }}이(가) 취소되었습니다",
        "email_body": (
            "{% if expired %}입금 기한까지 결제가 확인되지 않아 주문이 취소되었습니다.{% else %}"
            "주문이 취소되었습니다.{% endif %}{% if reason %}\n사유: {{ reason }}{% endif %}\n"
            "{% if refund %}결제하신 금액은 환불되며, 완료되면 알려 드립니다.\n{% endif %}\n"
            "주문번호: {{ number }}\n" + ORDER_LINES + "주문 금액: {{ total }}\n\n"
            "주문 확인: {{ link }}"
        ),
        "sms_text": "[{{ shop_name }}] 주문 {{ number }}이(가) 취소되었습니다.{% if expired %} (입금 기한 경과){% endif %}",
        "alimtalk_template_code": "ORDER_CANCELLED",
        "alimtalk_body": (
            "#{name}님, 주문이 취소되었습니다.\n\n▶ 주문번호: #{number}\n▶ 사유: #{reason}\n\n#{link}"
        ),
    },
    {
        "code": "restock.available",
        "name": "재입고 알림",
        "email_subject": "[{{ shop_name }}] {{ product }} 상품이 재입고되었습니다",
        "email_body": (
            "기다리시던 상품이 다시 입고되었습니다.\n\n{{ product }}{% if option %} ({{ option }}){% endif %}\n\n"
            "수량이 한정되어 있으니 서둘러 주세요.\n{{ link }}"
        ),
        "sms_text": "[{{ shop_name }}] {{ product }}{% if option %} ({{ option }}){% endif %} 재입고! {{ link }}",
        "alimtalk_template_code": "RESTOCK",
        "alimtalk_body": (
            "신청하신 상품이 재입고되었습니다.\n\n▶ 상품: #{product}\n▶ 옵션: #{option}\n\n"
            "수량이 한정되어 있으니 서둘러 주세요.\n#{link}"
        ),
    },
    {
        "code": "restock.confirm",
        "name": "재입고 알림 신청 확인 (비회원)",
        "email_subject": "[{{ shop_name }}] 재입고 알림 신청을 확인해 주세요",
        "email_body": (
            "{{ product }}{% if option %} ({{ option }}){% endif %}의 재입고 알림을 신청하셨나요?\n\n"
            "아래 링크를 누르면 신청이 완료되고, 재입고 시 한 번 알려 드립니다.\n{{ confirm_link }}\n\n"
            "신청하지 않으셨다면 이 메일을 무시해 주세요. 아무것도 발송되지 않습니다."
        ),
        "sms_text": "",
        "alimtalk_template_code": "",
        "alimtalk_body": "",
    },
    {
        "code": "qna.question_received",
        "name": "상품 문의 접수 (판매자)",
        "email_subject": "[{{ shop_name }}] {{ product }}에 새 문의가 등록되었습니다",
        "email_body": "{{ product }}에 새 상품 문의가 등록되었습니다.\n\n{{ question }}\n\n답변하기: {{ link }}",
        "sms_text": "[{{ shop_name }}] {{ product }}에 새 상품 문의가 있습니다. {{ link }}",
        "alimtalk_template_code": "QNA_RECEIVED",
        "alimtalk_body": "#{product}에 새 상품 문의가 등록되었습니다.\n\n판매자 센터에서 답변해 주세요.\n#{link}",
    },
    {
        "code": "qna.answered",
        "name": "상품 문의 답변",
        "email_subject": "[{{ shop_name }}] 문의하신 {{ product }}에 답변이 등록되었습니다",
        "email_body": "문의하신 내용에 판매자가 답변했습니다.\n\n{{ product }}\n\n{{ answer }}\n\n{{ link }}",
        "sms_text": "[{{ shop_name }}] {{ product }} 문의에 답변이 등록되었습니다. {{ link }}",
        "alimtalk_template_code": "QNA_ANSWERED",
        "alimtalk_body": "문의하신 상품에 답변이 등록되었습니다.\n\n▶ 상품: #{product}\n\n#{link}",
    },
    {
        "code": "marketing.newsletter",
        "name": "광고성 소식 (수신 동의자만)",
        "email_subject": "{{ title }}",
        "email_body": "{{ body }}\n\n{{ link }}",
        "sms_text": "{{ title }} {{ link }}",
        "alimtalk_template_code": "",
        "alimtalk_body": "",
    },
]


BY_CODE = {fields["code"]: fields for fields in DEFAULTS}

# What the admin's preview renders a template with: one value for every variable the
# default templates use.
SAMPLE_CONTEXT: dict[str, Any] = {
    "shop_name": "샘플샵",
    "name": "홍길동",
    "number": "20261204-ABCD1234",
    "lines": [
        {"name": "무지 반팔 티셔츠", "option": "블랙 / L", "quantity": 2},
        {"name": "데님 팬츠", "option": "", "quantity": 1},
    ],
    "total": "59,000원",
    "link": "https://shop.example/my/orders/20261204-ABCD1234/",
    "bank_account": "국민은행 123456-01-234567 (주)샘플샵",
    "is_bank_transfer": True,
    "depositor": "홍길동",
    "deadline": "2026-12-07 23:59",
    "vendor": "샘플상회",
    "carrier": "CJ대한통운",
    "tracking_number": "123456789012",
    "tracking_url": "https://trace.example/123456789012",
    "reason": "고객 요청",
    "expired": False,
    "refund": True,
    "product": "무지 반팔 티셔츠",
    "option": "블랙 / L",
    "question": "사이즈가 정사이즈인가요?",
    "answer": "네, 정사이즈입니다.",
    "title": "12월 한정 할인",
    "body": "이번 주말까지 전 상품 10% 할인!",
    "confirm_link": "https://shop.example/restock/confirm/sample/",
}
