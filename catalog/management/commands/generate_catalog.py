"""Build a synthetic catalog of any size, fast, for benchmarks and load tests.

    manage.py generate_catalog --products 10000 --categories 50 --vendors 3 --variants 3

Every row is written with ``bulk_create`` in one transaction (10,000 products with their
options, variants, categories and images take seconds on PostgreSQL), so it bypasses
the services on purpose: no audit events, no media processing. What it writes is still
what the services would accept: on-sale products of approved vendors with complete
product notices, one option group whose values generate the variants (with 옵션가 and
stock, a few sold out), a two-level category tree, and one image per product whose
renditions were made once by the real pipeline and are shared by every product.

The rows it owns are recognisable by slug (vendors ``gen-vendor-N``, categories
``gen-…``); running it again replaces them, unless ``--keep-if-same`` finds a catalog of
the same shape and seed already there. The same seed gives the same catalog.
"""

from __future__ import annotations

import io
import json
import random
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from catalog.demo import MEDIA_DIR
from catalog.media import processing
from catalog.media.models import MediaKind, MediaStatus, ProductMedia
from catalog.models import Category, OptionGroup, OptionValue, Product, Variant
from catalog.notices import NoticeType, notice_fields
from vendors.models import Vendor
from vendors.validators import business_number_check_digit

VENDOR_PREFIX = "gen-vendor-"
CATEGORY_PREFIX = "gen-"
RENDITIONS_DIR = "catalog/renditions/generated"
BATCH = 2000
# Stored in the first generated vendor's address line so a later run can tell whether
# the catalog in the database is the one asked for (see --keep-if-same).
SIGNATURE_MARK = "generated:"

# Each top-level theme: (name, slug word, children, product nouns, option group, values)
THEMES: list[tuple[str, str, list[str], list[str], str, list[str]]] = [
    (
        "패션",
        "fashion",
        ["상의", "하의", "아우터", "원피스", "니트", "셔츠", "트레이닝", "언더웨어", "잠옷"],
        ["반팔 티셔츠", "린넨 셔츠", "와이드 팬츠", "후드 집업", "니트 가디건", "데님 재킷"],
        "색상",
        ["블랙", "화이트", "네이비", "그레이", "베이지", "카키", "레드", "블루"],
    ),
    (
        "신발·가방",
        "shoes-bags",
        ["운동화", "로퍼", "샌들", "부츠", "백팩", "토트백", "크로스백", "지갑", "파우치"],
        ["러닝화", "캔버스 스니커즈", "가죽 로퍼", "데일리 백팩", "미니 크로스백", "카드지갑"],
        "사이즈",
        ["230", "240", "250", "260", "270", "280", "290", "300"],
    ),
    (
        "뷰티",
        "beauty",
        ["스킨케어", "클렌징", "선케어", "메이크업", "헤어케어", "바디케어", "향수", "네일"],
        ["수분 크림", "약산성 클렌징폼", "톤업 선크림", "쿠션 팩트", "앰플 세럼", "핸드크림"],
        "용량",
        ["30ml", "50ml", "100ml", "150ml", "200ml", "300ml", "500ml", "1L"],
    ),
    (
        "식품",
        "food",
        ["과일", "채소", "정육", "수산", "간편식", "과자", "음료", "커피·차", "건강식품"],
        ["제주 감귤", "유기농 방울토마토", "한우 불고기", "손질 고등어", "누룽지", "콜드브루"],
        "중량",
        ["500g", "1kg", "2kg", "3kg", "5kg", "10kg", "200g", "300g"],
    ),
    (
        "리빙",
        "living",
        ["침구", "커튼", "수납", "주방용품", "욕실용품", "조명", "홈데코", "청소용품", "캠핑"],
        ["호텔 침구 세트", "암막 커튼", "모듈 수납함", "스테인리스 냄비", "무드등", "디퓨저"],
        "색상",
        ["화이트", "아이보리", "그레이", "차콜", "베이지", "민트", "핑크", "네이비"],
    ),
    (
        "디지털",
        "digital",
        ["스마트폰 액세서리", "이어폰", "충전기", "키보드", "마우스", "모니터", "태블릿"],
        ["고속 충전기", "무선 이어폰", "기계식 키보드", "무선 마우스", "보조배터리", "케이블"],
        "색상",
        ["블랙", "화이트", "실버", "스페이스 그레이", "블루", "그린", "퍼플", "레드"],
    ),
    (
        "반려동물",
        "pets",
        ["사료", "간식", "장난감", "하우스", "위생용품", "산책용품", "의류", "급식기"],
        ["그레인프리 사료", "동결건조 간식", "원목 스크래처", "두부 모래", "하네스", "급수기"],
        "사이즈",
        ["XS", "S", "M", "L", "XL", "XXL", "FREE", "3XL"],
    ),
]
BRANDS = ["모노하우스", "데일리룩", "그린팜", "어반랩", "소소공방", "한결", "제주담", "누리"]
ADJECTIVES = ["베이직", "프리미엄", "오가닉", "클래식", "모던", "빈티지", "데일리", "소프트"]
EXTRAS = ["", "", "", " 1+1", " 2개입", " 대용량", " 선물세트", " 한정판"]
EXTRA_PRICES = [0, 0, 0, 1000, 2000, 3000, 5000]


class Command(BaseCommand):
    help = "Build a synthetic catalog of any size with bulk inserts (benchmarks, load tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=10000)
        parser.add_argument("--categories", type=int, default=50, help="top level included")
        parser.add_argument("--vendors", type=int, default=3)
        parser.add_argument("--variants", type=int, default=3, help="per product; 1 = none")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-images", action="store_true", help="products without media")
        parser.add_argument(
            "--keep-if-same",
            action="store_true",
            help="do nothing if a generated catalog of these parameters is already there",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SHOP_SANDBOX:
            raise CommandError("Refusing to generate a synthetic catalog on production settings.")
        params = {
            key: options[key] for key in ("products", "categories", "vendors", "variants", "seed")
        }
        params["images"] = not options["no_images"]
        if min(params["products"], params["categories"], params["vendors"]) < 1:
            raise CommandError("--products, --categories and --vendors must be at least 1.")
        if not 1 <= params["variants"] <= 100:
            raise CommandError("--variants must be between 1 and 100.")
        signature = SIGNATURE_MARK + json.dumps(params, sort_keys=True)
        if options["keep_if_same"] and _current_signature() == signature:
            self.stdout.write(f"generate_catalog: already there ({signature}); nothing to do")
            return
        started = time.perf_counter()
        with transaction.atomic():
            counts = Generator(params, signature).run()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics, so the planner sees the rows
                # The vendor table too: with a handful of rows it never reaches
                # autovacuum's threshold, and unanalysed it makes the planner scan every
                # product for a category page (15 ms instead of 1 ms on 10,000 products).
                for model in (Product, Variant, OptionValue, ProductMedia, Category, Vendor):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
                cursor.execute(f"ANALYZE {Product.categories.through._meta.db_table}")
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(
            f"generate_catalog: {summary} in {time.perf_counter() - started:.1f} s (seed {params['seed']})"
        )


def _current_signature() -> str | None:
    first = Vendor.objects.filter(slug=f"{VENDOR_PREFIX}1").values_list("address", flat=True)
    address = first.first()
    return address if address and address.startswith(SIGNATURE_MARK) else None


class Generator:
    """Deletes the previous generated catalog and writes a new one with bulk inserts."""

    def __init__(self, params: dict[str, Any], signature: str) -> None:
        self.params = params
        self.signature = signature
        self.random = random.Random(params["seed"])  # noqa: S311 (repeatable test data)
        self.now = timezone.now()
        self.themes: list[int] = []  # the theme of each product, in product order

    def run(self) -> dict[str, int]:
        self.delete_previous()
        vendors = self.vendors()
        leaves = self.categories()
        products = self.products(vendors, leaves)
        variants = self.options_and_variants(products)
        media = self.media(products) if self.params["images"] else 0
        return {
            "vendors": len(vendors),
            "categories": self.params["categories"],
            "products": len(products),
            "variants": variants,
            "media": media,
        }

    def delete_previous(self) -> None:
        products = Product.all_objects.filter(vendor__slug__startswith=VENDOR_PREFIX)
        ProductMedia.objects.filter(product__in=products).delete()
        Variant.objects.filter(product__in=products).delete()
        OptionGroup.objects.filter(product__in=products).delete()
        Product.categories.through.objects.filter(product__in=products).delete()
        products.delete()
        generated = Category.objects.filter(slug__startswith=CATEGORY_PREFIX)
        generated.filter(parent__isnull=False).delete()  # children first: parent is PROTECT
        generated.delete()

    def vendors(self) -> list[Vendor]:
        vendors = []
        for number in range(1, self.params["vendors"] + 1):
            first_nine = f"9{number:05d}{self.params['seed'] % 1000:03d}"
            brn = first_nine + str(business_number_check_digit(first_nine))
            vendor, _created = Vendor.objects.update_or_create(
                slug=f"{VENDOR_PREFIX}{number}",
                defaults={
                    "name": f"생성 판매자 {number}",
                    "business_registration_number": brn,
                    "representative_name": "홍길동",
                    "contact_email": f"gen-vendor-{number}@example.com",
                    "contact_phone": "02-0000-0000",
                    "address": self.signature if number == 1 else "서울특별시 중구 세종대로 110",
                    "status": Vendor.Status.APPROVED,
                },
            )
            vendors.append(vendor)
        return vendors

    def categories(self) -> list[tuple[Category, int]]:
        """Create the two-level tree; return the leaves with their theme index."""
        total = self.params["categories"]
        root_count = max(1, min(total, round(total / 10), len(THEMES))) if total > 1 else 1
        roots = Category.objects.bulk_create(
            [
                Category(
                    name=THEMES[index][0],
                    slug=f"{CATEGORY_PREFIX}{THEMES[index][1]}",
                    position=index,
                    seo_title=THEMES[index][0],
                )
                for index in range(root_count)
            ]
        )
        roots = _with_ids(roots, Category.objects.filter(slug__startswith=CATEGORY_PREFIX))
        children = []
        for number in range(total - root_count):
            theme = number % root_count
            names = THEMES[theme][2]
            name = names[(number // root_count) % len(names)]
            round_ = number // (root_count * len(names))
            children.append(
                Category(
                    parent=roots[theme],
                    name=f"{name} {round_ + 1}" if round_ else name,
                    slug=f"{CATEGORY_PREFIX}{THEMES[theme][1]}-{number + 1}",
                    position=number,
                )
            )
        Category.objects.bulk_create(children, batch_size=BATCH)
        leaves = list(
            Category.objects.filter(slug__startswith=CATEGORY_PREFIX, parent__isnull=False)
        )
        themes = {root.pk: index for index, root in enumerate(roots)}
        if not leaves:  # one category only: it is its own leaf
            return [(roots[0], 0)]
        return [(leaf, themes[leaf.parent_id]) for leaf in sorted(leaves, key=lambda c: c.pk)]

    def products(self, vendors: list[Vendor], leaves: list[tuple[Category, int]]) -> list[Product]:
        rnd = self.random
        notice = dict.fromkeys(notice_fields(NoticeType.ETC), "상세페이지 참조")
        rows, links = [], []
        for index in range(self.params["products"]):
            leaf, theme = leaves[index % len(leaves)]
            noun = rnd.choice(THEMES[theme][3])
            name = f"{rnd.choice(BRANDS)} {rnd.choice(ADJECTIVES)} {noun}{rnd.choice(EXTRAS)}"
            rows.append(
                Product(
                    vendor=vendors[index % len(vendors)],
                    name=name,
                    slug=f"g{index + 1}",
                    summary=f"{noun} · {leaf.name}",
                    description=f"<p>{name}입니다. 매일 쓰기 좋은 {noun}.</p>",
                    brand=name.split(" ", 1)[0],
                    status=Product.Status.ON_SALE,
                    price=Decimal(rnd.randint(5, 200) * 1000 - rnd.choice([0, 100, 500])),
                    weight_grams=rnd.randint(100, 5000),
                    notice_type=NoticeType.ETC,
                    notice=notice,
                    sales_count=min(int(rnd.paretovariate(1.2) * 10) - 10, 100_000),  # long tail
                    created_at=self.now - timedelta(minutes=index * 7 + rnd.randint(0, 6)),
                )
            )
        products = Product.objects.bulk_create(rows, batch_size=BATCH)
        products = _with_ids(
            products, Product.objects.filter(vendor__slug__startswith=VENDOR_PREFIX)
        )
        for index, product in enumerate(products):
            leaf, _theme = leaves[index % len(leaves)]
            links.append((product.pk, leaf.pk))
            if rnd.random() < 0.1 and len(leaves) > 1:  # some products sit in two categories
                other = leaves[rnd.randrange(len(leaves))][0]
                if other.pk != leaf.pk:
                    links.append((product.pk, other.pk))
        through = Product.categories.through
        through.objects.bulk_create(
            [through(product_id=pid, category_id=cid) for pid, cid in links], batch_size=BATCH
        )
        self.themes = [leaves[index % len(leaves)][1] for index in range(len(products))]
        return products

    def options_and_variants(self, products: list[Product]) -> int:
        count = self.params["variants"]
        if count == 1:  # no options: each product sells as one variant
            Variant.objects.bulk_create(
                [
                    Variant(product=p, option_key="", sku=f"G{p.pk}", stock=self._stock())
                    for p in products
                ],
                batch_size=BATCH,
            )
            return len(products)
        groups = OptionGroup.objects.bulk_create(
            [
                OptionGroup(product=p, name=THEMES[t][4])
                for p, t in zip(products, self.themes, strict=True)
            ],
            batch_size=BATCH,
        )
        groups = _with_ids(groups, OptionGroup.objects.filter(product__in=products))
        values = []
        for group, theme in zip(groups, self.themes, strict=True):
            names = THEMES[theme][5]
            for position in range(count):
                label = names[position] if position < len(names) else f"옵션 {position + 1}"
                values.append(OptionValue(group=group, value=label, position=position))
        values = OptionValue.objects.bulk_create(values, batch_size=BATCH)
        values = _with_ids(values, OptionValue.objects.filter(group__in=groups))
        variants = []
        for index, product in enumerate(products):
            for position in range(count):
                value = values[index * count + position]
                variants.append(
                    Variant(
                        product=product,
                        option_key=str(value.pk),
                        label=value.value,
                        sku=f"G{product.pk}-{position + 1}",
                        extra_price=Decimal(self.random.choice(EXTRA_PRICES) if position else 0),
                        stock=self._stock(),
                        position=position,
                    )
                )
        variants = Variant.objects.bulk_create(variants, batch_size=BATCH)
        variants = _with_ids(variants, Variant.objects.filter(product__in=products))
        through = Variant.option_values.through
        through.objects.bulk_create(
            [
                through(variant_id=variant.pk, optionvalue_id=int(variant.option_key))
                for variant in variants
            ],
            batch_size=BATCH,
        )
        return len(variants)

    def _stock(self) -> int:
        return 0 if self.random.random() < 0.05 else self.random.randint(1, 100)

    def media(self, products: list[Product]) -> int:
        """Give every product one ready image, sharing renditions rendered once per photo."""
        photos = sorted(MEDIA_DIR.glob("*.jpg"))
        prepared = [_render_once(photo.name, photo.read_bytes()) for photo in photos]
        rows = []
        for index, product in enumerate(products):
            original, result = prepared[index % len(prepared)]
            rows.append(
                ProductMedia(
                    product=product,
                    kind=MediaKind.IMAGE,
                    original=original,
                    original_name=original.rsplit("/", 1)[-1],
                    status=MediaStatus.READY,
                    attempts=1,
                    alt_text=product.name,
                    **result,
                    processed_at=self.now,
                )
            )
        ProductMedia.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)


def _render_once(name: str, data: bytes) -> tuple[str, dict[str, Any]]:
    """Store one photo and its renditions under a fixed path (reused on the next run)."""
    stem = name.rsplit(".", 1)[0]
    original = f"{RENDITIONS_DIR}/{stem}/original.jpg"
    result = processing.make_image_renditions(io.BytesIO(data))
    renditions: dict[str, dict[str, str]] = {}
    for item in result.renditions:
        extension = "jpg" if item.format == "jpeg" else item.format
        path = f"{RENDITIONS_DIR}/{stem}/{item.width}.{extension}"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(item.data))
        renditions.setdefault(item.format, {})[str(item.width)] = path
    if not default_storage.exists(original):
        original = default_storage.save(original, ContentFile(data))
    return original, {"renditions": renditions, "width": result.width, "height": result.height}


def _with_ids(created: list[Any], query: Any) -> list[Any]:
    """Return ``created`` with primary keys: read back in insert order where the database
    does not return them from a bulk insert (the rows are ours alone, in one transaction)."""
    if all(obj.pk is not None for obj in created):
        return created
    fetched = list(query.order_by("pk"))
    if len(fetched) != len(created):
        raise CommandError("Could not read back the generated rows.")
    return fetched
