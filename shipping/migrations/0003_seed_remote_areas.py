"""Seed the remote-area table with Jeju and the island postcode ranges Korean shops use.

Source: the 5-digit (2015) postcode ranges of Jeju (63000–63644, 제주특별자치도) and of
the island areas (도서 지역) that Korean shop builders publish for 도서산간 추가배송비
(e.g. imweb's FAQ "도서산간 지역 우편번호", the same ranges carriers such as CJ대한통운
surcharge). Operators edit the table in the admin; this only gives a shop a sane start.
"""

from django.db import migrations

JEJU = "jeju"
ISLAND = "island"

# (name, kind, from, to)
RANGES = [
    ("인천 중구 섬지역", ISLAND, "22386", "22388"),
    ("인천 강화군 섬지역", ISLAND, "23004", "23010"),
    ("인천 옹진군 섬지역", ISLAND, "23100", "23116"),
    ("인천 옹진군 섬지역", ISLAND, "23124", "23136"),
    ("충남 당진시 섬지역", ISLAND, "31708", "31708"),
    ("충남 태안군 섬지역", ISLAND, "32133", "32133"),
    ("충남 보령시 섬지역", ISLAND, "33411", "33411"),
    ("경북 울릉군", ISLAND, "40200", "40240"),
    ("부산 강서구 섬지역", ISLAND, "46768", "46771"),
    ("경남 사천시 섬지역", ISLAND, "52570", "52571"),
    ("경남 통영시 섬지역", ISLAND, "53031", "53033"),
    ("경남 통영시 섬지역", ISLAND, "53089", "53104"),
    ("전북 군산시 섬지역", ISLAND, "54000", "54000"),
    ("전북 부안군 섬지역", ISLAND, "56347", "56349"),
    ("전남 영광군 섬지역", ISLAND, "57068", "57069"),
    ("전남 목포시 섬지역", ISLAND, "58760", "58762"),
    ("전남 신안군 섬지역", ISLAND, "58800", "58810"),
    ("전남 신안군 섬지역", ISLAND, "58816", "58818"),
    ("전남 신안군 섬지역", ISLAND, "58826", "58826"),
    ("전남 신안군 섬지역", ISLAND, "58828", "58866"),
    ("전남 진도군 섬지역", ISLAND, "58953", "58958"),
    ("전남 완도군 섬지역", ISLAND, "59102", "59103"),
    ("전남 완도군 섬지역", ISLAND, "59106", "59106"),
    ("전남 완도군 섬지역", ISLAND, "59127", "59127"),
    ("전남 완도군 섬지역", ISLAND, "59129", "59129"),
    ("전남 완도군 섬지역", ISLAND, "59137", "59166"),
    ("전남 보성군 섬지역", ISLAND, "59421", "59421"),
    ("전남 고흥군 섬지역", ISLAND, "59531", "59531"),
    ("전남 고흥군 섬지역", ISLAND, "59551", "59551"),
    ("전남 고흥군 섬지역", ISLAND, "59563", "59563"),
    ("전남 고흥군 섬지역", ISLAND, "59568", "59568"),
    ("전남 여수시 섬지역", ISLAND, "59650", "59650"),
    ("전남 여수시 섬지역", ISLAND, "59766", "59766"),
    ("전남 여수시 섬지역", ISLAND, "59781", "59790"),
    ("제주특별자치도", JEJU, "63000", "63644"),
]


# The database being migrated, not the default one: a second database (the read
# replica's test database) is migrated too, and must not seed the first twice.
def seed(apps, schema_editor):
    RemoteArea = apps.get_model("shipping", "RemoteArea")
    RemoteArea.objects.using(schema_editor.connection.alias).bulk_create(
        RemoteArea(name=name, kind=kind, postcode_from=start, postcode_to=end)
        for name, kind, start, end in RANGES
    )


def unseed(apps, schema_editor):
    RemoteArea = apps.get_model("shipping", "RemoteArea")
    for name, kind, start, end in RANGES:
        RemoteArea.objects.using(schema_editor.connection.alias).filter(
            name=name, kind=kind, postcode_from=start, postcode_to=end
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("shipping", "0002_remotearea_no_overlap")]

    operations = [migrations.RunPython(seed, unseed)]
