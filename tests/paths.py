"""Where the tests find the repository and their data, whatever folder a test file sits in."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
