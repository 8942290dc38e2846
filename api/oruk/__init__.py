"""Open Referral UK (HSDS 3.0 UK profile): the read API under `/oruk` and the harvest of feeds."""
