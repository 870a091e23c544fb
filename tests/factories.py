"""factory_boy factories. Claims are made through the service so selectors are always right."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations.models import Article

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    text = (
        "The mayor said the bridge cost 56 million euros. Critics said it cost 58 million.\n\n"
        "Work began in 2019 and ended in 2023, two years late."
    )
