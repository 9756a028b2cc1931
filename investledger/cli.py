"""The `investledger` command: Django's management commands under the product's name.

investledger serve [ADDR:PORT]   migrate, then serve the product
investledger demo                load the demo ledger (idempotent)
investledger token USERNAME      print (creating if needed) that user's API token
investledger audit verify        walk the audit hash chain
investledger <any manage.py command>
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investledger.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "investledger"
    if len(argv) == 1:
        print(__doc__)
        argv.append("help")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
