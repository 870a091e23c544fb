"""Check that the database and broker answer, with one line a person can act on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else f"{scheme}://{user}@{host}"


class Command(BaseCommand):
    help = "Check that the configured database (and Redis, when REDIS_URL is set) can be reached."

    def handle(self, *args, **options) -> None:
        try:
            connection.ensure_connection()
        except OperationalError as error:
            detail = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            target = _safe_url(settings.DATABASES["default"].get("NAME", ""))
            if not settings.DATABASE_IS_SQLITE:
                host = settings.DATABASES["default"].get("HOST", "")
                target = f"{settings.DATABASES['default']['NAME']} on {host or 'localhost'}"
            raise CommandError(
                f"DATABASE_URL: cannot reach the database {target}: {detail}"
            ) from None
        if settings.REDIS_URL:
            import redis

            try:
                redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
            except (redis.RedisError, ValueError) as error:
                raise CommandError(
                    f"REDIS_URL: cannot reach Redis at {_safe_url(settings.REDIS_URL)}: {error}"
                ) from None
        self.stdout.write("preflight: database and broker answer")
