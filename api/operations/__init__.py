"""Operating a deployment from the command line: backups and restores of the whole database,
and the one-shot preparation (migrations, boundaries, sample data) a release runs once."""
