from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from verification.operations.backup import BackupRefused, backup_create


class Command(BaseCommand):
    help = (
        "Write the whole desk (database, archived snapshots, uploads) to one file; safe while "
        "the desk is running."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="The backup file to write (.tar.gz).")

    def handle(self, *args, out: str, **options) -> None:
        try:
            report = backup_create(out=Path(out))
        except BackupRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"backup: {report.path} ({report.bytes / 1e6:.1f} MB): {report.database} database "
            f"at {report.migrations} migrations, {report.files} file(s)"
        )
