"""manage.py commands; ``migrate`` checks the database exists first."""
