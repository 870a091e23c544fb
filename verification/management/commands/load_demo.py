from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from verification.demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo articles, claims and accounts (safe to run again: nothing is duplicated)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-submit", action="store_true", help="Leave the follow-up claims as drafts."
        )

    def handle(self, *args, no_submit: bool = False, **options) -> None:
        report = demo_load(
            password_file=Path(settings.DATA_DIR) / "demo-accounts.txt", submit=not no_submit
        )
        self.stdout.write(
            f"demo: {report['articles']} article(s), {report['claims']} claim(s) and "
            f"{report['factchecks']} earlier fact-check(s) added, "
            f"{report['submitted']} submitted for checking"
        )
        for name, password in report["accounts"]:
            self.stdout.write(f"demo account: {name} / {password}")
