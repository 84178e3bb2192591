"""상품정보제공고시: the product information notice the 전자상거래법 requires, per product type.

The Fair Trade Commission's notice (「전자상거래 등에서의 상품 등의 정보제공에 관한 고시」)
lists, for each product type, the items a seller must show. Each type here keeps the
official items as stable field keys with English labels; ``catalog.services`` checks a
product's ``notice`` JSON against its type's keys, so a missing or unknown item is a
field error instead of a page that breaks the law quietly.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeType(models.TextChoices):
    CLOTHING = "clothing", _("Clothing")
    SHOES = "shoes", _("Shoes")
    BAGS = "bags", _("Bags")
    FASHION_ACCESSORIES = "fashion_accessories", _("Fashion accessories")
    COSMETICS = "cosmetics", _("Cosmetics")
    PROCESSED_FOOD = "processed_food", _("Processed food")
    HEALTH_FOOD = "health_food", _("Health functional food")
    HOME_APPLIANCES = "home_appliances", _("Home appliances")
    MOBILE_PHONES = "mobile_phones", _("Mobile phones")
    ETC = "etc", _("Other goods")


# Items common to the end of almost every type: who answers questions, quality guarantee.
_SERVICE = {
    "quality_guarantee": _("Quality guarantee standard"),
    "as_contact": _("A/S contact and phone number"),
}

NOTICE_FIELDS: dict[str, dict[str, str]] = {
    NoticeType.CLOTHING: {
        "material": _("Material (fibre composition)"),
        "color": _("Color"),
        "size": _("Size"),
        "manufacturer": _("Manufacturer or importer"),
        "country_of_origin": _("Country of manufacture"),
        "care_instructions": _("Washing and care instructions"),
        "manufactured_on": _("Month and year of manufacture"),
        **_SERVICE,
    },
    NoticeType.SHOES: {
        "material": _("Main material"),
        "color": _("Color"),
        "size": _("Size (foot length, heel height)"),
        "manufacturer": _("Manufacturer or importer"),
        "country_of_origin": _("Country of manufacture"),
        "care_instructions": _("Care instructions"),
        **_SERVICE,
    },
    NoticeType.BAGS: {
        "kind": _("Kind"),
        "material": _("Material"),
        "color": _("Color"),
        "size": _("Size"),
        "manufacturer": _("Manufacturer or importer"),
        "country_of_origin": _("Country of manufacture"),
        "care_instructions": _("Care instructions"),
        **_SERVICE,
    },
    NoticeType.FASHION_ACCESSORIES: {
        "kind": _("Kind"),
        "material": _("Material"),
        "size": _("Size"),
        "manufacturer": _("Manufacturer or importer"),
        "country_of_origin": _("Country of manufacture"),
        "care_instructions": _("Care instructions"),
        **_SERVICE,
    },
    NoticeType.COSMETICS: {
        "volume": _("Capacity or weight"),
        "skin_type": _("Main specification (suitable skin type)"),
        "expiry": _("Expiry date or period after opening"),
        "usage": _("How to use"),
        "manufacturer": _("Manufacturer and responsible distributor"),
        "country_of_origin": _("Country of manufacture"),
        "ingredients": _("All ingredients"),
        "functional_review": _("Functional cosmetics review (if any)"),
        "precautions": _("Precautions for use"),
        **_SERVICE,
    },
    NoticeType.PROCESSED_FOOD: {
        "food_type": _("Food type"),
        "producer": _("Producer and location"),
        "manufactured_on": _("Date of manufacture and best before"),
        "volume": _("Capacity, quantity per package"),
        "ingredients": _("Ingredients and content"),
        "nutrition": _("Nutrition facts"),
        "gmo": _("Genetically modified food (yes/no)"),
        "import_declaration": _("Import declaration statement (imported food)"),
        "consumer_contact": _("Consumer consultation phone number"),
    },
    NoticeType.HEALTH_FOOD: {
        "food_type": _("Food type"),
        "producer": _("Producer and location"),
        "manufactured_on": _("Date of manufacture and best before"),
        "volume": _("Capacity, quantity per package"),
        "ingredients": _("Ingredients and content"),
        "nutrition": _("Nutrition and functional information"),
        "function": _("Functional information"),
        "intake": _("Intake amount, method and precautions"),
        "not_medicine": _("Statement that it is not a medicine"),
        "gmo": _("Genetically modified food (yes/no)"),
        "import_declaration": _("Import declaration statement (imported food)"),
        "consumer_contact": _("Consumer consultation phone number"),
    },
    NoticeType.HOME_APPLIANCES: {
        "model_name": _("Product name and model name"),
        "certification": _("KC certification (safety, EMC)"),
        "power": _("Rated voltage and power consumption"),
        "energy_rating": _("Energy efficiency rating"),
        "released_on": _("Month and year of release"),
        "manufacturer": _("Manufacturer or importer"),
        "country_of_origin": _("Country of manufacture"),
        "size": _("Size"),
        **_SERVICE,
    },
    NoticeType.MOBILE_PHONES: {
        "model_name": _("Product name and model name"),
        "certification": _("KC certification (radio equipment)"),
        "released_on": _("Month and year of release"),
        "manufacturer": _("Manufacturer or importer"),
        "country_of_origin": _("Country of manufacture"),
        "size_weight": _("Size and weight"),
        "carrier_terms": _("Carrier and subscription terms"),
        "specifications": _("Main specifications"),
        **_SERVICE,
    },
    NoticeType.ETC: {
        "model_name": _("Product name and model name"),
        "certification": _("Certification required by law (if any)"),
        "country_of_origin": _("Country of manufacture"),
        "manufacturer": _("Manufacturer or importer"),
        **_SERVICE,
    },
}


def notice_fields(notice_type: str) -> dict[str, str]:
    """Return the required items (key: label) of ``notice_type``; unknown types have none."""
    return NOTICE_FIELDS.get(notice_type, {})
