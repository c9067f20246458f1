"""The bonus experiments: one standalone file per idea, each run as `python experiments/<name>.py` (its work in
main()), in the order experiments/registry.py lists; common.py is their shared plumbing."""
