from django.core.management.base import BaseCommand

from annotations.core.roles import roles_ensure


class Command(BaseCommand):
    help = "Create or update the annotator, reviewer and publisher groups and their permissions."

    def handle(self, *args, **options) -> None:
        for name, count in roles_ensure().items():
            self.stdout.write(f"role {name}: {count} permissions")
