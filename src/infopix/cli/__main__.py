"""``python -m infopix.cli`` runs the command line."""

from . import main

main()
