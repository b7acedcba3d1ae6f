#!/usr/bin/env python
"""Django's command-line utility. ENVIRONMENT picks the settings (development by default)."""

import sys

from django.core.management import execute_from_command_line

from acme_orders.config.environment import use_environment_settings


def main() -> None:
    use_environment_settings()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
