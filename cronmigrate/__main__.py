from cronmigrate.cli import main

main()
