"""The schema: roles.sql and the numbered migrations, applied with yoyo-migrations."""
