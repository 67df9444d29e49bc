"""Local stand-ins for the outside systems (SIASN, BSrE, a Moodle LMS).

Each answers over real HTTP as its public documentation says the real system does, errors
included, so the clients in config.integrations are tested end to end without the real
system. They are the only mock in the tests, and `make demo` runs them so the flows can be
seen. They keep their state in memory and are never used in production.
"""
