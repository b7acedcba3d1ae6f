"""Project configuration: settings, URLs and the server entry point."""
