"""Fixtures live in tests/fixtures/, by concern."""

pytest_plugins = ["tests.fixtures.db", "tests.fixtures.api", "tests.fixtures.supabase", "tests.fixtures.ops",
                  "tests.fixtures.cases", "tests.fixtures.browser"]
