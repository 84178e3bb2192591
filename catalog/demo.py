"""Demo data of the catalog: a category tree and five products of four vendors, with real photos.

Called by the ``demo`` management command after ``vendors.demo``. Everything goes
through the catalog services, so the demo rows have audit events like any other, and
the photos and the clip go through the real media pipeline (renditions, transcode,
poster): with the embedded defaults Celery runs in-process, so they are ready when
``make run`` starts the server; with ``REDIS_URL`` a worker makes them.

Running it again changes nothing: categories are found by slug, products by vendor and
slug, and a product that already has media gets none added. A new product gets its
vendor's default shipping policy when the shipping demo has already made it (shipping
must load before the catalog in ``INSTALLED_APPS``); an existing product is left alone,
so a policy a merchant picked or removed stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.core.files import File

from catalog import services
from catalog.media import services as media_services
from catalog.models import AddOn, Category, Product, TextOption
from catalog.notices import NoticeType
from shop.audit import Actor, acting_as
from vendors.models import Vendor

MEDIA_DIR = Path(__file__).resolve().parent / "demo_media"
KRW = Decimal

# (slug, name, parent slug, SEO description); parents come before their children.
DEMO_CATEGORIES: list[tuple[str, str, str | None, str]] = [
    ("fashion", "패션", None, "티셔츠, 상의 등 매일 입는 옷"),
    ("fashion-tops", "상의", "fashion", "그래픽 티셔츠와 맨투맨"),
    ("food", "식품", None, "산지에서 바로 보내는 먹거리"),
    ("food-coffee", "커피·차", "food", "갓 볶은 원두와 드립백"),
    ("living", "리빙", None, "집을 꾸미는 소품과 반려동물 용품"),
    ("living-posters", "포스터·액자", "living", "우주와 과학을 담은 아트 포스터"),
    ("living-pets", "반려동물", "living", "반려묘와 반려견을 위한 용품"),
    ("hobby", "취미", None, "퍼즐, 만들기 등 혼자 또는 함께 즐기는 취미"),
    ("hobby-puzzles", "퍼즐", "hobby", "직소퍼즐과 입체 퍼즐"),
]


@dataclass(frozen=True)
class DemoProduct:
    """One demo product and everything it sells with: options, stock, add-ons, media."""

    vendor: str
    slug: str
    name: str
    price: Decimal
    categories: list[str]
    notice_type: str
    notice: dict[str, str]
    summary: str = ""
    description: str = ""
    brand: str = ""
    weight_grams: int | None = None
    options: list[tuple[str, list[str]]] = field(default_factory=list)
    extra_prices: dict[str, Decimal] = field(default_factory=dict)  # option value -> 옵션가
    stock: int = 20
    sold_out: list[str] = field(default_factory=list)  # variant labels with no stock left
    addons: list[tuple[str, Decimal, int]] = field(default_factory=list)
    text_options: list[tuple[str, int, bool]] = field(default_factory=list)
    media: list[tuple[str, str]] = field(default_factory=list)  # (file in demo_media, alt text)


AS_CONTACT = {"quality_guarantee": "관련 법 및 소비자분쟁해결기준에 따름"}

DEMO_PRODUCTS: list[DemoProduct] = [
    DemoProduct(
        vendor="seoul-market",
        slug="astronaut-graphic-tee",
        name="우주비행사 그래픽 반팔 티셔츠",
        brand="서울마켓",
        price=KRW(29000),
        categories=["fashion-tops"],
        summary="NASA 우주비행사 사진을 프린트한 20수 코튼 반팔 티셔츠",
        description=(
            "<p>부드러운 20수 코튼에 우주비행사 아일린 콜린스의 공식 사진을 프린트했습니다.</p>"
            "<ul><li>면 100%</li><li>세미 오버핏</li><li>찬물 단독 손세탁 권장</li></ul>"
            "<p><small>사진: NASA (퍼블릭 도메인)</small></p>"
        ),
        weight_grams=250,
        notice_type=NoticeType.CLOTHING,
        notice={
            "material": "면 100%",
            "color": "화이트, 블랙, 네이비",
            "size": "S, M, L, XL (상세 사이즈표 참조)",
            "manufacturer": "서울마켓 / (주)서울봉제",
            "country_of_origin": "대한민국",
            "care_instructions": "찬물 단독 손세탁, 건조기 사용 금지",
            "manufactured_on": "2025년 3월",
            "as_contact": "서울마켓 고객센터 02-1234-5678",
            **AS_CONTACT,
        },
        options=[("색상", ["화이트", "블랙", "네이비"]), ("사이즈", ["S", "M", "L", "XL"])],
        extra_prices={"XL": KRW(2000)},
        stock=15,
        sold_out=["네이비 / XL"],
        addons=[("선물 포장", KRW(2000), 100)],
        media=[("astronaut.jpg", "우주비행사 그래픽이 프린트된 티셔츠 이미지")],
    ),
    DemoProduct(
        vendor="global-goods",
        slug="falcon9-launch-poster",
        name="팰컨 9 발사 아트 포스터",
        brand="글로벌굿즈",
        price=KRW(19000),
        categories=["living-posters"],
        summary="DSCOVR 위성을 싣고 발사되는 팰컨 9 로켓 사진 포스터, 액자 선택 가능",
        description=(
            "<p>케이프커내버럴에서 발사되는 팰컨 9 로켓의 순간을 무광 아트지에 담았습니다.</p>"
            "<p>액자를 고르면 명판에 원하는 문구를 새겨 드립니다 (최대 20자).</p>"
            "<p><small>사진: SpaceX (퍼블릭 도메인)</small></p>"
        ),
        weight_grams=900,
        notice_type=NoticeType.ETC,
        notice={
            "model_name": "팰컨 9 발사 아트 포스터 / GG-PO-009",
            "certification": "해당 없음",
            "country_of_origin": "대한민국",
            "manufacturer": "글로벌굿즈",
            "as_contact": "글로벌굿즈 고객센터 070-1234-5678",
            **AS_CONTACT,
        },
        options=[
            ("사이즈", ["A3", "A2", "A1"]),
            ("프레임", ["프레임 없음", "블랙 알루미늄", "원목"]),
        ],
        extra_prices={
            "A2": KRW(8000),
            "A1": KRW(18000),
            "블랙 알루미늄": KRW(15000),
            "원목": KRW(19000),
        },
        stock=8,
        addons=[("무타공 벽걸이 고리", KRW(2500), 200)],
        text_options=[("액자 명판 각인 문구", 20, False)],
        media=[("rocket.jpg", "발사대를 떠나는 팰컨 9 로켓")],
    ),
    DemoProduct(
        vendor="global-goods",
        slug="hubble-deep-field-puzzle",
        name="허블 딥필드 1000피스 직소퍼즐",
        brand="글로벌굿즈",
        price=KRW(32000),
        categories=["hobby-puzzles", "living-posters"],
        summary="허블 우주망원경이 찍은 수천 개의 은하, 완성하면 그대로 액자로",
        description=(
            "<p>허블 익스트림 딥필드 사진으로 만든 1000피스 퍼즐입니다. 완성 크기 50 x 75cm.</p>"
            "<p><small>사진: NASA/ESA (퍼블릭 도메인)</small></p>"
        ),
        weight_grams=700,
        notice_type=NoticeType.ETC,
        notice={
            "model_name": "허블 딥필드 직소퍼즐 1000 / GG-PZ-1000",
            "certification": "어린이제품 안전확인 (KC) 대상 아님: 14세 이상",
            "country_of_origin": "대한민국",
            "manufacturer": "글로벌굿즈",
            "as_contact": "글로벌굿즈 고객센터 070-1234-5678",
            **AS_CONTACT,
        },
        stock=30,
        media=[
            ("hubble.jpg", "허블 딥필드: 검은 우주에 흩어진 수천 개의 은하"),
            ("hubble-pan.mp4", "허블 딥필드 사진을 천천히 훑는 영상"),
        ],
    ),
    DemoProduct(
        vendor="jeju-farm",
        slug="jeju-blend-coffee-beans",
        name="제주 블렌드 원두 커피",
        brand="제주농장",
        price=KRW(14000),
        categories=["food-coffee"],
        summary="주문 후 로스팅해 보내는 고소한 블렌드 원두",
        description=(
            "<p>브라질과 에티오피아 원두를 제주에서 주문 즉시 로스팅합니다.</p>"
            "<p>견과류의 고소함과 은은한 산미, 핸드드립과 에스프레소 모두 잘 어울립니다.</p>"
            "<p><small>사진: Rachel Michetti, Pikolo Espresso Bar (CC0)</small></p>"
        ),
        weight_grams=250,
        notice_type=NoticeType.PROCESSED_FOOD,
        notice={
            "food_type": "커피 (볶은 커피)",
            "producer": "제주농장 / 제주특별자치도 제주시 구좌읍",
            "manufactured_on": "로스팅일로부터 6개월 (포장에 별도 표기)",
            "volume": "200g 또는 500g, 1봉",
            "ingredients": "커피원두 100% (브라질 60%, 에티오피아 40%)",
            "nutrition": "해당 없음",
            "gmo": "해당 없음",
            "import_declaration": "식품위생법에 따른 수입신고를 필함",
            "consumer_contact": "제주농장 064-123-4567",
        },
        options=[("분쇄", ["홀빈", "핸드드립용", "에스프레소용"]), ("용량", ["200g", "500g"])],
        extra_prices={"500g": KRW(12000)},
        stock=40,
        addons=[("드립백 10개입", KRW(9900), 50), ("종이 필터 100매", KRW(3000), 80)],
        media=[("coffee.jpg", "나무 테이블 위의 라떼 한 잔")],
    ),
    DemoProduct(
        vendor="shop-operator",
        slug="cat-scratcher-house",
        name="원목 고양이 스크래처 하우스",
        brand="우리샵",
        price=KRW(45000),
        categories=["living-pets"],
        summary="숨숨집과 스크래처를 하나로, 골판지 패드 교체형",
        description=(
            "<p>고무나무 원목 프레임에 교체형 골판지 스크래처를 넣었습니다.</p>"
            "<p><small>사진: Stefan van der Walt (CC0)</small></p>"
        ),
        weight_grams=3200,
        notice_type=NoticeType.ETC,
        notice={
            "model_name": "원목 스크래처 하우스 / WS-CAT-01",
            "certification": "해당 없음",
            "country_of_origin": "베트남",
            "manufacturer": "우리샵 (수입)",
            "as_contact": "우리샵 고객센터 1588-0000",
            **AS_CONTACT,
        },
        options=[("색상", ["내추럴", "월넛"])],
        extra_prices={"월넛": KRW(5000)},
        stock=12,
        addons=[("교체용 골판지 패드 2매", KRW(6000), 60)],
        media=[("chelsea.jpg", "스크래처 옆에서 쉬는 고양이")],
    ),
]


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    """Create the demo categories and products unless they exist; there are no logins."""
    with acting_as(Actor.system("demo")):
        categories = _ensure_categories()
        created = media = 0
        for spec in DEMO_PRODUCTS:
            vendor = Vendor.objects.filter(slug=spec.vendor).first()
            if vendor is None:
                stdout.write(f"catalog: no vendor {spec.vendor}; load vendors' demo first\n")
                continue
            product = Product.all_objects.filter(vendor=vendor, slug=spec.slug).first()
            if product is None:
                product = _create_product(spec, vendor, categories)
                created += 1
            if not product.media.exists():
                media += _add_media(product, spec)
    stdout.write(
        f"catalog: {len(categories)} categories, {created} products created, "
        f"{media} media files queued for processing\n"
    )
    return []


def _ensure_categories() -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for position, (slug, name, parent, seo_description) in enumerate(DEMO_CATEGORIES):
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": categories[parent] if parent else None,
                "position": position,
                "seo_title": name,
                "seo_description": seo_description,
            },
        )
    return categories


def _default_policy_id(vendor_id: int) -> int | None:
    """Return the vendor's default shipping policy, read through the product's foreign key
    (catalog never imports shipping); None until the shipping demo made one."""
    policies = Product._meta.get_field("shipping_policy").related_model.objects
    return (
        policies.filter(vendor_id=vendor_id)
        .order_by("-is_default", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _create_product(spec: DemoProduct, vendor: Vendor, categories: dict[str, Category]) -> Product:
    product = services.create_product(
        vendor_id=vendor.pk,
        categories=[categories[slug].pk for slug in spec.categories],
        name=spec.name,
        slug=spec.slug,
        summary=spec.summary,
        description=spec.description,
        brand=spec.brand,
        status=Product.Status.ON_SALE,
        price=spec.price,
        weight_grams=spec.weight_grams,
        notice_type=spec.notice_type,
        notice=spec.notice,
        shipping_policy_id=_default_policy_id(vendor.pk),
    )
    if spec.options:
        services.set_options(
            product_id=product.pk,
            groups=[{"name": name, "values": values} for name, values in spec.options],
        )
    services.generate_variants(product_id=product.pk, stock=spec.stock)
    rows = [
        _grid_row(variant, spec) for variant in product.variants.prefetch_related("option_values")
    ]
    services.update_variant_grid(product_id=product.pk, rows=rows)
    # No service creates add-ons or text options: the admin inlines save them as plain rows.
    for position, (name, price, stock) in enumerate(spec.addons):
        AddOn.objects.create(
            product=product, name=name, price=price, stock=stock, position=position
        )
    for position, (label, max_length, required) in enumerate(spec.text_options):
        TextOption.objects.create(
            product=product,
            label=label,
            max_length=max_length,
            is_required=required,
            position=position,
        )
    return product


def _grid_row(variant: Any, spec: DemoProduct) -> dict[str, Any]:
    """Return the variant grid row giving a variant its 옵션가, stock and SKU."""
    values = [value.value for value in variant.option_values.all()]
    return {
        "variant_id": variant.pk,
        "extra_price": sum((spec.extra_prices.get(value, KRW(0)) for value in values), KRW(0)),
        "stock": 0 if variant.label in spec.sold_out else spec.stock,
        "sku": f"{spec.slug[:40].upper()}-{variant.position + 1:02d}",
    }


def _add_media(product: Product, spec: DemoProduct) -> int:
    for filename, alt_text in spec.media:
        with (MEDIA_DIR / filename).open("rb") as handle:
            media_services.add_media(
                product_id=product.pk, file=File(handle, name=filename), alt_text=alt_text
            )
    return len(spec.media)
