-- Email bodies hold live verification and password-reset links (issue 12 probe finding): the
-- API's login could read them through auth.outbox_pending, granted to oxkair_anon in 0010 (and
-- mark them sent with auth.outbox_mark, so they would never leave). Only the role that sends
-- mail reads them: `oxkair outbox [send]`, as oxkair_owner (0010 granted it too). The API
-- queues mail through its auth functions (auth.queue_email, which it cannot call directly).
-- `oxkair check` fails auth.outbox if a role the API acts as can execute a function that reads
-- or changes auth.outbox.
REVOKE EXECUTE ON FUNCTION auth.outbox_pending(integer), auth.outbox_mark(bigint, text) FROM oxkair_anon;
