"""factory_boy factories for every registry model; other apps add theirs beside these."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from cadres.models import Cadre, DispatchingUnit, Posting
from core import idcard
from core.models import StaffProfile
from villages.models import County, Township, Village, VillageTag

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕红梅玉兰文斌鹏飞晓东丹宇浩然子涵欣怡"


def chinese_name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + ("" if n % 3 else GIVEN[(n * 13 + 5) % len(GIVEN)])


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{150500 + n % 99 + 1:06d}"[:6])
    name = factory.Sequence(lambda n: f"测试{n}县")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.county.code}{100 + n % 900:03d}")
    name = factory.Sequence(lambda n: f"第{n}镇")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        skip_postgeneration_save = True

    township = factory.SubFactory(TownshipFactory)
    # 300–999: never the x201 codes the world fixture gives its villages, however long the session.
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.township.code}{300 + n % 700:03d}")
    name = factory.Sequence(lambda n: f"{chinese_name(n)[0]}家{n}村")

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.tags.add(VillageTag.objects.get_or_create(name=name)[0])


class DispatchingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchingUnit

    county = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"县第{n}局")
    level = DispatchingUnit.Level.COUNTY


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    id_number = factory.Sequence(
        lambda n: idcard.make("150523", dt.date(1975 + n % 25, 1 + n % 12, 1 + n % 28), n % 1000, n % 2 == 0)
    )
    name = factory.Sequence(chinese_name)
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    education = Cadre.Education.BACHELOR
    identity = Cadre.Identity.CIVIL_SERVANT
    rank = Cadre.Rank.STAFF
    home_unit = None


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    cadre = factory.SubFactory(CadreFactory)
    village = factory.SubFactory(VillageFactory)
    unit = factory.LazyAttribute(lambda o: DispatchingUnitFactory(county=o.village.township.county))
    role = Posting.Role.TEAM_MEMBER
    start_date = dt.date(2026, 1, 1)
    planned_end_date = dt.date(2027, 12, 31)
    status = Posting.Status.ACTIVE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-Zhucun-2026")


def org_user(*counties, username=None):
    user = UserFactory(username=username or f"org{County.objects.count()}{get_user_model().objects.count()}")
    profile = StaffProfile.objects.create(user=user, role=StaffProfile.Role.ORG)
    profile.counties.set(counties)
    return user


def township_user(township, username=None):
    user = UserFactory(username=username or f"tw{township.code}{get_user_model().objects.count()}")
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.TOWNSHIP, township=township)
    return user
