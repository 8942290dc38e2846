"""The pages LA officers and moderators use in the browser (`/submit`, `/submit/moderation`),
and the CORS answer that lets partners' own browser apps write."""
