from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from verification.operations.backup import BackupRefused, backup_restore


class Command(BaseCommand):
    help = (
        "Replace this desk's database and files with a backup's, entirely or not at all; a "
        "backup from a newer Factdesk is refused."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A file written by `manage.py backup`.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file: str, interactive: bool = True, **options) -> None:
        if interactive:
            answer = input(
                "This replaces every claim, fact, snapshot and account of this desk with the "
                "backup's. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            report = backup_restore(path=Path(file))
        except BackupRefused as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        self.stdout.write(
            f"restore: {report.database} database and {report.files} file(s) restored"
        )
        if report.older_schema:
            self.stdout.write(
                f"The backup predates {len(report.older_schema)} migration(s) of this code: "
                "run `manage.py migrate` before starting the desk."
            )
