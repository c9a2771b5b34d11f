"""Authentication replacing Supabase Auth: passwords, tokens, sessions, MFA, OIDC, email outbox."""
