"""``python -m simsuite`` is the ``simsuite`` command."""

from simsuite.cli import main

raise SystemExit(main())
