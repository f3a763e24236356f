from cronmigrate.cli.entry import main

main()
