"""The ``guifan`` command line: parse options, call the engine, format. No business logic here."""
