import pytest

from tests.factories import UserFactory
from tests.verification.webhooks.receiver import Receiver
from verification.webhooks import services
from verification.webhooks.models import SUBSCRIBABLE_EVENTS


@pytest.fixture
def desk_admin(roles):
    from verification.demo.loader import DESK_ADMIN, desk_admin_ensure

    desk_admin_ensure()
    return UserFactory(username="dora", groups=[DESK_ADMIN])


@pytest.fixture
def receiver(settings):
    """A receiver on loopback, reachable because the allow-list names exactly its host:port."""
    with Receiver() as running:
        settings.FACTDESK_WEBHOOK_ALLOWED_HOSTS = [running.host_port]
        settings.FACTDESK_WEBHOOK_TIMEOUT_SECONDS = 5.0
        yield running


@pytest.fixture
def subscription(receiver, db):
    made = services.subscription_create(
        name="CMS", target_url=receiver.url(), events=list(SUBSCRIBABLE_EVENTS)
    )
    receiver.secret = made.secret
    return made


@pytest.fixture
def second_publisher(roles):
    return UserFactory(username="pia", groups=["publisher"])
