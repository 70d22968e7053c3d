"""One module per `floorwatch` subcommand, each with `register(subparsers)`."""
