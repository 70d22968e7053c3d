from floorwatch.cli import main

raise SystemExit(main())
